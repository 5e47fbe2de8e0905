"""A fleet verified in slices, as AWX / Automation Platform job slicing runs it (host i in slice i mod n), each
slice writing its own report: the reports merged (command line and role) equal the report of one run over the
whole fleet, apart from the time they were generated."""

import json
import subprocess
import sys

import yaml

from support.ansible_runner import REPO
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from test_webex_config_check import ZONE, seed

VERIFY = REPO / "playbooks" / "verify.yml"
HOSTS = ["expe-%d.example.test" % index for index in range(5)]
SLICES = 2
# Keys that say when or from what a report was made, not what it found.
TIMESTAMPS = ("generated", "sources")


def _fleet(emulator_factory):  # noqa: F811
    wrong = dict(ZONE, SIPTLSVerifySubjectName="sip.example.test")
    return emulator_factory(
        [
            {
                "name": "box%d" % index,
                "product": "expressway-e",
                "version": "X14.3.2",
                "seed": seed(zone=wrong if index % 2 else None, roots=index != 4),
            }
            for index in range(len(HOSTS))
        ]
    )


def _inventory(emu, path):
    hosts = dict(
        (name, {"ansible_host": emu.host("box%d" % index), "expressway_port": emu.port("box%d" % index)})
        for index, name in enumerate(HOSTS)
    )
    path.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": hosts,
                    "vars": {
                        "ansible_connection": "local",
                        "expressway_username": emu.username,
                        "expressway_password": emu.password,
                        "expressway_ca_path": emu.ca_path,
                        "webex_b2b_zone_name": "Webex",
                        "webex_b2b_inbound_target_zone": "Internal",
                        "webex_report_resolvers": ["127.0.0.1"],
                    },
                }
            }
        )
    )
    return path


def _verify(ansible, inventory, report_dir, hosts=None):
    args = ["--limit", ",".join(hosts)] if hosts else []
    proc = ansible.run_playbook(
        VERIFY, inventory=inventory, extra_vars={"webex_report_dir": str(report_dir)}, args=args
    )
    assert proc.returncode != 0, proc.stdout  # some boxes fail EXP-ZONE / EXP-TRUST: the play says so
    return json.loads((report_dir / "webex-report.json").read_text())


def _found(report):
    """What a report found: everything but when it was made."""
    found = dict(report, metadata=dict((k, v) for k, v in report["metadata"].items() if k not in TIMESTAMPS))
    return json.loads(json.dumps(found, sort_keys=True))


def test_slices_merge_into_the_single_run_report(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = _fleet(emulator_factory)
    inventory = _inventory(emu, tmp_path / "inventory.yml")
    whole = _verify(ansible, inventory, tmp_path / "whole")
    assert whole["metadata"]["hosts"] == HOSTS and whole["summary"]["status"]["fail"] > 0

    slices = []
    for number in range(SLICES):
        hosts = HOSTS[number::SLICES]
        report = _verify(ansible, inventory, tmp_path / ("slice-%d" % number), hosts)
        assert report["metadata"]["hosts"] == sorted(hosts)
        slices.append(tmp_path / ("slice-%d" % number) / "webex-report.json")

    # The command line: tools/render_report.py --merge (python -m ..._report.cli takes the same arguments).
    merged_dir = tmp_path / "merged-cli"
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "render_report.py"), "--merge", *map(str, slices), "-o", str(merged_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # the fleet's verdict is fail, as the single run's
    merged = json.loads((merged_dir / "webex-report.json").read_text())
    assert _found(merged) == _found(whole)
    expected_sources = [sorted(HOSTS[number::SLICES]) for number in range(SLICES)]
    assert [source["hosts"] for source in merged["metadata"]["sources"]] == expected_sources
    assert (merged_dir / "webex-report.html").exists() and (merged_dir / "webex-report.junit.xml").exists()

    # The role: a play on the controller that only merges (no results of its own).
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "roles": [
                {
                    "role": "ucops.expressway.webex_report",
                    "webex_report_result_vars": [],
                    "webex_report_merge_from": [str(path) for path in slices],
                    "webex_report_dir": str(tmp_path / "merged-role"),
                }
            ],
        }
    ]
    (tmp_path / "merge.yml").write_text(yaml.safe_dump(play))
    ansible.run_playbook(tmp_path / "merge.yml", check=True)
    by_role = json.loads((tmp_path / "merged-role" / "webex-report.json").read_text())
    assert _found(by_role) == _found(whole)


def test_rerun_of_a_slice_replaces_its_hosts(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = _fleet(emulator_factory)
    inventory = _inventory(emu, tmp_path / "inventory.yml")
    first = tmp_path / "first" / "webex-report.json"
    _verify(ansible, inventory, first.parent, HOSTS[:2])
    # Box 1 is fixed between the runs; its slice runs again with the earlier report merged in by the role.
    fixed = emu.api("common/zone/dnszone", name="box1")
    import requests  # pylint: disable=import-outside-toplevel

    requests.put(
        fixed,
        json={"Name": "Webex", "SIPTLSVerifySubjectName": "sip.webex.com"},
        auth=emu.auth,
        verify=emu.ca_path,
        timeout=10,
    ).raise_for_status()
    proc = ansible.run_playbook(
        VERIFY,
        inventory=inventory,
        args=["--limit", HOSTS[1]],
        extra_vars={"webex_report_dir": str(tmp_path / "second"), "webex_report_merge_from": [str(first)]},
    )
    assert proc.returncode == 0, proc.stdout
    merged = json.loads((tmp_path / "second" / "webex-report.json").read_text())
    assert merged["metadata"]["hosts"] == HOSTS[:2]
    zone = dict(
        (host["name"], next(c["status"] for c in host["rules"] if c["rule"] == "EXP-ZONE")) for host in merged["hosts"]
    )
    assert zone == {HOSTS[0]: "pass", HOSTS[1]: "pass"}
    assert len(merged["metadata"]["sources"]) == 2


def test_merge_refuses_mixed_groupings(tmp_path):
    def report(group_by):
        return {"schema_version": "1.0", "hosts": [], "metadata": {"group_by": group_by, "generated": None}}

    paths = []
    for group_by in ("host", "subject"):
        paths.append(tmp_path / ("%s.json" % group_by))
        paths[-1].write_text(json.dumps(report(group_by)))
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--merge",
            *map(str, paths),
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "grouped by host and subject" in proc.stderr
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "render_report.py"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "add --merge" in proc.stderr
