# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET

from ansible_collections.ucops.expressway.plugins.module_utils._report import cli
from ansible_collections.ucops.expressway.plugins.module_utils._report.document import build_report
from ansible_collections.ucops.expressway.plugins.module_utils._report.render import (
    FILE_NAMES,
    junit_classname,
    render_all,
    render_html,
    render_junit,
    render_terminal,
    write_reports,
)

NOW = datetime.datetime(2026, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def row(rule, status, level="must", remedy=None, evidence=None):
    return {
        "subject": "sips:b2b@sbc1.example.test",
        "target": "sbc1.example.test",
        "address": "127.0.0.1",
        "port": 5061,
        "rule": rule,
        "level": level,
        "status": status,
        "summary": "%s is %s" % (rule, status),
        "evidence": evidence or {"seen": rule},
        "remedy": remedy,
    }


def fleet():
    leaf = {"subject": "CN=sbc1.example.test", "not_after": "2026-06-10T00:00:00Z"}
    return {
        "sbc1.example.test": [
            {
                "results": [
                    row("OUT-URI", "pass"),
                    row("OUT-TLS", "fail", remedy="Open TCP 5061."),
                    row("OUT-CERT-VALID", "warn", remedy="Renew the certificate.", evidence={"leaf": leaf}),
                    row("OUT-PTR", "skip", level="should"),
                ]
            }
        ],
        "<b>evil</b>.example.test": [{"results": [row("OUT-URI", "fail", remedy="<script>alert(1)</script>")]}],
        "crashed.example.test": [{"failed": True, "msg": "boom\nsecond line"}],
    }


def report():
    return build_report(fleet(), now=NOW)


def test_junit_one_testcase_per_host_and_rule():
    root = ET.fromstring(render_junit(report()))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "2", "1", "1")
    suites = dict((suite.get("name"), suite) for suite in root.findall("testsuite"))
    sbc1 = suites["sbc1.example.test"]
    cases = dict((case.get("name"), case) for case in sbc1.findall("testcase"))
    assert sorted(cases) == ["OUT-CERT-VALID (must)", "OUT-PTR (should)", "OUT-TLS (must)", "OUT-URI (must)"]
    assert {case.get("classname") for case in cases.values()} == {"webex_b2b.sbc1_example_test"}
    failure = cases["OUT-TLS (must)"].find("failure")
    assert failure.get("message") == "OUT-TLS is fail" and failure.get("type") == "must"
    assert failure.text.startswith("remedy: Open TCP 5061.")
    assert cases["OUT-PTR (should)"].find("skipped") is not None
    warn = cases["OUT-CERT-VALID (must)"]
    assert warn.find("failure") is None and warn.find("skipped") is None
    assert {p.get("name"): p.get("value") for p in warn.iter("property")} == {
        "warning": "OUT-CERT-VALID is warn",
        "remedy": "Renew the certificate.",
    }
    assert list(cases["OUT-URI (must)"]) == [cases["OUT-URI (must)"].find("system-out")]
    error = suites["crashed.example.test"].find("testcase/error")
    assert error.get("message") == "boom" and error.text == "boom\nsecond line"
    assert sbc1.get("timestamp") == "2026-06-01T12:00:00"


def test_junit_classname_keeps_host_one_class():
    assert junit_classname("sbc1.example.test") == "webex_b2b.sbc1_example_test"


def test_terminal_summary_lists_what_is_not_passing():
    text = render_terminal(report(), width=200)
    lines = text.splitlines()
    assert lines[0] == ("Webex B2B readiness: ERROR  (3 hosts, 5 checks: fail 2  warn 1  pass 1  skip 1)")
    assert "  FAIL sbc1.example.test OUT-TLS [must]: OUT-TLS is fail" in lines
    assert "  WARN sbc1.example.test OUT-CERT-VALID [must]: OUT-CERT-VALID is warn" in lines
    assert "  ERROR crashed.example.test: boom second line" in lines
    assert "  CERT sbc1.example.test CN=sbc1.example.test: expiring 2026-06-10T00:00:00Z (8 days)" in lines
    assert not any("OUT-URI [must]" in line and "sbc1" in line for line in lines)


def test_terminal_summary_wraps_and_never_cuts_a_value():
    expected = "'callservice.ciscospark.com'"
    summary = "zone Webex-B2B: tls_verify_subject_name is 'sip.example.test', expected %s" % expected
    fleet_ = {"expe-nyc": [{"results": [dict(row("EXP-ZONE", "fail"), summary=summary, subject="127.0.0.1")]}]}
    text = render_terminal(build_report(fleet_, now=NOW), width=60)
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines), lines
    assert "..." not in text and expected in text and "'sip.example.test'," in text
    # Continuation lines are indented under the entry, and joined back they are the whole summary.
    entry = lines[next(index for index, line in enumerate(lines) if line.startswith("  FAIL")) :]
    assert entry[0].startswith("  FAIL expe-nyc EXP-ZONE [must]:")
    assert all(line.startswith("       ") for line in entry[1:])
    assert " ".join(line.strip() for line in entry).endswith(summary)
    # The entry names the inventory host, not the address the check connected to.
    assert "127.0.0.1" not in text
    # A word longer than the width stays whole on a line of its own.
    long_value = "x" * 80
    fleet_["expe-nyc"][0]["results"][0]["summary"] = "seen %s" % long_value
    assert "       %s" % long_value in render_terminal(build_report(fleet_, now=NOW), width=60).splitlines()


def test_html_is_self_contained_and_escaped():
    page = render_html(report())
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=', page)
    assert "http://" not in page and "https://" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>evil</b>" not in page
    assert re.search(r'id="count-fail">2<', page) and re.search(r'id="count-all">5<', page)
    cells = re.findall(r'<td class="cell status-(\w+)" data-status="\1" data-host="([^"]+)"', page)
    assert sorted(cells) == sorted(
        [
            ("pass", "sbc1.example.test"),
            ("fail", "sbc1.example.test"),
            ("warn", "sbc1.example.test"),
            ("skip", "sbc1.example.test"),
            ("fail", "&lt;b&gt;evil&lt;/b&gt;.example.test"),
        ]
    )
    assert 'data-month="2026-06"' in page and "CN=sbc1.example.test" in page
    for detail in re.findall(r'data-detail="([^"]+)"', page):
        assert 'id="%s"' % detail in page


def test_json_is_the_report_and_formats_can_be_chosen():
    rendered = render_all(report(), ["json", "junit"])
    assert sorted(rendered) == ["json", "junit"]
    assert json.loads(rendered["json"]) == report()


def test_write_reports_reports_change_only_when_content_differs(tmp_path):
    rendered = render_all(report())
    paths, changed = write_reports(rendered, str(tmp_path))
    assert changed and sorted(paths) == ["html", "json", "junit"]
    assert (tmp_path / FILE_NAMES["html"]).read_text() == rendered["html"]
    assert write_reports(rendered, str(tmp_path)) == (paths, False)
    assert not list(tmp_path.glob("*.tmp"))


def test_cli_renders_saved_report_and_results(tmp_path, capsys):
    (tmp_path / "results.json").write_text(json.dumps(fleet()))
    assert cli.main([str(tmp_path / "results.json"), "--results", "-f", "json", "-o", str(tmp_path / "a")]) == 1
    saved = tmp_path / "a" / FILE_NAMES["json"]
    assert cli.main([str(saved), "-f", "junit", "-f", "terminal"]) == 1
    out = capsys.readouterr().out
    assert "junit: %s" % (tmp_path / "a" / FILE_NAMES["junit"]) in out and "FAIL sbc1.example.test OUT-TLS" in out
    assert not (tmp_path / "a" / FILE_NAMES["html"]).exists()


def test_cli_exit_codes(tmp_path, capsys):
    good = build_report({"h": [{"results": [row("OUT-URI", "pass")]}]}, now=NOW)
    (tmp_path / "good.json").write_text(json.dumps(good))
    assert cli.main([str(tmp_path / "good.json"), "-f", "terminal"]) == 0
    assert cli.main([str(tmp_path / "missing.json")]) == 2
    (tmp_path / "bad.json").write_text(json.dumps({"h": [{"results": [{"rule": "OUT-URI", "status": "?"}]}]}))
    assert cli.main([str(tmp_path / "bad.json"), "--results"]) == 2
    assert "status '?'" in capsys.readouterr().err


def test_matrix_columns_are_grouped_by_direction():
    from ansible_collections.ucops.expressway.plugins.module_utils._report.render import column_groups

    rules = [{"id": rule} for rule in ("OUT-URI", "OUT-TLS", "IN-DNS", "EXP-ZONE", "EXP-FW", "X-NEW")]
    assert [(g["key"], g["span"], g["first"]) for g in column_groups(rules)] == [
        ("outbound", 2, "OUT-URI"),
        ("inbound", 1, "IN-DNS"),
        ("expressway", 2, "EXP-ZONE"),
        ("other", 1, "X-NEW"),
    ]
    page = render_html(report())
    assert re.findall(r'<th scope="colgroup" colspan="(\d+)" class="group-start"\s+data-group="(\w+)"', page) == [
        ("4", "outbound")
    ]


def test_slowest_destinations_in_the_terminal_and_the_html():
    timed = dict(row("OUT-TLS", "pass", evidence={"timings": {"connect": 40.2, "tls": 120.0, "sip": 41.0}}))
    fleet_ = {"edge": [{"results": [timed, dict(row("OUT-PTR", "pass", evidence={"timings": {"dns": 39.6}}))]}]}
    report_ = build_report(fleet_, now=NOW)
    lines = render_terminal(report_, width=200).splitlines()
    assert "  SLOW edge sips:b2b@sbc1.example.test: 241 ms (connect 40, dns 40, sip 41, tls 120)" in lines
    page = render_html(report_)
    assert 'id="slowest"' in page and "241 ms (connect 40, dns 40, sip 41, tls 120)" in page
    assert 'id="slowest"' not in render_html(build_report({"edge": [{"results": [row("OUT-URI", "pass")]}]}, now=NOW))
