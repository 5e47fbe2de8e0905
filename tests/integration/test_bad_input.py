"""Bad input is refused before the first request, with a message naming option, value and what is allowed.

Every test runs the real modules through ansible-playbook against the emulator process and reads the
emulator's request log: a refused task must leave no request (or, where the refusal needs the box's
current state, no write) behind. The password tests run at -vvv, where Ansible prints the module
arguments, and look for a distinctive password in everything the run printed.
"""

import json
import random

import requests
import yaml

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

FIREWALL = "ucops.expressway.firewall_rule"
DNS_SERVER = "ucops.expressway.dns_server"
DNS_SETTINGS = "ucops.expressway.dns_settings"
CONFIG_CHECK = "ucops.expressway.webex_config_check"
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
SIP = {
    "Priority": 100,
    "Address": "0.0.0.0",
    "PrefixLength": 0,
    "Transport": "TCP",
    "StartPort": 5061,
    "EndPort": 5062,
    "Action": "Allow",
    "Description": "Webex SIP TLS",
}
MEDIA = {
    "Priority": 120,
    "Address": "0.0.0.0",
    "PrefixLength": 0,
    "Transport": "UDP",
    "StartPort": 36000,
    "EndPort": 36010,
    "Action": "Allow",
    "Description": "Webex media",
}
SEED = {
    "firewall": {"pending": [MGMT, SIP, MEDIA], "active": [MGMT, SIP, MEDIA]},
    "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
}
NEW_RULE = {
    "priority": 110,
    "address": "192.0.2.0",
    "prefix_length": 24,
    "transport": "TCP",
    "start_port": 5061,
    "end_port": 5062,
    "action": "Allow",
    "description": "Partner SBC",
}
SECRET = "Pw-7f3Kq9-never-shown"


def connection(emu, **extra):
    return dict(
        {
            "host": emu.host(),
            "port": emu.port(),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
        },
        **extra,
    )


def box(emu, path):
    resp = requests.get(emu.api(path), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def seeded(factory):
    return factory([{"name": "exp1", "seed": SEED}])


def assert_refused(result, option, value, allowed):
    """Failed, and the message names the option, the value and (a word of) what is allowed."""
    assert result.get("failed") is True, result
    msg = result["msg"]
    assert option in msg and allowed in msg, msg
    assert repr(value) in msg or str(value) in msg, msg


def test_trailing_newline_is_not_a_host_name(ansible, emulator):
    mark = emulator.mark()
    host = ansible.run_module(DNS_SETTINGS, connection(emulator, system_host_name="expe2\n"))
    assert_refused(host, "system_host_name", "expe2\n", "one DNS label")
    domain = ansible.run_module(DNS_SETTINGS, connection(emulator, domain_name="example.test\n"))
    assert_refused(domain, "domain_name", "example.test\n", "domain name")
    assert emulator.requests(since=mark) == []
    assert box(emulator, "common/dns/dns")["SystemHostName"] == "expe"


def test_scoped_ipv6_addresses_are_refused(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    mark = emu.mark()
    servers = ansible.run_module(DNS_SERVER, connection(emu, servers=["192.0.2.54", "fe80::1%eth0"]))
    assert_refused(servers, "servers", "fe80::1%eth0", "scope")
    rule = dict(NEW_RULE, address="fe80::1%2", prefix_length=128)
    firewall = ansible.run_module(FIREWALL, connection(emu, rules=[rule], management_port=443))
    assert_refused(firewall, "rules.address", "fe80::1%2", "scope")
    assert emu.requests(since=mark) == []
    assert box(emu, "common/dns/dnsserver") == SEED["dnsservers"]


def test_ports_outside_1_to_65535_are_refused(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    mark = emu.mark()
    result = ansible.run_module(FIREWALL, connection(emu, rules=[NEW_RULE], management_port=70000))
    assert_refused(result, "management_port", 70000, "1 to 65535")
    result = ansible.run_module(FIREWALL, connection(emu, rules=[dict(NEW_RULE, end_port=65536)], management_port=443))
    assert_refused(result, "end_port", 65536, "1 to 65535")
    expected = [{"transport": "TCP", "start_port": 5061, "end_port": 70000}]
    result = ansible.run_module(CONFIG_CHECK, connection(emu, expected_firewall=expected))
    assert_refused(result, "expected_firewall", 70000, "1 to 65535")
    reversed_range = [{"transport": "UDP", "start_port": 59999, "end_port": 36000}]
    result = ansible.run_module(CONFIG_CHECK, connection(emu, expected_firewall=reversed_range))
    assert_refused(result, "expected_firewall", 59999, "not above end_port")
    assert emu.requests(since=mark) == []


def test_one_bad_firewall_rule_means_no_rule_is_written(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    before = box(emu, PENDING)
    mark = emu.mark()
    long_text = "x" * 65
    result = ansible.run_module(
        FIREWALL,
        connection(emu, management_port=443, rules=[NEW_RULE, dict(NEW_RULE, priority=111, description=long_text)]),
    )
    assert_refused(result, "rules.description", long_text, "at most 64 characters")
    assert emu.requests(since=mark) == []

    # Needs the box's rules: declared alone, start_port 37000 is above the end port rule 120 already has.
    result = ansible.run_module(
        FIREWALL,
        connection(
            emu,
            management_port=443,
            rules=[
                {"priority": 100, "address": "0.0.0.0", "description": "Webex SIP TLS (changed)"},
                {"priority": 120, "address": "0.0.0.0", "start_port": 37000},
            ],
        ),
    )
    assert_refused(result, "rules.start_port", 37000, "end_port")
    assert emu.writes(since=mark) == []

    # A later rule lacking what a create needs stops the whole task, not only itself.
    result = ansible.run_module(
        FIREWALL,
        connection(
            emu, management_port=443, rules=[NEW_RULE, {"priority": 130, "address": "192.0.2.1", "prefix_length": 32}]
        ),
    )
    assert result["failed"] is True and "rules.action" in result["msg"], result
    assert emu.writes(since=mark) == []
    assert box(emu, PENDING) == before and box(emu, ACTIVE) == box(emu, PENDING)


def test_one_bad_dns_server_means_no_server_is_written(ansible, emulator_factory):
    emu = seeded(emulator_factory)
    mark = emu.mark()
    result = ansible.run_module(DNS_SERVER, connection(emu, servers=["192.0.2.54", "192.0.2.0/24"]))
    assert_refused(result, "servers", "192.0.2.0/24", "IPv4 or IPv6 address")
    assert emu.requests(since=mark) == []


def play(tasks, out):
    """One play: every task ignores its error and registers r<N>; the last task saves them all."""
    tasks = [dict(task, register=f"r{number}", ignore_errors=True) for number, task in enumerate(tasks)]
    saved = "{{ {" + ", ".join(f"'r{n}': r{n}" for n in range(len(tasks))) + "} | to_nice_json }}"
    tasks.append({"name": "save results", "ansible.builtin.copy": {"content": saved, "dest": str(out)}})
    return [{"hosts": "localhost", "gather_facts": False, "connection": "local", "tasks": tasks}]


def run_play(ansible, tmp_path, tasks, args=()):
    out = tmp_path / "results.json"
    playbook = tmp_path / "bad-input.yml"
    playbook.write_text(yaml.safe_dump(play(tasks, out), sort_keys=False))
    proc = ansible.run_playbook(playbook, args=args)
    assert out.exists(), proc.stdout + proc.stderr
    results = json.loads(out.read_text())
    return [results[f"r{n}"] for n in range(len(tasks))], proc


def test_malformed_lists_never_show_the_password(ansible, emulator, tmp_path):
    """Ansible checks list elements before it learns the no_log values; the password must stay hidden."""
    conn = connection(emulator, password=SECRET)
    tasks = [
        {FIREWALL: dict(conn, rules=[1])},
        {FIREWALL: dict(conn, rules="not-a-rule")},
        {FIREWALL: dict(conn, rules=[{"priority": 5, "address": "192.0.2.1"}, ["nested"]])},
        {FIREWALL: dict(conn, rules=[{"priority": "first"}])},
        {CONFIG_CHECK: dict(conn, expected_firewall=[1])},
        {CONFIG_CHECK: dict(conn, expected_firewall={"transport": "TCP"})},
        {CONFIG_CHECK: dict(conn, sip_domains=[{"a": 1}])},
        {DNS_SERVER: dict(conn, servers=[{"a": 1}])},
        {DNS_SERVER: dict(conn, servers=[["192.0.2.1"]])},
        {"ucops.expressway.api_fit_info": dict(conn, resources=[1])},
    ]
    mark = emulator.mark()
    results, proc = run_play(ansible, tmp_path, tasks, args=["-vvv"])
    assert "module_args" in proc.stdout  # -vvv did print the arguments, masked
    assert SECRET not in proc.stdout and SECRET not in proc.stderr
    for task, result in zip(tasks, results):
        assert result.get("failed") is True, (task, result)
        assert SECRET not in json.dumps(result)
    option_of = [
        "rules",
        "rules",
        "rules",
        "priority",
        "expected_firewall",
        "expected_firewall",
        "sip_domains",
        "servers",
        "servers",
        "resources",
    ]
    for option, result in zip(option_of, results):
        assert option in result["msg"], result["msg"]
    assert "a dictionary" in results[0]["msg"] and "item 1" in results[0]["msg"], results[0]["msg"]
    assert emulator.requests(since=mark) == []


# Generated bad values: seeded, so a failure names the same inputs on every run.
def bad_inputs(seed=20261201, count=30):
    rng = random.Random(seed)
    label = "".join(rng.choices("abcdefghij", k=6))
    makers = [
        lambda: (
            DNS_SETTINGS,
            {"system_host_name": label + rng.choice(["\n", " ", ".", "_", "-"])},
            "system_host_name",
        ),
        lambda: (DNS_SETTINGS, {"system_host_name": "h" * rng.randint(64, 80)}, "system_host_name"),
        lambda: (
            DNS_SETTINGS,
            {"domain_name": rng.choice(["a..b", "-a.test", "a.test\n", "a_b.test", " a.test"])},
            "domain_name",
        ),
        lambda: (
            DNS_SERVER,
            {
                "servers": [
                    rng.choice(
                        [
                            "256.1.1.1",
                            "fe80::%d%%eth%d" % (rng.randint(1, 9), 0),
                            "192.0.2.1:53",
                            "2001:db8::/64",
                            "dns.example.test",
                        ]
                    )
                ]
            },
            "servers",
        ),
        lambda: (DNS_SERVER, {"servers": ["192.0.2.%d" % n for n in range(rng.randint(6, 9))]}, "servers"),
        lambda: (FIREWALL, {"rules": [dict(NEW_RULE, priority=rng.choice([0, 65535, 70000, -1]))]}, "priority"),
        lambda: (FIREWALL, {"rules": [dict(NEW_RULE, start_port=rng.choice([0, -5, 65536, 99999]))]}, "start_port"),
        lambda: (FIREWALL, {"rules": [dict(NEW_RULE, prefix_length=rng.randint(33, 200))]}, "prefix_length"),
        lambda: (
            FIREWALL,
            {"rules": [NEW_RULE], "management_port": rng.choice([0, -1, 65536, 123456])},
            "management_port",
        ),
        lambda: (FIREWALL, {"rules": [dict(NEW_RULE, description="d" * rng.randint(65, 90))]}, "description"),
        lambda: (
            CONFIG_CHECK,
            {"expected_firewall": [{"transport": "TCP", "start_port": rng.choice([0, 65536]), "end_port": 5062}]},
            "expected_firewall",
        ),
    ]
    return [makers[n % len(makers)]() for n in range(count)]


def test_generated_bad_inputs_fail_naming_the_option(ansible, emulator_factory, tmp_path):
    emu = seeded(emulator_factory)
    cases = bad_inputs()
    tasks = [
        {module: dict(connection(emu, **({"management_port": 443} if module == FIREWALL else {})), **args)}
        for module, args, _option in cases
    ]
    mark = emu.mark()
    results, _proc = run_play(ansible, tmp_path, tasks)
    for (module, args, option), result in zip(cases, results):
        assert result.get("failed") is True, (module, args, result)
        assert option in result["msg"], (module, args, result["msg"])
    assert emu.requests(since=mark) == []
