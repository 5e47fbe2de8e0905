"""EXP-CERT through webex_config_check: the emulated Expressway-E answers the API (its version for the
forecast), and a real Kamailio stand-in for its SIP TLS port presents the certificate, read off the wire."""

import pytest

from support.check_results import explain
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.webex_config_check"


@pytest.fixture
def expe(emulator_factory):  # pylint: disable=redefined-outer-name
    def start(version="X14.3.2"):
        return emulator_factory([{"name": "expe", "product": "expressway-e", "version": version}])

    return start


def check(ansible, peers, emu, stand_in, **sip_tls):
    scenario = peers.expressway_e[stand_in]
    spec = dict(
        {
            "host": peers.address(scenario.index),
            "server_name": scenario.fqdn,
            "ca_bundle": str(peers.pki.ca_bundle),
            "timeout": 2,
        },
        **sip_tls,
    )
    args = {
        "host": emu.host(),
        "port": emu.port(),
        "username": emu.username,
        "password": emu.password,
        "ca_path": emu.ca_path,
        "fail_on": "never",
        "sip_tls": spec,
    }
    result = ansible.run_module(MODULE, args)
    peers.assert_alive()
    return result


def exp_cert(result):
    found = [row for row in result["results"] if row["rule"] == "EXP-CERT"]
    assert len(found) == 1, explain(result)
    return found[0]


def test_good_certificate_passes_with_the_forecast(ansible, webex_peers, expe):
    row = exp_cert(check(ansible, webex_peers, expe(), "good"))
    assert row["status"] == "pass", row
    assert (
        "2026-06-15" in row["summary"] and "X14.3.2 does not offer the X15.5 client certificate store" in row["summary"]
    ), row
    assert row["evidence"]["certificate"]["san_dns"] == [webex_peers.expressway_e["good"].fqdn]
    assert row["evidence"]["eku"]["eku"] == ["serverAuth", "clientAuth"] and row["level"] == "should"


@pytest.mark.parametrize(
    "version, status, words",
    [
        ("X14.3.2", "fail", "lacks clientAuth"),
        ("X15.5.1", "warn", "X15.5 client certificate store must hold a clientAuth certificate"),
    ],
)
def test_server_auth_only_certificate(ansible, webex_peers, expe, version, status, words):
    row = exp_cert(check(ansible, webex_peers, expe(version), "server_only"))
    assert row["status"] == status and words in row["summary"], row
    assert ("%s offers" % version in row["summary"]) is (status == "warn"), row


def test_expired_certificate_fails(ansible, webex_peers, expe):
    row = exp_cert(check(ansible, webex_peers, expe(), "expired"))
    assert row["status"] == "fail" and "validity: certificate expired on" in row["summary"], row


def test_certificate_without_the_expressway_name_fails(ansible, webex_peers, expe):
    row = exp_cert(check(ansible, webex_peers, expe(), "good", server_name="expe-other.example.test"))
    assert row["status"] == "fail" and "name: expe-other.example.test is not in the certificate" in row["summary"]


def test_nothing_listening_fails_with_the_reason(ansible, webex_peers, expe):
    row = exp_cert(check(ansible, webex_peers, expe(), "good", port=5070))
    assert row["status"] == "fail" and "cannot read the certificate" in row["summary"], row


def test_without_sip_tls_there_is_no_exp_cert_row(ansible, expe):
    emu = expe()
    result = ansible.run_module(
        MODULE,
        {
            "host": emu.host(),
            "port": emu.port(),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
            "fail_on": "never",
        },
    )
    assert "EXP-CERT" not in {row["rule"] for row in result["results"]}, explain(result)


def test_unreadable_ca_bundle_fails_before_any_request(ansible, webex_peers, expe, tmp_path):
    emu = expe()
    bad = tmp_path / "bundle.pem"
    bad.write_text("not a certificate")
    mark = emu.mark()
    result = check(ansible, webex_peers, emu, "good", ca_bundle=str(bad))
    assert result["failed"] is True and "sip_tls.ca_bundle" in result["msg"], result["msg"]
    assert emu.requests(since=mark) == []
