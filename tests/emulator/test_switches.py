"""Answer-shape switches and the fail-after-apply fault: defaults unchanged, each alternative as documented."""

import json
import subprocess
import sys
import time

import pytest
import requests

from conftest import message
from support.emulator import EMULATOR_PATH, EmulatorError

ZONES = "common/zone/dnszone"
RULES = "common/searchrule"
SERVERS = "common/dns/dnsserver"
PENDING = "common/firewallrules/configuration"
ROOTS = "certs/root"


def _fw(priority):
    return {
        "Priority": priority,
        "Address": "192.0.2.0",
        "PrefixLength": 24,
        "Action": "Allow",
        "Description": f"rule {priority}",
    }


def _start(factory, client_for, **switches):
    emu = factory([dict({"name": "exp1"}, **switches)])
    return emu, client_for(emu)


def test_defaults_are_the_shapes_before_the_switches(client):
    assert client.get(ZONES + "/name/nothing").json() == []
    assert client.post(ZONES, {"Name": "z"}).status_code == 201
    assert client.get(SERVERS).json() == []
    assert isinstance(client.get("common/dns/dns").json(), dict)
    assert isinstance(client.get("common/protocol/sip/configuration").json(), list)
    assert client.get(ROOTS).text.startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.parametrize(
    "miss, status, body", [("empty-list", 200, []), ("empty-object", 200, {}), ("404", 404, None), ("400", 400, None)]
)
def test_name_miss(emulator_factory, client_for, miss, status, body):
    _emu, client = _start(emulator_factory, client_for, name_miss=miss)
    for path in (ZONES, RULES):
        response = client.get(path + "/name/Not%20here")
        assert response.status_code == status
        if body is not None:
            assert response.json() == body
        elif status == 400:
            assert "'Not here' does not exist" in message(response)
    assert client.post(ZONES, {"Name": "Here"}).status_code == 201
    assert client.get(ZONES + "/name/Here").json() == [client.get(ZONES).json()[0]]


def test_create_status_200(emulator_factory, client_for):
    _emu, client = _start(emulator_factory, client_for, create_status=200)
    assert client.post(ZONES, {"Name": "z"}).status_code == 200
    assert client.post(SERVERS, {"DefaultDNSServers": {"index": 1, "address": "192.0.2.53"}}).status_code == 200
    assert client.post(ZONES, {"Name": "z"}).status_code == 400  # errors keep their status


@pytest.mark.parametrize("shape, dns, sip", [("object", dict, dict), ("array", list, list)])
def test_singleton_shape(emulator_factory, client_for, shape, dns, sip):
    _emu, client = _start(emulator_factory, client_for, singleton_shape=shape)
    for path, kind in (("common/dns/dns", dns), ("common/protocol/sip/configuration", sip), ("sysinfo", dns)):
        answer = client.get(path).json()
        assert isinstance(answer, kind), (path, answer)
        record = answer if isinstance(answer, dict) else answer[0]
        assert record and (isinstance(answer, dict) or len(answer) == 1), answer
    settings = {"SystemHostName": "expe", "DomainName": "example.test"}
    assert client.get("common/dns/dns").json() in (settings, [settings])


ONE = {"index": 2, "address": "192.0.2.53"}
TWO = {"index": 3, "address": "2001:db8::53"}


@pytest.mark.parametrize(
    "shape, none, one, two",
    [
        ("bare", [], [ONE], [ONE, TWO]),
        ("wrapped", {}, {"DefaultDNSServers": ONE}, {"DefaultDNSServers": [ONE, TWO]}),
        ("wrapped-list", {"DefaultDNSServers": []}, {"DefaultDNSServers": [ONE]}, {"DefaultDNSServers": [ONE, TWO]}),
        (
            "list-of-wrappers",
            [],
            [{"DefaultDNSServers": ONE}],
            [{"DefaultDNSServers": ONE}, {"DefaultDNSServers": TWO}],
        ),
    ],
)
def test_dns_server_shape(emulator_factory, client_for, shape, none, one, two):
    _emu, client = _start(emulator_factory, client_for, dns_server_shape=shape)
    assert client.get(SERVERS).json() == none
    client.post(SERVERS, {"DefaultDNSServers": ONE})
    assert client.get(SERVERS).json() == one
    client.post(SERVERS, {"DefaultDNSServers": TWO})
    assert client.get(SERVERS).json() == two


@pytest.mark.parametrize("mode, after", [("stable", [(1, 10), (3, 30)]), ("compact", [(1, 10), (2, 30)])])
def test_firewall_index_after_delete(emulator_factory, client_for, mode, after):
    _emu, client = _start(emulator_factory, client_for, firewall_index=mode)
    for priority in (10, 20, 30):
        assert client.post(PENDING, _fw(priority)).status_code == 201
    assert client.delete(PENDING, {"Index": 2}).status_code == 200
    assert [(r["Index"], r["Priority"]) for r in client.get(PENDING).json()] == after
    assert client.post(PENDING, _fw(40)).status_code == 201
    assert client.get(PENDING).json()[-1]["Index"] == after[-1][0] + 1


@pytest.mark.parametrize(
    "answer, content_type, text",
    [("html", "text/html", "<!DOCTYPE html>"), ("empty", "text/plain", ""), ("garbage", "text/plain", "Certificate")],
)
def test_certs_root_answer(emulator_factory, client_for, answer, content_type, text):
    _emu, client = _start(emulator_factory, client_for, certs_root_answer=answer)
    response = client.get(ROOTS)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(content_type)
    assert response.text.startswith(text) and "BEGIN CERTIFICATE" not in response.text
    assert (response.text == "") == (answer == "empty")


def test_fail_after_apply_500_applies_then_fails(emulator_factory, client_for):
    emu, client = _start(emulator_factory, client_for, fail_after_apply="DELETE:2:500,POST:1:500")
    assert client.post(ZONES, {"Name": "a"}).status_code == 500
    assert client.post(ZONES, {"Name": "b"}).status_code == 201
    assert client.delete(ZONES, {"Name": "x"}).status_code == 400  # refused: not applied, not counted
    assert client.delete(ZONES, {"Name": "a"}).status_code == 200
    response = client.delete(ZONES, {"Name": "b"})
    assert response.status_code == 500 and message(response)
    assert client.get(ZONES).json() == []
    assert [e["status"] for e in emu.requests(method="DELETE")] == [400, 200, 500]


def test_fail_after_apply_reset_drops_the_connection(emulator_factory, client_for):
    emu, client = _start(emulator_factory, client_for, fail_after_apply="PUT:1:reset")
    client.post(ZONES, {"Name": "a"})
    with pytest.raises(requests.ConnectionError):
        client.put(ZONES, {"Name": "a", "HopCount": 30})
    assert client.get(ZONES).json()[0]["HopCount"] == 30
    assert client.put(ZONES, {"Name": "a", "HopCount": 31}).status_code == 200
    assert [e["status"] for e in emu.requests(method="PUT")] == [0, 200]


@pytest.mark.parametrize(
    "spec, words",
    [
        ({"name_miss": "410"}, "name_miss must be one of"),
        ({"dns_server_shape": "nested"}, "dns_server_shape must be one of"),
        ({"fail_after_apply": "GET:1:500"}, "METHOD:N:ANSWER"),
        ({"fail_after_apply": "POST:0:500"}, "METHOD:N:ANSWER"),
    ],
)
def test_bad_switch_values_stop_startup(emulator_factory, spec, words):
    with pytest.raises(EmulatorError) as err:
        emulator_factory([dict({"name": "bad"}, **spec)])
    assert words in str(err.value)


def test_switches_on_the_command_line(tmp_path, emulator_state_dir):
    ready = tmp_path / "ready.json"
    cmd = [
        sys.executable,
        "-m",
        "expressway_emulator",
        "--listen",
        "127.0.0.1:0",
        "--name-miss",
        "404",
        "--create-status",
        "200",
        "--dns-server-shape",
        "wrapped-list",
        "--singleton-shape",
        "object",
        "--firewall-index",
        "compact",
        "--certs-root-answer",
        "empty",
        "--fail-after-apply",
        "DELETE:1:500",
        "--state-dir",
        str(emulator_state_dir),
        "--ready-file",
        str(ready),
    ]
    proc = subprocess.Popen(cmd, env={"PYTHONPATH": str(EMULATOR_PATH)}, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        doc = json.loads(ready.read_text())
        base = doc["instances"][0]["url"] + "/api/provisioning/"

        def call(method, path, body=None):
            return requests.request(
                method, base + path, json=body, auth=("admin", "Expressway-Emul4tor"), verify=doc["ca"], timeout=10
            )

        assert call("GET", ZONES + "/name/z").status_code == 404
        assert call("POST", ZONES, {"Name": "z"}).status_code == 200
        assert call("GET", SERVERS).json() == {"DefaultDNSServers": []}
        assert isinstance(call("GET", "common/protocol/sip/configuration").json(), dict)
        assert call("GET", ROOTS).text == ""
        assert call("DELETE", ZONES, {"Name": "z"}).status_code == 500
        assert call("GET", ZONES).json() == []
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
