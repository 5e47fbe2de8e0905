"""ucops.expressway.webex_b2b, configure.yml and drift.yml against a fleet of emulated Expressways.

Six instances in one emulator process: an Expressway-E cluster (primary + peer), an Expressway-C, an
older E without the firewall API and the /name/ filter, a standalone E at X8.11.4, and an E below X8.5.3
that the version gate must stop before any write. The tests run in file order on one fleet: first apply,
converged re-run, out-of-band drift, remediation, and the checks on the request log in between.
"""

import re

import pytest
import requests
import yaml

from support.emulator import REPO, Emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MGMT_RULE = {
    "Priority": 10,
    "Address": "192.0.2.0",
    "PrefixLength": 24,
    "Transport": "TCP",
    "StartPort": 1,
    "EndPort": 65535,
    "Action": "Allow",
    "Description": "management",
}
# Objects nobody declared: they must survive every run.
UNMANAGED = {
    "zones": {"dnszone": [{"Name": "Legacy-Zone"}]},
    "searchrules": [
        {
            "Name": "Unmanaged rule",
            "Priority": 900,
            "TargetName": "Legacy-Zone",
            "PatternString": "legacy@example.test",
            "PatternType": "Exact",
        }
    ],
    "dnsservers": [{"index": 5, "address": "192.0.2.250"}],
}
FW_SEED = {"firewall": {"pending": [MGMT_RULE], "active": [MGMT_RULE]}}
FLEET = [
    {
        "name": "e1",
        "product": "expressway-e",
        "version": "X14.3.2",
        "cluster_role": "primary",
        "seed": dict(UNMANAGED, **FW_SEED),
    },
    {
        "name": "e2",
        "product": "expressway-e",
        "version": "X14.3.2",
        "cluster_role": "peer",
        "seed": dict(UNMANAGED, **FW_SEED),
    },
    {"name": "c1", "product": "expressway-c", "version": "X12.7", "seed": FW_SEED},
    {"name": "e3", "product": "expressway-e", "version": "X8.11.4", "seed": FW_SEED},
    {"name": "e4", "product": "expressway-e", "version": "X8.9.1"},
    {"name": "old", "product": "expressway-e", "version": "X8.5.2"},
]
PLAYBOOKS = REPO / "playbooks"
DRIFT_LINE = re.compile(r'"(DRIFT|FIXED) (\S+) ([^:"]+): ([^"]+)"')


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, emulator_state_dir):  # noqa: F811 pylint: disable=redefined-outer-name
    emu = Emulator(tmp_path_factory.mktemp("fleet"), FLEET, state_dir=emulator_state_dir)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def inventory(fleet, tmp_path_factory):  # pylint: disable=redefined-outer-name
    hosts = {}
    for spec in FLEET:
        name = spec["name"]
        hosts[name] = {
            "expressway_port": fleet.port(name),
            "expressway_cluster_primary": name != "e2",
            "webex_b2b_dns_servers": ["192.0.2.53", "198.51.100.53"],
            "webex_b2b_system_host_name": name,
        }
    data = {
        "expressway": {
            "vars": {
                "ansible_connection": "local",
                "expressway_host": "127.0.0.1",
                "expressway_username": fleet.username,
                "expressway_password": fleet.password,
                "expressway_ca_path": fleet.ca_path,
                "webex_b2b_org_sip_domains": ["acme.calls.webex.test"],
            },
            "hosts": hosts,
        }
    }
    path = tmp_path_factory.mktemp("inventory") / "fleet.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def box(fleet, name, path):  # pylint: disable=redefined-outer-name
    resp = requests.get(fleet.api(path, name=name), auth=fleet.auth, verify=fleet.ca_path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def put(fleet, name, path, body):  # pylint: disable=redefined-outer-name
    resp = requests.put(fleet.api(path, name=name), json=body, auth=fleet.auth, verify=fleet.ca_path, timeout=10)
    resp.raise_for_status()


def drift_lines(proc):
    return sorted((m.group(1), m.group(2), m.group(3), m.group(4)) for m in DRIFT_LINE.finditer(proc.stdout))


STATE = {}


def test_first_apply(ansible, fleet, inventory):  # pylint: disable=redefined-outer-name
    mark = fleet.mark()
    proc = ansible.run_playbook(PLAYBOOKS / "configure.yml", inventory=inventory)
    STATE["first"] = (mark, fleet.mark(), proc)
    # Only the host below X8.5.3 fails; every other host converged.
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert re.search(r"failed=1 ", next(l for l in proc.stdout.splitlines() if l.startswith("old "))), proc.stdout
    for name in ("e1", "e2", "c1", "e3", "e4"):
        recap = next(l for l in proc.stdout.splitlines() if l.startswith(name + " "))
        assert "failed=0" in recap, proc.stdout
    for name in ("e1", "e3", "e4"):
        zone = [z for z in box(fleet, name, "common/zone/dnszone") if z["Name"] == "Webex-B2B"]
        assert zone and zone[0]["SIPTLSVerifySubjectName"] == "callservice.ciscospark.com", name
        rules = {r["Name"]: r["TargetName"] for r in box(fleet, name, "common/searchrule")}
        assert rules["Webex-B2B outbound"] == "Webex-B2B" and rules["Webex-B2B to acme.calls.webex.test"] == "Webex-B2B"
    for name in ("e1", "e2", "c1", "e3", "e4"):
        servers = {s["index"]: s["address"] for s in box(fleet, name, "common/dns/dnsserver")}
        assert servers[1] == "192.0.2.53" and servers[2] == "198.51.100.53", name
        assert box(fleet, name, "common/dns/dns")["SystemHostName"] == name
    for name in ("e1", "e3"):
        active = {
            (r["Priority"], r["Transport"], r["StartPort"], r["EndPort"])
            for r in box(fleet, name, "common/current/active/firewallrules")
        }
        assert {(30000, "TCP", 5061, 5062), (30001, "UDP", 36000, 59999), (10, "TCP", 1, 65535)} == active, name


def test_version_gate_stops_old_host_before_any_write(fleet):  # pylint: disable=redefined-outer-name
    mark, end, proc = STATE["first"]
    assert fleet.writes(instance="old", since=mark)[: end - mark] == []
    assert [r["path"] for r in fleet.requests(instance="old", since=mark)] == ["/api/provisioning/sysinfo"]
    assert "runs X8.5.2, older than X8.5.3" in proc.stdout and "Nothing was changed" in proc.stdout


def test_c_and_peer_get_only_their_settings(fleet):  # pylint: disable=redefined-outer-name
    mark, end, dummy = STATE["first"]
    for name in ("e2", "c1"):
        paths = {w["path"] for w in fleet.writes(instance=name, since=mark)[: end - mark]}
        assert paths == {"/api/provisioning/common/dns/dnsserver", "/api/provisioning/common/dns/dns"}, (name, paths)
    assert [z["Name"] for z in box(fleet, "c1", "common/zone/dnszone")] == []
    assert [z["Name"] for z in box(fleet, "e2", "common/zone/dnszone")] == ["Legacy-Zone"]
    # X8.9.1 has no firewall API: the role did not try it.
    assert fleet.requests(instance="e4", since=mark, path="firewall")[: end - mark] == []


def test_e_only_setting_on_c_is_an_error(ansible, fleet, inventory):  # pylint: disable=redefined-outer-name
    mark = fleet.mark()
    proc = ansible.run_playbook(
        PLAYBOOKS / "configure.yml", inventory=inventory, args=["--limit", "c1", "-e", "webex_b2b_manage_zone=true"]
    )
    assert proc.returncode == 2
    assert "is an Expressway-C" in proc.stdout and "manage_zone" in proc.stdout
    assert fleet.writes(since=mark) == []


def test_converged_rerun_makes_no_write(ansible, fleet, inventory):  # pylint: disable=redefined-outer-name
    mark = fleet.mark()
    proc = ansible.run_playbook(PLAYBOOKS / "configure.yml", inventory=inventory, args=["--limit", "!old"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert fleet.writes(since=mark) == []
    assert "changed=0" in proc.stdout and "changed=1" not in proc.stdout


def test_drift_names_exactly_the_edited_fields_and_remediation_fixes_them(ansible, fleet, inventory):  # pylint: disable=redefined-outer-name
    args = ["--limit", "!old"]
    clean = ansible.run_playbook(PLAYBOOKS / "drift.yml", inventory=inventory, args=args)
    assert clean.returncode == 0 and drift_lines(clean) == [], clean.stdout
    put(fleet, "e1", "common/zone/dnszone", {"Name": "Webex-B2B", "SIPTLSVerifySubjectName": "sip.example.test"})
    put(fleet, "e3", "common/searchrule", {"Name": "Webex-B2B outbound", "Priority": 150})
    put(fleet, "c1", "common/dns/dnsserver", {"DefaultDNSServers": {"index": 2, "address": "192.0.2.99"}})
    mark = fleet.mark()
    drifted = ansible.run_playbook(PLAYBOOKS / "drift.yml", inventory=inventory, args=args)
    assert drifted.returncode != 0, drifted.stdout
    assert fleet.writes(since=mark) == []
    assert drift_lines(drifted) == [
        ("DRIFT", "c1", "dns_server index 2", "address '192.0.2.99' -> '198.51.100.53'"),
        (
            "DRIFT",
            "e1",
            "dns_zone Webex-B2B",
            "tls_verify_subject_name 'sip.example.test' -> 'callservice.ciscospark.com'",
        ),
        ("DRIFT", "e3", "search_rule Webex-B2B outbound", "priority 150 -> 100"),
    ], drifted.stdout
    fixed = ansible.run_playbook(PLAYBOOKS / "drift.yml", inventory=inventory, args=args + ["-e", "remediate=true"])
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert sorted((w["name"], w["method"], w["body"]) for w in fleet.writes(since=mark)) == [
        ("c1", "PUT", {"DefaultDNSServers": {"index": 2, "address": "198.51.100.53"}}),
        ("e1", "PUT", {"Name": "Webex-B2B", "SIPTLSVerifySubjectName": "callservice.ciscospark.com"}),
        ("e3", "PUT", {"Name": "Webex-B2B outbound", "Priority": 100}),
    ]
    assert sorted(m.group(2) for m in DRIFT_LINE.finditer(fixed.stdout) if m.group(1) == "FIXED") == [
        "c1",
        "e1",
        "e3",
    ], fixed.stdout
    again = ansible.run_playbook(PLAYBOOKS / "drift.yml", inventory=inventory, args=args)
    assert again.returncode == 0 and drift_lines(again) == [], again.stdout
    assert "no drift on" in again.stdout


def test_unmanaged_objects_survive(fleet):  # pylint: disable=redefined-outer-name
    for name in ("e1", "e2"):
        assert "Legacy-Zone" in [z["Name"] for z in box(fleet, name, "common/zone/dnszone")]
        assert "Unmanaged rule" in [r["Name"] for r in box(fleet, name, "common/searchrule")]
        assert {"index": 5, "address": "192.0.2.250"} in box(fleet, name, "common/dns/dnsserver")
    for name in ("e1", "e2", "c1", "e3"):
        for path in ("common/firewallrules/configuration", "common/current/active/firewallrules"):
            assert 10 in [r["Priority"] for r in box(fleet, name, path)], (name, path)
    deletes = [w for w in fleet.writes() if w["method"] == "DELETE"]
    assert deletes == []


def test_role_on_a_box_without_the_name_filter(ansible, emulator_factory, tmp_path):
    emu = emulator_factory([{"name": "e88", "product": "expressway-e", "version": "X8.8.3"}])
    inv = tmp_path / "e88.yml"
    inv.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": {
                        "e88": {
                            "ansible_connection": "local",
                            "expressway_host": "127.0.0.1",
                            "expressway_port": emu.port("e88"),
                            "expressway_username": emu.username,
                            "expressway_password": emu.password,
                            "expressway_ca_path": emu.ca_path,
                        }
                    }
                }
            }
        )
    )
    proc = ansible.run_playbook(PLAYBOOKS / "configure.yml", inventory=inv)
    assert proc.returncode == 0, proc.stdout
