# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._report import cli
from ansible_collections.ucops.expressway.plugins.module_utils._report.document import ReportError, build_report
from ansible_collections.ucops.expressway.plugins.module_utils._report.merge import load_report, merge_reports
from ansible_collections.ucops.expressway.plugins.module_utils._report.render import render_html

NOW = datetime.datetime(2026, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
LATER = NOW + datetime.timedelta(hours=2)


def row(rule, status, subject="sips:b2b@sbc.example.test", evidence=None):
    return {
        "subject": subject,
        "target": "sbc.example.test",
        "address": "127.0.0.1",
        "port": 5061,
        "rule": rule,
        "level": "must",
        "status": status,
        "summary": "%s %s" % (rule, status),
        "evidence": evidence or {},
        "remedy": "fix %s" % rule if status != "pass" else None,
    }


def fleet():
    soon = {"subject": "CN=soon", "not_after": (NOW + datetime.timedelta(days=9, hours=3)).isoformat()}
    return {
        "sbc1": [
            {
                "results": [row("OUT-URI", "pass"), row("OUT-TLS", "fail")],
                "invocation": {"module_args": {"resolvers": ["127.0.0.1"], "resolver_port": 5300}},
            }
        ],
        "sbc2": [{"results": [row("OUT-CERT-VALID", "warn", evidence={"certificate": soon, "days_left": 9})]}],
        "sbc3": [{"results": [row("EXP-ZONE", "pass")], "invocation": {"module_args": {"resolvers": ["127.0.0.2"]}}}],
        "sbc4": [],
    }


def found(report):
    meta = dict((k, v) for k, v in report["metadata"].items() if k not in ("generated", "sources"))
    return dict(report, metadata=meta)


@pytest.mark.parametrize("slices", [1, 2, 3, 4])
def test_slices_merge_into_the_whole(slices):
    results = fleet()
    whole = build_report(results, now=NOW)
    names = sorted(results)
    parts = [
        build_report(dict((name, results[name]) for name in names[index::slices]), now=NOW) for index in range(slices)
    ]
    merged = merge_reports(parts, now=LATER)
    assert found(merged) == found(whole)
    assert merged["metadata"]["generated"] == "2026-06-01T14:00:00Z"
    assert [source["hosts"] for source in merged["metadata"]["sources"]] == [names[i::slices] for i in range(slices)]
    # The calendar repeats what the check counted, whenever the merge runs.
    assert merged["certificates"][0]["days_left"] == 9
    assert ">merged from %d reports<" % slices in render_html(merged)
    assert 'id="sources"' not in render_html(whole)


def test_last_report_wins_for_a_host_in_several():
    first = build_report({"sbc1": [{"results": [row("OUT-TLS", "fail")]}]}, now=NOW)
    again = build_report({"sbc1": [{"results": [row("OUT-TLS", "pass")]}]}, now=LATER)
    merged = merge_reports([first, again])
    assert merged["hosts"][0]["rules"][0]["status"] == "pass" and merged["summary"]["verdict"] == "pass"
    assert merge_reports([again, first])["summary"]["verdict"] == "fail"


def test_merged_reports_merge_again_with_a_flat_history():
    results = fleet()
    one = merge_reports(
        [build_report({"sbc1": results["sbc1"]}, now=NOW), build_report({"sbc2": results["sbc2"]}, now=NOW)]
    )
    two = merge_reports([one, build_report({"sbc3": results["sbc3"]}, now=NOW), build_report({}, now=NOW)])
    assert [source["hosts"] for source in two["metadata"]["sources"]] == [["sbc1"], ["sbc2"], ["sbc3"]]
    assert two["metadata"]["resolvers"] == ["127.0.0.1:5300", "127.0.0.2"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ([], "nothing to merge"),
        ([{"hosts": []}], "not a report document"),
        ([{"schema_version": "2.0", "metadata": {}, "hosts": []}], "schema version 2.0; this collection reads 1.x"),
        ([{"schema_version": "1.0", "metadata": {}}], "missing 'hosts'"),
    ],
)
def test_merge_refuses_what_it_cannot_read(bad, message):
    with pytest.raises(ReportError, match=message):
        merge_reports(bad)


def test_merge_refuses_mixed_groupings():
    by_host = build_report(fleet(), now=NOW)
    by_subject = build_report(fleet(), now=NOW, group_by="subject")
    with pytest.raises(ReportError, match="grouped by host and subject"):
        merge_reports([by_host, by_subject])


def test_load_report_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{")
    with pytest.raises(ReportError, match="cannot read the report .*broken.json"):
        load_report(str(path))


def test_cli_merge(tmp_path, capsys):
    results = fleet()
    paths = []
    for index, names in enumerate((["sbc1", "sbc3"], ["sbc2", "sbc4"])):
        paths.append(tmp_path / ("slice%d.json" % index))
        paths[-1].write_text(json.dumps(build_report(dict((name, results[name]) for name in names), now=NOW)))
    out = tmp_path / "merged"
    assert cli.main(["--merge"] + [str(path) for path in paths] + ["-o", str(out)]) == 1
    merged = json.loads((out / "webex-report.json").read_text())
    assert found(merged) == found(build_report(results, now=NOW))
    assert "html: %s" % (out / "webex-report.html") in capsys.readouterr().out
    assert cli.main(["--merge"] + [str(path) for path in paths]) == 2
    assert "--merge needs --output-dir" in capsys.readouterr().err
    assert cli.main([str(path) for path in paths]) == 2
    assert "add --merge" in capsys.readouterr().err
