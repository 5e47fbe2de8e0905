# -*- coding: utf-8 -*-
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Several reports folded into one: the job slices of AWX / Automation Platform, or runs over parts of a fleet.

A sliced job runs the same playbook once per part of the inventory, and each slice writes a report of its
own hosts. Every host entry of a report already holds its cells with all their evidence, so the merged
report takes the host entries as they are and counts columns, calendar and totals again: merging the
slices of a fleet gives the report one run over the whole fleet would have written (same hosts, same
cells), apart from the time it was generated.
"""

from __future__ import annotations

import json

from ansible_collections.ucops.expressway.plugins.module_utils._report.document import (
    SCHEMA_VERSION,
    ReportError,
    assemble_report,
    summarise_host,
)

_MAJOR = SCHEMA_VERSION.split(".", 1)[0]


def check_report(data, where):
    """data is a report document this code can read (same schema major version); returns it."""
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ReportError("%s is not a report document (no schema_version)" % where)
    if str(data["schema_version"]).split(".", 1)[0] != _MAJOR:
        raise ReportError(
            "%s has schema version %s; this collection reads %s.x" % (where, data["schema_version"], _MAJOR)
        )
    for key in ("metadata", "hosts"):
        if key not in data:
            raise ReportError("%s: missing %r" % (where, key))
    return data


def load_report(path):
    """A saved report document (webex-report.json); raises ReportError when it cannot be used."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as err:
        raise ReportError("cannot read the report %s: %s" % (path, err)) from err
    return check_report(data, path)


def _union(lists):
    seen = []
    for values in lists:
        for value in values or []:
            if value not in seen:
                seen.append(value)
    return seen


def _group_by(reports):
    modes = _union([[report["metadata"].get("group_by", "host")] for report in reports])
    if len(modes) > 1:
        raise ReportError(
            "cannot merge reports grouped by %s: rows would mix inventory hosts and checked "
            "subjects" % " and ".join(modes)
        )
    return modes[0] if modes else "host"


def _sources(reports):
    """Where the merged report came from: each input's time and hosts (inputs that merged others
    contribute their own sources, so merging merged reports keeps the whole history flat)."""
    sources = []
    for report in reports:
        meta = report["metadata"]
        if not report["hosts"] and not meta.get("sources"):
            continue  # a run that only merged others (no results of its own)
        sources.extend(
            meta.get("sources")
            or [{"generated": meta.get("generated"), "hosts": [host["name"] for host in report["hosts"]]}]
        )
    return sources


def merge_reports(reports, now=None, title=None, expiry_warning_days=None):
    """One report from several. A host found in more than one keeps its entry from the last report
    that has it (a re-run of a slice replaces the earlier run of that host)."""
    if not reports:
        raise ReportError("nothing to merge: no report given")
    for index, report in enumerate(reports):
        check_report(report, "report %d" % (index + 1))
    hosts = {}
    for report in reports:
        for host in report["hosts"]:
            hosts[host["name"]] = summarise_host(host)
    first = reports[0]["metadata"]
    merged = assemble_report(
        [hosts[name] for name in sorted(hosts)],
        now=now,
        group_by=_group_by(reports),
        title=title or first.get("title") or "Webex B2B readiness",
        resolvers=_union(report["metadata"].get("resolvers") for report in reports),
        trust_bundles=_union(report["metadata"].get("trust_bundles") for report in reports),
        expiry_warning_days=expiry_warning_days or first.get("expiry_warning_days") or 30,
    )
    merged["metadata"]["sources"] = _sources(reports)
    return merged
