# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_inbound_check against real peers: a Kamailio stand-in for the Webex edge (5061 TLS, 5062
mutual TLS that demands a client certificate from the fixture root) and named for every record.
"""
import pytest

from support.check_results import expect, explain, rows, rule_status
from support.dns_server import closed_port

MODULE = "ucops.expressway.webex_inbound_check"
IN_RULES = ("IN-DNS", "IN-SRV", "IN-MTLS", "IN-CERT-EKU", "IN-CERT-NAME", "IN-CERT-CHAIN", "IN-CERT-TRUST",
            "IN-PTR", "IN-CONTACT")


def run(ansible, peers, client="good", check_mode=False, **extra):
    leaf = peers.client[client]
    args = dict(peers.common_args, called_uri=peers.called_uri, sbc_fqdn=peers.sbc_fqdn,
                client_cert=str(leaf.chain_file), client_key=str(leaf.key_file), contact_fqdn=peers.contact_fqdn)
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
    assert {rule: levels[rule] for rule in ("IN-CERT-EKU", "IN-CERT-NAME", "IN-CERT-CHAIN", "IN-CERT-TRUST")} == \
        dict.fromkeys(("IN-CERT-EKU", "IN-CERT-NAME", "IN-CERT-CHAIN", "IN-CERT-TRUST"), "must")


def test_key_never_in_results(clean, webex_peers):
    key = webex_peers.client["good"].key_file.read_text()
    body = key.split("-----")[2].strip().splitlines()[0]
    assert body not in repr({k: v for k, v in clean.items() if k != "_stdout"})


def test_untrusted_client_cert_fails_mtls(ansible, webex_peers):
    result = run(ansible, webex_peers, client="untrusted")
    expect(result, subject_of(result), {"IN-MTLS": "fail", "IN-CERT-TRUST": "fail", "IN-SRV": "pass",
                                        "IN-CERT-EKU": "pass"})
    assert result["failed"] is True


def test_server_only_eku(ansible, webex_peers):
    """A leaf without clientAuth: IN-CERT-EKU fails, and the real 5062 listener refuses it too."""
    result = run(ansible, webex_peers, client="server_only")
    expect(result, subject_of(result), {"IN-CERT-EKU": "fail", "IN-MTLS": "fail", "IN-CERT-TRUST": "pass",
                                        "IN-CERT-NAME": "pass"})


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


@pytest.mark.parametrize("client, fail_on, failed", [
    ("untrusted", "never", False),
    ("good", "should", False),
])
def test_fail_on_verdict(ansible, webex_peers, client, fail_on, failed):
    result = run(ansible, webex_peers, client=client, fail_on=fail_on)
    assert result["failed"] is failed, explain(result)
