"""ucops.expressway.search_rule against the emulated Expressway: reconcile, validation and reference checks."""

import pytest
import requests

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.search_rule"
ZONE = "Webex B2B DNS"
RULE = "To Webex"


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


def box_rule(emu, name=RULE):
    resp = requests.get(emu.api("common/searchrule"), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return next((rule for rule in resp.json() if rule["Name"] == name), None)


@pytest.fixture
def box(emulator):
    """An emulator that already has the DNS zone the rules target (made with a direct API call)."""
    resp = requests.post(
        emulator.api("common/zone/dnszone"),
        json={"Name": ZONE},
        auth=emulator.auth,
        verify=emulator.ca_path,
        headers={"X-CSRF-Header": "test"},
        timeout=10,
    )
    assert resp.status_code in (200, 201), resp.text
    return emulator


def rule_args(emu, **extra):
    return connection(
        emu,
        **dict(
            {
                "name": RULE,
                "priority": 100,
                "protocol": "SIP",
                "mode": "AliasPatternMatch",
                "pattern_type": "Regex",
                "pattern_string": r".*@partner\.example\.test",
                "pattern_behavior": "Leave",
                "on_successful_match": "Stop",
                "target_name": ZONE,
                "enabled": True,
            },
            **extra,
        ),
    )


def test_lifecycle(ansible, box):
    mark = box.mark()
    created = ansible.run_module(MODULE, rule_args(box), diff=True)
    assert created["changed"] is True, created
    assert created["diff"]["before"] == {} and created["diff"]["after"]["target_name"] == ZONE
    assert box_rule(box)["PatternType"] == "Regex"
    assert [w["method"] for w in box.writes(since=mark)] == ["POST"]

    mark = box.mark()
    again = ansible.run_module(MODULE, rule_args(box))
    assert again["changed"] is False, again
    assert box.writes(since=mark) == []
    assert len(box.requests(method="GET", since=mark)) <= 1

    mark = box.mark()
    checked = ansible.run_module(MODULE, connection(box, name=RULE, enabled=False), check_mode=True, diff=True)
    assert checked["changed"] is True
    assert (checked["diff"]["before"]["enabled"], checked["diff"]["after"]["enabled"]) == (True, False)
    assert box.writes(since=mark) == []

    mark = box.mark()
    updated = ansible.run_module(MODULE, connection(box, name=RULE, enabled=False))
    assert updated["changed"] is True
    assert [(w["method"], w["body"]) for w in box.writes(since=mark)] == [("PUT", {"Name": RULE, "State": "Disabled"})]
    assert box_rule(box)["State"] == "Disabled" and box_rule(box)["Priority"] == 100

    deleted = ansible.run_module(MODULE, connection(box, name=RULE, state="absent"), diff=True)
    assert deleted["changed"] is True and deleted["diff"]["after"] == {}
    assert box_rule(box) is None


@pytest.mark.parametrize(
    "bad, option, words",
    [
        ({"priority": 0}, "priority", ["1 to 65534"]),
        ({"priority": 65535}, "priority", ["1 to 65534"]),
        ({"pattern_string": "(.*@partner"}, "pattern_string", ["regular expression", "(.*@partner"]),
        ({"protocol": "XMPP"}, None, ["protocol", "XMPP", "Any, H323, SIP"]),
    ],
    ids=["priority-low", "priority-high", "regex", "choice"],
)
def test_bad_input_fails_before_any_request(ansible, box, bad, option, words):
    mark = box.mark()
    result = ansible.run_module(MODULE, rule_args(box, **bad))
    assert result["failed"] is True
    if option:
        assert result["option"] == option
    for word in words:
        assert word in result["msg"], result["msg"]
    assert box.requests(since=mark) == []


@pytest.mark.parametrize("option", ["target_name", "source_name"])
def test_unknown_zone_fails_with_reads_only(ansible, box, option):
    extra = {option: "No Such Zone"}
    if option == "source_name":
        extra["source"] = "Named"
    mark = box.mark()
    result = ansible.run_module(MODULE, rule_args(box, **extra))
    assert result["failed"] is True
    assert result["option"] == option
    assert "'No Such Zone'" in result["msg"] and "existing zone" in result["msg"]
    assert box.writes(since=mark) == []
    assert box_rule(box) is None


def test_create_needs_priority_and_target(ansible, box):
    mark = box.mark()
    result = ansible.run_module(MODULE, connection(box, name=RULE, mode="AnyAlias"))
    assert result["failed"] is True
    assert "(missing: priority, target_name)" in result["msg"]
    assert box.writes(since=mark) == []


def test_builtin_zone_target_needs_no_lookup(ansible, box):
    mark = box.mark()
    result = ansible.run_module(
        MODULE, connection(box, name="Local", priority=50, mode="AnyAlias", target_name="LocalZone")
    )
    assert result["changed"] is True, result
    assert [r["method"] for r in box.requests(since=mark)] == ["GET", "POST"]


@pytest.mark.parametrize(
    "name_miss, create_status", [("empty-list", 200), ("empty-object", 201), ("404", 200), ("400", 201)]
)
def test_every_name_miss_shape_reads_as_absent(ansible, emulator_factory, name_miss, create_status):
    emu = emulator_factory(
        [
            {
                "name": "exp1",
                "name_miss": name_miss,
                "create_status": create_status,
                "seed": {"zones": {"dnszone": [{"Name": ZONE}]}},
            }
        ]
    )
    args = rule_args(emu)
    mark = emu.mark()
    gone = ansible.run_module(MODULE, dict(args, state="absent"))
    assert gone["changed"] is False and not gone.get("failed"), gone
    assert emu.writes(since=mark) == []
    unknown = ansible.run_module(MODULE, dict(args, target_name="No such zone"))
    assert unknown["failed"] is True and "target_name" in unknown["msg"] and emu.writes(since=mark) == []
    created = ansible.run_module(MODULE, args)
    assert created["changed"] is True and not created.get("failed"), created
    assert [w["method"] for w in emu.writes(since=mark)] == ["POST"] and box_rule(emu)["Priority"] == 100
    mark = emu.mark()
    assert ansible.run_module(MODULE, args)["changed"] is False and emu.writes(since=mark) == []
