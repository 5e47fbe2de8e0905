# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_outbound_check behind simulated latency: slow is never reported as refused.

Real peers (BIND named, Kamailio with TLS) sit behind the user-space delay proxy of
support/delay_proxy.py: DNS over UDP and TCP and every SIPS listener get a 40 ms round trip. One
listener also holds ClientHellos that do not offer TLS 1.3 for 3 s: a server that accepts TLS 1.2
but answers it slowly. Its OUT-TLS must warn and say the TLS 1.2 handshake got no answer (after a
retry), where a refusal (the TLS 1.3-only twin) still fails and names the alert.
"""

from __future__ import annotations

import random

import pytest

from support.check_results import explain, rows, rule_status, run_module_direct
from support.delay_proxy import DelayProxy, free_udp_tcp_port
from support.dns_server import NamedServer, Zone
from support.pki import FixturePKI
from support.sips_server import KamailioServer, TlsProfile, address_free

MODULE = "ucops.expressway.webex_outbound_check"
DOMAIN = "lat.example.test"
RTT = 0.04
TLS12_HOLD = 3.0
# name -> (proxy address index, Kamailio address index)
PEERS = {"slow12": (11, 1), "plain": (12, 1), "only13": (13, 2)}
SRV_DESTINATIONS = 20


def _network():
    rng = random.Random()
    for attempt in range(20):
        net = f"127.{rng.randint(60, 99)}.{rng.randint(1, 254)}"
        if all(address_free(f"{net}.{i}", port) for i in (1, 2, 11, 12, 13) for port in (5061, 5071)):
            return net
    raise RuntimeError("no free 127.N.M.0/24 for the latency peers")


def _zones(net):
    zone, reverse = Zone("example.test"), Zone("127.in-addr.arpa")
    zone.add("ns", "A", "127.0.0.1")
    for name, (index, dummy) in PEERS.items():
        zone.add(f"{name}.{DOMAIN}.", "A", f"{net}.{index}")
        reverse.add(".".join(reversed(f"{net}.{index}".split(".")[1:])), "PTR", f"{name}.{DOMAIN}.")
    for n in range(SRV_DESTINATIONS):
        for suffix, priority in (("a", 10), ("b", 20)):
            zone.add(f"_sips._tcp.d{n}.{DOMAIN}.", "SRV", f"{priority} 10 5061 t{n}{suffix}.{DOMAIN}.")
            zone.add(f"t{n}{suffix}.{DOMAIN}.", "A", f"{net}.{PEERS['plain'][0]}")
    return [zone, reverse]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("latency")
    pki = FixturePKI(tmp / "pki")
    net = _network()
    leaf = pki.leaf("latency", sans=[f"*.{DOMAIN}"])
    profiles = [
        TlsProfile(f"{net}.1", 5071, leaf.chain_file, leaf.key_file),
        # No TLS 1.2 cipher for an EC key: TLS 1.2 handshakes end in a handshake_failure alert.
        TlsProfile(f"{net}.2", 5071, leaf.chain_file, leaf.key_file, cipher_list="ECDHE-RSA-AES128-GCM-SHA256"),
    ]
    with NamedServer(tmp / "named", _zones(net)) as named, KamailioServer(tmp / "kamailio", profiles) as kamailio:
        dns_port = free_udp_tcp_port()
        listeners = [
            {"proto": proto, "listen": ["127.0.0.1", dns_port], "upstream": ["127.0.0.1", named.port], "rtt": RTT}
            for proto in ("udp", "tcp")
        ]
        listeners += [
            {
                "proto": "tcp",
                "listen": [f"{net}.{proxy}", 5061],
                "upstream": [f"{net}.{upstream}", 5071],
                "rtt": RTT,
                "tls12_delay": TLS12_HOLD if name == "slow12" else 0,
            }
            for name, (proxy, upstream) in PEERS.items()
        ]
        with DelayProxy(tmp / "proxy", listeners) as proxy:
            yield {"tmp": tmp, "pki": pki, "proxy": proxy, "kamailio": kamailio, "named": named, "dns_port": dns_port}


def _args(lab, destinations, **extra):
    return dict(
        {
            "destinations": destinations,
            "resolvers": ["127.0.0.1"],
            "resolver_port": lab["dns_port"],
            "ca_bundle": str(lab["pki"].ca_bundle),
            "fail_on": "never",
        },
        **extra,
    )


def _run(ansible, lab, destinations, **extra):
    dummy, result = run_module_direct(ansible, MODULE, _args(lab, destinations, **extra), lab["tmp"])
    lab["kamailio"].assert_alive()
    lab["proxy"].assert_alive()
    return result


def test_slow_tls12_handshake_warns_and_a_refusal_still_fails(ansible, lab):
    slow, plain, only13 = (f"sips:alice@{name}.{DOMAIN}" for name in ("slow12", "plain", "only13"))
    result = _run(ansible, lab, [slow, plain, only13], timeout=1.0)
    assert rule_status(result, plain, "OUT-TLS") == "pass", explain(result, plain)
    # The slow peer accepts TLS 1.2 (after 3 s): a warning that says the handshake got no answer, tried twice.
    assert rule_status(result, slow, "OUT-TLS") == "warn", explain(result, slow)
    row = rows(result, "OUT-TLS", subject=slow)[0]
    assert "refused" not in row["summary"] and "no answer" in row["summary"] and "tried twice" in row["summary"]
    assert row["evidence"]["tls12_accepted"] is None and row["evidence"]["tls12_error"]["kind"] == "timeout"
    # Everything else about the slow peer is what the fast one gets.
    for rule in (
        "OUT-HOST",
        "OUT-A",
        "OUT-CERT-VALID",
        "OUT-CERT-NAME",
        "OUT-CERT-CHAIN",
        "OUT-CERT-TRUST",
        "OUT-SIP",
        "OUT-PTR",
    ):
        assert rule_status(result, slow, rule) == rule_status(result, plain, rule) == "pass", rule
    # A real refusal behind the same latency still fails, with the alert's name.
    assert rule_status(result, only13, "OUT-TLS") == "fail", explain(result, only13)
    refusal = rows(result, "OUT-TLS", subject=only13)[0]
    assert refusal["evidence"]["tls12_error"]["kind"] == "alert"
    assert refusal["evidence"]["tls12_error"]["alert"] in refusal["summary"]
    # Where the time went, per destination.
    assert set(row["evidence"]["timings"]) == {"connect", "tls", "sip"}
    assert row["evidence"]["timings"]["tls"] >= RTT * 1000


def test_slow_tls12_peer_is_asked_twice_then_left_alone(ansible, tmp_path, lab):
    """The proxy counts the ClientHellos it held: the first probe and exactly one retry."""
    kamailio_address = lab["kamailio"].profiles[0].address
    listener = {
        "proto": "tcp",
        "listen": ["127.0.0.1", 0],
        "upstream": [kamailio_address, 5071],
        "rtt": RTT,
        "tls12_delay": TLS12_HOLD,
    }
    with DelayProxy(tmp_path / "proxy", [listener]) as proxy:
        literal = f"sips:alice@127.0.0.1:{proxy.ports[0]}"
        result = _run(ansible, lab, [literal], timeout=1.0)
        stats = proxy.stats()
    assert rule_status(result, literal, "OUT-TLS") == "warn", explain(result)
    assert stats["delayed_hellos"] == 2 and stats["connections"] == 3  # main handshake, TLS 1.2, its retry


def test_tight_timeout_under_latency_is_never_a_refusal(ansible, lab):
    """The reported case: 20 destinations x 2 SRV targets, 40 ms RTT, timeout 0.06 s, all TLS 1.2-capable."""
    destinations = [f"sips:bob@d{n}.{DOMAIN}" for n in range(SRV_DESTINATIONS)]
    result = _run(ansible, lab, destinations, timeout=0.06)
    tls = rows(result, "OUT-TLS")
    assert tls, explain(result)
    for row in tls:
        assert "refused" not in row["summary"], explain(result, row["subject"])
        if row["status"] == "fail":
            assert row["evidence"]["error"] == "timeout", explain(result, row["subject"])
        if row["status"] == "warn":
            assert row["evidence"]["tls12_error"]["kind"] in ("timeout", "refused", "unreachable")
