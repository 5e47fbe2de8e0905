"""ucops.expressway.webex_b2b against emulated Expressways: one converge per host, its reads counted from the
emulator's log, the gate, and a change to the Webex profile followed by both provisioning and the check."""

import json
import re
import subprocess

import requests

from support.ansible_runner import BIN, AnsibleRunner
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.webex_b2b"
CHECK = "ucops.expressway.webex_config_check"
SEED = {
    "zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
    "searchrules": [{"Name": "Local users", "Priority": 50, "Mode": "AnyAlias", "TargetName": "LocalZone"}],
}
API = "/api/provisioning"


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


def full(emu, name=None):
    """Every kind of object the module manages."""
    return connection(
        emu,
        name,
        org_sip_domains=["acme.calls.webex.test"],
        inbound_target_zone="Traversal to Expressway-C",
        dns_servers=["192.0.2.53", "198.51.100.53"],
        system_host_name="expe",
        domain_name="example.test",
        trusted_ca_files=[emu.ca_path],
    )


def yaml_lines(task, indent):
    """A task as block YAML, indented under a play's tasks (JSON-style flow values are valid YAML)."""
    head, *rest = [f"{key}: {json.dumps(value)}" for key, value in task.items() if key != MODULE]
    lines = [f"- {head}", *rest, f"{MODULE}:"]
    lines += [f"  {key}: {json.dumps(value)}" for key, value in task[MODULE].items()]
    return "".join(" " * indent + (line if line.startswith("-") else "  " + line) + "\n" for line in lines)


def box(emu, path, name=None):
    resp = requests.get(emu.api(path, name=name), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return resp.json()


def test_converged_run_reads_each_managed_object_at_most_once_and_writes_nothing(ansible, emulator_factory):  # noqa: F811
    emu = emulator_factory([{"name": "expe", "seed": SEED}])
    first = ansible.run_module(MODULE, full(emu), diff=True)
    assert first["changed"] is True and not first.get("failed"), first
    assert {c["object"] for c in first["changes"] if c["field"] == "(missing)"} >= {
        "dns_zone Webex-B2B",
        "search_rule Webex-B2B outbound",
        "search_rule Webex-B2B to acme.calls.webex.test",
        "search_rule Webex-B2B inbound",
        "firewall_rule priority 30000",
        "firewall_rule priority 30001",
    }
    assert emu.password not in first["_stdout"]
    mark = emu.mark()
    again = ansible.run_module(MODULE, full(emu))
    assert again["changed"] is False and again["changes"] == [], again
    assert emu.writes(since=mark) == []
    # Managed objects: the DNS server list, DNS settings, the zone, three search rules, the trusted CA list and
    # two firewall rules (9). Reads: /sysinfo for the gate, one each for the list, the settings, the zone and the
    # trusted CAs, one listing for all search rules, and the pending and active firewall sets (8).
    gets = [r["path"].removeprefix(API) for r in emu.requests(method="GET", since=mark)]
    assert gets == [
        "/sysinfo",
        "/common/dns/dnsserver",
        "/common/dns/dns",
        "/common/zone/dnszone/name/Webex-B2B",
        "/common/searchrule",
        "/certs/root",
        "/common/firewallrules/configuration",
        "/common/current/active/firewallrules",
    ], gets
    assert len(gets) <= 9


def test_check_mode_reports_every_missing_object_and_writes_nothing(ansible, emulator_factory):  # noqa: F811
    emu = emulator_factory([{"name": "expe", "seed": SEED}])
    mark = emu.mark()
    result = ansible.run_module(MODULE, full(emu), check_mode=True, diff=True)
    assert result["changed"] is True and emu.writes(since=mark) == []
    lines = [c["line"] for c in result["changes"]]
    assert "dns_zone Webex-B2B: (missing)" in lines and "search_rule Webex-B2B inbound: (missing)" in lines
    assert "dns_server index 1: (missing)" in lines or "dns_server index 1: address" in " ".join(lines)
    assert not any("no zone has this name" in w for w in result.get("warnings", []))
    # The plan's requests are what the real run then sends, in order (the CA upload is multipart: path only).
    mark = emu.mark()
    applied = ansible.run_module(MODULE, full(emu))
    sent = [
        (w["method"], w["path"].removeprefix(API), None if "certs" in w["path"] else w["body"])
        for w in emu.writes(since=mark)
    ]
    planned = [(r["method"], r["path"], None if "certs" in r["path"] else r["body"]) for r in result["requests"]]
    assert planned == sent and applied["requests"] == result["requests"], (planned, sent)


def test_gate_stops_a_c_asked_for_the_zone_after_one_read(ansible, emulator_factory):  # noqa: F811
    emu = emulator_factory([{"name": "expc", "product": "expressway-c"}])
    mark = emu.mark()
    result = ansible.run_module(MODULE, connection(emu, manage_zone=True, dns_servers=["192.0.2.53"]))
    assert result["failed"] is True and "Expressway-C" in result["msg"] and "manage_zone" in result["msg"]
    assert [r["path"] for r in emu.requests(since=mark)] == [f"{API}/sysinfo"]


def test_bad_input_fails_before_any_request(ansible, emulator_factory):  # noqa: F811
    emu = emulator_factory([{"name": "expe", "seed": SEED}])
    mark = emu.mark()
    result = ansible.run_module(MODULE, connection(emu, firewall_extra_rules=[{"priority": 10, "address": "nope"}]))
    assert result["failed"] is True and result["option"] == "firewall_extra_rules (item 1).address", result
    assert "'nope'" in result["msg"] and emu.requests(since=mark) == []


def patched_profile(collection, old, new):
    profile = collection / "plugins" / "module_utils" / "_webex.py"
    text = profile.read_text()
    assert text.count(old) == 1, old
    profile.write_text(text.replace(old, new))


def media_rows(result):
    return [r for r in result["results"] if r["rule"] == "EXP-FW" and "UDP" in r["summary"]]


def test_a_profile_change_moves_both_the_configuration_and_the_verdict(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = emulator_factory([{"name": "expe", "seed": SEED}])
    changed = AnsibleRunner(tmp_path / "build", tmp_path)
    patched_profile(changed.collection, "'end_port': 59999", "'end_port': 49999")
    written = changed.run_module(
        MODULE,
        connection(
            emu,
            firewall_extra_rules=[
                {
                    "priority": 60000,
                    "address": "0.0.0.0",
                    "prefix_length": 0,
                    "action": "Drop",
                    "transport": "UDP",
                    "start_port": 1,
                    "end_port": 65535,
                }
            ],
        ),
    )
    assert written["changed"] is True, written
    active = {(r["Transport"], r["StartPort"], r["EndPort"]) for r in box(emu, "common/current/active/firewallrules")}
    assert ("UDP", 36000, 49999) in active and ("UDP", 36000, 59999) not in active, active
    # The check that shares the changed profile passes the media range it wrote ...
    judged = changed.run_module(CHECK, connection(emu, zone_name="Webex-B2B"))
    assert [r["status"] for r in media_rows(judged)] == ["pass"], media_rows(judged)
    assert re.search(r"UDP 36000-49999", media_rows(judged)[0]["summary"])
    # ... and the unchanged collection, which asks for 36000-59999, fails it: the UDP drop rule takes the rest.
    original = ansible.run_module(CHECK, connection(emu, zone_name="Webex-B2B"))
    assert [r["status"] for r in media_rows(original)] == ["fail"], media_rows(original)


def test_worker_process_and_module_process_converge_alike(ansible, emulator_factory, tmp_path):  # noqa: F811
    """The action plugin converges in Ansible's worker process; the environment keyword (which only a module
    process can honour) sends the task to the module. Both give the same result and the same requests."""
    emu = emulator_factory([{"name": "worker", "seed": SEED}, {"name": "module", "seed": SEED}])
    out = tmp_path / "results.json"
    tasks = [
        {"name": f"converge {name}", MODULE: full(emu, name), "register": name}
        | ({"environment": {"UCOPS_EXPRESSWAY_EXAMPLE": "1"}} if name == "module" else {})
        for name in ("worker", "module")
    ]
    tasks.append({"ansible.builtin.copy": {"content": "{{ [worker, module] | to_json }}", "dest": str(out)}})
    playbook = tmp_path / "both.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    mark = emu.mark()
    proc = ansible.run_playbook(playbook, args=["-vvv"], check=True)
    worker, module = json.loads(out.read_text())
    in_worker, in_module = proc.stdout.split("TASK [converge module]")
    assert "AnsiballZ_webex_b2b" not in in_worker.split("TASK [converge worker]")[1]
    assert "runs as a module process: the environment keyword" in in_module and "AnsiballZ_webex_b2b" in in_module
    assert emu.password not in proc.stdout + proc.stderr
    assert "errantly sent data" not in proc.stderr, proc.stderr
    assert worker["changed"] is module["changed"] is True
    for key in ("changes", "requests", "managed", "objects"):
        assert worker[key] == module[key], key
    assert worker.get("invocation") == module.get("invocation")
    sent = {
        name: [(r["method"], r["path"]) for r in emu.requests(since=mark) if r["name"] == name]
        for name in ("worker", "module")
    }
    assert sent["worker"] == sent["module"] and len(sent["worker"]) > 8


def test_validate_certs_false_leaves_the_console_quiet(ansible, emulator_factory, tmp_path):  # noqa: F811
    """In the worker process urllib3's warning about an unverified request would reach the user's console."""
    emu = emulator_factory([{"name": "expe", "seed": SEED}])
    args = connection(emu, validate_certs=False, manage_zone=False, firewall_webex=False, system_host_name="expe-b")
    del args["ca_path"]
    playbook = tmp_path / "unverified.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [{MODULE: args}]}]))
    proc = ansible.run_playbook(playbook, check=True)
    assert "changed: [localhost]" in proc.stdout
    assert "InsecureRequestWarning" not in proc.stderr and "errantly" not in proc.stderr, proc.stderr


def test_a_vaulted_password_works_inline_and_through_a_variable(ansible, emulator_factory, tmp_path):  # noqa: F811
    """In the worker process the password arrives as Ansible's vaulted object, not as a module's JSON string."""
    emu = emulator_factory([{"name": "expe", "seed": SEED}])
    secret = tmp_path / "vault-pass"
    secret.write_text("ucops-vault-example\n")

    def vaulted(name):
        cmd = [str(BIN / "ansible-vault"), "encrypt_string", "--vault-password-file", str(secret)]
        return subprocess.run(cmd + [emu.password, "--name", name], capture_output=True, text=True, check=True).stdout

    args = connection(emu, manage_zone=False, firewall_webex=False)
    del args["password"]
    task = yaml_lines({"name": "inline", MODULE: dict(args, system_host_name="expe-inline")}, 4)
    inline = "\n".join(" " * 8 + line for line in vaulted("password").splitlines())
    via_var = yaml_lines({"name": "variable", MODULE: dict(args, system_host_name="expe-var", password="{{ pw }}")}, 4)
    playbook = tmp_path / "vaulted.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  vars:\n"
        + "\n".join("    " + line for line in vaulted("pw").splitlines())
        + "\n  tasks:\n"
        + task
        + inline
        + "\n"
        + via_var
    )
    proc = ansible.run_playbook(playbook, args=["--vault-password-file", str(secret), "-v"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("changed: [localhost]") == 2 and emu.password not in proc.stdout + proc.stderr
    settings = box(emu, "/common/dns/dns")
    assert (settings[0] if isinstance(settings, list) else settings)["SystemHostName"] == "expe-var"
