"""Transport rules: HTTPS with the generated CA, Basic auth, prefixes, JSON only, no queries."""

import json
import subprocess
import sys
import time

import requests

from conftest import JSON, message
from support.emulator import EMULATOR_PATH


def test_missing_credentials_get_basic_challenge(emulator):
    response = requests.get(emulator.api("sysinfo"), verify=emulator.ca_path, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert message(response)


def test_wrong_password_is_401(emulator):
    response = requests.get(emulator.api("sysinfo"), auth=("admin", "wrong"), verify=emulator.ca_path, timeout=10)
    assert response.status_code == 401
    assert "wrong" in message(response)


def test_both_prefixes_serve_the_same_data(emulator, client, client_for):
    assert client.post("common/zone/dnszone", {"Name": "z1"}).status_code == 201
    v1 = client_for(emulator, v1=True)
    assert v1.get("common/zone/dnszone").json() == client.get("common/zone/dnszone").json()
    assert v1.get("common/zone/dnszone").json()[0]["Name"] == "z1"


def test_sysinfo_fields(client):
    info = client.get("sysinfo").json()
    assert info["ProductType"] == "Expressway"
    assert info["SystemType"] == "Expressway-E"
    assert info["SoftwareVersion"] == "X14.3.2"
    assert info["SystemName"] == "exp1"
    assert info["SerialNumber"] and isinstance(info["Uptime"], int)


def test_query_strings_are_refused(client):
    response = client.get("common/zone/dnszone?Name=x")
    assert response.status_code == 400
    assert "Query" in message(response)


def test_unknown_path_and_method(client):
    assert client.get("common/zone/nosuchzone").status_code == 404
    assert client.get("common/zone/dnszone/").status_code == 404
    response = client.post("sysinfo", {})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


def test_non_json_bodies_are_refused(client):
    path = "common/zone/dnszone"
    response = client.request(
        "POST", path, data="Name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    response = client.request("POST", path, data="{not json", headers=JSON)
    assert response.status_code == 400
    response = client.request("POST", path, data="[]", headers=JSON)
    assert response.status_code == 400


def test_raml_lists_served_resources(emulator):
    response = requests.get(emulator.url() + "/api/raml", auth=emulator.auth, verify=emulator.ca_path, timeout=10)
    assert response.status_code == 200
    assert response.text.startswith("#%RAML 0.8")
    assert "/edge/zone/traversalserver:" in response.text
    assert "/controller/" not in response.text
    assert '"SIPTLSVerifySubjectName"' in response.text


def test_request_log_lines(emulator, client):
    mark = emulator.mark()
    client.post("common/zone/dnszone", {"Name": "Logged zone", "HopCount": 0})
    client.get("common/zone/dnszone")
    entries = emulator.requests(since=mark)
    assert [(e["method"], e["status"]) for e in entries] == [("POST", 400), ("GET", 200)]
    post = entries[0]
    assert post["instance"] == f"127.0.0.1:{emulator.port()}"
    assert post["path"] == "/api/provisioning/common/zone/dnszone"
    assert post["body"] == {"Name": "Logged zone", "HopCount": 0}
    assert entries[1]["body"] is None and entries[0]["ts"]
    assert emulator.requests(method="GET", since=mark) == entries[1:]
    raw = emulator.log_path.read_text()
    assert "Authorization" not in raw and emulator.password not in raw


def test_single_instance_cli_with_password_file(tmp_path, emulator_state_dir):
    (tmp_path / "pw").write_text("S3cret-pass\n")
    ready = tmp_path / "ready.json"
    cmd = [
        sys.executable,
        "-m",
        "expressway_emulator",
        "--listen",
        "127.0.0.1:0",
        "--product",
        "expressway-c",
        "--version",
        "X12.5",
        "--password-file",
        str(tmp_path / "pw"),
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
        url = doc["instances"][0]["url"] + "/api/provisioning/sysinfo"
        assert requests.get(url, auth=("admin", "Expressway-Emul4tor"), verify=doc["ca"], timeout=10).status_code == 401
        info = requests.get(url, auth=("admin", "S3cret-pass"), verify=doc["ca"], timeout=10).json()
        assert info["SystemType"] == "Expressway-C" and info["SoftwareVersion"] == "X12.5"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
