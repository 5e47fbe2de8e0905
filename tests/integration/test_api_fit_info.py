"""ucops.expressway.api_fit_info and playbooks/first_contact.yml against the emulated Expressway: read-only."""

import json

import yaml

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.api_fit_info"


def connection(emu, name=None, **extra):
    return dict(
        {
            "host": emu.host(name),
            "port": emu.port(name),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
        },
        **extra,
    )


def by_name(result):
    return {entry["name"]: entry for entry in result["resources"]}


def test_first_contact_reads_only_and_the_table_fits_the_emulator(ansible, emulator, tmp_path):
    raml = tmp_path / "box.raml"
    mark = emulator.mark()
    result = ansible.run_module(MODULE, connection(emulator, raml_dest=str(raml)), check_mode=True)
    assert not result.get("failed"), result
    assert result["changed"] is False
    requests = emulator.requests(since=mark)
    assert {r["method"] for r in requests} == {"GET"}
    assert len(requests) == len(result["resources"]) + 1  # every probe once, plus the RAML
    summary = result["summary"]
    assert summary["fits"] is True, result["resources"]
    # An Expressway-E serves no controller/ collection: a finding, not an error.
    assert summary["not_served"] == ["zones_controller_zone_traversalclient"]
    assert summary["errors"] == []
    resources = by_name(result)
    assert resources["sysinfo"]["shape"] in ("object", "list of 1 object")
    assert resources["dns_zone"]["shape"] == "empty list"
    assert resources["trusted_ca"]["shape"] == "PEM" and resources["trusted_ca"]["objects"] >= 1
    assert resources["dns_zone_by_name_miss"]["status"] in (200, 400, 404)
    assert raml.read_text().startswith("#%RAML 0.8")
    assert result["raml"] == {"path": str(raml), "bytes": len(raml.read_bytes())}


def test_objects_on_the_box_are_compared_key_by_key(ansible, emulator_factory):
    seed = {
        "zones": {"dnszone": [{"Name": "Webex", "HopCount": 15}]},
        "firewall": {
            "pending": [
                {
                    "Priority": 10,
                    "Address": "0.0.0.0",
                    "PrefixLength": 0,
                    "Transport": "TCP",
                    "StartPort": 443,
                    "EndPort": 443,
                    "Action": "Allow",
                }
            ]
        },
    }
    emu = emulator_factory([{"name": "exp1", "seed": seed}])
    result = ansible.run_module(MODULE, connection(emu, resources=["dns_zone", "firewall_rule_pending"]))
    assert not result.get("failed"), result
    zone, rules = by_name(result)["dns_zone"], by_name(result)["firewall_rule_pending"]
    assert zone["objects"] == 1 and zone["unknown_keys"] == [] and zone["bad_values"] == []
    assert rules["objects"] == 1 and rules["unknown_keys"] == [], rules
    assert [r["name"] for r in result["resources"]] == ["dns_zone", "firewall_rule_pending"]


def test_the_password_is_never_in_the_output(ansible, emulator, tmp_path):
    result = ansible.run_module(MODULE, connection(emulator, resources=["sysinfo"]))
    assert emulator.password not in json.dumps(result)


def test_first_contact_playbook_writes_one_json_and_one_raml_per_host(ansible, emulator, tmp_path):
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": {"exp1": {"expressway_host": emulator.host(), "expressway_port": emulator.port()}},
                    "vars": {
                        "ansible_connection": "local",
                        "expressway_username": emulator.username,
                        "expressway_password": emulator.password,
                        "expressway_ca_path": emulator.ca_path,
                    },
                }
            }
        )
    )
    out = tmp_path / "out"
    mark = emulator.mark()
    proc = ansible.run_playbook(
        ansible.collection / "playbooks" / "first_contact.yml",
        inventory=inventory,
        extra_vars={"first_contact_dir": str(out)},
        check=True,
    )
    assert "the field table fits" in proc.stdout
    saved = json.loads((out / "exp1.json").read_text())
    assert saved["host"] == "exp1" and saved["summary"]["fits"] is True
    assert (out / "exp1.raml").read_text().startswith("#%RAML")
    assert emulator.writes(since=mark) == []
    assert emulator.password not in (out / "exp1.json").read_text()


def test_answer_shapes_the_contract_leaves_open_are_reported(ansible, emulator_factory):
    seed = {"dnsservers": [{"index": 1, "address": "192.0.2.53"}, {"index": 2, "address": "198.51.100.53"}]}
    emu = emulator_factory([{"name": "exp1", "seed": seed, "dns_server_shape": "wrapped", "name_miss": "400"}])
    result = ansible.run_module(MODULE, connection(emu, resources=["dns_server", "dns_zone_by_name_miss"]))
    assert not result.get("failed"), result
    servers, miss = by_name(result)["dns_server"], by_name(result)["dns_zone_by_name_miss"]
    assert servers["shape"] == "object wrapped in DefaultDNSServers (list of 2 objects)"
    assert servers["objects"] == 2 and servers["missing_keys"] == [] and servers["unknown_keys"] == []
    assert miss["status"] == 400 and miss["shape"] == "HTTP 400" and "does not exist" in miss["error"]
    assert result["summary"]["fits"] is True
