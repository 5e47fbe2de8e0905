"""Cross-checks of a written report: the JSON, JUnit and HTML files against each other and the modules.

``assert_reports_agree(report_dir, module_results)`` works on any report directory (the tests' own, or
the one ``make demo`` writes). The expected cells are recomputed here from the raw check module results,
independently of the collection's report code, so a bug in that code cannot hide itself.
"""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

WORST_FIRST = ("fail", "warn", "pass", "skip")
FILES = {"json": "webex-report.json", "junit": "webex-report.junit.xml", "html": "webex-report.html"}


def _results_of(value):
    """A host's value as a list of module results; loop registrations are unwrapped."""
    items = [value] if isinstance(value, dict) else list(value or [])
    out = []
    for item in items:
        rows = item.get("results")
        if isinstance(rows, list) and rows and all("ansible_loop_var" in row for row in rows):
            out.extend(rows)
        else:
            out.append(item)
    return out


def expected_cells(module_results):
    """({(host, rule): status}, {host: error count}) from {host: check module result(s)}, grouped by host."""
    seen, errors = {}, {}
    for host, value in module_results.items():
        results = [r for r in _results_of(value) if not r.get("skipped")]
        if not _results_of(value):
            errors[host] = 1
        for result in results:
            if result.get("results") is None:
                errors[host] = errors.get(host, 0) + 1
                continue
            for row in list(result["results"]) + list(result.get("rules") or []):
                seen.setdefault((host, row["rule"]), set()).add(row["status"])
    cells = dict((key, next(s for s in WORST_FIRST if s in statuses)) for key, statuses in seen.items())
    return cells, errors


def count(cells):
    return dict((status, sum(1 for value in cells.values() if value == status)) for status in WORST_FIRST)


def json_cells(report):
    cells = dict(((host["name"], cell["rule"]), cell["status"]) for host in report["hosts"] for cell in host["rules"])
    errors = dict((host["name"], len(host["errors"])) for host in report["hosts"] if host["errors"])
    return cells, errors


def junit_cells(path):
    """Statuses by (suite name, rule) read back from JUnit, plus error counts and the root's totals."""
    root = ET.parse(path).getroot()
    cells, errors = {}, {}
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            if case.find("error") is not None:
                errors[suite.get("name")] = errors.get(suite.get("name"), 0) + 1
                continue
            cells[(suite.get("name"), case.get("name").split()[0])] = _junit_status(case)
    totals = dict((key, int(root.get(key))) for key in ("tests", "failures", "errors", "skipped"))
    return cells, errors, totals


def _junit_status(case):
    if case.find("failure") is not None:
        return "fail"
    if case.find("skipped") is not None:
        return "skip"
    if any(prop.get("name") == "warning" for prop in case.iter("property")):
        return "warn"
    return "pass"


class _MatrixParser(HTMLParser):
    """Collects the matrix cells and the status counts the page shows."""

    def __init__(self):
        super().__init__()
        self.cells, self.counts, self._count_id = {}, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td" and attrs.get("data-host"):
            self.cells[(attrs["data-host"], attrs["data-rule"])] = attrs["data-status"]
        if tag == "span" and (attrs.get("id") or "").startswith("count-"):
            self._count_id = attrs["id"][len("count-") :]

    def handle_data(self, data):
        if self._count_id and data.strip():
            self.counts[self._count_id] = int(data.strip())
            self._count_id = None


def html_cells(path):
    parser = _MatrixParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser.cells, parser.counts


def assert_reports_agree(report_dir, module_results):
    """Fail unless JSON, JUnit, HTML and the module results give the same status for every host x rule."""
    report_dir = Path(report_dir)
    expected, expected_errors = expected_cells(module_results)
    report = json.loads((report_dir / FILES["json"]).read_text(encoding="utf-8"))
    cells, errors = json_cells(report)
    assert cells == expected, _diff("JSON", cells, expected)
    assert errors == expected_errors, "JSON errors %r, module results %r" % (errors, expected_errors)
    summary = report["summary"]
    assert summary["status"] == count(expected), "JSON summary %r != %r" % (summary["status"], count(expected))
    assert summary["total"] == len(expected)
    assert sum(sum(by_status.values()) for by_status in summary["level"].values()) == len(expected)
    junit, junit_errors, totals = junit_cells(report_dir / FILES["junit"])
    assert junit == expected, _diff("JUnit", junit, expected)
    assert junit_errors == expected_errors
    assert totals == {
        "tests": len(expected) + sum(expected_errors.values()),
        "failures": count(expected)["fail"],
        "errors": sum(expected_errors.values()),
        "skipped": count(expected)["skip"],
    }
    html, counts = html_cells(report_dir / FILES["html"])
    assert html == expected, _diff("HTML", html, expected)
    assert counts == dict(count(expected), all=len(expected)), "HTML counts %r" % counts
    assert_matches_schema(report)
    return report


def _diff(what, got, expected):
    keys = sorted(set(got) | set(expected))
    lines = [
        "%s %s: %s, expected %s" % (what, key, got.get(key), expected.get(key))
        for key in keys
        if got.get(key) != expected.get(key)
    ]
    return "\n".join(lines[:20]) or "%s differs" % what


def assert_matches_schema(report):
    """Validate a report document against docs/report-schema.json."""
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[3] / "docs" / "report-schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(report)
