"""The report written three ways (the role in a play, the checkout script, python -m on an installed
collection) agrees with the check results it was built from, in JSON, JUnit and HTML."""

import json
import subprocess
import sys

import yaml

from support.ansible_runner import REPO
from support.report_checks import assert_reports_agree
from support.report_fixtures import fleet_results


def _write_results(tmp_path):
    results = fleet_results()
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    return results, path


def test_role_writes_agreeing_reports(ansible, tmp_path):
    results = fleet_results()
    hosts = dict(
        (host, {"ansible_connection": "local", "webex_check_results": value}) for host, value in results.items()
    )
    hosts["sbc-unreached.example.test"] = {"ansible_connection": "local"}
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    play = [
        {
            "hosts": "all",
            "gather_facts": False,
            "roles": [
                {
                    "role": "ucops.expressway.webex_report",
                    "webex_report_dir": str(tmp_path / "report"),
                    "webex_report_trust_bundles": ["webex-cas.pem"],
                }
            ],
        }
    ]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play))
    proc = ansible.run_playbook(playbook, inventory=inventory, check=True)
    results["sbc-unreached.example.test"] = []
    report = assert_reports_agree(tmp_path / "report", results)
    assert report["summary"]["verdict"] == "error"
    # Resolvers come from the results' invocation, the trust bundle from the role's variable.
    assert report["metadata"]["resolvers"] == ["127.0.0.1:5300"]
    assert report["metadata"]["trust_bundles"] == ["webex-cas.pem"]
    assert "sbc-unreached.example.test: no check results" in proc.stdout
    assert "FAIL sbc-expired.example.test OUT-CERT-VALID [must]" in proc.stdout


def test_role_fails_on_verdict_when_asked(ansible, tmp_path):
    hosts = {
        "sbc-expired.example.test": {
            "ansible_connection": "local",
            "webex_check_results": fleet_results()["sbc-expired.example.test"],
        }
    }
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    play = [
        {
            "hosts": "all",
            "gather_facts": False,
            "roles": [
                {
                    "role": "ucops.expressway.webex_report",
                    "webex_report_dir": str(tmp_path / "report"),
                    "webex_report_fail_on_verdict": True,
                }
            ],
        }
    ]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play))
    proc = ansible.run_playbook(playbook, inventory=inventory)
    assert proc.returncode != 0
    assert "Webex B2B readiness verdict: fail" in proc.stdout
    assert (tmp_path / "report" / "webex-report.html").exists()


def test_checkout_script_renders_from_results(tmp_path):
    results, path = _write_results(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--results",
            str(path),
            "-o",
            str(out),
            "-f",
            "json",
            "-f",
            "junit",
            "-f",
            "html",
            "-f",
            "terminal",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # the fleet has failures: non-zero, like a test run
    assert_reports_agree(out, results)
    assert "FAIL sbc-nodns.example.test OUT-A [must]" in proc.stdout


def test_python_m_rerenders_saved_json(ansible, tmp_path):
    results, path = _write_results(tmp_path)
    first = tmp_path / "first"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--results",
            str(path),
            "-o",
            str(first),
            "-f",
            "json",
        ],
        check=False,
        capture_output=True,
    )
    module = "ansible_collections.ucops.expressway.plugins.module_utils._report.cli"
    proc = subprocess.run(
        [sys.executable, "-m", module, str(first / "webex-report.json")],
        cwd=str(ansible.build_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert_reports_agree(first, results)
    assert "html: %s" % (first / "webex-report.html") in proc.stdout


def test_cli_rejects_a_file_that_is_not_a_report(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"hello": "world"}))
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "render_report.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "not a report document" in proc.stderr


def test_agreement_check_catches_a_disagreement(tmp_path):
    import pytest

    results, path = _write_results(tmp_path)
    out = tmp_path / "out"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--results",
            str(path),
            "-o",
            str(out),
            "-f",
            "json",
            "-f",
            "junit",
            "-f",
            "html",
        ],
        check=False,
        capture_output=True,
    )
    html = out / "webex-report.html"
    text = html.read_text()
    marker = 'data-rule="OUT-A" data-detail'
    assert marker in text
    html.write_text(
        text.replace(
            'data-status="fail" data-host="sbc-nodns.example.test"',
            'data-status="pass" data-host="sbc-nodns.example.test"',
            1,
        )
    )
    with pytest.raises(AssertionError, match="HTML"):
        assert_reports_agree(out, results)


def test_schema_rejects_a_wrong_report(tmp_path):
    import jsonschema
    import pytest

    from support.report_checks import assert_matches_schema

    results, path = _write_results(tmp_path)
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--results",
            str(path),
            "-o",
            str(tmp_path),
            "-f",
            "json",
        ],
        check=False,
        capture_output=True,
    )
    report = json.loads((tmp_path / "webex-report.json").read_text())
    assert_matches_schema(report)
    report["hosts"][0]["rules"][0]["status"] = "green"
    with pytest.raises(jsonschema.ValidationError):
        assert_matches_schema(report)
