"""examples/per_object_configure.yml: the per-object path converges and writes what the Webex profile says.

Two emulated boxes, an Expressway-E (zone, search rules, trusted CA, firewall rules, DNS) and an
Expressway-C (DNS servers, DNS settings, trusted CA; by default no zone and no firewall rules). The example runs
twice: the first run writes, the second writes nothing (from the emulator's request log). What is on the
boxes then equals what the filter ucops.expressway.webex_b2b_objects returns for each of them.
"""

import importlib
import json
import sys
from pathlib import Path

import pytest
import requests
import yaml

from support.emulator import REPO, Emulator, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from support.pki import make_root, pem

EXAMPLE = REPO / "examples" / "per_object_configure.yml"
FLEET = [
    {
        "name": "e1",
        "product": "expressway-e",
        "version": "X14.3.2",
        "seed": {
            "zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
            "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
        },
    },
    {"name": "c1", "product": "expressway-c", "version": "X12.7"},
]
SYSTEMS = {"e1": {"product": "E", "version": "X14.3.2"}, "c1": {"product": "C", "version": "X12.7"}}
STATE = {}


@pytest.fixture(scope="module")
def boxes(tmp_path_factory, emulator_state_dir):  # noqa: F811 pylint: disable=redefined-outer-name
    emu = Emulator(tmp_path_factory.mktemp("boxes"), FLEET, state_dir=emulator_state_dir)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    ca_file = tmp_path_factory.mktemp("ca") / "partner-root.pem"
    ca_file.write_bytes(pem(make_root("ucops example partner root CA").cert))
    return {
        "webex_b2b_org_sip_domains": ["acme.calls.webex.test"],
        "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
        "webex_b2b_dns_servers": ["192.0.2.53", "198.51.100.53"],
        "webex_b2b_domain_name": "example.test",
        "webex_b2b_trusted_ca_files": [str(ca_file)],
    }


@pytest.fixture(scope="module")
def inventory(boxes, inputs, tmp_path_factory):  # pylint: disable=redefined-outer-name
    hosts = {
        spec["name"]: {
            "expressway_port": boxes.port(spec["name"]),
            "webex_b2b_system_host_name": f"{spec['name']}-host",
        }
        for spec in FLEET
    }
    group = dict(
        inputs,
        ansible_connection="local",
        expressway_host="127.0.0.1",
        expressway_username=boxes.username,
        expressway_password=boxes.password,
        expressway_ca_path=boxes.ca_path,
    )
    path = tmp_path_factory.mktemp("inventory") / "boxes.yml"
    path.write_text(yaml.safe_dump({"expressway": {"hosts": hosts, "vars": group}}))
    return path


@pytest.fixture(scope="module")
def expected(ansible, inputs, tmp_path_factory):
    """What the filter returns for each box, asked through ansible-playbook as a play would."""
    out = tmp_path_factory.mktemp("expected")
    tasks = []
    for name, system in SYSTEMS.items():
        filter_inputs = {key.removeprefix("webex_b2b_"): value for key, value in inputs.items()}
        filter_inputs["system_host_name"] = f"{name}-host"
        tasks.append(
            {
                "name": f"objects of {name}",
                "ansible.builtin.copy": {
                    "content": "{{ filter_inputs | ucops.expressway.webex_b2b_objects(system=system) | to_json }}",
                    "dest": str(out / f"{name}.json"),
                },
                "vars": {"filter_inputs": filter_inputs, "system": system},
            }
        )
    play = out / "filter.yml"
    play.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    ansible.run_playbook(play, check=True)
    return {name: json.loads((out / f"{name}.json").read_text()) for name in SYSTEMS}


@pytest.fixture(scope="module")
def fields(ansible):
    sys.path.insert(0, str(ansible.build_dir))
    try:
        yield importlib.import_module("ansible_collections.ucops.expressway.plugins.module_utils._expressway.fields")
    finally:
        sys.path.remove(str(ansible.build_dir))


def get(boxes, name, path):  # pylint: disable=redefined-outer-name
    resp = requests.get(boxes.api(path, name=name), auth=boxes.auth, verify=boxes.ca_path, timeout=10)
    resp.raise_for_status()
    return resp


def test_first_run_converges_every_box(ansible, boxes, inventory):  # pylint: disable=redefined-outer-name
    mark = boxes.mark()
    proc = ansible.run_playbook(EXAMPLE, inventory=inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {entry["name"] for entry in boxes.writes(since=mark)} == {"e1", "c1"}


def test_second_run_writes_nothing(ansible, boxes, inventory):  # pylint: disable=redefined-outer-name
    mark = boxes.mark()
    proc = ansible.run_playbook(EXAMPLE, inventory=inventory)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert boxes.writes(since=mark) == []
    assert "changed=1" not in proc.stdout and proc.stdout.count("changed=0") == 2, proc.stdout
    STATE["second"] = boxes.requests(since=mark)


def test_second_run_reads_each_object_once(boxes):  # pylint: disable=redefined-outer-name
    # e1: sysinfo, DNS servers, DNS settings, zone, 3 rules, CA store, pending and active firewall sets.
    # c1: sysinfo, DNS servers, DNS settings, CA store.
    counts = {name: sum(1 for entry in STATE["second"] if entry["name"] == name) for name in ("e1", "c1")}
    assert counts == {"e1": 10, "c1": 4}, [(e["name"], e["method"], e["path"]) for e in STATE["second"]]


@pytest.mark.parametrize("name", ["e1", "c1"])
def test_boxes_hold_what_the_filter_returns(boxes, expected, fields, name):  # pylint: disable=redefined-outer-name
    want = expected[name]
    servers = fields.DNS_SERVER.records(get(boxes, name, "common/dns/dnsserver").json())
    assert [s["address"] for s in sorted(servers, key=lambda s: s["index"])][:2] == want["dns_servers"]
    settings = fields.DNS_SETTINGS.to_options(get(boxes, name, "common/dns/dns").json())
    assert settings == want["dns_settings"]
    store = get(boxes, name, "certs/root").text.replace("\n", "")
    for path in want["trusted_ca_files"]:
        body = "".join(line for line in Path(path).read_text(encoding="ascii").splitlines() if "-----" not in line)
        assert body in store, path
    pending = get(boxes, name, "common/firewallrules/configuration").json()
    active = get(boxes, name, "common/current/active/firewallrules").json()
    for rules in (pending, active):
        assert matches(fields.FIREWALL_RULE, rules, want["firewall_rules"] or [], "priority")
    zones = get(boxes, name, "common/zone/dnszone").json()
    assert matches(fields.DNS_ZONE, zones, [want["zone"]] if want["zone"] else [], "name")
    rules = get(boxes, name, "common/searchrule").json()
    assert matches(fields.SEARCH_RULE, rules, want["search_rules"] or [], "name")


def matches(resource, records, want, key):
    """The box holds exactly the wanted objects (by key), each with every wanted value."""
    have = {record[key]: record for record in map(resource.to_options, records)}
    assert sorted(have) == sorted(obj[key] for obj in want)
    return all({option: have[obj[key]].get(option) for option in obj} == obj for obj in want)
