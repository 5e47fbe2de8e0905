# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real peers behave as the scenarios claim, checked with dnspython, ssl and openssl s_client.

If one of these fails, a scenario test built on the same peer proves nothing, so they run first.
"""

import socket
import ssl
import subprocess

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.reversename
import pytest
from cryptography import x509

from support.pki import now
from support.sips_server import options_request, sip_options, tls_client


def ask(peers, name, rtype):
    query = dns.message.make_query(name, rtype)
    reply = dns.query.udp(query, "127.0.0.1", port=peers.dns_port, timeout=2)
    return reply, [r for rrset in reply.answer for r in rrset]


def presented_chain(address, port, server_name):
    """The certificates the server sends, as openssl s_client -showcerts prints them."""
    out = subprocess.run(
        ["openssl", "s_client", "-connect", f"{address}:{port}", "-servername", server_name, "-showcerts"],
        input="",
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    blocks = out.stdout.split("-----BEGIN CERTIFICATE-----")[1:]
    return [
        x509.load_pem_x509_certificate(
            (
                "-----BEGIN CERTIFICATE-----" + b.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
            ).encode()
        )
        for b in blocks
    ]


def test_clean_srv_has_two_targets_by_priority(webex_peers):
    records = ask(webex_peers, "_sips._tcp.clean.example.test", "SRV")[1]
    got = sorted((r.priority, r.weight, r.port, r.target.to_text()) for r in records)
    assert got == [(10, 60, 5061, "sbc1.clean.example.test."), (20, 10, 5061, "sbc2.clean.example.test.")]


def test_forward_and_reverse_records(webex_peers):
    sbc1 = webex_peers.clean_targets[0]
    a = ask(webex_peers, sbc1.fqdn, "A")[1]
    assert [r.address for r in a] == [webex_peers.address(sbc1.index)]
    ptr = ask(webex_peers, dns.reversename.from_address(webex_peers.address(sbc1.index)), "PTR")[1]
    assert [r.target.to_text() for r in ptr] == [sbc1.fqdn + "."]
    reply = ask(webex_peers, dns.reversename.from_address(webex_peers.address(15)), "PTR")[0]
    assert reply.rcode() == dns.rcode.NXDOMAIN
    bad = ask(webex_peers, dns.reversename.from_address(webex_peers.address(16)), "PTR")[1]
    assert [r.target.to_text() for r in bad] == ["elsewhere.example.test."]


def test_aaaa_only_target_has_no_a(webex_peers):
    reply, a = ask(webex_peers, "v6only.aaaa.example.test", "A")
    assert reply.rcode() == dns.rcode.NOERROR and a == []
    aaaa = ask(webex_peers, "v6only.aaaa.example.test", "AAAA")[1]
    assert [r.address for r in aaaa] == ["::1"]


def test_no_recursion_for_foreign_names(webex_peers):
    reply = ask(webex_peers, "www.example.com", "A")[0]
    assert reply.rcode() == dns.rcode.REFUSED


def test_clean_target_sends_full_chain_and_answers_options(webex_peers):
    sbc1 = webex_peers.clean_targets[0]
    chain = presented_chain(webex_peers.address(sbc1.index), 5061, sbc1.fqdn)
    assert [c.subject == c.issuer for c in chain] == [False, False, True]
    with tls_client(webex_peers.address(sbc1.index), 5061, sbc1.fqdn, cafile=webex_peers.pki.ca_bundle) as tls:
        assert sip_options(tls, sbc1.fqdn) == "SIP/2.0 200 OK"


def test_options_answer_names_the_scenario_release(webex_peers):
    for name, product in (("expressway_old", "TANDBERG/4352 (X8.2.1)"), ("clean_sbc1", "kamailio fixture")):
        scenario = webex_peers.scenarios.get(name) or webex_peers.clean_targets[0]
        with tls_client(webex_peers.address(scenario.index), 5061, scenario.fqdn) as tls:
            tls.sendall(options_request(tls, scenario.fqdn))
            head = tls.recv(4096).decode()
        assert head.startswith("SIP/2.0 200 OK\r\n")
        assert f"\r\nServer: {product}\r\n" in head


@pytest.mark.parametrize("name, length", [("leaf_only", 1), ("no_root", 2), ("self_signed", 1), ("outside_root", 3)])
def test_chain_lengths(webex_peers, name, length):
    scenario = webex_peers.scenarios[name]
    chain = presented_chain(webex_peers.address(scenario.index), 5061, scenario.fqdn)
    assert len(chain) == length
    assert chain[0] == scenario.leaf.cert


def test_outside_root_does_not_verify(webex_peers):
    scenario = webex_peers.scenarios["outside_root"]
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_client(webex_peers.address(scenario.index), 5061, scenario.fqdn, cafile=webex_peers.pki.ca_bundle)


def test_validity_windows(webex_peers):
    t = now()
    assert webex_peers.scenarios["expired"].leaf.cert.not_valid_after_utc < t
    assert webex_peers.scenarios["not_yet_valid"].leaf.cert.not_valid_before_utc > t
    assert 0 < (webex_peers.scenarios["expiring"].leaf.cert.not_valid_after_utc - t).days < 30


def test_tls13_only_refuses_tls12(webex_peers):
    scenario = webex_peers.scenarios["tls13_only"]
    address = webex_peers.address(scenario.index)
    with tls_client(address, 5061, scenario.fqdn) as tls:
        assert tls.version() == "TLSv1.3"
    with pytest.raises(ssl.SSLError):
        tls_client(address, 5061, scenario.fqdn, max_version=ssl.TLSVersion.TLSv1_2)


def test_tls12_only_never_negotiates_tls13(webex_peers):
    scenario = webex_peers.scenarios["tls12_only"]
    with tls_client(webex_peers.address(scenario.index), 5061, scenario.fqdn) as tls:
        assert tls.version() == "TLSv1.2"


def test_nothing_listening_refuses(webex_peers):
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((webex_peers.address(28), 5061), timeout=2).close()


def test_silent_listener_accepts_but_never_handshakes(webex_peers):
    with pytest.raises((socket.timeout, TimeoutError)):
        tls_client(webex_peers.address(29), 5061, "silent.example.test", timeout=1)


def test_mutual_tls_accepts_trusted_client(webex_peers):
    good = webex_peers.client["good"]
    with tls_client(
        webex_peers.address(40),
        5062,
        webex_peers.edge_fqdn,
        cafile=webex_peers.pki.ca_bundle,
        cert=good.chain_file,
        key=good.key_file,
    ) as tls:
        assert sip_options(tls, webex_peers.edge_fqdn) == "SIP/2.0 200 OK"


@pytest.mark.parametrize("client", ["untrusted", "server_only", None])
def test_mutual_tls_rejects(webex_peers, client):
    leaf = webex_peers.client.get(client)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        # TLS 1.3 finishes the client's handshake before the server judges its certificate: the
        # rejection arrives on the first read, so the test reads too.
        with tls_client(
            webex_peers.address(40),
            5062,
            webex_peers.edge_fqdn,
            cafile=webex_peers.pki.ca_bundle,
            cert=leaf and leaf.chain_file,
            key=leaf and leaf.key_file,
        ) as tls:
            sip_options(tls, webex_peers.edge_fqdn)


@pytest.mark.parametrize("name", ["expired_intermediate", "non_ca_issuer", "sha1", "rsa1024", "client_eku_only"])
def test_rejected_chains_are_sent_whole_and_refused_by_a_verifying_client(webex_peers, name):
    """The server sends leaf, issuer and root, and OpenSSL's own verifier refuses the chain."""
    scenario = webex_peers.scenarios[name]
    chain = presented_chain(webex_peers.address(scenario.index), 5061, scenario.fqdn)
    assert chain[0] == scenario.leaf.cert and len(chain) == 3
    out = subprocess.run(
        [
            "openssl",
            "s_client",
            "-connect",
            f"{webex_peers.address(scenario.index)}:5061",
            "-servername",
            scenario.fqdn,
            "-CAfile",
            str(webex_peers.pki.ca_bundle),
            "-verify_return_error",
            "-purpose",
            "sslserver",
        ],
        input="",
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert "Verify return code: 0 (ok)" not in out.stdout, out.stdout[-2000:]


def test_weak_fixtures_are_what_they_claim(webex_peers):
    sha1 = webex_peers.scenarios["sha1"].leaf.cert
    assert sha1.signature_hash_algorithm.name == "sha1"
    assert webex_peers.scenarios["rsa1024"].leaf.cert.public_key().key_size == 1024
    expired_ca = webex_peers.pki.expired_intermediate.cert
    assert expired_ca.not_valid_after_utc < now()
    basic = webex_peers.pki.non_ca.cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert basic.ca is False
    cn_only = webex_peers.scenarios["cn_only"].leaf.cert
    with pytest.raises(x509.ExtensionNotFound):
        cn_only.extensions.get_extension_for_class(x509.SubjectAlternativeName)


def test_tls_without_sip_completes_tls_and_never_answers(webex_peers):
    scenario = webex_peers.scenarios["tls_without_sip"]
    with tls_client(webex_peers.address(scenario.index), 5061, scenario.fqdn, cafile=webex_peers.pki.ca_bundle) as tls:
        with pytest.raises((socket.timeout, TimeoutError)):
            sip_options(tls, scenario.fqdn, timeout=1)


def test_port_5080_serves_the_same_sbc(webex_peers):
    scenario = webex_peers.scenarios["port_5080"]
    with tls_client(webex_peers.address(scenario.index), 5080, scenario.fqdn, cafile=webex_peers.pki.ca_bundle) as tls:
        assert sip_options(tls, scenario.fqdn) == "SIP/2.0 200 OK"


def test_webex_edge_after_a_ca_change_chains_to_the_outside_root(webex_peers):
    chain = presented_chain(webex_peers.address(45), 5061, "edge.newca.example.test")
    assert chain[-1] == webex_peers.pki.outside_root.cert


@pytest.mark.parametrize("client", ["expired"])
def test_mutual_tls_rejects_an_expired_client_certificate(webex_peers, client):
    leaf = webex_peers.client[client]
    with pytest.raises((ssl.SSLError, ConnectionError)):
        with tls_client(
            webex_peers.address(40),
            5062,
            webex_peers.edge_fqdn,
            cafile=webex_peers.pki.ca_bundle,
            cert=leaf.chain_file,
            key=leaf.key_file,
        ) as tls:
            sip_options(tls, webex_peers.edge_fqdn)


def test_expressway_e_stand_ins_present_their_certificates(webex_peers):
    for scenario in webex_peers.expressway_e.values():
        chain = presented_chain(webex_peers.address(scenario.index), 5061, scenario.fqdn)
        assert chain[0] == scenario.leaf.cert
