"""playbooks/verify.yml on the console: a failing check prints a short verdict naming the inventory host (not the
whole result, not the Expressway's address), the summary keeps expected and seen values whole, and the play's
verdict is the check modules' own fail_on verdict over the results it kept for the report."""

import json
import sys

import yaml

from support.ansible_runner import REPO
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from test_webex_config_check import ZONE, seed

# Longest console line the play may print: a failed check used to print its whole result on one line.
LONGEST_LINE = 400


def _fleet(emulator_factory):  # noqa: F811
    wrong = dict(ZONE, SIPTLSVerifySubjectName="sip.example.test")
    return emulator_factory(
        [
            {"name": "good", "product": "expressway-e", "version": "X14.3.2", "seed": seed()},
            {"name": "bad", "product": "expressway-e", "version": "X14.3.2", "seed": seed(zone=wrong)},
            {"name": "locked", "product": "expressway-e", "version": "X14.3.2", "seed": seed()},
        ]
    )


def _inventory(emu, path):
    names = {"good": "expe-good.example.test", "bad": "expe-bad.example.test", "locked": "expe-locked.example.test"}
    hosts = dict((names[name], {"ansible_host": emu.host(name), "expressway_port": emu.port(name)}) for name in names)
    hosts["expe-locked.example.test"]["expressway_password"] = "not-the-password"
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
                    },
                }
            }
        )
    )
    return path


def _verdict(ansible, results, fail_on):
    """The check modules' verdict function, from the staged collection."""
    sys.path.insert(0, str(ansible.build_dir))
    try:
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import verdict
    finally:
        sys.path.remove(str(ansible.build_dir))
    return verdict([rule for result in results for rule in result.get("rules", [])], fail_on)


def test_failed_check_prints_a_short_verdict(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = _fleet(emulator_factory)
    inventory = _inventory(emu, tmp_path / "inventory.yml")
    report = tmp_path / "report"
    proc = ansible.run_playbook(
        REPO / "playbooks" / "verify.yml",
        inventory=inventory,
        extra_vars={"webex_report_dir": str(report), "webex_verify_results_file": str(report / "check-results.json")},
    )
    out = proc.stdout
    assert proc.returncode != 0
    recap = dict((line.split()[0], line) for line in out.splitlines() if line.startswith("expe-"))
    assert "failed=0" in recap["expe-good.example.test"], out
    assert "failed=1" in recap["expe-bad.example.test"] and "failed=1" in recap["expe-locked.example.test"], out

    longest = max(out.splitlines(), key=len)
    assert len(longest) <= LONGEST_LINE, longest[:300]
    fatal = [line for line in out.splitlines() if line.startswith("fatal: [expe-bad")]
    assert fatal == [
        'fatal: [expe-bad.example.test]: FAILED! => {"changed": false, "msg": '
        '"expe-bad.example.test: rules failing: EXP-ZONE fail"}'
    ], fatal
    assert not any("127.0.0.1" in line for line in out.splitlines() if line.startswith("fatal: [expe-bad"))
    # A check that could not run at all (wrong password) is named with its own message.
    locked = [line for line in out.splitlines() if line.startswith("fatal: [expe-locked") and "rules" not in line]
    assert locked and "expe-locked.example.test: " in locked[-1], out

    # The whole result is kept for the report, and the play judged it as the module would have.
    results = json.loads((report / "check-results.json").read_text())
    bad = results["expe-bad.example.test"]
    assert bad[0]["results"] and bad[0]["failed"] is False
    assert _verdict(ansible, bad, "must") == (True, "rules failing at fail_on=must: %s: EXP-ZONE fail" % emu.host())
    assert _verdict(ansible, results["expe-good.example.test"], "must")[0] is False
    doc = json.loads((report / "webex-report.json").read_text())
    zone = next(
        cell
        for host in doc["hosts"]
        if host["name"] == "expe-bad.example.test"
        for cell in host["rules"]
        if cell["rule"] == "EXP-ZONE"
    )
    # The summary names both values; the console shows them whole (wrapped, never cut with "...").
    assert "'sip.example.test'" in zone["summary"] and "'sip.webex.com'" in zone["summary"]
    assert "'sip.webex.com'" in out and "'sip.example.test'" in out
    assert "..." not in "".join(line for line in out.splitlines() if "EXP-ZONE [must]" in line)


def test_bad_fail_on_is_refused_before_any_request(ansible, emulator_factory, tmp_path):  # noqa: F811
    emu = emulator_factory([{"name": "expe", "product": "expressway-e", "version": "X14.3.2", "seed": seed()}])
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": {"expe.example.test": {"ansible_host": emu.host(), "expressway_port": emu.port()}},
                    "vars": {
                        "ansible_connection": "local",
                        "expressway_username": emu.username,
                        "expressway_password": emu.password,
                        "expressway_ca_path": emu.ca_path,
                        "webex_b2b_zone_name": "Webex",
                        "webex_b2b_inbound_target_zone": "Internal",
                        "webex_verify_check_options": {"fail_on": "sometimes"},
                    },
                }
            }
        )
    )
    mark = emu.mark()
    proc = ansible.run_playbook(REPO / "playbooks" / "verify.yml", inventory=inventory)
    assert proc.returncode != 0
    assert "webex_verify_check_options.fail_on must be one of must, should, never (got sometimes)" in proc.stdout
    assert emu.requests(since=mark) == []


def _judge(task, variables):
    """Render the play's judgement task with plain Jinja2 (its filters are all Jinja2 built-ins)."""
    import jinja2  # pylint: disable=import-outside-toplevel

    env = jinja2.Environment(undefined=jinja2.ChainableUndefined)
    scope = dict(variables)
    scope["_fail_on"] = env.from_string(task["vars"]["_fail_on"]).render(scope)
    scope.update(_levels=task["vars"]["_levels"], _statuses=task["vars"]["_statuses"])
    expression = task["ansible.builtin.set_fact"]["webex_verify_failing"].strip()
    assert expression.startswith("{{") and expression.endswith("}}")
    return env.compile_expression(expression[2:-2].strip())(**scope)


def test_the_play_judges_as_the_check_modules(ansible):
    play = yaml.safe_load((REPO / "playbooks" / "verify.yml").read_text())[0]
    task = next(t for t in play["tasks"] if t["name"].startswith("Judge the rules"))
    statuses, levels = ("pass", "fail", "warn", "skip"), ("must", "should", "info")
    rules = [
        {"subject": "s%d" % index, "rule": "R%d" % index, "level": level, "status": status}
        for index, (level, status) in enumerate((lv, st) for lv in levels for st in statuses)
    ]
    for fail_on in ("must", "should", "never"):
        failing = _judge(
            task,
            {
                "webex_verify_config": {"rules": rules[:6]},
                "webex_verify_outbound": {"rules": rules[6:9]},
                "webex_verify_inbound_result": {"rules": rules[9:]},
                "webex_verify_check_options": {"fail_on": fail_on},
            },
        )
        # The configuration check is judged at must, the network checks at the given fail_on.
        expected = [rule for rule in rules[:6] if _verdict(ansible, [{"rules": [rule]}], "must")[0]]
        expected += [rule for rule in rules[6:] if _verdict(ansible, [{"rules": [rule]}], fail_on)[0]]
        assert failing == expected, fail_on
    # fail_on defaults to must; a skipped network check has no rules.
    assert _judge(
        task,
        {
            "webex_verify_config": {"rules": []},
            "webex_verify_outbound": {"rules": rules},
            "webex_verify_inbound_result": {"skipped": True},
        },
    ) == [rules[1]]
