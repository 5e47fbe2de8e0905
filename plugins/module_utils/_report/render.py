# -*- coding: utf-8 -*-
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Renderers of the report document: JUnit XML, a self-contained HTML page and a terminal summary.

Every renderer reads only the JSON document built by ``_report.document.build_report``, so a saved report can
be rendered again later (``_report.cli``) and all three outputs agree by construction.
"""

from __future__ import annotations

import json
import os
import textwrap
import traceback
import xml.etree.ElementTree as ET

from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import STATUSES
from ansible_collections.ucops.expressway.plugins.module_utils._report.templates import HTML_TEMPLATE

# The terminal lists this many of the report's slowest destinations (the JSON and HTML keep them all).
SLOWEST_SHOWN = 5
from ansible_collections.ucops.expressway.plugins.module_utils._checks.catalogue import RULES

try:
    import jinja2
except ImportError:
    HAS_JINJA2 = False
    JINJA2_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_JINJA2 = True
    JINJA2_IMPORT_ERROR = None

FORMATS = ("json", "junit", "html")
FILE_NAMES = {"json": "webex-report.json", "junit": "webex-report.junit.xml", "html": "webex-report.html"}
# Matrix column groups, by rule ID prefix: which way a call goes, or the Expressway's own configuration.
COLUMN_GROUPS = (
    ("OUT-", "outbound", "Outbound: Webex calls the SBC"),
    ("IN-", "inbound", "Inbound: the SBC calls Webex"),
    ("EXP-", "expressway", "Expressway configuration"),
)
# JUnit consumers (Jenkins, GitLab) split classname on dots into package and class: keep the host one class.
JUNIT_PACKAGE = "webex_b2b"


def junit_classname(host):
    return "%s.%s" % (JUNIT_PACKAGE, host.replace(".", "_"))


def _evidence_text(cell):
    lines = []
    for row in cell["checks"]:
        where = " ".join(str(part) for part in (row.get("target"), row.get("address"), row.get("port")) if part)
        lines.append("[%s] %s %s: %s" % (row["status"], row.get("subject") or "", where, row.get("summary") or ""))
        if row.get("evidence") is not None:
            lines.append("  evidence: " + json.dumps(row["evidence"], sort_keys=True, default=str))
    return "\n".join(lines)


def _junit_testcase(suite, host, cell):
    case = ET.SubElement(
        suite,
        "testcase",
        {"classname": junit_classname(host), "name": "%s (%s)" % (cell["rule"], cell["level"]), "time": "0"},
    )
    message = cell.get("summary") or cell["status"]
    remedy = "remedy: %s\n" % cell["remedy"] if cell.get("remedy") else ""
    if cell["status"] == "fail":
        failure = ET.SubElement(case, "failure", {"message": message, "type": cell["level"]})
        failure.text = remedy + _evidence_text(cell)
    elif cell["status"] == "skip":
        ET.SubElement(case, "skipped", {"message": message})
    elif cell["status"] == "warn":
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", {"name": "warning", "value": message})
        if cell.get("remedy"):
            ET.SubElement(props, "property", {"name": "remedy", "value": cell["remedy"]})
    if cell["status"] != "fail":
        ET.SubElement(case, "system-out").text = remedy + _evidence_text(cell)


def _junit_suite(root, host, timestamp):
    counts = host["summary"]["status"]
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": host["name"],
            "tests": str(host["summary"]["total"] + len(host["errors"])),
            "failures": str(counts["fail"]),
            "errors": str(len(host["errors"])),
            "skipped": str(counts["skip"]),
            "time": "0",
            "timestamp": timestamp.rstrip("Z"),
            "hostname": host["name"],
        },
    )
    for cell in host["rules"]:
        _junit_testcase(suite, host["name"], cell)
    for index, message in enumerate(host["errors"]):
        # A check task that failed before checking anything is an error of the run, not of a rule.
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": junit_classname(host["name"]), "name": "check-run-%d" % (index + 1), "time": "0"},
        )
        ET.SubElement(case, "error", {"message": message.splitlines()[0] if message else "error"}).text = message


def render_junit(report):
    """JUnit XML text: one testsuite per host, one testcase per host x rule."""
    summary = report["summary"]
    root = ET.Element(
        "testsuites",
        {
            "name": report["metadata"]["title"],
            "tests": str(summary["total"] + summary["errors"]),
            "failures": str(summary["status"]["fail"]),
            "errors": str(summary["errors"]),
            "skipped": str(summary["status"]["skip"]),
            "time": "0",
        },
    )
    for host in report["hosts"]:
        _junit_suite(root, host, report["metadata"]["generated"])
    if hasattr(ET, "indent"):
        ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_terminal(report, width=100):
    """A few lines for a console: the verdict, counts, and one entry per cell that is not a pass.

    Long entries are wrapped, never cut: the expected and the seen value of a failed check are what a
    reader acts on. Words (a value, a URI, a fingerprint) are never split across lines.
    """
    meta, summary = report["metadata"], report["summary"]
    counts = "  ".join("%s %d" % (status, summary["status"][status]) for status in STATUSES)
    lines = [
        "%s: %s  (%d hosts, %d checks: %s)"
        % (meta["title"], summary["verdict"].upper(), len(report["hosts"]), summary["total"], counts)
    ]
    for host in report["hosts"]:
        for message in host["errors"]:
            lines.append("  ERROR %s: %s" % (host["name"], " ".join(message.split())))
        for cell in host["rules"]:
            if cell["status"] in ("fail", "warn"):
                lines.append(
                    "  %-4s %s %s [%s]: %s"
                    % (cell["status"].upper(), host["name"], cell["rule"], cell["level"], cell.get("summary") or "")
                )
    for cert in report.get("certificates", []):
        if cert["state"] != "valid":
            lines.append(
                "  CERT %s %s: %s %s (%d days)"
                % (cert["host"], cert["certificate"], cert["state"], cert["not_after"], cert["days_left"])
            )
    for slow in report.get("slowest", [])[:SLOWEST_SHOWN]:
        lines.append("  SLOW %s %s: %s" % (slow["host"], slow["subject"], timing_text(slow)))
    return "".join(_wrap(line, width) for line in lines)


def timing_text(slow):
    """'412 ms (connect 41, dns 81, sip 80, tls 210)' for one entry of the report's slowest list."""
    phases = ", ".join("%s %.0f" % (phase, value) for phase, value in sorted(slow["timings_ms"].items()))
    return "%.0f ms (%s)" % (slow["total_ms"], phases)


def _wrap(line, width):
    # Continuation lines start under the status word; a word longer than the width keeps a line of its own.
    wrapped = textwrap.wrap(line, width, subsequent_indent=" " * 7, break_long_words=False, break_on_hyphens=False)
    return "".join(part + "\n" for part in wrapped or [line])


def _calendar_months(report):
    months = {}
    for cert in report.get("certificates", []):
        months.setdefault(cert["month"], []).append(cert)
    return sorted(months.items())


def column_groups(rules):
    """Runs of neighbouring matrix columns of one group: [{key, label, span, first}] in column order."""
    groups = []
    for rule in rules:
        key, label = next(
            ((key, label) for prefix, key, label in COLUMN_GROUPS if rule["id"].startswith(prefix)), ("other", "Other")
        )
        if groups and groups[-1]["key"] == key:
            groups[-1]["span"] += 1
        else:
            groups.append({"key": key, "label": label, "span": 1, "first": rule["id"]})
    return groups


def render_html(report):
    """The self-contained HTML page (no external assets, so it works opened from a file)."""
    if not HAS_JINJA2:
        raise RuntimeError("jinja2 is required to render the HTML report")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(HTML_TEMPLATE)
    cells = dict(((host["name"], cell["rule"]), cell) for host in report["hosts"] for cell in host["rules"])
    groups = column_groups(report["rules"])
    return template.render(
        report=report,
        cells=cells,
        statuses=STATUSES,
        months=_calendar_months(report),
        groups=groups,
        group_starts=set(group["first"] for group in groups),
        # The legend: each rule column's header says what the rule asks.
        rule_text=dict((rule_id, rule.text) for rule_id, rule in RULES.items()),
        timing_text=timing_text,
        pretty=lambda value: json.dumps(value, indent=2, sort_keys=True, default=str),
    )


RENDERERS = {
    "json": lambda report: json.dumps(report, indent=2, sort_keys=True) + "\n",
    "junit": render_junit,
    "html": render_html,
}


def render_all(report, formats=FORMATS):
    """{format: text} for the asked formats, in the order of FORMATS."""
    return dict((fmt, RENDERERS[fmt](report)) for fmt in FORMATS if fmt in formats)


def write_reports(rendered, report_dir):
    """Write rendered texts into report_dir; returns {format: path} and whether any file changed."""
    paths, changed = {}, False
    for fmt, text in rendered.items():
        path = os.path.join(report_dir, FILE_NAMES[fmt])
        paths[fmt] = path
        if os.path.exists(path):
            with open(path, "r", encoding="utf-8") as handle:
                if handle.read() == text:
                    continue
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        changed = True
    return paths, changed
