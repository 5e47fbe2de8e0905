"""The connection and shared options given the documented ways: a play that sets only module_defaults for
group/ucops.expressway.expressway configures a box through ucops.expressway.webex_b2b; an expressway_*
inventory variable wins over the group for its own option while the others still come from the group; and
playbooks/verify.yml hands the network checks their shared options through group/ucops.expressway.checks."""

import json

import requests
import yaml

from support.ansible_runner import REPO
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

ZONE = "Webex-B2B"


def play(emu, tmp_path, port, host_vars=None):
    """An inventory without any expressway_* variable (unless host_vars), and a play with module_defaults."""
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {"expressway": {"hosts": {"expe1.example.test": host_vars or {}}, "vars": {"ansible_connection": "local"}}}
        )
    )
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Webex B2B with the connection in module_defaults only",
                    "hosts": "expressway",
                    "gather_facts": False,
                    "module_defaults": {
                        "group/ucops.expressway.expressway": {
                            "host": emu.host(),
                            "port": port,
                            "username": emu.username,
                            "password": emu.password,
                            "ca_path": emu.ca_path,
                        }
                    },
                    "roles": [
                        {
                            "role": "ucops.expressway.webex_b2b",
                            "vars": {"webex_b2b_org_sip_domains": ["acme.example.test"]},
                        }
                    ],
                }
            ],
            sort_keys=False,
        )
    )
    return inventory, playbook


def box_names(emu, path):
    resp = requests.get(emu.api(path), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return {obj["Name"] for obj in resp.json()}


def test_module_defaults_alone_configure_through_the_roles(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = emulator_factory([{"name": "exp1", "product": "expressway-e", "version": "X14.3.2"}])
    inventory, playbook = play(emu, tmp_path, emu.port())
    first = ansible.run_playbook(playbook, inventory=inventory, check=True)
    assert "changed=1" in first.stdout, first.stdout
    assert ZONE in box_names(emu, "common/zone/dnszone")
    assert {f"{ZONE} outbound", f"{ZONE} to acme.example.test"} <= box_names(emu, "common/searchrule")
    mark = emu.mark()
    again = ansible.run_playbook(playbook, inventory=inventory, check=True)
    assert "changed=0" in again.stdout, again.stdout
    assert emu.writes(since=mark) == []
    assert emu.password not in first.stdout + again.stdout


def test_inventory_variable_wins_for_its_option_only(ansible, emulator_factory, tmp_path):  # noqa: F811
    """The group names a port nothing listens on; expressway_port puts it right, the rest stays the group's."""
    emu = emulator_factory([{"name": "exp1", "product": "expressway-e", "version": "X14.3.2"}])
    inventory, playbook = play(emu, tmp_path, 9, host_vars={"expressway_port": emu.port()})
    ansible.run_playbook(playbook, inventory=inventory, check=True)
    assert ZONE in box_names(emu, "common/zone/dnszone")


def test_verify_hands_the_shared_check_options_to_both_network_checks(ansible, emulator_factory, tmp_path):  # noqa: F811
    """playbooks/verify.yml gives webex_verify_check_options through group/ucops.expressway.checks and
    webex_verify_inbound through the inbound check's own module_defaults: a resolver that is not an address
    reaches, and stops, both checks (before any DNS query)."""
    emu = emulator_factory([{"name": "exp1", "product": "expressway-e", "version": "X14.3.2"}])
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": {"expe1.example.test": {}},
                    "vars": {
                        "ansible_connection": "local",
                        "expressway_host": emu.host(),
                        "expressway_port": emu.port(),
                        "expressway_username": emu.username,
                        "expressway_password": emu.password,
                        "expressway_ca_path": emu.ca_path,
                        "webex_verify_destinations": ["sips:reception@acme.example.test"],
                        "webex_verify_inbound": {"called_uri": "sips:someone@acme.calls.webex.test"},
                        "webex_verify_check_options": {"resolvers": ["resolver.example.test"], "timeout": 1},
                    },
                }
            }
        )
    )
    results_file = tmp_path / "results.json"
    proc = ansible.run_playbook(
        REPO / "playbooks" / "verify.yml",
        inventory=inventory,
        extra_vars={"webex_verify_results_file": str(results_file)},
    )
    assert proc.returncode != 0
    results = json.loads(results_file.read_text())["expe1.example.test"]
    refused = [r for r in results if "'resolver.example.test' is not an IPv4 or IPv6 address" in r.get("msg", "")]
    assert len(refused) == 2, results
    assert emu.password not in proc.stdout
