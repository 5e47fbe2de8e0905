"""The read-only modules against the emulated Expressway: system_info, dns_zone_info, search_rule_info."""

import pytest
import requests

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import


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


def post(emu, path, body):
    resp = requests.post(
        emu.api(path), json=body, auth=emu.auth, verify=emu.ca_path, headers={"X-CSRF-Header": "test"}, timeout=10
    )
    assert resp.status_code in (200, 201), resp.text


@pytest.mark.parametrize(
    "product, version, letter, numbers",
    [
        ("expressway-e", "X14.3.2", "E", [14, 3, 2]),
        ("expressway-c", "X8.10", "C", [8, 10]),
    ],
)
def test_system_info(ansible, emulator_factory, product, version, letter, numbers):
    emu = emulator_factory([{"name": "box", "product": product, "version": version, "system_name": "exp-test"}])
    mark = emu.mark()
    result = ansible.run_module("ucops.expressway.system_info", connection(emu), check_mode=True)
    assert result["changed"] is False, result
    assert result["product"] == letter
    assert result["version"] == version and result["version_tuple"] == numbers
    assert result["system_name"] == "exp-test"
    assert [(r["method"], r["path"]) for r in emu.requests(since=mark)] == [("GET", "/api/provisioning/sysinfo")]


def test_dns_zone_info_all_and_one(ansible, emulator):
    post(emulator, "common/zone/dnszone", {"Name": "A zone", "HopCount": 7, "SIPTLSVerifyMode": "On"})
    post(emulator, "common/zone/dnszone", {"Name": "B"})
    every = ansible.run_module("ucops.expressway.dns_zone_info", connection(emulator))
    assert sorted(z["name"] for z in every["dns_zones"]) == ["A zone", "B"]
    one = ansible.run_module("ucops.expressway.dns_zone_info", connection(emulator, name="A zone"))
    assert len(one["dns_zones"]) == 1
    assert one["dns_zones"][0]["hop_count"] == 7 and one["dns_zones"][0]["tls_verify_mode"] is True
    none = ansible.run_module("ucops.expressway.dns_zone_info", connection(emulator, name="Missing"))
    assert none["dns_zones"] == []


def test_search_rule_info_round_trips_into_search_rule(ansible, emulator):
    post(emulator, "common/zone/dnszone", {"Name": "Z"})
    post(
        emulator,
        "common/searchrule",
        {"Name": "R", "Priority": 10, "TargetName": "Z", "Mode": "AnyAlias", "State": "Disabled"},
    )
    info = ansible.run_module("ucops.expressway.search_rule_info", connection(emulator, name="R"))
    rule = info["search_rules"][0]
    assert rule["enabled"] is False and rule["priority"] == 10 and rule["target_name"] == "Z"
    mark = emulator.mark()
    replay = ansible.run_module("ucops.expressway.search_rule", connection(emulator, **rule))
    assert replay["changed"] is False, replay
    assert emulator.writes(since=mark) == []


def test_old_version_without_name_filter_falls_back_to_list(ansible, emulator_factory):
    emu = emulator_factory([{"name": "old", "product": "expressway-c", "version": "X8.8"}])
    post(emu, "common/zone/dnszone", {"Name": "Old zone"})
    mark = emu.mark()
    result = ansible.run_module("ucops.expressway.dns_zone_info", connection(emu, name="Old zone"))
    assert [z["name"] for z in result["dns_zones"]] == ["Old zone"]
    paths = [(r["method"], r["status"]) for r in emu.requests(since=mark)]
    assert paths == [("GET", 404), ("GET", 200)]


@pytest.mark.parametrize("name_miss", ["empty-list", "empty-object", "404", "400"])
def test_info_modules_read_every_name_miss_shape_as_absent(ansible, emulator_factory, name_miss):
    rule = {"Name": "R", "Priority": 10, "TargetName": "Z", "Mode": "AnyAlias"}
    seed = {"zones": {"dnszone": [{"Name": "Z"}]}, "searchrules": [rule]}
    emu = emulator_factory([{"name": "exp1", "name_miss": name_miss, "seed": seed}])
    for module, key, hit in (("dns_zone_info", "dns_zones", "Z"), ("search_rule_info", "search_rules", "R")):
        missing = ansible.run_module(f"ucops.expressway.{module}", connection(emu, name="Not here"))
        assert missing[key] == [] and not missing.get("failed"), missing
        found = ansible.run_module(f"ucops.expressway.{module}", connection(emu, name=hit))
        assert [item["name"] for item in found[key]] == [hit]
    # A miss answered 404 or 400 is confirmed by listing the collection once.
    misses = [
        (r["method"], r["status"])
        for r in emu.requests()
        if "Not%20here" in r["path"] or r["path"].endswith(("dnszone", "searchrule"))
    ]
    expected = {
        "empty-list": [("GET", 200)],
        "empty-object": [("GET", 200)],
        "404": [("GET", 404), ("GET", 200)],
        "400": [("GET", 400), ("GET", 200)],
    }[name_miss]
    assert misses == expected * 2
