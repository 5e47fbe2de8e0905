# -*- coding: utf-8 -*-
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fleet readiness report model: check module results folded into one JSON document.

A report cell is one host x rule. Its status is the worst status the check modules reported for that
rule on that host (over every subject and address), and it keeps every row as evidence, so a reader
sees one answer per host and rule and can still drill down to what was seen. Pure Python on purpose:
the renderers, the module and the command line all start from the document this file builds.
"""

from __future__ import annotations

import datetime

from ansible_collections.ucops.expressway.plugins.module_utils._report.cert_calendar import certificate_calendar
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import STATUSES, worst
from ansible_collections.ucops.expressway.plugins.module_utils._checks.catalogue import LEVELS, RULES

SCHEMA_VERSION = "1.0"
COLLECTION_NAME = "ucops.expressway"
# Kept equal to galaxy.yml by a unit test: a module cannot read the collection's manifest at run time.
COLLECTION_VERSION = "0.1.0"
DEFAULT_TRUST_BUNDLE = "certifi (Mozilla CA store)"
# How many destinations the report lists under "slowest".
SLOWEST_LIMIT = 10

# Worst first: the order statuses are listed and counted in.
# The vocabulary is the checks' own: statuses worst first, levels of the rule catalogue.
ROW_FIELDS = ("subject", "target", "address", "port", "status", "summary", "evidence", "remedy")
# Matrix columns follow the catalogue, the order the requirements page reads in; unknown IDs go last.
_CATALOGUE_ORDER = dict((rule_id, index) for index, rule_id in enumerate(RULES))


class ReportError(Exception):
    """A result handed to the report does not have the shape of a check module result."""


def worst_status(statuses):
    """The worst of some statuses (fail > warn > pass > skip), the same roll-up as the check modules'."""
    return worst(statuses)


def highest_level(levels):
    """The strictest level seen; a rule that became must in one run stays must in the report."""
    seen = set(levels)
    for level in LEVELS:
        if level in seen:
            return level
    return "info"


def rule_sort_key(rule_id):
    return (_CATALOGUE_ORDER.get(rule_id, len(_CATALOGUE_ORDER)), rule_id)


def count_statuses(statuses):
    counts = dict((status, 0) for status in STATUSES)
    for status in statuses:
        counts[status] += 1
    return counts


def _check_status(value, where):
    if value not in STATUSES:
        raise ReportError("%s: status %r is not one of %s" % (where, value, ", ".join(STATUSES)))
    return value


def _as_result_list(host, value):
    """A host's registered check results: one module result or a list of them."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(item, dict) for item in value):
        return [result for item in value for result in _unloop(item)]
    raise ReportError("%s: expected a check module result or a list of them, got %s" % (host, type(value).__name__))


def _unloop(result):
    """A check task run with a loop registers its item results under ``results``; unwrap them."""
    rows = result.get("results")
    if isinstance(rows, list) and rows and all(isinstance(row, dict) and "ansible_loop_var" in row for row in rows):
        return rows
    return [result]


class _Collector(object):
    """Accumulates cells, errors and run options while results are folded in."""

    def __init__(self, group_by):
        self.group_by = group_by
        self.cells = {}
        self.errors = {}
        self.resolvers = []
        self.trust_bundles = []

    def cell(self, host, rule):
        key = (host, rule)
        if key not in self.cells:
            self.cells[key] = {"rule": rule, "levels": [], "statuses": [], "checks": []}
        return self.cells[key]

    def fold(self, host, result):
        if result.get("skipped"):
            return
        rows = result.get("results")
        if rows is None:
            # A task that failed before checking anything (bad option, missing library) has no rows.
            msg = result.get("msg") or "check module returned no results"
            self.errors.setdefault(host, []).append(str(msg))
            return
        self._note_options(result.get("invocation", {}).get("module_args", {}))
        for index, row in enumerate(rows):
            self._fold_row(host, row, "%s: results[%d]" % (host, index))
        for index, roll in enumerate(result.get("rules") or []):
            where = "%s: rules[%d]" % (host, index)
            cell = self.cell(self._group(host, roll), _required(roll, "rule", where))
            cell["statuses"].append(_check_status(roll.get("status"), where))
            cell["levels"].append(roll.get("level") or "info")

    def _fold_row(self, host, row, where):
        cell = self.cell(self._group(host, row), _required(row, "rule", where))
        _check_status(row.get("status"), where)
        cell["statuses"].append(row["status"])
        cell["levels"].append(row.get("level") or "info")
        cell["checks"].append(dict((field, row.get(field)) for field in ROW_FIELDS))

    def _group(self, host, row):
        if self.group_by == "subject":
            return str(row.get("subject") or host)
        return host

    def _note_options(self, args):
        port = args.get("resolver_port") or 53
        for resolver in args.get("resolvers") or []:
            name = str(resolver) if port == 53 else "%s:%s" % (resolver, port)
            if name not in self.resolvers:
                self.resolvers.append(name)
        if "resolvers" in args or "ca_bundle" in args:
            bundle = args.get("ca_bundle") or DEFAULT_TRUST_BUNDLE
            if bundle not in self.trust_bundles:
                self.trust_bundles.append(bundle)


def _required(row, field, where):
    if not isinstance(row, dict) or not row.get(field):
        raise ReportError("%s: missing %r" % (where, field))
    return row[field]


def _finish_cell(raw):
    """Turn the accumulated statuses and rows of one host x rule into the cell the report shows."""
    status = worst_status(raw["statuses"])
    checks = sorted(raw["checks"], key=lambda row: STATUSES.index(row["status"]))
    headline = checks[0]["summary"] if checks else None
    remedies = []
    for row in checks:
        if row["status"] in ("fail", "warn") and row.get("remedy") and row["remedy"] not in remedies:
            remedies.append(row["remedy"])
    return {
        "rule": raw["rule"],
        "level": highest_level(raw["levels"]),
        "status": status,
        "summary": headline,
        "remedy": "\n".join(remedies) or None,
        "checks": checks,
    }


def _summarise(cells, error_count):
    levels = dict((level, count_statuses([])) for level in LEVELS)
    for cell in cells:
        levels[cell["level"]][cell["status"]] += 1
    return {
        "total": len(cells),
        "status": count_statuses(cell["status"] for cell in cells),
        "level": levels,
        "errors": error_count,
        "verdict": "error" if error_count else worst_status(cell["status"] for cell in cells),
    }


def _hosts(collector, host_names):
    hosts = []
    for name in sorted(set(host_names) | set(host for host, dummy in collector.cells) | set(collector.errors)):
        raw = [cell for (host, dummy), cell in collector.cells.items() if host == name]
        cells = sorted((_finish_cell(cell) for cell in raw), key=lambda cell: rule_sort_key(cell["rule"]))
        errors = collector.errors.get(name, [])
        hosts.append({"name": name, "summary": _summarise(cells, len(errors)), "errors": errors, "rules": cells})
    return hosts


def iso_utc(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_report(
    results_by_host,
    now=None,
    group_by="host",
    title="Webex B2B readiness",
    resolvers=None,
    trust_bundles=None,
    expiry_warning_days=30,
):
    """Build the report document from {host: check module result(s)}; raises ReportError on bad input."""
    if not isinstance(results_by_host, dict):
        raise ReportError("results must be a mapping of host name to check module results")
    collector = _Collector(group_by)
    for host in sorted(results_by_host):
        results = _as_result_list(host, results_by_host[host])
        if not results:
            collector.errors[str(host)] = [
                "no check results recorded (host unreachable, failed before the checks, or no check ran)"
            ]
        for result in results:
            collector.fold(str(host), result)
    host_names = [] if group_by == "subject" else [str(host) for host in results_by_host]
    return assemble_report(
        _hosts(collector, host_names),
        now=now,
        group_by=group_by,
        title=title,
        resolvers=list(resolvers) if resolvers else collector.resolvers,
        trust_bundles=list(trust_bundles) if trust_bundles else collector.trust_bundles,
        expiry_warning_days=expiry_warning_days,
    )


def summarise_host(host):
    """A host entry with its summary counted again from its cells and errors (after a merge)."""
    return dict(host, summary=_summarise(host["rules"], len(host["errors"])))


def assemble_report(
    hosts,
    now=None,
    group_by="host",
    title="Webex B2B readiness",
    resolvers=(),
    trust_bundles=(),
    expiry_warning_days=30,
):
    """The report document around finished host entries: columns, calendar, counts and metadata."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    all_cells = [cell for host in hosts for cell in host["rules"]]
    rule_levels = {}
    for cell in all_cells:
        rule_levels[cell["rule"]] = highest_level([cell["level"], rule_levels.get(cell["rule"], "info")])
    return {
        "schema_version": SCHEMA_VERSION,
        "metadata": {
            "title": title,
            "generated": iso_utc(now),
            "collection": COLLECTION_NAME,
            "collection_version": COLLECTION_VERSION,
            "resolvers": list(resolvers),
            "trust_bundles": list(trust_bundles),
            "group_by": group_by,
            "expiry_warning_days": expiry_warning_days,
            "hosts": [host["name"] for host in hosts],
        },
        "rules": [{"id": rule, "level": rule_levels[rule]} for rule in sorted(rule_levels, key=rule_sort_key)],
        "hosts": hosts,
        "certificates": certificate_calendar(hosts, now, expiry_warning_days),
        "slowest": slowest_destinations(hosts),
        "summary": _summarise(all_cells, sum(len(host["errors"]) for host in hosts)),
    }


def slowest_destinations(hosts, limit=SLOWEST_LIMIT):
    """The destinations that took longest, from the ``timings`` (milliseconds per phase) in row evidence.

    A destination's time is the sum of its phases (DNS, connect, TLS, SIP) over every target and
    address: the time it cost, whatever ran in parallel. Rows without timings (older results,
    other checks) add nothing; an empty list when none carries any.
    """
    totals = {}
    for host in hosts:
        for cell in host["rules"]:
            for row in cell["checks"]:
                timings = (row.get("evidence") or {}).get("timings")
                if not isinstance(timings, dict):
                    continue
                key = (host["name"], str(row.get("subject") or host["name"]))
                phases = totals.setdefault(key, {})
                for phase, value in timings.items():
                    if isinstance(value, (int, float)):
                        phases[phase] = round(phases.get(phase, 0.0) + value, 1)
    ranked = sorted(totals.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [
        {"host": host, "subject": subject, "total_ms": round(sum(phases.values()), 1), "timings_ms": phases}
        for (host, subject), phases in ranked[:limit]
    ]
