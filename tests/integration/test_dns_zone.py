"""ucops.expressway.dns_zone against the emulated Expressway, through real ansible-playbook runs."""

import json

import pytest
import requests

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.dns_zone"
NAME = "Webex B2B DNS"


def connection(emu, **extra):
    """Connection options for the emulator, verifying its certificate against the emulator CA."""
    return dict(
        {
            "host": emu.host(),
            "port": emu.port(),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
            "validate_certs": True,
        },
        **extra,
    )


def box_zone(emu, name=NAME):
    """The zone as the emulator holds it (read outside the module under test), or None."""
    resp = requests.get(emu.api("common/zone/dnszone"), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return next((zone for zone in resp.json() if zone["Name"] == name), None)


def test_lifecycle_create_converge_update_delete(ansible, emulator):
    args = connection(
        emulator,
        name=NAME,
        tls_verify_mode=True,
        tls_verify_subject_name="callservice.example.test",
        fallback_transport_protocol="TLS",
        media_encryption_mode="ForceEncrypted",
    )
    mark = emulator.mark()
    created = ansible.run_module(MODULE, args, diff=True)
    assert created["changed"] is True, created
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["tls_verify_mode"] is True
    zone = box_zone(emulator)
    assert zone["SIPTLSVerifyMode"] == "On" and zone["SIPDefaultTransport"] == "TLS"
    posts = emulator.writes(since=mark)
    assert [w["method"] for w in posts] == ["POST"]

    mark = emulator.mark()
    again = ansible.run_module(MODULE, args)
    assert again["changed"] is False, again
    assert emulator.writes(since=mark) == []
    assert len(emulator.requests(method="GET", since=mark)) <= 1

    mark = emulator.mark()
    checked = ansible.run_module(MODULE, dict(args, hop_count=30), check_mode=True, diff=True)
    assert checked["changed"] is True
    assert checked["diff"]["before"]["hop_count"] == 15 and checked["diff"]["after"]["hop_count"] == 30
    assert emulator.writes(since=mark) == []
    assert box_zone(emulator)["HopCount"] == 15

    mark = emulator.mark()
    updated = ansible.run_module(MODULE, dict(args, hop_count=30), diff=True)
    assert updated["changed"] is True
    assert [(w["method"], w["body"]) for w in emulator.writes(since=mark)] == [("PUT", {"Name": NAME, "HopCount": 30})]
    assert box_zone(emulator)["HopCount"] == 30
    assert updated["diff"]["after"] == dict(updated["diff"]["before"], hop_count=30)

    mark = emulator.mark()
    deleted = ansible.run_module(MODULE, connection(emulator, name=NAME, state="absent"), diff=True)
    assert deleted["changed"] is True and deleted["diff"]["after"] == {}
    assert box_zone(emulator) is None
    gone = ansible.run_module(MODULE, connection(emulator, name=NAME, state="absent"))
    assert gone["changed"] is False
    assert [w["method"] for w in emulator.writes(since=mark)] == ["DELETE"]


def test_check_mode_create_writes_nothing(ansible, emulator):
    mark = emulator.mark()
    result = ansible.run_module(MODULE, connection(emulator, name=NAME), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {}, "after": {"name": NAME}}
    assert emulator.writes(since=mark) == []
    assert box_zone(emulator) is None


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"hop_count": 256}, ["hop_count", "256", "1 to 255"]),
        ({"fallback_transport_protocol": "SCTP"}, ["fallback_transport_protocol", "SCTP", "UDP, TCP, TLS"]),
    ],
    ids=["hop_count", "choice"],
)
def test_bad_input_fails_before_any_request(ansible, emulator, bad, words):
    mark = emulator.mark()
    result = ansible.run_module(MODULE, connection(emulator, name=NAME, **bad))
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"], result["msg"]
    assert emulator.requests(since=mark) == []


def test_wrong_password_fails_with_server_message_and_no_secret(ansible, emulator):
    wrong = "Not-The-Right-0ne"
    result = ansible.run_module(MODULE, connection(emulator, name=NAME, password=wrong))
    assert result["failed"] is True
    assert result["status"] == 401
    assert "Authentication failed: wrong username or password." in result["msg"]
    assert wrong not in json.dumps(result)
    assert wrong not in result["_stdout"]


def test_certificate_is_verified_by_default(ansible, emulator):
    args = connection(emulator, name=NAME)
    del args["ca_path"]
    result = ansible.run_module(MODULE, args)
    assert result["failed"] is True
    assert any(
        words in result["msg"]
        for words in (
            "CERTIFICATE_VERIFY_FAILED",
            "certificate verify failed",
            "give the CA that issued it in option ca_path",
        )
    ), result["msg"]
    assert emulator.writes() == []


def test_v1_prefix_and_percent_encoded_name(ansible, emulator):
    name = "Zone/with %2F and spaces"
    args = connection(emulator, name=name, hop_count=9, api_prefix="/api/v1/provisioning")
    created = ansible.run_module(MODULE, args)
    assert created["changed"] is True, created
    assert box_zone(emulator, name)["HopCount"] == 9
    mark = emulator.mark()
    assert ansible.run_module(MODULE, args)["changed"] is False
    gets = emulator.requests(method="GET", since=mark)
    assert len(gets) == 1 and gets[0]["path"].startswith("/api/v1/provisioning/common/zone/dnszone/name/")


@pytest.mark.parametrize(
    "name_miss, create_status", [("empty-list", 201), ("empty-object", 200), ("404", 201), ("400", 200)]
)
def test_every_name_miss_shape_reads_as_absent(ansible, emulator_factory, name_miss, create_status):
    emu = emulator_factory([{"name": "exp1", "name_miss": name_miss, "create_status": create_status}])
    args = connection(emu, name=NAME, hop_count=20)
    mark = emu.mark()
    gone = ansible.run_module(MODULE, dict(args, state="absent"))
    assert gone["changed"] is False and not gone.get("failed"), gone
    # A miss the box answers with 404 or 400 is confirmed by listing the collection once.
    assert len(emu.requests(method="GET", since=mark)) == (2 if name_miss in ("404", "400") else 1)
    assert emu.writes(since=mark) == []
    created = ansible.run_module(MODULE, args)
    assert created["changed"] is True, created
    assert [w["method"] for w in emu.writes(since=mark)] == ["POST"] and box_zone(emu)["HopCount"] == 20
    mark = emu.mark()
    assert ansible.run_module(MODULE, args)["changed"] is False
    assert emu.writes(since=mark) == []


@pytest.mark.parametrize("fault", ["500", "reset"])
def test_delete_applied_but_answer_lost_is_success(ansible, emulator_factory, fault):
    seed = {"zones": {"dnszone": [{"Name": NAME}, {"Name": "Other zone"}]}}
    emu = emulator_factory([{"name": "exp1", "seed": seed, "fail_after_apply": f"DELETE:1:{fault}"}])
    result = ansible.run_module(MODULE, connection(emu, name=NAME, state="absent"))
    assert result["changed"] is True and not result.get("failed"), result
    assert box_zone(emu) is None and box_zone(emu, "Other zone") is not None
    assert {json.dumps(w["body"]) for w in emu.writes()} == {json.dumps({"Name": NAME})}
    mark = emu.mark()
    assert ansible.run_module(MODULE, connection(emu, name=NAME, state="absent"))["changed"] is False
    assert emu.writes(since=mark) == []


@pytest.mark.parametrize("fault", ["500", "reset"])
def test_create_applied_but_answer_lost_is_success_without_a_resend(ansible, emulator_factory, fault):
    emu = emulator_factory([{"name": "exp1", "fail_after_apply": f"POST:1:{fault}"}])
    args = connection(emu, name=NAME, hop_count=25)
    result = ansible.run_module(MODULE, args)
    assert result["changed"] is True and not result.get("failed"), result
    assert box_zone(emu)["HopCount"] == 25
    assert [w["method"] for w in emu.writes()] == ["POST"]
    assert ansible.run_module(MODULE, args)["changed"] is False
