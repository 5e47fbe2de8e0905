# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_outbound_check against real peers: named for DNS, Kamailio for SIPS, a fixture PKI.

Every defect scenario asserts the exact status of the rule its defect breaks (never just
"failed"), and the clean scenario asserts that every rule passes. The statuses follow the rule
catalogue in plugins/module_utils/_checks/catalogue.py (e.g. a TLS-1.3-only server fails OUT-TLS, a chain
without only its root warns OUT-CERT-CHAIN).
"""

import pytest

from support.check_results import expect, explain, rows, rule_status, run_module_direct

MODULE = "ucops.expressway.webex_outbound_check"
OUT_RULES = (
    "OUT-URI",
    "OUT-HOST",
    "OUT-A",
    "OUT-TLS",
    "OUT-CERT-VALID",
    "OUT-CERT-NAME",
    "OUT-CERT-CHAIN",
    "OUT-CERT-TRUST",
    "OUT-SIP",
    "OUT-PTR",
)

# scenario -> {rule: exact status}. Rules not listed are not what the scenario is about.
DEFECTS = {
    "a_only": {
        "OUT-URI": "pass",
        "OUT-HOST": "pass",
        "OUT-A": "pass",
        "OUT-TLS": "pass",
        "OUT-CERT-NAME": "pass",
        "OUT-CERT-CHAIN": "pass",
        "OUT-CERT-TRUST": "pass",
        "OUT-PTR": "pass",
        "OUT-SIP": "pass",
        "OUT-VERSION": "skip",
    },  # the SIP peer answers, but it is no VCS/Expressway
    "ipv4_literal": {
        "OUT-URI": "pass",
        "OUT-HOST": "pass",
        "OUT-TLS": "pass",
        "OUT-CERT-NAME": "pass",
        "OUT-PTR": "pass",
    },
    "aaaa_only": {"OUT-HOST": "pass", "OUT-A": "fail"},
    "no_ptr": {"OUT-PTR": "fail", "OUT-TLS": "pass"},
    "bad_ptr": {"OUT-PTR": "fail", "OUT-TLS": "pass"},
    "expired": {"OUT-CERT-VALID": "fail", "OUT-TLS": "pass"},
    "not_yet_valid": {"OUT-CERT-VALID": "fail"},
    "expiring": {"OUT-CERT-VALID": "warn", "OUT-CERT-NAME": "pass"},
    "wrong_name": {"OUT-CERT-NAME": "fail", "OUT-CERT-VALID": "pass", "OUT-CERT-TRUST": "pass"},
    "wildcard": {"OUT-CERT-NAME": "pass"},
    "wildcard_miss": {"OUT-CERT-NAME": "fail"},
    "leaf_only": {"OUT-CERT-CHAIN": "fail", "OUT-CERT-TRUST": "fail"},
    "no_root": {"OUT-CERT-CHAIN": "warn", "OUT-CERT-TRUST": "pass"},
    "self_signed": {"OUT-CERT-CHAIN": "fail", "OUT-CERT-TRUST": "fail"},
    "outside_root": {"OUT-CERT-TRUST": "fail", "OUT-CERT-CHAIN": "pass"},
    "tls13_only": {"OUT-TLS": "fail"},
    "tls12_only": {"OUT-TLS": "pass"},
    "nothing_listening": {"OUT-A": "pass", "OUT-TLS": "fail", "OUT-SIP": "skip"},
    "silent": {"OUT-A": "pass", "OUT-TLS": "fail"},
    "expressway_old": {"OUT-VERSION": "fail", "OUT-TLS": "pass"},  # X8.2.1 in the OPTIONS Server header
    "expressway_new": {"OUT-VERSION": "pass"},
    # Every signature is right, yet a TLS client rejects these chains (path validation).
    "expired_intermediate": {
        "OUT-CERT-TRUST": "fail",
        "OUT-CERT-CHAIN": "pass",
        "OUT-CERT-VALID": "pass",
        "OUT-TLS": "pass",
    },
    "non_ca_issuer": {"OUT-CERT-TRUST": "fail", "OUT-CERT-CHAIN": "pass", "OUT-CERT-VALID": "pass"},
    "sha1": {"OUT-CERT-TRUST": "fail", "OUT-CERT-CHAIN": "pass", "OUT-TLS": "pass"},
    "rsa1024": {"OUT-CERT-TRUST": "fail", "OUT-CERT-CHAIN": "pass", "OUT-CERT-NAME": "pass", "OUT-TLS": "pass"},
    "client_eku_only": {"OUT-CERT-TRUST": "fail", "OUT-CERT-NAME": "pass"},
    # The good twins: a CN-only certificate names its FQDN and is trusted.
    "cn_only": {"OUT-CERT-NAME": "pass", "OUT-CERT-TRUST": "pass", "OUT-CERT-CHAIN": "pass", "OUT-SIP": "pass"},
    # TLS completes, SIP never answers (openssl s_server).
    "tls_without_sip": {"OUT-TLS": "pass", "OUT-SIP": "warn", "OUT-CERT-TRUST": "pass"},
    # Webex reaches only an SRV domain or an SBC on 5061, even when another port works.
    "port_5080": {"OUT-HOST": "fail", "OUT-TLS": "pass", "OUT-SIP": "pass", "OUT-CERT-TRUST": "pass"},
    "port_5061": {"OUT-HOST": "pass", "OUT-TLS": "pass", "OUT-SIP": "pass"},
}


def run(ansible, peers, destinations, check_mode=False, **extra):
    args = dict(peers.common_args, destinations=destinations, **extra)
    result = ansible.run_module(MODULE, args, check_mode=check_mode)
    peers.assert_alive()
    return result


@pytest.fixture(scope="module")
def all_defects(ansible, webex_peers):
    """Every defect scenario in one task: the module is built for many destinations at once."""
    uris = [webex_peers.scenarios[name].uri for name in DEFECTS]
    return run(ansible, webex_peers, uris, fail_on="never")


@pytest.fixture(scope="module")
def clean(ansible, webex_peers):
    uri = webex_peers.scenarios["clean"].uri
    # Kamailio is no Expressway, so OUT-VERSION only has something to judge when the version is given.
    return run(ansible, webex_peers, [uri], sbc_versions={uri: "X15.0.1"})


def test_clean_srv_two_targets_every_rule_passes(clean, webex_peers):
    uri = webex_peers.scenarios["clean"].uri
    expect(clean, uri, {rule: "pass" for rule in OUT_RULES + ("OUT-VERSION",)})
    assert clean["failed"] is False, explain(clean)
    assert clean["changed"] is False
    assert clean["summary"]["fail"] == 0 and clean["summary"]["warn"] == 0, explain(clean)


def test_clean_srv_checks_both_targets_on_their_addresses(clean, webex_peers):
    uri = webex_peers.scenarios["clean"].uri
    tls = rows(clean, "OUT-TLS", subject=uri)
    got = sorted((row["target"], row["address"], row["port"], row["status"]) for row in tls)
    want = sorted((t.fqdn, webex_peers.address(t.index), 5061, "pass") for t in webex_peers.clean_targets)
    assert got == want, explain(clean, uri)


def test_clean_rows_carry_catalogue_levels_and_no_remedy(clean):
    for row in clean["results"]:
        assert row["level"] in ("must", "should", "info")
        if row["status"] == "pass":
            assert row["remedy"] is None, row


@pytest.mark.parametrize("scenario", sorted(DEFECTS))
def test_scenario(all_defects, webex_peers, scenario):
    expect(all_defects, webex_peers.scenarios[scenario].uri, DEFECTS[scenario])


def test_failing_rows_carry_a_remedy(all_defects):
    bad = [row for row in all_defects["results"] if row["status"] in ("fail", "warn")]
    assert bad
    assert all(row["remedy"] for row in bad), [row["rule"] for row in bad if not row["remedy"]]


def test_tls12_server_evidence_names_the_version(all_defects, webex_peers):
    uri = webex_peers.scenarios["tls12_only"].uri
    [row] = rows(all_defects, "OUT-TLS", subject=uri)
    assert "TLSv1.2" in row["summary"], row


def test_no_defect_scenario_passes_its_broken_rule(all_defects, webex_peers):
    """Zero false passes: the rule a defect breaks is never pass, whatever else is asserted above."""
    broken = {
        "aaaa_only": "OUT-A",
        "no_ptr": "OUT-PTR",
        "bad_ptr": "OUT-PTR",
        "expired": "OUT-CERT-VALID",
        "not_yet_valid": "OUT-CERT-VALID",
        "expiring": "OUT-CERT-VALID",
        "wrong_name": "OUT-CERT-NAME",
        "wildcard_miss": "OUT-CERT-NAME",
        "leaf_only": "OUT-CERT-CHAIN",
        "no_root": "OUT-CERT-CHAIN",
        "self_signed": "OUT-CERT-TRUST",
        "outside_root": "OUT-CERT-TRUST",
        "tls13_only": "OUT-TLS",
        "nothing_listening": "OUT-TLS",
        "silent": "OUT-TLS",
        "expressway_old": "OUT-VERSION",
        "expired_intermediate": "OUT-CERT-TRUST",
        "non_ca_issuer": "OUT-CERT-TRUST",
        "sha1": "OUT-CERT-TRUST",
        "rsa1024": "OUT-CERT-TRUST",
        "client_eku_only": "OUT-CERT-TRUST",
        "tls_without_sip": "OUT-SIP",
        "port_5080": "OUT-HOST",
    }
    passing = {
        name: rule
        for name, rule in broken.items()
        if rule_status(all_defects, webex_peers.scenarios[name].uri, rule) == "pass"
    }
    assert passing == {}


def test_silent_listener_fails_without_touching_other_targets(ansible, webex_peers, clean):
    silent, uri = webex_peers.scenarios["silent"].uri, webex_peers.scenarios["clean"].uri
    result = run(ansible, webex_peers, [silent, uri], sbc_versions={uri: "X15.0.1"})
    assert rule_status(result, silent, "OUT-TLS") == "fail", explain(result, silent)
    assert [r for r in result["rules"] if r["subject"] == uri] == clean["rules"], explain(result, uri)


def test_silent_listener_costs_about_one_timeout(ansible, webex_peers, tmp_path):
    """One target that never answers TLS adds about one timeout to the task, not one per step."""
    silent, uri = webex_peers.scenarios["silent"].uri, webex_peers.scenarios["clean"].uri
    args = dict(webex_peers.common_args, fail_on="never")
    base = run_module_direct(ansible, MODULE, dict(args, destinations=[uri]), tmp_path)[0]
    wall, result = run_module_direct(ansible, MODULE, dict(args, destinations=[silent, uri]), tmp_path)
    webex_peers.assert_alive()
    assert rule_status(result, silent, "OUT-TLS") == "fail", explain(result, silent)
    timeout = webex_peers.common_args["timeout"]
    assert wall - base < 2 * timeout + 2, f"the silent target added {wall - base:.1f}s (timeout {timeout}s)"


def test_check_mode_gives_the_same_results(ansible, webex_peers, clean):
    uri = webex_peers.scenarios["clean"].uri
    checked = run(ansible, webex_peers, [uri], check_mode=True, sbc_versions={uri: "X15.0.1"})
    assert checked["changed"] is False
    assert checked["rules"] == clean["rules"]
    assert checked["summary"] == clean["summary"]
    assert [(r["rule"], r["address"], r["status"]) for r in checked["results"]] == [
        (r["rule"], r["address"], r["status"]) for r in clean["results"]
    ]


@pytest.mark.parametrize(
    "scenario, fail_on, failed",
    [
        ("expired", "must", True),  # must rule fails
        ("expired", "never", False),
        ("expiring", "must", False),  # must rule only warns
        ("expiring", "should", True),
        ("wrong_name", "must", False),  # should rule fails
        ("wrong_name", "should", True),
        ("clean", "should", False),
    ],
)
def test_fail_on_verdict(ansible, webex_peers, scenario, fail_on, failed):
    uri = webex_peers.scenarios[scenario].uri
    result = run(ansible, webex_peers, [uri], fail_on=fail_on)
    assert result["failed"] is failed, explain(result, uri)
    assert result["changed"] is False
    if failed:
        assert uri in result["msg"], result["msg"]


@pytest.mark.parametrize(
    "scenario, words",
    [
        ("expired_intermediate", "ucops fixture expired CA,O=ucops fixture expired on"),
        ("non_ca_issuer", "without basicConstraints CA:TRUE"),
        ("sha1", "signed with SHA-1"),
        ("rsa1024", "RSA 1024-bit key"),
        ("client_eku_only", "without serverAuth"),
    ],
)
def test_trust_failure_says_why(all_defects, webex_peers, scenario, words):
    [row] = rows(all_defects, "OUT-CERT-TRUST", subject=webex_peers.scenarios[scenario].uri)
    assert words in row["summary"], row
    assert row["evidence"]["validation"] != "passed" and row["evidence"]["path"], row


def test_sip_rows_show_what_was_seen(all_defects, webex_peers):
    [silent] = rows(all_defects, "OUT-SIP", subject=webex_peers.scenarios["tls_without_sip"].uri)
    assert silent["evidence"]["answered"] is False and "no SIP response" in silent["summary"], silent
    [answered] = rows(all_defects, "OUT-SIP", subject=webex_peers.scenarios["a_only"].uri)
    assert answered["evidence"]["status_line"] == "SIP/2.0 200 OK", answered


def test_sip_probe_off_skips_out_sip(ansible, webex_peers):
    uri = webex_peers.scenarios["tls_without_sip"].uri
    result = run(ansible, webex_peers, [uri], sip_options_probe=False, fail_on="never")
    expect(result, uri, {"OUT-SIP": "skip", "OUT-TLS": "pass"})


@pytest.mark.parametrize("version, status", [("X8.5.2", "fail"), ("X8.5.3", "pass")])
def test_given_version_is_judged_against_x8_5_3(ansible, webex_peers, version, status):
    uri = webex_peers.scenarios["a_only"].uri
    result = run(ansible, webex_peers, [uri], sbc_versions={uri: version}, fail_on="never")
    expect(result, uri, {"OUT-VERSION": status})


def test_sip_uri_is_rejected_by_out_uri(ansible, webex_peers):
    uri = "sip:webex@" + webex_peers.scenarios["a_only"].fqdn
    result = run(ansible, webex_peers, [uri])
    assert rule_status(result, uri, "OUT-URI") == "fail", explain(result, uri)
    assert result["failed"] is True
