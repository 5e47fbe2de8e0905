"""playbooks/configure.yml against an emulated fleet: the EXP-ZONE and EXP-RULES values on the box, a converged
re-run with zero writes, drift in check mode, the newer domain generation, and removal that leaves every
undeclared object in place. (tests/integration/test_fleet.py covers the mixed fleet, gate and drift.yml.)"""

import requests
import yaml

from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from support.ansible_runner import REPO

PLAYBOOK = REPO / "playbooks" / "configure.yml"
SEED = {
    "zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
    "searchrules": [{"Name": "Local users", "Priority": 50, "Mode": "AnyAlias", "TargetName": "LocalZone"}],
}
ZONE = "Webex-B2B"


def write_inventory(emu, path, **group_vars):
    hosts = {
        inst["name"]: {"ansible_host": emu.host(inst["name"]), "expressway_port": emu.port(inst["name"])}
        for inst in emu.ready["instances"]
    }
    group_vars = dict(
        {
            "ansible_connection": "local",
            "expressway_username": emu.username,
            "expressway_password": emu.password,
            "expressway_ca_path": emu.ca_path,
            "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
        },
        **group_vars,
    )
    path.write_text(yaml.safe_dump({"expressway": {"hosts": hosts, "vars": group_vars}}))
    return path


def box(emu, name, path):
    resp = requests.get(emu.api(path, name=name), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return {obj["Name"]: obj for obj in resp.json()}


def fleet(emulator_factory):  # noqa: F811
    return emulator_factory([{"name": "exp1", "seed": SEED}, {"name": "exp2", "version": "X8.11.4", "seed": SEED}])


def test_create_converge_and_drift(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = fleet(emulator_factory)
    inventory = write_inventory(emu, tmp_path / "inventory.yml")

    first = ansible.run_playbook(PLAYBOOK, inventory=inventory, check=True)
    assert "changed=1" in first.stdout, first.stdout  # one task: zone, search rules, firewall rules
    for name in ("exp1", "exp2"):
        zone = box(emu, name, "common/zone/dnszone")[ZONE]
        assert zone["ZoneProfile"] == "Custom" and zone["SIPSearchAutoResponse"] == "On"
        assert zone["SIPTLSVerifyMode"] == "On" and zone["SIPTLSVerifySubjectName"] == "callservice.ciscospark.com"
        assert zone["SIPDnsOverrideOverride"] == "On" and zone["SIPDnsOverrideName"] == "callservice.ciscospark.com"
        assert zone["SIPTLSVerifyInboundClassification"] == "On" and zone["H323Mode"] == "Off"
        rules = box(emu, name, "common/searchrule")
        assert rules[f"{ZONE} outbound"]["PatternString"] == r".*@.*\.ciscospark\.com.*"
        assert rules[f"{ZONE} outbound"]["TargetName"] == ZONE
        assert rules[f"{ZONE} inbound"]["SourceName"] == ZONE
        assert rules[f"{ZONE} inbound"]["TargetName"] == "Traversal to Expressway-C"
        assert "Local users" in rules

    mark = emu.mark()
    again = ansible.run_playbook(PLAYBOOK, inventory=inventory, check=True)
    assert "changed=0" in again.stdout and "changed=1" not in again.stdout, again.stdout
    assert emu.writes(since=mark) == []
    # The version gate's /sysinfo, the zone, two search rules, two firewall rules (PORT-SIG-OUT, PORT-MEDIA).
    managed_objects = 6
    for name in ("exp1", "exp2"):
        gets = emu.requests(instance=name, method="GET", since=mark)
        assert 0 < len(gets) <= managed_objects, [g["path"] for g in gets]

    resp = requests.put(
        emu.api("common/zone/dnszone", name="exp2"),
        auth=emu.auth,
        verify=emu.ca_path,
        timeout=10,
        json={"Name": ZONE, "SIPTLSVerifySubjectName": "sip.example.test"},
    )
    resp.raise_for_status()
    mark = emu.mark()
    drift = ansible.run_playbook(PLAYBOOK, inventory=inventory, args=["--check", "--diff"], check=True)
    assert emu.writes(since=mark) == []
    assert '-    "tls_verify_subject_name": "sip.example.test"' in drift.stdout, drift.stdout
    assert '+    "tls_verify_subject_name": "callservice.ciscospark.com"' in drift.stdout
    recap = {line.split()[0]: line for line in drift.stdout.splitlines() if line.startswith("exp")}
    assert "changed=1" in recap["exp2"] and "changed=0" in recap["exp1"], drift.stdout


def test_newer_generation_and_removal(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = fleet(emulator_factory)
    inventory = write_inventory(emu, tmp_path / "inventory.yml", webex_b2b_generation="webex")
    ansible.run_playbook(PLAYBOOK, inventory=inventory, check=True)
    zone = box(emu, "exp1", "common/zone/dnszone")[ZONE]
    assert zone["SIPTLSVerifySubjectName"] == "sip.webex.com"
    assert zone["SIPDnsOverrideName"] == "callservice.webex.com"
    assert box(emu, "exp1", "common/searchrule")[f"{ZONE} outbound"]["PatternString"] == r".*@.*\.webex\.com.*"

    ansible.run_playbook(PLAYBOOK, inventory=inventory, extra_vars={"webex_b2b_state": "absent"}, check=True)
    for name in ("exp1", "exp2"):
        assert ZONE not in box(emu, name, "common/zone/dnszone")
        assert list(box(emu, name, "common/searchrule")) == ["Local users"]
        assert "Traversal to Expressway-C" in box(emu, name, "edge/zone/traversalserver")


def test_bad_role_input_makes_no_request(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = fleet(emulator_factory)
    inventory = write_inventory(emu, tmp_path / "inventory.yml", webex_b2b_generation="spark")
    mark = emu.mark()
    proc = ansible.run_playbook(PLAYBOOK, inventory=inventory)
    assert proc.returncode != 0
    # The role's argument spec names the variable, the value and the allowed values.
    assert "value of webex_b2b_generation must be one of: ciscospark, webex, got: spark" in proc.stdout, proc.stdout
    assert emu.requests(since=mark) == []
