# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
from unittest import mock

from ansible.module_utils import basic

from ansible_collections.ucops.expressway.plugins.modules import webex_report
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import (
    ModuleExit,
    _exit_json,
    _fail_json,
    set_module_args,
)

ROWS = [
    {
        "subject": "sips:b2b@sbc1.example.test",
        "target": None,
        "address": None,
        "port": None,
        "rule": "OUT-URI",
        "level": "must",
        "status": "pass",
        "summary": "ok",
        "evidence": {},
        "remedy": None,
    },
    {
        "subject": "sips:b2b@sbc1.example.test",
        "target": "sbc1.example.test",
        "address": "127.0.0.1",
        "port": 5061,
        "rule": "OUT-TLS",
        "level": "must",
        "status": "fail",
        "summary": "refused",
        "evidence": {},
        "remedy": "Open TCP 5061.",
    },
]
RESULTS = {"sbc1.example.test": [{"changed": False, "failed": True, "results": ROWS, "rules": []}]}


def run(args, check_mode=False):
    with (
        set_module_args(args, check_mode),
        mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json),
        mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json),
    ):
        try:
            webex_report.main()
        except ModuleExit as exc:
            return exc.args[0]
    raise AssertionError("module returned without exit_json or fail_json")


def test_writes_the_three_files(tmp_path):
    out = tmp_path / "report"
    result = run({"results": RESULTS, "report_dir": str(out)})
    assert result["changed"] is True
    assert sorted(result["files"]) == ["html", "json", "junit"]
    assert result["summary"]["status"] == {"fail": 1, "warn": 0, "pass": 1, "skip": 0}
    assert result["summary"]["verdict"] == "fail"
    assert "FAIL sbc1.example.test OUT-TLS [must]: refused" in result["terminal"]
    saved = json.loads((out / "webex-report.json").read_text())
    assert saved["summary"] == result["summary"]
    assert (out / "webex-report.junit.xml").read_text().count("<testcase ") == 2
    assert "Open TCP 5061." in (out / "webex-report.html").read_text()


def test_check_mode_writes_nothing(tmp_path):
    out = tmp_path / "report"
    result = run({"results": RESULTS, "report_dir": str(out), "formats": ["junit"]}, check_mode=True)
    assert result["changed"] is True
    assert result["files"] == {"junit": str(out / "webex-report.junit.xml")}
    assert not out.exists()


def test_only_asked_formats(tmp_path):
    result = run({"results": RESULTS, "report_dir": str(tmp_path), "formats": ["json"], "title": "Lab"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webex-report.json"]
    assert json.loads((tmp_path / "webex-report.json").read_text())["metadata"]["title"] == "Lab"
    assert result["terminal"].startswith("Lab: FAIL")


def test_bad_results_fail_with_the_reason(tmp_path):
    result = run(
        {"results": {"h": [{"results": [{"rule": "OUT-URI", "status": "green"}]}]}, "report_dir": str(tmp_path)}
    )
    assert result["failed"] is True
    assert result["msg"].startswith("cannot build the report: h: results[0]: status 'green'")


def test_unwritable_dir_fails(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run({"results": RESULTS, "report_dir": str(blocker / "sub")})
    assert result["failed"] is True and "cannot write the report" in result["msg"]
