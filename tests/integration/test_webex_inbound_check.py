# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_inbound_check against real peers: a Kamailio stand-in for the Webex edge (5061 TLS, 5062
mutual TLS that demands a client certificate from the fixture root) and named for every record.
"""

import pytest

from support.check_results import expect, explain, rows, rule_status
from support.dns_server import closed_port
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from support.pki import pem

MODULE = "ucops.expressway.webex_inbound_check"
IN_RULES = (
    "IN-DNS",
    "IN-SRV",
    "IN-MTLS",
    "IN-CERT-EKU",
    "IN-CERT-VALID",
    "IN-CERT-NAME",
    "IN-CERT-CHAIN",
    "IN-CERT-TRUST",
    "IN-PTR",
    "IN-CONTACT",
)


def run(ansible, peers, client="good", check_mode=False, **extra):
    leaf = peers.client[client]
    # The SBC's trusted CA list holds the fixture root, and its zone verifies the name Webex's certificate carries.
    args = dict(
        peers.common_args,
        called_uri=peers.called_uri,
        sbc_fqdn=peers.sbc_fqdn,
        client_cert=str(leaf.chain_file),
        client_key=str(leaf.key_file),
        contact_fqdn=peers.contact_fqdn,
        webex_trusted_cas=str(peers.pki.ca_bundle),
        tls_verify_subject_name=peers.tls_verify_subject_name,
    )
    args.update(extra)
    result = ansible.run_module(MODULE, args, check_mode=check_mode)
    peers.assert_alive()
    return result


def subject_of(result):
    subjects = {r["subject"] for r in result["rules"]}
    assert len(subjects) == 1, explain(result)
    return subjects.pop()


@pytest.fixture(scope="module")
def clean(ansible, webex_peers):
    return run(ansible, webex_peers)


def test_clean_every_rule_passes(clean):
    expect(clean, subject_of(clean), {rule: "pass" for rule in IN_RULES})
    assert clean["failed"] is False, explain(clean)
    assert clean["changed"] is False


def test_clean_mtls_reached_the_edge_on_5062(clean, webex_peers):
    got = [(row["address"], row["port"], row["status"]) for row in rows(clean, "IN-MTLS")]
    assert got == [(webex_peers.address(40), 5062, "pass")], explain(clean)


def test_mutual_tls_makes_certificate_rules_must(clean):
    """The requirements page: once mutual TLS is in use, IN-CERT-* are must, not should."""
    levels = {r["rule"]: r["level"] for r in clean["rules"]}
    cert_rules = ("IN-CERT-EKU", "IN-CERT-VALID", "IN-CERT-NAME", "IN-CERT-CHAIN", "IN-CERT-TRUST")
    assert {rule: levels[rule] for rule in cert_rules} == dict.fromkeys(cert_rules, "must")


def test_key_never_in_results(clean, webex_peers):
    key = webex_peers.client["good"].key_file.read_text()
    body = key.split("-----")[2].strip().splitlines()[0]
    assert body not in repr({k: v for k, v in clean.items() if k != "_stdout"})


def test_untrusted_client_cert_fails_mtls(ansible, webex_peers):
    result = run(ansible, webex_peers, client="untrusted")
    expect(
        result,
        subject_of(result),
        {"IN-MTLS": "fail", "IN-CERT-TRUST": "fail", "IN-SRV": "pass", "IN-CERT-EKU": "pass"},
    )
    assert result["failed"] is True


def test_server_only_eku(ansible, webex_peers):
    """A leaf without clientAuth: IN-CERT-EKU fails, and the real 5062 listener refuses it too."""
    result = run(ansible, webex_peers, client="server_only")
    expect(
        result,
        subject_of(result),
        {"IN-CERT-EKU": "fail", "IN-MTLS": "fail", "IN-CERT-TRUST": "pass", "IN-CERT-NAME": "pass"},
    )


def test_called_host_without_srv_fails_in_srv(ansible, webex_peers):
    result = run(ansible, webex_peers, called_uri=webex_peers.nosrv_uri)
    expect(result, subject_of(result), {"IN-SRV": "fail", "IN-DNS": "pass"})


def test_srv_target_not_listening_fails_in_srv(ansible, webex_peers):
    result = run(ansible, webex_peers, called_uri=webex_peers.deadcloud_uri)
    expect(result, subject_of(result), {"IN-SRV": "fail"})


def test_contact_without_a_record_fails(ansible, webex_peers):
    result = run(ansible, webex_peers, contact_fqdn=webex_peers.contact_v6only)
    expect(result, subject_of(result), {"IN-CONTACT": "fail", "IN-SRV": "pass"})


def test_contact_not_given_is_skipped(ansible, webex_peers):
    result = run(ansible, webex_peers, contact_fqdn=None)
    expect(result, subject_of(result), {"IN-CONTACT": "skip", "IN-SRV": "pass"})


def test_sbc_without_ptr(ansible, webex_peers):
    result = run(ansible, webex_peers, sbc_fqdn=webex_peers.sbc_noptr_fqdn)
    # The client certificate names sbc.origin, not noptr.origin: the name rule fails as well.
    expect(result, subject_of(result), {"IN-PTR": "fail", "IN-CERT-NAME": "fail"})


def test_resolver_not_answering_fails_in_dns(ansible, webex_peers):
    result = run(ansible, webex_peers, resolver_port=closed_port(), timeout=1)
    subject = subject_of(result)
    expect(result, subject, {"IN-DNS": "fail"})
    assert rule_status(result, subject, "IN-SRV") != "pass", explain(result)
    assert result["failed"] is True


def test_empty_resolver_list_fails_in_dns(ansible, webex_peers):
    result = run(ansible, webex_peers, resolvers=[])
    expect(result, subject_of(result), {"IN-DNS": "fail"})


def test_check_mode_gives_the_same_results(ansible, webex_peers, clean):
    checked = run(ansible, webex_peers, check_mode=True)
    assert checked["changed"] is False
    assert checked["rules"] == clean["rules"]
    assert checked["summary"] == clean["summary"]


@pytest.mark.parametrize(
    "client, fail_on, failed",
    [
        ("untrusted", "never", False),
        ("good", "should", False),
    ],
)
def test_fail_on_verdict(ansible, webex_peers, client, fail_on, failed):
    result = run(ansible, webex_peers, client=client, fail_on=fail_on)
    assert result["failed"] is failed, explain(result)


def test_expired_client_certificate_fails_in_cert_valid(ansible, webex_peers):
    """The expiry was computed and dropped before: now it is a failing row, and the real 5062 agrees."""
    result = run(ansible, webex_peers, client="expired")
    expect(
        result,
        subject_of(result),
        {"IN-CERT-VALID": "fail", "IN-MTLS": "fail", "IN-CERT-NAME": "pass", "IN-CERT-EKU": "pass", "IN-SRV": "pass"},
    )
    assert result["failed"] is True
    [row] = rows(result, "IN-CERT-VALID")
    assert row["level"] == "must" and "expired on" in row["summary"], row


def test_expiring_client_certificate_warns_in_cert_valid(ansible, webex_peers):
    result = run(ansible, webex_peers, client="expiring")
    expect(result, subject_of(result), {"IN-CERT-VALID": "warn", "IN-MTLS": "pass", "IN-CERT-TRUST": "pass"})
    assert result["failed"] is False, explain(result)


def test_clean_judges_webex_certificate_against_the_expressway_list(clean):
    for row in rows(clean, "IN-SRV") + rows(clean, "IN-MTLS"):
        verdict = row["evidence"]["webex_certificate"]
        assert verdict["status"] == "pass" and verdict["anchors"] == "the Expressway's trusted CA list", row
        assert verdict["name"]["matched_by"] == "san_dns", row


def test_webex_ca_change_fails_in_srv_until_the_root_is_trusted(ansible, webex_peers):
    """Webex's edge moved to another CA: the SBC's list lacks the new root, so IN-SRV fails; once the
    list holds it, the same edge passes."""
    result = run(ansible, webex_peers, called_uri=webex_peers.newca_uri)
    expect(result, subject_of(result), {"IN-SRV": "fail", "IN-DNS": "pass"})
    [row] = rows(result, "IN-SRV")
    assert row["evidence"]["version"] and "Webex certificate: the SBC would reject it" in row["summary"], row
    fixed = run(
        ansible, webex_peers, called_uri=webex_peers.newca_uri, webex_trusted_cas=str(webex_peers.pki.outside_bundle)
    )
    expect(fixed, subject_of(fixed), {"IN-SRV": "pass"})


def test_wrong_tls_verify_subject_name_fails_in_srv_and_in_mtls(ansible, webex_peers):
    result = run(ansible, webex_peers, tls_verify_subject_name="sip.webex.com")
    expect(result, subject_of(result), {"IN-SRV": "fail", "IN-MTLS": "fail", "IN-CERT-TRUST": "pass"})
    assert "sip.webex.com" in rows(result, "IN-SRV")[0]["summary"]


def test_pinned_fallback_warns_on_a_root_webex_does_not_document(ansible, webex_peers):
    """Without the SBC's list, the pinned Webex roots decide; the fixture root is not one of them."""
    result = run(ansible, webex_peers, webex_trusted_cas=None)
    expect(result, subject_of(result), {"IN-SRV": "warn", "IN-MTLS": "warn", "IN-CERT-TRUST": "pass"})
    verdict = rows(result, "IN-SRV")[0]["evidence"]["webex_certificate"]
    assert verdict["anchors"] == "the pinned list of Webex roots" and verdict["status"] == "warn", verdict
    assert result["failed"] is False


def test_unreadable_webex_trusted_cas_fails_before_any_probe(ansible, webex_peers, tmp_path):
    bad = tmp_path / "not-pem.txt"
    bad.write_text("no certificates here")
    result = run(ansible, webex_peers, webex_trusted_cas=str(bad))
    assert result["failed"] is True and "webex_trusted_cas" in result["msg"], result["msg"]


def _box(emulator_factory, roots, subject_name):  # pylint: disable=redefined-outer-name
    """An emulated Expressway-E whose trusted CA list holds roots and whose Webex zone verifies subject_name."""
    zone = {
        "Name": "Webex",
        "ZoneProfile": "Custom",
        "SIPTLSVerifyMode": "On",
        "SIPTLSVerifySubjectName": subject_name,
        "SIPDnsOverrideOverride": "On",
        "SIPDnsOverrideName": subject_name.replace("sip.webex.com", "callservice.webex.com"),
        "SIPMode": "On",
    }
    seed = {"zones": {"dnszone": [zone]}, "rootcas_pem": "".join(pem(root.cert).decode() for root in roots)}
    return emulator_factory([{"name": "expe", "product": "expressway-e", "version": "X15.0.2", "seed": seed}])


def _from_box(ansible, peers, emu, **extra):
    conn = {
        "host": emu.host(),
        "port": emu.port(),
        "username": emu.username,
        "password": emu.password,
        "ca_path": emu.ca_path,
    }
    leaf = peers.client["good"]
    args = dict(
        peers.common_args,
        called_uri=peers.called_uri,
        sbc_fqdn=peers.sbc_fqdn,
        expressway=conn,
        client_cert=str(leaf.chain_file),
        client_key=str(leaf.key_file),
        contact_fqdn=peers.contact_fqdn,
        **extra,
    )
    result = ansible.run_module(MODULE, args)
    peers.assert_alive()
    return result


def test_expressway_view_read_from_the_box(ansible, webex_peers, emulator_factory):  # pylint: disable=redefined-outer-name
    """The box's trusted CA list and zone name decide, read with two GETs and no write."""
    emu = _box(emulator_factory, [webex_peers.pki.root], webex_peers.tls_verify_subject_name)
    mark = emu.mark()
    result = _from_box(ansible, webex_peers, emu)
    expect(result, subject_of(result), {"IN-SRV": "pass", "IN-MTLS": "pass"})
    verdict = rows(result, "IN-SRV")[0]["evidence"]["webex_certificate"]
    assert (
        verdict["subject_name"] == webex_peers.tls_verify_subject_name and verdict["name"]["matched_by"] == "san_dns"
    ), verdict
    assert len(emu.requests(since=mark, method="GET")) == 2 and emu.writes(since=mark) == []
    assert emu.password not in repr({k: v for k, v in result.items() if k != "_stdout"})


def test_box_without_the_root_webex_uses_fails_in_srv(ansible, webex_peers, emulator_factory):  # pylint: disable=redefined-outer-name
    emu = _box(emulator_factory, [webex_peers.pki.outside_root], webex_peers.tls_verify_subject_name)
    result = _from_box(ansible, webex_peers, emu)
    expect(result, subject_of(result), {"IN-SRV": "fail", "IN-MTLS": "fail", "IN-CERT-TRUST": "pass"})
    assert "trusted CA list" in rows(result, "IN-SRV")[0]["summary"]


def test_box_zone_with_another_subject_name_fails_in_srv(ansible, webex_peers, emulator_factory):  # pylint: disable=redefined-outer-name
    emu = _box(emulator_factory, [webex_peers.pki.root], "sip.webex.com")
    result = _from_box(ansible, webex_peers, emu)
    expect(result, subject_of(result), {"IN-SRV": "fail"})
    assert "sip.webex.com" in rows(result, "IN-SRV")[0]["summary"]


def test_box_that_refuses_the_login_fails_naming_the_option(ansible, webex_peers, emulator_factory):  # pylint: disable=redefined-outer-name
    emu = _box(emulator_factory, [webex_peers.pki.root], webex_peers.tls_verify_subject_name)
    emu.password = "wrong-" + emu.password
    result = _from_box(ansible, webex_peers, emu)
    assert result["failed"] is True and result["msg"].startswith("expressway: "), result["msg"]
    assert emu.password not in result["msg"]
