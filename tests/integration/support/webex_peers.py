# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scenario plan: every Webex readiness scenario's DNS records, certificate and TLS listener.

All scenarios share one ``named`` and one Kamailio for the session. Each one owns a loopback
address in a /24 picked per run (127.N.M.0/24), so two test sessions on one machine do not fight
over port 5061; tests use names and ``plan.address(...)``, never literal addresses.
"""

from __future__ import annotations

import datetime
import os
import random
from dataclasses import dataclass

import pytest

from support.dns_server import Zone
from support.pki import CLIENT_AUTH, DAY, SERVER_AUTH, now
from support.sips_server import TlsProfile, address_free

DOMAIN = "example.test"
SIPS = 5061
MTLS = 5062


@dataclass
class Scenario:
    """One outbound destination: its URI, the FQDN the certificate must carry, its address."""

    name: str
    uri: str
    fqdn: str | None
    index: int | None
    leaf: object = None


def pick_network():
    """A 127.N.M prefix whose SIPS ports are free (override with UCOPS_PEER_NET=127.N.M)."""
    forced = os.environ.get("UCOPS_PEER_NET")
    if forced:
        return forced
    rng = random.Random(os.getpid() ^ int(datetime.datetime.now().timestamp()))
    for attempt in range(20):
        net = f"127.{rng.randint(100, 199)}.{rng.randint(1, 254)}"
        if all(address_free(f"{net}.{i}", port) for i in (11, 26, 40) for port in (SIPS, MTLS)):
            return net
    raise RuntimeError("no free 127.N.M.0/24 for the SIPS peers")


class PeerPlan:
    """Builds zones, leaves and TLS profiles for every scenario from one PKI."""

    def __init__(self, pki, net=None):
        self.pki = pki
        self.net = net or pick_network()
        self.zone = Zone(DOMAIN)
        self.reverse = Zone("127.in-addr.arpa")
        self.profiles = []
        self.silent = []
        self.openssl = []
        self.servers = {}
        self.scenarios = {}
        self.client = {}
        self.zone.add("ns", "A", "127.0.0.1")
        self._outbound()
        self._inbound()
        self._expressway_e()

    # -- helpers -------------------------------------------------------------------------------
    def assert_alive(self):
        """Call after a check: a peer that died mid-run must fail loudly, not read as refusals."""
        for process in list(getattr(self, "processes", ())) + list(getattr(self, "openssl_servers", ())):
            process.assert_alive()

    def address(self, index):
        return f"{self.net}.{index}"

    def ptr(self, index, fqdn):
        octets = self.address(index).split(".")
        self.reverse.add(".".join(reversed(octets[1:])), "PTR", fqdn + ".")

    def host(self, fqdn, index, ptr=True):
        self.zone.add(fqdn + ".", "A", self.address(index))
        if ptr:
            self.ptr(index, fqdn)

    def serve(self, index, leaf, port=SIPS, **profile):
        self.profiles.append(TlsProfile(self.address(index), port, leaf.chain_file, leaf.key_file, **profile))

    def fqdn_scenario(self, name, fqdn, index, ptr=True, listen=True, profile=None, openssl=False, **leaf):
        """A destination whose host part is an FQDN with an A record (no SRV).

        openssl: served by ``openssl s_server`` (no SIP, security level 0) instead of Kamailio.
        """
        self.host(fqdn, index, ptr=ptr)
        cert = None
        if listen:
            leaf.setdefault("sans", [fqdn])
            cert = self.pki.leaf(f"out-{name}", **leaf)
            if openssl:
                self.openssl.append((self.address(index), SIPS, cert))
            else:
                self.serve(index, cert, **(profile or {}))
        self.scenarios[name] = Scenario(name, f"sips:webex@{fqdn}", fqdn, index, cert)

    # -- outbound: Webex -> SBC ------------------------------------------------------------------
    def _outbound(self):
        self._clean()
        t = now()
        self.fqdn_scenario("a_only", f"aonly.{DOMAIN}", 13)
        self._literal()
        self.zone.add(f"_sips._tcp.aaaa.{DOMAIN}.", "SRV", f"10 10 {SIPS} v6only.aaaa.{DOMAIN}.")
        self.zone.add(f"v6only.aaaa.{DOMAIN}.", "AAAA", "::1")
        self.scenarios["aaaa_only"] = Scenario("aaaa_only", f"sips:webex@aaaa.{DOMAIN}", f"v6only.aaaa.{DOMAIN}", None)
        self.fqdn_scenario("no_ptr", f"noptr.{DOMAIN}", 15, ptr=False)
        self.fqdn_scenario("bad_ptr", f"badptr.{DOMAIN}", 16, ptr=False)
        self.ptr(16, f"elsewhere.{DOMAIN}")
        self.zone.add(f"elsewhere.{DOMAIN}.", "A", self.address(16))
        self.fqdn_scenario("expired", f"expired.{DOMAIN}", 17, not_before=t - 400 * DAY, not_after=t - 2 * DAY)
        self.fqdn_scenario("not_yet_valid", f"notyet.{DOMAIN}", 18, not_before=t + 10 * DAY, not_after=t + 400 * DAY)
        self.fqdn_scenario("expiring", f"expiring.{DOMAIN}", 19, not_after=t + 10 * DAY)
        self.fqdn_scenario("wrong_name", f"wrongname.{DOMAIN}", 20, sans=[f"other.{DOMAIN}"])
        self.fqdn_scenario("wildcard", f"sbc.wild.{DOMAIN}", 21, sans=[f"*.wild.{DOMAIN}"])
        # One wildcard label covers one label only (RFC 6125): deep.sbc.wild is not *.wild.
        self.fqdn_scenario("wildcard_miss", f"deep.sbc.wild.{DOMAIN}", 22, sans=[f"*.wild.{DOMAIN}"])
        self.fqdn_scenario("leaf_only", f"leafonly.{DOMAIN}", 23, chain="leaf")
        self.fqdn_scenario("self_signed", f"selfsigned.{DOMAIN}", 24, issuer="self")
        self.fqdn_scenario("outside_root", f"outside.{DOMAIN}", 25, issuer="outside")
        # Kamailio 5.6 has no TLS-1.3-only method. An ECDSA key with only RSA-authenticated TLS 1.2
        # suites leaves a TLS 1.2 client nothing to agree on, while TLS 1.3 suites (independent of the
        # cipher list and of the key type) still work: a server that completes only TLS 1.3.
        self.fqdn_scenario(
            "tls13_only", f"tls13.{DOMAIN}", 26, kind="ec", profile={"cipher_list": "ECDHE-RSA-AES128-GCM-SHA256"}
        )
        self.fqdn_scenario("tls12_only", f"tls12.{DOMAIN}", 27, profile={"method": "TLSv1.2"})
        self.fqdn_scenario("nothing_listening", f"closed.{DOMAIN}", 28, listen=False)
        self.fqdn_scenario("silent", f"silent.{DOMAIN}", 29, listen=False)
        self.silent.append((self.address(29), SIPS))
        self.fqdn_scenario("no_root", f"noroot.{DOMAIN}", 30, chain="intermediates")
        # Expressways name their release in the Server header of the OPTIONS answer.
        self.fqdn_scenario("expressway_old", f"oldexp.{DOMAIN}", 31)
        self.servers[self.address(31)] = "TANDBERG/4352 (X8.2.1)"
        self.fqdn_scenario("expressway_new", f"newexp.{DOMAIN}", 32)
        self.servers[self.address(32)] = "TANDBERG/4352 (X15.0.2)"
        self._trust()

    def _trust(self):
        """Chains whose signatures are all right but that a TLS client rejects, their good twin, a TLS
        service that never speaks SIP, and a URI that names a port other than 5061."""
        self.fqdn_scenario("expired_intermediate", f"expiredca.{DOMAIN}", 33, issuer="expired_intermediate")
        self.fqdn_scenario("non_ca_issuer", f"nonca.{DOMAIN}", 34, issuer="non_ca")
        self.fqdn_scenario("sha1", f"sha1.{DOMAIN}", 35, digest="sha1", openssl=True)
        self.fqdn_scenario("rsa1024", f"rsa1024.{DOMAIN}", 36, kind="rsa1024", openssl=True)
        # The rule book accepts the FQDN in the CN: a certificate without SAN names it and is trusted.
        self.fqdn_scenario("cn_only", f"cnonly.{DOMAIN}", 37, sans=[], cn=f"cnonly.{DOMAIN}")
        self.fqdn_scenario("client_eku_only", f"clienteku.{DOMAIN}", 38, ekus=[CLIENT_AUTH])
        self.fqdn_scenario("tls_without_sip", f"nosip.{DOMAIN}", 39, openssl=True)
        # a_only's SBC also listens on 5080: the URI that names that port reaches a working SBC and
        # still fails OUT-HOST, because Webex would never call it there.
        self.serve(13, self.scenarios["a_only"].leaf, port=5080)
        fqdn = self.scenarios["a_only"].fqdn
        self.scenarios["port_5080"] = Scenario(
            "port_5080", f"sips:webex@{fqdn}:5080", fqdn, 13, self.scenarios["a_only"].leaf
        )
        self.scenarios["port_5061"] = Scenario(
            "port_5061", f"sips:webex@{fqdn}:5061", fqdn, 13, self.scenarios["a_only"].leaf
        )

    def _clean(self):
        """Two SRV targets at different priorities, each with A, PTR and its own full-chain leaf."""
        domain = f"clean.{DOMAIN}"
        self.zone.add(f"_sips._tcp.{domain}.", "SRV", f"10 60 {SIPS} sbc1.{domain}.")
        self.zone.add(f"_sips._tcp.{domain}.", "SRV", f"20 10 {SIPS} sbc2.{domain}.")
        targets = []
        for number, index, kind in ((1, 11, "rsa"), (2, 12, "ec")):
            fqdn = f"sbc{number}.{domain}"
            self.host(fqdn, index)
            cert = self.pki.leaf(f"out-clean-sbc{number}", sans=[fqdn], kind=kind)
            self.serve(index, cert)
            targets.append(Scenario(f"clean_sbc{number}", f"sips:webex@{fqdn}", fqdn, index, cert))
        self.scenarios["clean"] = Scenario("clean", f"sips:webex@{domain}", None, None)
        self.clean_targets = targets

    def _literal(self):
        fqdn = f"literal.{DOMAIN}"
        self.host(fqdn, 14)
        cert = self.pki.leaf("out-literal", sans=[fqdn, self.address(14)])
        self.serve(14, cert)
        self.scenarios["ipv4_literal"] = Scenario("ipv4_literal", f"sips:webex@{self.address(14)}", fqdn, 14, cert)

    # -- inbound: SBC -> Webex -------------------------------------------------------------------
    def _inbound(self):
        """A stand-in Webex edge (5061 server TLS, 5062 mutual TLS) and the originating SBC's names."""
        cloud = f"cloud.{DOMAIN}"
        self.edge_fqdn = f"edge.{cloud}"
        self.zone.add(f"_sips._tcp.{cloud}.", "SRV", f"10 10 {SIPS} {self.edge_fqdn}.")
        self.host(self.edge_fqdn, 40)
        # Like Webex's own certificate, the edge's carries the name the Expressway's zone verifies.
        self.tls_verify_subject_name = "callservice.ciscospark.com"
        edge = self.pki.leaf("in-edge", sans=[self.edge_fqdn, self.tls_verify_subject_name])
        self.serve(40, edge)
        self.serve(40, edge, port=MTLS, mutual=True, ca_list=self.pki.ca_bundle)
        self.called_uri = f"sips:b2b@{cloud}"
        # An A record but no SRV: IN-SRV demands the SRV, so falling back to A would be a false pass.
        self.nosrv_uri = f"sips:b2b@nosrv.{DOMAIN}"
        self.zone.add(f"nosrv.{DOMAIN}.", "A", self.address(40))
        # SRV and A are fine but nothing listens there.
        self.deadcloud_uri = f"sips:b2b@deadcloud.{DOMAIN}"
        self.zone.add(f"_sips._tcp.deadcloud.{DOMAIN}.", "SRV", f"10 10 {SIPS} edge.deadcloud.{DOMAIN}.")
        self.host(f"edge.deadcloud.{DOMAIN}", 44)
        # Webex moved to another CA: the edge's chain now ends at the outside root.
        self.newca_uri = f"sips:b2b@newca.{DOMAIN}"
        self.zone.add(f"_sips._tcp.newca.{DOMAIN}.", "SRV", f"10 10 {SIPS} edge.newca.{DOMAIN}.")
        self.host(f"edge.newca.{DOMAIN}", 45)
        self.serve(
            45,
            self.pki.leaf(
                "in-edge-newca", sans=[f"edge.newca.{DOMAIN}", self.tls_verify_subject_name], issuer="outside"
            ),
        )
        self.sbc_fqdn = f"sbc.origin.{DOMAIN}"
        self.host(self.sbc_fqdn, 41)
        self.sbc_noptr_fqdn = f"noptr.origin.{DOMAIN}"
        self.host(self.sbc_noptr_fqdn, 43, ptr=False)
        self.contact_fqdn = f"contact.origin.{DOMAIN}"
        self.host(self.contact_fqdn, 42)
        self.contact_v6only = f"v6contact.origin.{DOMAIN}"
        self.zone.add(self.contact_v6only + ".", "AAAA", "::1")
        sans = [self.sbc_fqdn]
        self.client = {
            "good": self.pki.leaf("in-sbc-good", sans=sans),
            "server_only": self.pki.leaf("in-sbc-serveronly", sans=sans, ekus=[SERVER_AUTH]),
            "untrusted": self.pki.leaf("in-sbc-untrusted", sans=sans, issuer="outside"),
            "expired": self.pki.leaf(
                "in-sbc-expired", sans=sans, not_before=now() - 400 * DAY, not_after=now() - 2 * DAY
            ),
            "expiring": self.pki.leaf("in-sbc-expiring", sans=sans, not_after=now() + 10 * DAY),
        }

    # -- EXP-CERT: the Expressway-E's own certificate on its SIP TLS port ------------------------
    def _expressway_e(self):
        """Stand-ins for an Expressway-E's SIP TLS port, one per certificate (EXP-CERT reads it off the wire)."""
        self.expressway_e = {}
        t = now()
        for name, index, leaf in (
            ("good", 50, {}),
            ("server_only", 51, {"ekus": [SERVER_AUTH]}),
            ("expired", 52, {"not_before": t - 400 * DAY, "not_after": t - 2 * DAY}),
        ):
            fqdn = f"expe-{name.replace('_', '')}.{DOMAIN}"
            self.host(fqdn, index)
            cert = self.pki.leaf(f"expe-{name}", sans=[fqdn], **leaf)
            self.serve(index, cert)
            self.servers[self.address(index)] = "TANDBERG/4352 (X14.3.2)"
            self.expressway_e[name] = Scenario(f"expe_{name}", "", fqdn, index, cert)


@pytest.fixture(scope="session")
def peer_plan(pki):
    """Every scenario's records, certificates and listeners, decided once per session."""
    return PeerPlan(pki)


@pytest.fixture(scope="session")
def webex_peers(peer_plan, named_server, sips_server):
    """Running peers plus the arguments every check task shares."""
    peer_plan.dns_port = named_server.port
    peer_plan.processes = (named_server, sips_server)
    peer_plan.common_args = {
        "resolvers": ["127.0.0.1"],
        "resolver_port": named_server.port,
        "ca_bundle": str(peer_plan.pki.ca_bundle),
        "timeout": 2,
    }
    return peer_plan
