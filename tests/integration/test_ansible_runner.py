"""playbooks/verify.yml under ansible-runner, the runner AWX and Automation Platform start jobs with: without
webex_report_dir the report goes into the job's artifact folder, and the job's artifact data (set_stats, what
AWX shows as the job's artifacts and hands to the next workflow node) holds its verdict, counts and files."""

import json
import os
import sys

import pytest
import yaml

from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from test_webex_config_check import ZONE, seed

ansible_runner = pytest.importorskip("ansible_runner")


def test_verify_under_ansible_runner_keeps_the_report_in_the_artifacts(
    ansible,
    emulator_factory,  # noqa: F811
    tmp_path,
):
    wrong = dict(ZONE, SIPTLSVerifySubjectName="sip.example.test")
    emu = emulator_factory(
        [
            {"name": "good", "product": "expressway-e", "version": "X14.3.2", "seed": seed()},
            {"name": "bad", "product": "expressway-e", "version": "X14.3.2", "seed": seed(zone=wrong)},
        ]
    )
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": dict(
                        (
                            "expe-%s.example.test" % name,
                            {"ansible_host": emu.host(name), "expressway_port": emu.port(name)},
                        )
                        for name in ("good", "bad")
                    ),
                    "vars": {
                        "ansible_connection": "local",
                        "expressway_username": emu.username,
                        "expressway_password": emu.password,
                        "expressway_ca_path": emu.ca_path,
                        "webex_b2b_zone_name": "Webex",
                        "webex_b2b_inbound_target_zone": "Internal",
                    },
                }
            }
        )
    )
    env = ansible.env()
    env["PATH"] = "%s:%s" % (os.path.dirname(sys.executable), env.get("PATH", ""))
    (tmp_path / "job").mkdir()
    run = ansible_runner.run(
        private_data_dir=str(tmp_path / "job"),
        playbook=str(ansible.collection / "playbooks" / "verify.yml"),
        inventory=str(inventory),
        envvars=env,
        quiet=True,
        ident="verify-1",
    )
    stdout = run.stdout.read()
    assert run.status == "failed" and run.rc != 0, stdout  # expe-bad fails EXP-ZONE
    assert "expe-bad.example.test: rules failing: EXP-ZONE fail" in stdout

    artifacts = tmp_path / "job" / "artifacts" / "verify-1"
    report_dir = artifacts / "webex-report"
    assert sorted(path.name for path in report_dir.iterdir()) == [
        "webex-report.html",
        "webex-report.json",
        "webex-report.junit.xml",
    ]
    report = json.loads((report_dir / "webex-report.json").read_text())
    assert report["metadata"]["hosts"] == ["expe-bad.example.test", "expe-good.example.test"]
    assert report["summary"]["verdict"] == "fail"

    stats = [event for event in run.events if event["event"] == "playbook_on_stats"]
    assert len(stats) == 1
    published = stats[0]["event_data"]["artifact_data"]["webex_report"]
    assert published["verdict"] == "fail" and published["summary"] == report["summary"]
    assert published["files"] == dict(
        (fmt, str(report_dir / name))
        for fmt, name in (
            ("json", "webex-report.json"),
            ("junit", "webex-report.junit.xml"),
            ("html", "webex-report.html"),
        )
    )
    # The runner's own record of the job (events and stdout) sits beside the report.
    assert (artifacts / "job_events").is_dir() and (artifacts / "stdout").exists()
