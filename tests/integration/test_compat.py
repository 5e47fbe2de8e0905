"""The collection on every ansible-core version meta/runtime.yml admits: one smoke playbook run per version
(configure, converge, verify, report) against an emulated fleet, from the environments scripts/compat.sh
builds in .venv-compat/<version> (ansible-core and the runtime requirements.txt only, like an execution
environment). Every version must send the Expressways the same requests and write the same report."""

import json
import os
from pathlib import Path
import subprocess
import sys

import pytest
import yaml

from support.ansible_runner import REPO
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

VERSIONS = os.environ.get("COMPAT_VERSIONS", "2.16 2.17 2.18 2.19").split()
SMOKE = Path(__file__).parent / "files" / "compat-smoke.yml"
SEED = {
    "zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
    "searchrules": [{"Name": "Local users", "Priority": 50, "Mode": "AnyAlias", "TargetName": "LocalZone"}],
}
# The first configure of one box: /sysinfo and reads, then the zone, two search rules and the firewall
# rules (create and activate); the exact list is compared between versions below.
RUNS = {}


def _venv(version):
    venv = REPO / ".venv-compat" / version
    if not (venv / ".installed").exists():
        message = "no %s: run scripts/compat.sh setup" % venv
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return venv


def _requirements_met(venv):
    """requires_ansible in meta/runtime.yml admits the version under test (the collection claims it)."""
    from packaging.specifiers import SpecifierSet  # pylint: disable=import-outside-toplevel

    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import ansible.release as r; print(r.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return version, version in SpecifierSet(runtime["requires_ansible"])


def _inventory(emu, path, report_dir):
    webex_root = path.parent / "webex-root.pem"
    subprocess.run([sys.executable, str(REPO / "demo" / "webex_root.py"), str(webex_root)], check=True)
    hosts = {
        inst["name"]: {"ansible_host": emu.host(inst["name"]), "expressway_port": emu.port(inst["name"])}
        for inst in emu.ready["instances"]
    }
    group_vars = {
        "ansible_connection": "local",
        "expressway_username": emu.username,
        "expressway_password": emu.password,
        "expressway_ca_path": emu.ca_path,
        "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
        "webex_b2b_dns_servers": ["127.0.0.53"],
        "webex_b2b_trusted_ca_files": [str(webex_root)],
        "webex_report_dir": str(report_dir),
        "webex_verify_results_file": str(report_dir / "check-results.json"),
    }
    path.write_text(yaml.safe_dump({"expressway": {"hosts": hosts, "vars": group_vars}}))
    return path


def _run(ansible, venv, tmp_path, emu):
    report_dir = tmp_path / "report"
    inventory = _inventory(emu, tmp_path / "inventory.yml", report_dir)
    env = ansible.env(
        {
            "ANSIBLE_PYTHON_INTERPRETER": str(venv / "bin" / "python"),
            "PATH": "%s:%s" % (venv / "bin", os.environ.get("PATH", "")),
            "ANSIBLE_DEPRECATION_WARNINGS": "True",
        }
    )
    mark_file = tmp_path / "mark"
    cmd = [
        str(venv / "bin" / "ansible-playbook"),
        str(SMOKE),
        "-i",
        str(inventory),
        "-e",
        "compat_emulator_log=%s compat_mark_file=%s" % (emu.log_path, mark_file),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    return proc, report_dir, int(mark_file.read_text()) if mark_file.exists() else None


def _requests(entries):
    return sorted((entry["name"], entry["method"], entry["path"]) for entry in entries)


@pytest.mark.parametrize("version", VERSIONS)
def test_smoke_on_ansible_core(ansible, emulator_factory, tmp_path, version):  # noqa: F811
    venv = _venv(version)
    full_version, admitted = _requirements_met(venv)
    assert admitted, "meta/runtime.yml requires_ansible does not admit %s, which is tested" % full_version
    emu = emulator_factory([{"name": "exp1", "seed": SEED}, {"name": "exp2", "version": "X8.11.4", "seed": SEED}])
    proc, report_dir, mark = _run(ansible, venv, tmp_path, emu)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-8000:]
    assert "does not support Ansible version" not in output, output
    assert "[DEPRECATION WARNING]" not in output, [line for line in output.splitlines() if "DEPRECATION" in line]

    # The converging run: reads only, on every box.
    assert mark is not None and emu.writes(since=mark) == []
    first = emu.requests()[:mark]
    assert {entry["name"] for entry in first if entry["method"] in ("POST", "PUT")} == {"exp1", "exp2"}

    report = json.loads((report_dir / "webex-report.json").read_text())
    assert report["metadata"]["hosts"] == ["exp1", "exp2"]
    assert report["summary"]["errors"] == 0 and report["summary"]["verdict"] in ("pass", "warn")
    assert {cell["rule"] for cell in report["hosts"][0]["rules"]} >= {"EXP-VERSION", "EXP-ZONE", "EXP-RULES"}
    results = json.loads((report_dir / "check-results.json").read_text())
    assert sorted(results) == ["exp1", "exp2"] and all(len(value) == 1 for value in results.values())

    # Every version sends the same requests and writes the same cells as the others.
    cells = dict((host["name"], [(cell["rule"], cell["status"]) for cell in host["rules"]]) for host in report["hosts"])
    RUNS[version] = (_requests(first), _requests(emu.requests()[mark:]), cells)
    for other, seen in RUNS.items():
        assert seen == RUNS[version], "ansible-core %s and %s differ" % (other, version)
