"""`make demo`'s script end to end: real emulator fleet, named and Kamailio; its report agrees with the raw
check module results in all three formats, and its JUnit file passes the schema."""

import json
import os
import subprocess
import sys
from pathlib import Path

from support.ansible_runner import REPO
from support.report_checks import assert_reports_agree
from test_report_junit_schema import validate_junit


def test_demo_runs_the_whole_job(tmp_path):
    report = tmp_path / "report"
    env = dict(
        os.environ,
        DEMO_RUN_DIR=str(tmp_path / "run"),
        DEMO_REPORT_DIR=str(report),
        PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    )
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo.sh")], env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    out = proc.stdout
    assert proc.returncode == 0, out[-6000:] + proc.stderr[-3000:]

    # configure twice: the second run is converged and the emulator logged no write during it.
    assert "API writes during the second run (counted from the emulator's request log): 0" in out
    # The out-of-band edit is the only drift, named with its field.
    assert "DRIFT expe-nyc dns_zone Webex-B2B: tls_verify_subject_name" in out
    assert out.count("DRIFT ") == 1, [line for line in out.splitlines() if "DRIFT " in line]

    results = json.loads((report / "check-results.json").read_text())
    assert sorted(results) == ["expe-lon", "expe-nyc", "expe-sin"]
    assert_reports_agree(report, results)
    validate_junit(report / "webex-report.junit.xml")

    doc = json.loads((report / "webex-report.json").read_text())
    assert doc["summary"]["verdict"] == "fail"
    statuses = {host["name"]: {rule["rule"]: rule["status"] for rule in host["rules"]} for host in doc["hosts"]}
    # The healthy SBC behind expe-lon fails nothing; the broken ones fail the rules their defects break.
    assert "fail" not in statuses["expe-lon"].values(), statuses["expe-lon"]
    assert statuses["expe-nyc"]["OUT-CERT-VALID"] == "fail" and statuses["expe-nyc"]["EXP-ZONE"] == "fail"
    assert statuses["expe-sin"]["OUT-CERT-NAME"] == "fail" and statuses["expe-sin"]["IN-CERT-EKU"] == "fail"
    assert {s["EXP-TRUST"] for s in statuses.values()} == {"pass"}
    # EXP-CERT reads each Expressway-E's certificate off the local SIPS listener standing in for its SIP TLS
    # port; OUT-SIP grades the OPTIONS answer of every SBC (Kamailio answers them all).
    assert {name: s["EXP-CERT"] for name, s in statuses.items()} == {
        "expe-lon": "pass",
        "expe-nyc": "fail",
        "expe-sin": "fail",
    }
    assert {s["OUT-SIP"] for s in statuses.values()} == {"pass"}
    assert "Webex B2B readiness: FAIL" in out
