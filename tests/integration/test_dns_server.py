"""ucops.expressway.dns_server and dns_settings against the emulated Expressway, through real ansible-playbook runs."""

import pytest
import requests

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.dns_server"
SETTINGS = "ucops.expressway.dns_settings"


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


def box(emu, path, name=None):
    resp = requests.get(emu.api(path, name=name), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def test_present_exact_converge_and_check_mode(ansible, emulator):
    requests.post(
        emulator.api("common/dns/dnsserver"),
        json={"DefaultDNSServers": {"index": 4, "address": "192.0.2.4"}},
        auth=emulator.auth,
        verify=emulator.ca_path,
        timeout=10,
    ).raise_for_status()
    args = connection(emulator, servers=["192.0.2.53", "2001:DB8::53"])
    mark = emulator.mark()
    created = ansible.run_module(MODULE, args, diff=True)
    assert created["changed"] is True, created
    assert [(w["method"], w["body"]) for w in emulator.writes(since=mark)] == [
        ("POST", {"DefaultDNSServers": {"index": 1, "address": "192.0.2.53"}}),
        ("POST", {"DefaultDNSServers": {"index": 2, "address": "2001:db8::53"}}),
    ]
    assert box(emulator, "common/dns/dnsserver") == [
        {"index": 1, "address": "192.0.2.53"},
        {"index": 2, "address": "2001:db8::53"},
        {"index": 4, "address": "192.0.2.4"},
    ]
    assert created["diff"]["before"]["servers"] == [{"index": 4, "address": "192.0.2.4"}]

    mark = emulator.mark()
    again = ansible.run_module(MODULE, args)
    assert again["changed"] is False, again
    assert emulator.writes(since=mark) == [] and len(emulator.requests(since=mark)) == 1

    mark = emulator.mark()
    exact = dict(args, state="exact")
    planned = ansible.run_module(MODULE, exact, check_mode=True, diff=True)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["servers"] == [
        {"index": 1, "address": "192.0.2.53"},
        {"index": 2, "address": "2001:db8::53"},
    ]
    assert emulator.writes(since=mark) == []
    assert len(box(emulator, "common/dns/dnsserver")) == 3

    mark = emulator.mark()
    assert ansible.run_module(MODULE, exact)["changed"] is True
    assert [(w["method"], w["body"]) for w in emulator.writes(since=mark)] == [("DELETE", {"index": 4})]
    assert ansible.run_module(MODULE, exact)["changed"] is False


def test_correcting_a_slot_is_one_put(ansible, emulator):
    ansible.run_module(MODULE, connection(emulator, servers=["192.0.2.1", "192.0.2.2"]))
    mark = emulator.mark()
    result = ansible.run_module(MODULE, connection(emulator, servers=["192.0.2.1", "198.51.100.2"]), diff=True)
    assert result["changed"] is True
    assert [(w["method"], w["body"]) for w in emulator.writes(since=mark)] == [
        ("PUT", {"DefaultDNSServers": {"index": 2, "address": "198.51.100.2"}})
    ]


@pytest.mark.parametrize(
    "servers, state, words",
    [
        ([f"192.0.2.{n}" for n in range(1, 7)], "present", ["servers", "at most 5"]),
        (["192.0.2.256"], "present", ["servers", "192.0.2.256", "IPv4 or IPv6"]),
        ([], "exact", ["servers", "state=exact"]),
    ],
    ids=["sixth", "invalid", "empty-exact"],
)
def test_bad_input_fails_before_any_request(ansible, emulator, servers, state, words):
    mark = emulator.mark()
    result = ansible.run_module(MODULE, connection(emulator, servers=servers, state=state))
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"], result["msg"]
    assert emulator.requests(since=mark) == []


def test_cluster_peer_accepts_per_peer_dns(ansible, emulator_factory):
    emu = emulator_factory(
        [
            {"name": "primary", "cluster_role": "primary"},
            {"name": "peer", "cluster_role": "peer", "product": "expressway-c"},
        ]
    )
    for name in ("primary", "peer"):
        result = ansible.run_module(MODULE, connection(emu, name, servers=["192.0.2.53"]))
        assert result["changed"] is True, result
        settings = ansible.run_module(
            SETTINGS, connection(emu, name, system_host_name=f"{name}1", domain_name="example.test")
        )
        assert settings["changed"] is True, settings
        assert box(emu, "common/dns/dnsserver", name) == [{"index": 1, "address": "192.0.2.53"}]
        assert box(emu, "common/dns/dns", name)["SystemHostName"] == f"{name}1"


def test_dns_settings_update_converge_and_check_mode(ansible, emulator):
    mark = emulator.mark()
    planned = ansible.run_module(SETTINGS, connection(emulator, system_host_name="expe7"), check_mode=True, diff=True)
    assert planned["changed"] is True
    assert planned["diff"]["before"]["system_host_name"] == "expe"
    assert planned["diff"]["after"]["system_host_name"] == "expe7"
    assert emulator.writes(since=mark) == []

    mark = emulator.mark()
    result = ansible.run_module(SETTINGS, connection(emulator, system_host_name="expe7", domain_name="example.test"))
    assert result["changed"] is True
    assert [(w["method"], w["body"]) for w in emulator.writes(since=mark)] == [("PUT", {"SystemHostName": "expe7"})]
    mark = emulator.mark()
    assert ansible.run_module(SETTINGS, connection(emulator, system_host_name="expe7"))["changed"] is False
    assert emulator.writes(since=mark) == []

    bad = ansible.run_module(SETTINGS, connection(emulator, system_host_name="exp e"))
    assert bad["failed"] is True and "system_host_name" in bad["msg"]


@pytest.mark.parametrize(
    "shape, create_status", [("bare", 200), ("wrapped", 201), ("wrapped-list", 200), ("list-of-wrappers", 201)]
)
def test_every_read_shape_converges(ansible, emulator_factory, shape, create_status):
    emu = emulator_factory([{"name": "exp1", "dns_server_shape": shape, "create_status": create_status}])
    args = connection(emu, servers=["192.0.2.53"])
    # First run on a box with none configured: that answer has its own shape too ([], {} or an empty list).
    first = ansible.run_module(MODULE, args)
    assert first["changed"] is True and first["servers"] == [{"index": 1, "address": "192.0.2.53"}], first
    mark = emu.mark()
    assert ansible.run_module(MODULE, args)["changed"] is False
    assert emu.writes(since=mark) == [] and len(emu.requests(since=mark)) == 1
    two = dict(args, servers=["192.0.2.53", "2001:db8::53"])
    assert ansible.run_module(MODULE, two)["changed"] is True
    mark = emu.mark()
    again = ansible.run_module(MODULE, two)
    assert again["changed"] is False and emu.writes(since=mark) == [], again
    assert again["servers"] == [{"index": 1, "address": "192.0.2.53"}, {"index": 2, "address": "2001:db8::53"}]
    exact = ansible.run_module(MODULE, dict(args, state="exact"))
    assert exact["changed"] is True and exact["servers"] == [{"index": 1, "address": "192.0.2.53"}]


@pytest.mark.parametrize("fault", ["DELETE:1:500", "POST:1:reset"])
def test_write_applied_but_answer_lost_is_success(ansible, emulator_factory, fault):
    seed = {"dnsservers": [{"index": 1, "address": "192.0.2.1"}, {"index": 3, "address": "192.0.2.3"}]}
    emu = emulator_factory([{"name": "exp1", "seed": seed, "fail_after_apply": fault}])
    result = ansible.run_module(MODULE, connection(emu, servers=["192.0.2.1", "192.0.2.2"], state="exact"))
    assert result["changed"] is True and not result.get("failed"), result
    assert [(w["method"], w["status"]) for w in emu.writes()] == [
        ("DELETE", 500 if fault.startswith("DELETE") else 200),
        ("POST", 0 if fault.startswith("POST") else 201),
    ]
    assert box(emu, "common/dns/dnsserver") == [
        {"index": 1, "address": "192.0.2.1"},
        {"index": 2, "address": "192.0.2.2"},
    ]


@pytest.mark.parametrize("singleton_shape", ["object", "array"])
def test_dns_settings_read_as_object_or_one_element_array(ansible, emulator_factory, singleton_shape):
    emu = emulator_factory([{"name": "exp1", "singleton_shape": singleton_shape}])
    args = connection(emu, system_host_name="expe9")
    result = ansible.run_module(SETTINGS, args)
    assert result["changed"] is True and result["dns_settings"]["domain_name"] == "example.test", result
    assert [(w["method"], w["body"]) for w in emu.writes()] == [("PUT", {"SystemHostName": "expe9"})]
    mark = emu.mark()
    assert ansible.run_module(SETTINGS, args)["changed"] is False and emu.writes(since=mark) == []
    answer = box(emu, "common/dns/dns")
    assert (answer if singleton_shape == "object" else answer[0])["SystemHostName"] == "expe9"
