"""ucops.expressway.firewall_rule against the emulated Expressway: pending/active sets, activation, lock-out."""

import pytest
import requests

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.firewall_rule"
PENDING = "common/firewallrules/configuration"
ACTIVE = "common/current/active/firewallrules"

MGMT = {
    "Priority": 10,
    "Address": "0.0.0.0",
    "PrefixLength": 0,
    "Transport": "TCP",
    "StartPort": 443,
    "EndPort": 443,
    "Action": "Allow",
    "Description": "Management",
}
OTHER = {
    "Priority": 500,
    "Address": "198.51.100.0",
    "PrefixLength": 24,
    "Transport": "UDP",
    "StartPort": 161,
    "EndPort": 161,
    "Action": "Drop",
    "Description": "Not managed here",
}
SIP = {
    "priority": 100,
    "address": "0.0.0.0",
    "prefix_length": 0,
    "transport": "TCP",
    "start_port": 5061,
    "end_port": 5062,
    "action": "Allow",
    "description": "Webex SIP TLS",
}
MEDIA = {
    "priority": 110,
    "address": "0.0.0.0",
    "prefix_length": 0,
    "transport": "UDP",
    "start_port": 36000,
    "end_port": 59999,
    "action": "Allow",
    "description": "Webex media",
}
SEED = {"firewall": {"pending": [MGMT, OTHER], "active": [MGMT, OTHER]}}


def connection(emu, name=None, **extra):
    return dict(
        {
            "host": emu.host(name),
            "port": emu.port(name),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
            "management_port": 443,
        },
        **extra,
    )


def box(emu, path, name=None):
    resp = requests.get(emu.api(path, name=name), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def strip(rules):
    return sorted(({k: v for k, v in r.items() if k != "Index"} for r in rules), key=lambda r: r["Priority"])


def seeded(factory, seed=None, **instance):
    return factory([dict({"name": "exp1", "seed": seed or SEED}, **instance)])


def test_apply_converge_update_and_unmanaged_untouched(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    untouched = [r for r in box(emu, PENDING) if r["Priority"] in (10, 500)]
    args = connection(emu, rules=[SIP, MEDIA])
    mark = emu.mark()
    result = ansible.run_module(MODULE, args, diff=True)
    assert result["changed"] is True and result["activated"] is True, result
    assert [w["method"] for w in emu.writes(since=mark)] == ["POST", "POST", "PUT"]
    assert [r["Priority"] for r in box(emu, ACTIVE)] == [10, 500, 100, 110]
    assert strip(box(emu, ACTIVE)) == strip(box(emu, PENDING))
    assert result["diff"]["before"]["rules"] == [] and len(result["diff"]["after"]["rules"]) == 2

    mark = emu.mark()
    again = ansible.run_module(MODULE, args)
    assert again["changed"] is False and again["activated"] is False, again
    assert emu.writes(since=mark) == [] and len(emu.requests(since=mark)) == 2

    mark = emu.mark()
    wider = dict(args, rules=[SIP, dict(MEDIA, start_port=30000)])
    planned = ansible.run_module(MODULE, wider, check_mode=True, diff=True)
    assert planned["changed"] is True and planned["activated"] is True
    assert planned["diff"]["before"]["rules"][1]["start_port"] == 36000
    assert planned["diff"]["after"]["rules"][1]["start_port"] == 30000
    assert emu.writes(since=mark) == []

    mark = emu.mark()
    assert ansible.run_module(MODULE, wider)["changed"] is True
    index = next(r["Index"] for r in box(emu, PENDING) if r["Priority"] == 110)
    assert [(w["method"], w["body"]) for w in emu.writes(since=mark)] == [
        ("PUT", {"Index": index, "StartPort": 30000}),
        ("PUT", {}),
    ]
    assert next(r for r in box(emu, ACTIVE) if r["Priority"] == 110)["StartPort"] == 30000
    assert [r for r in box(emu, PENDING) if r["Priority"] in (10, 500)] == untouched

    mark = emu.mark()
    gone = ansible.run_module(MODULE, connection(emu, rules=[{"priority": 110}], state="absent"))
    assert gone["changed"] is True
    assert [w["method"] for w in emu.writes(since=mark)] == ["DELETE", "PUT"]
    assert [r["Priority"] for r in box(emu, ACTIVE)] == [10, 500, 100]


def test_lockout_protection_refuses_with_zero_writes(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    active = box(emu, ACTIVE)
    mark = emu.mark()
    result = ansible.run_module(MODULE, connection(emu, rules=[{"priority": 10}], state="absent"))
    assert result["failed"] is True
    assert "TCP port 443" in result["msg"] and "lockout_protection" in result["msg"]
    narrowed = ansible.run_module(MODULE, connection(emu, rules=[dict(SIP, priority=10)]))
    assert narrowed["failed"] is True and "TCP port 443" in narrowed["msg"]
    assert emu.writes(since=mark) == []
    assert box(emu, ACTIVE) == active


def test_lockout_protection_defaults_to_the_connection_port(ansible, emulator_factory):
    emu = emulator_factory([{"name": "exp1"}])
    rule = dict(MGMT, StartPort=emu.port(), EndPort=emu.port())
    for method, path, body in (("POST", PENDING, rule), ("PUT", "common/firewallrules/activation", {})):
        requests.request(
            method, emu.api(path), json=body, auth=emu.auth, verify=emu.ca_path, timeout=10
        ).raise_for_status()
    args = connection(emu, rules=[{"priority": 10}], state="absent")
    del args["management_port"]
    mark = emu.mark()
    result = ansible.run_module(MODULE, args)
    assert result["failed"] is True and f"TCP port {emu.port()}" in result["msg"]
    assert emu.writes(since=mark) == []


def test_clash_seeded_in_pending_is_refused_before_activation(ansible, emulator_factory):
    clash = dict(OTHER, Description="Clashes with 500")
    emu = seeded(emulator_factory, {"firewall": {"pending": [MGMT, OTHER, clash], "active": [MGMT, OTHER]}})
    active = box(emu, ACTIVE)
    mark = emu.mark()
    result = ansible.run_module(MODULE, connection(emu, rules=[SIP]))
    assert result["failed"] is True
    assert "priority 500" in result["msg"] and "activate=false" in result["msg"], result["msg"]
    assert emu.writes(since=mark) == []
    assert box(emu, ACTIVE) == active
    # Staging only is still possible; the box itself refuses the activation of that set.
    staged = ansible.run_module(MODULE, connection(emu, rules=[SIP], activate=False))
    assert staged["changed"] is True and staged["activated"] is False
    refused = requests.put(
        emu.api("common/firewallrules/activation"), json={}, auth=emu.auth, verify=emu.ca_path, timeout=10
    )
    assert refused.status_code == 400 and "share priority 500" in refused.json()["Message"]
    assert box(emu, ACTIVE) == active


def test_staged_rules_are_activated_by_a_later_run(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    staged = ansible.run_module(MODULE, connection(emu, rules=[SIP], activate=False))
    assert staged["changed"] is True and staged["activated"] is False
    assert 100 not in [r["Priority"] for r in box(emu, ACTIVE)]
    mark = emu.mark()
    later = ansible.run_module(MODULE, connection(emu, rules=[SIP]))
    assert later["changed"] is True and later["activated"] is True
    assert [w["method"] for w in emu.writes(since=mark)] == ["PUT"]
    assert 100 in [r["Priority"] for r in box(emu, ACTIVE)]


def test_old_version_is_refused_with_a_clear_message(ansible, emulator_factory):
    emu = emulator_factory([{"name": "old", "version": "X8.9.2"}])
    result = ansible.run_module(MODULE, connection(emu, rules=[SIP]))
    assert result["failed"] is True
    assert "X8.10 or later" in result["msg"] and "X8.9.2" in result["msg"], result["msg"]
    assert emu.writes() == []


def test_cluster_peer_refuses_firewall_writes(ansible, emulator_factory):
    emu = seeded(emulator_factory, cluster_role="peer", product="expressway-c")
    result = ansible.run_module(MODULE, connection(emu, rules=[SIP]))
    assert result["failed"] is True and result["status"] == 400 and "primary" in result["msg"]


def rule(priority, address, port):
    return {
        "Priority": priority,
        "Address": address,
        "PrefixLength": 32,
        "Transport": "TCP",
        "StartPort": port,
        "EndPort": port,
        "Action": "Drop",
        "Description": f"Rule {priority}",
    }


THREE = [
    dict(MGMT, Priority=5),
    rule(10, "192.0.2.10", 1010),
    rule(20, "192.0.2.20", 1020),
    rule(30, "192.0.2.30", 1030),
]


@pytest.mark.parametrize("firewall_index", ["stable", "compact"])
def test_absent_deletes_exactly_the_declared_rules(ansible, emulator_factory, firewall_index):
    emu = seeded(emulator_factory, {"firewall": {"pending": THREE, "active": THREE}}, firewall_index=firewall_index)
    args = connection(emu, rules=[{"priority": 10}, {"priority": 20, "address": "192.0.2.20"}], state="absent")
    mark = emu.mark()
    result = ansible.run_module(MODULE, args)
    assert result["changed"] is True and not result.get("failed"), result
    gets, writes = len(emu.requests(method="GET", since=mark)), emu.writes(since=mark)
    assert [r["Priority"] for r in box(emu, PENDING)] == [5, 30]
    assert [r["Priority"] for r in box(emu, ACTIVE)] == [5, 30]
    assert [w["method"] for w in writes] == ["DELETE", "DELETE", "PUT"]
    # The second delete re-reads the pending set to find its rule's index now: one GET more than the plan.
    assert gets == 3
    mark = emu.mark()
    again = ansible.run_module(MODULE, args)
    assert again["changed"] is False and emu.writes(since=mark) == []
    assert [r["Priority"] for r in box(emu, PENDING)] == [5, 30]


@pytest.mark.parametrize("firewall_index, fault", [("stable", "500"), ("compact", "500"), ("compact", "reset")])
def test_delete_applied_but_answer_lost_deletes_nothing_else(ansible, emulator_factory, firewall_index, fault):
    emu = seeded(
        emulator_factory,
        {"firewall": {"pending": THREE, "active": THREE}},
        firewall_index=firewall_index,
        fail_after_apply=f"DELETE:1:{fault}",
    )
    args = connection(emu, rules=[{"priority": 10}, {"priority": 20}], state="absent")
    result = ansible.run_module(MODULE, args)
    assert result["changed"] is True and not result.get("failed"), result
    assert [r["Priority"] for r in box(emu, PENDING)] == [5, 30]
    assert [r["Priority"] for r in box(emu, ACTIVE)] == [5, 30]
    assert [w["method"] for w in emu.writes()] == ["DELETE", "DELETE", "PUT"]


def test_create_applied_but_answered_500_is_not_created_twice(ansible, emulator_factory):
    emu = seeded(emulator_factory, fail_after_apply="POST:1:500", create_status=200)
    result = ansible.run_module(MODULE, connection(emu, rules=[SIP, MEDIA]))
    assert result["changed"] is True and result["activated"] is True and not result.get("failed"), result
    assert [w["method"] for w in emu.writes()] == ["POST", "POST", "PUT"]
    assert [r["Priority"] for r in box(emu, ACTIVE)] == [10, 500, 100, 110]


@pytest.mark.parametrize("singleton_shape", ["object", "array"])
def test_old_version_message_reads_either_sysinfo_shape(ansible, emulator_factory, singleton_shape):
    emu = emulator_factory([{"name": "old", "version": "X8.9.2", "singleton_shape": singleton_shape}])
    result = ansible.run_module(MODULE, connection(emu, rules=[SIP]))
    assert result["failed"] is True and "X8.9.2" in result["msg"], result["msg"]
