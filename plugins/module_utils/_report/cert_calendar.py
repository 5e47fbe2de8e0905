# -*- coding: utf-8 -*-
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The certificate expiry calendar of the report, gathered from the evidence of check results.

Check modules describe certificates in their evidence in whatever nesting suits the rule (a leaf, a
chain, a client certificate); all of them carry a ``not_after`` timestamp. Searching the evidence for
that key, instead of knowing every module's layout, keeps the calendar working as checks are added.
"""

from __future__ import annotations

import datetime

# The keys a certificate description may use for its name, most specific first.
_NAME_KEYS = ("subject", "common_name", "cn", "subject_cn", "name")
_WALK_DEPTH = 8


def parse_timestamp(value):
    """A timezone-aware datetime from an ISO 8601 string (``Z`` or offset); None when unreadable."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def find_certificates(evidence, depth=0):
    """Every dict inside evidence that has a ``not_after`` key, in document order."""
    if depth > _WALK_DEPTH:
        return []
    found = []
    if isinstance(evidence, dict):
        if "not_after" in evidence:
            found.append(evidence)
        for value in evidence.values():
            found.extend(find_certificates(value, depth + 1))
    elif isinstance(evidence, list):
        for value in evidence:
            found.extend(find_certificates(value, depth + 1))
    return found


def _certificate_name(cert):
    for key in _NAME_KEYS:
        if cert.get(key):
            return str(cert[key])
    return "(unnamed certificate)"


def _expiry_state(days_left, warning_days):
    if days_left < 0:
        return "expired"
    if days_left < warning_days:
        return "expiring"
    return "valid"


def days_left(moment, now):
    """Whole days from now to moment, rounded down: the count OUT-CERT-VALID puts in its evidence.

    Rounding toward zero instead would make a certificate that expired 2.5 days ago read -2 in the
    calendar and -3 in the evidence.
    """
    return int((moment - now).total_seconds() // 86400)


def _measured_days(evidence, cert):
    """The days_left a check recorded beside this certificate, if any: it was counted when the
    certificate was seen, so the calendar repeats it instead of counting again on the report's clock."""
    if not isinstance(evidence, dict):
        return None
    if evidence.get("certificate") is cert and isinstance(evidence.get("days_left"), int):
        return evidence["days_left"]
    return None


def certificate_calendar(hosts, now, warning_days):
    """One entry per host x certificate (the same certificate seen by several rules is listed once)."""
    entries = {}
    for host in hosts:
        for cell in host["rules"]:
            for row in cell["checks"]:
                for cert in find_certificates(row.get("evidence")):
                    _add_entry(entries, host["name"], cell["rule"], row, cert, (now, warning_days))
    return sorted(entries.values(), key=lambda entry: (entry["not_after"], entry["host"], entry["certificate"]))


def _add_entry(entries, host, rule, row, cert, clock):
    now, warning_days = clock
    moment = parse_timestamp(cert.get("not_after"))
    if moment is None:
        return
    name = _certificate_name(cert)
    key = (host, name, cert.get("serial") or cert.get("serial_number"), moment)
    measured = _measured_days(row.get("evidence"), cert)
    if key in entries:
        if rule not in entries[key]["rules"]:
            entries[key]["rules"].append(rule)
        if measured is not None:
            _set_days(entries[key], measured, warning_days)
        return
    entries[key] = {
        "host": host,
        "certificate": name,
        "subject": row.get("subject"),
        "address": row.get("address"),
        "not_after": moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "month": moment.astimezone(datetime.timezone.utc).strftime("%Y-%m"),
        "rules": [rule],
    }
    _set_days(entries[key], days_left(moment, now) if measured is None else measured, warning_days)


def _set_days(entry, days, warning_days):
    entry["days_left"] = days
    entry["state"] = _expiry_state(days, warning_days)
