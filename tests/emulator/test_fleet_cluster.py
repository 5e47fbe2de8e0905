"""Fleets in one process, cluster peers refusing replicated config, seeds and clean shutdown."""

import json

import requests

from conftest import message

SEED = {
    "zones": {
        "dnszone": [{"Name": "Webex zone", "ZoneProfile": "Custom"}],
        "traversalserver": [{"Name": "Traversal server"}],
    },
    "searchrules": [{"Name": "To Webex", "Priority": 10, "TargetName": "Webex zone", "PatternString": "x"}],
    "dnsservers": [{"index": 1, "address": "127.0.0.53"}],
    "dns": {"SystemHostName": "exp1", "DomainName": "b2b.example.test"},
    "firewall": {
        "pending": [{"Priority": 5, "Address": "192.0.2.0", "PrefixLength": 24, "Action": "Allow"}],
        "active": [{"Priority": 1, "Address": "198.51.100.0", "PrefixLength": 24, "Action": "Drop"}],
    },
}


def _fleet(emulator_factory):
    return emulator_factory(
        [
            {"name": "primary", "cluster_role": "primary", "seed": SEED, "system_name": "exp-primary"},
            {"name": "peer", "cluster_role": "peer", "seed": SEED},
            {"name": "expc", "product": "expressway-c", "version": "X8.11.4"},
        ]
    )


def test_fleet_ready_file_and_log_instances(emulator_factory, client_for):
    emu = _fleet(emulator_factory)
    ready = json.loads(emu.ready_path.read_text())
    assert [(i["name"], i["product"], i["version"]) for i in ready["instances"]] == [
        ("primary", "expressway-e", "X14.3.2"),
        ("peer", "expressway-e", "X14.3.2"),
        ("expc", "expressway-c", "X8.11.4"),
    ]
    assert len({i["url"] for i in ready["instances"]}) == 3 and ready["ca"] == emu.ca_path
    for name in ("primary", "peer", "expc"):
        assert client_for(emu, name=name).get("sysinfo").status_code == 200
    assert [e["name"] for e in emu.requests()] == ["primary", "peer", "expc"]
    assert emu.requests(instance="expc")[0]["instance"] == ready["instances"][2]["instance"]
    assert client_for(emu, name="primary").get("sysinfo").json()["SystemName"] == "exp-primary"
    assert client_for(emu, name="expc").get("sysinfo").json()["SystemType"] == "Expressway-C"


def test_seed_state(emulator_factory, client_for):
    client = client_for(_fleet(emulator_factory), name="primary")
    assert client.get("common/zone/dnszone").json()[0]["ZoneProfile"] == "Custom"
    assert client.get("edge/zone/traversalserver").json()[0]["Name"] == "Traversal server"
    assert client.get("common/searchrule").json()[0]["TargetName"] == "Webex zone"
    assert client.get("common/dns/dnsserver").json() == [{"index": 1, "address": "127.0.0.53"}]
    assert client.get("common/dns/dns").json()["DomainName"] == "b2b.example.test"
    assert [r["Priority"] for r in client.get("common/firewallrules/configuration").json()] == [5]
    assert [r["Action"] for r in client.get("common/current/active/firewallrules").json()] == ["Drop"]


def test_peer_refuses_cluster_wide_writes(emulator_factory, client_for):
    emu = _fleet(emulator_factory)
    peer, primary = client_for(emu, name="peer"), client_for(emu, name="primary")
    for call, path, body in [
        (peer.post, "common/zone/dnszone", {"Name": "new"}),
        (peer.put, "common/searchrule", {"Name": "To Webex", "Priority": 11}),
        (
            peer.post,
            "common/firewallrules/configuration",
            {"Priority": 6, "Address": "192.0.2.9", "PrefixLength": 32, "Action": "Allow"},
        ),
        (peer.put, "common/firewallrules/activation", None),
        (peer.put, "common/protocol/sip/configuration", {"TLSMode": "On"}),
    ]:
        response = call(path, body)
        assert response.status_code == 400 and "primary" in message(response)
    files = {"file": ("r.pem", peer.get("certs/root").text)}
    assert peer.request("POST", "certs/root", files=files, headers={"X-CSRF-Header": "1"}).status_code == 400
    assert (
        peer.post("common/dns/dnsserver", {"DefaultDNSServers": {"index": 2, "address": "127.0.0.2"}}).status_code
        == 201
    )
    assert peer.put("common/dns/dns", {"SystemHostName": "exp2"}).status_code == 200
    assert peer.get("common/zone/dnszone").json()[0]["Name"] == "Webex zone"
    assert primary.post("common/zone/dnszone", {"Name": "new"}).status_code == 201
    assert [z["Name"] for z in peer.get("common/zone/dnszone").json()] == ["Webex zone"]  # no replication


def test_bad_seed_stops_startup(emulator_factory):
    seed = {"searchrules": [{"Name": "r", "Priority": 1, "TargetName": "missing", "PatternString": "x"}]}
    try:
        emulator_factory([{"name": "bad", "seed": seed}])
    except RuntimeError as err:
        assert "TargetName" in str(err)
    else:
        raise AssertionError("the emulator started with a seed it should refuse")


def test_sigterm_exits_cleanly(emulator_factory):
    emu = emulator_factory()
    url = emu.api("sysinfo")
    emu.stop()
    assert emu.proc.returncode == 0
    try:
        requests.get(url, verify=emu.ca_path, timeout=2)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("the emulator still answers after SIGTERM")
