# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Webex B2B rule catalogue as data: one entry per rule ID of the requirements page.

Check modules take level and remedy from here, and ``docs/rules.md`` is generated from it, so a
result row, a test and the documentation always name the same rule the same way. Versions and ports
come from the Webex profile (``_webex``), so the text says what the checks and provisioning use.
"""

from __future__ import annotations

import collections

from ansible_collections.ucops.expressway.plugins.module_utils._webex import (
    MEDIA,
    MIN_B2B,
    MIN_WEBEX_ZONE,
    SIGNALLING,
)

Rule = collections.namedtuple('Rule', 'id section level text source check evidence remedy')

_B2B = 'Webex help article 7ej8gq (B2B SIP requirements)'
_TAC = 'Cisco TAC TechNote 212475'
_FN = 'Cisco field notices FN74362 and FN74345'
_SIG = '%(transport)s %(start_port)d-%(end_port)d' % SIGNALLING
_SIG_PORTS = '%(transport)s %(start_port)d/%(end_port)d' % SIGNALLING
_MEDIA = '%(transport)s %(start_port)d-%(end_port)d' % MEDIA

SECTIONS = {
    'A': 'Calls from the Webex cloud to a destination SBC (outbound)',
    'B': 'Calls from an originating SBC into the Webex cloud (inbound)',
    'C': 'Expressway configuration for Webex',
}

_RULES = (
    Rule(
        'OUT-URI',
        'A',
        'must',
        'The destination is a SIPS URI (sips:user@host) with a user part and a host part (RFC 3261).',
        _B2B,
        'Parses the URI: scheme sips, a user part, a host that is a DNS name or an IPv4 address, an optional '
        'port. sip:, bare hosts, IPv6 literals and malformed names fail with the reason.',
        'The URI as given and the parsed user, host and port.',
        'Give the destination as sips:user@host, where host is the SBC domain, FQDN or IPv4 address.',
    ),
    Rule(
        'OUT-HOST',
        'A',
        'must',
        'The host part has a _sips._tcp SRV record, or is the FQDN or IPv4 address of an SBC on TCP 5061; '
        'a URI naming another port explicitly does not pass.',
        _B2B,
        'Looks up _sips._tcp.<host>. With SRV records the targets are ordered by priority, then weight '
        '(RFC 2782). Without SRV the host itself is used on port 5061 when it has an A record. An IPv4 '
        'literal is used as is. A URI with an explicit port other than 5061 fails (Webex reaches only an '
        'SRV domain or an SBC on 5061); the host is still probed on that port for the other rules. A '
        'resolver that does not answer gives skip, never pass.',
        'The SRV records in order, or the fallback used, and the resolver asked.',
        'Publish _sips._tcp.<domain> SRV records pointing at the SBC FQDNs on port 5061, or dial the SBC '
        'FQDN directly with its SIPS service on TCP 5061.',
    ),
    Rule(
        'OUT-A',
        'A',
        'must',
        'Every SRV target or FQDN has a DNS A record (IPv4); AAAA-only or a CNAME to nothing fails.',
        _B2B,
        'Resolves the A record of every target. When there is none, also asks for AAAA to say '
        'whether the name is IPv6-only.',
        'The addresses found, or the answer (NXDOMAIN, no A, AAAA only).',
        'Publish an A record with the SBC public IPv4 address for every SRV target.',
    ),
    Rule(
        'OUT-TLS',
        'A',
        'must',
        'Every resolved address accepts TLS on the advertised port and negotiates TLS 1.2 (1.1 warns).',
        _B2B,
        'Connects to every address and port with SNI set to the target name and records the version and '
        'cipher. TLS 1.2 passes; TLS 1.1 warns; lower versions fail. When TLS 1.3 is negotiated, a second '
        'handshake capped at TLS 1.2 (run at the same time) must succeed: a server that refuses it (an '
        'alert, a close or a reset) accepts only TLS 1.3 and fails, because Webex documents TLS 1.2 (and '
        '1.1) for this leg. A TLS 1.2 handshake that gets no answer in time is tried once more and then '
        'warns: slow is not refused. Refused, timed-out and never-answered main handshakes fail. The SIP '
        'OPTIONS answer is shown here and graded by OUT-SIP.',
        'Negotiated version and cipher, whether TLS 1.2 was accepted (and if not, why: the alert or no '
        'answer), the SIP status line and Server/User-Agent header, timings per phase, or the connection '
        'error and its kind.',
        'Make the SBC SIP service listen for TLS on the advertised port and enable TLS 1.2; open TCP 5061 '
        'from the Webex ranges on the outside firewall.',
    ),
    Rule(
        'OUT-CERT-VALID',
        'A',
        'must',
        'The SBC server certificate is not expired and already valid; warn ahead of expiry.',
        _B2B,
        'Compares the leaf certificate not_before and not_after with the current time; warns when it '
        'expires within expiry_warning_days.',
        'Subject, issuer, not_before, not_after, days left, SHA-256 fingerprint.',
        'Renew the SBC certificate from a public CA and load it with its chain.',
    ),
    Rule(
        'OUT-VERSION',
        'A',
        'must',
        f'A Cisco VCS or Expressway destination runs {MIN_B2B} or later.',
        _B2B,
        'Uses the version given in sbc_versions for the destination, or the X version in the Server or '
        'User-Agent header of the SIP OPTIONS answer. Skips with the reason when neither is known or the '
        'server is not a VCS/Expressway.',
        'The version and where it came from.',
        f'Upgrade the VCS/Expressway to {MIN_B2B} or later ({MIN_WEBEX_ZONE} or later for Hybrid Calling).',
    ),
    Rule(
        'OUT-CERT-NAME',
        'A',
        'should',
        'The certificate carries the SBC FQDN in the subject CN or a SAN dNSName (RFC 6125 wildcards).',
        _B2B,
        'Matches the target name against SAN dNSName entries, or the subject CN when the certificate has '
        'no dNSName SAN (RFC 6125: SAN takes precedence). A wildcard may only be the whole left-most '
        'label and matches exactly one label; partial wildcards never match. An IPv4 literal is matched '
        'against SAN iPAddress entries.',
        'The name checked, the CN and the SAN entries.',
        'Issue the certificate with the SBC FQDN (the SRV target) in the SAN list.',
    ),
    Rule(
        'OUT-CERT-CHAIN',
        'A',
        'should',
        'The SBC presents the full chain: leaf, every intermediate CA and the root CA.',
        _B2B,
        'Orders the certificates the server sent by issuer and signature. Passes when they lead from the '
        'leaf to a self-signed root; warns when only the root is missing and it is in the trust bundle; '
        'fails when an intermediate is missing or the leaf is self-signed.',
        'The subjects of the chain as sent, in order, and what is missing.',
        'Load the intermediate and root CA certificates on the SBC so the whole chain is sent.',
    ),
    Rule(
        'OUT-CERT-TRUST',
        'A',
        'should',
        'The chain ends at a root CA Webex trusts (Mozilla store by default; a custom bundle may replace it) '
        'and validates the way a TLS client validates it.',
        _B2B,
        'Validates the path from the leaf through the certificates sent to a root in ca_bundle with the '
        'cryptography x509 verifier (RFC 5280, web PKI profile): every certificate in its validity period, '
        'issuers with CA:TRUE within their path length, key usage and name constraints, no SHA-1 or weaker '
        'signature, RSA keys from 2048 and EC keys from 256 bits, serverAuth when the leaf has an EKU. The '
        'root is matched by SHA-256, never by name. The name is left to OUT-CERT-NAME. Roots Webex documents '
        'are tagged documented; legacy or removed roots Webex may reject warn.',
        'The path subjects, the root SHA-256, the bundle used, the Webex tag of the root, and the '
        "verifier's reason with each problem found when the chain is rejected.",
        'Use a certificate from a public CA on the Webex supported list, issued with SHA-256 or better and '
        'an RSA key of at least 2048 bits (or EC P-256), and load the current intermediates.',
    ),
    Rule(
        'OUT-SIP',
        'A',
        'should',
        'A SIP OPTIONS request sent over the TLS connection gets a SIP response (any final status).',
        _B2B,
        'Sends one OPTIONS over every TLS connection OUT-TLS made and reads the answer for up to timeout '
        'seconds. Any SIP status line passes; silence, a close or an answer that is not SIP warns. Skips '
        'when sip_options_probe is off or no TLS connection came up.',
        'The status line and Server/User-Agent header, or what was seen instead.',
        'Make the SIP service (not only a TLS terminator) answer on the SIPS port, and check that the '
        'Webex source addresses are allowed to send it requests.',
    ),
    Rule(
        'OUT-PTR',
        'A',
        'should',
        'The SBC IPv4 address has a PTR record naming the SBC FQDN, and that name resolves back to it.',
        _B2B,
        'Looks up the PTR record of every address, compares the names with the target FQDN and resolves '
        'the matching name back to the address (forward confirmation). For an IPv4 literal any '
        'forward-confirmed name passes.',
        'The PTR names and the addresses they resolve to, or the missing record.',
        'Ask the owner of the address block to publish a PTR record with the SBC FQDN.',
    ),
    Rule(
        'IN-URI',
        'B',
        'must',
        'The SBC dials Webex with SIPS URIs.',
        _B2B,
        'Not checked from the network (SBC dial plan).',
        'None.',
        'Configure the SBC to dial Webex destinations as sips: URIs.',
    ),
    Rule(
        'IN-DNS',
        'B',
        'must',
        'The SBC is configured with at least one DNS server able to answer A and SRV queries.',
        _B2B,
        'Fails when the resolver list is empty or no resolver answers the SRV query for the called host; '
        'an answer of any kind (including NXDOMAIN) passes.',
        'The resolvers asked and their answer or error.',
        'Configure at least one reachable DNS server on the SBC that resolves public names.',
    ),
    Rule(
        'IN-SRV',
        'B',
        'must',
        'The SBC resolves _sips._tcp.<called host> to the Webex FQDN, its A record, connects and '
        'negotiates TLS 1.1 or 1.2.',
        _B2B,
        'Resolves the SRV record of the called host, the A records of its targets, and connects to each '
        'address with TLS, graded as OUT-TLS. The certificate Webex presents is judged as the SBC judges '
        "it: path validation to the Expressway's trusted CA list (read from the box through expressway, or "
        'given as webex_trusted_cas), or, without it, to ca_bundle with the root looked up in the pinned list '
        'of roots Webex documents (a root the list does not name, or a legacy one, warns: a Webex CA change); '
        "and the name the zone verifies (tls_verify_subject_name, else the box's Webex zone).",
        'SRV records, addresses, negotiated version and cipher per address, and the Webex certificate '
        'verdict with its path and root.',
        f'Fix DNS on the SBC and allow {_SIG_PORTS} outbound to the Webex addresses; when the Webex '
        "certificate is rejected, load the root it chains to into the SBC's trusted CA list and set the "
        "zone's TLS verify subject name to a name the certificate carries.",
    ),
    Rule(
        'IN-CONTACT',
        'B',
        'must',
        'An FQDN the SBC puts in its Contact header has an A record resolving to IPv4.',
        _B2B,
        'Resolves the A record of contact_fqdn; skips when none is given.',
        'The addresses found or the answer.',
        'Publish an A record for the Contact FQDN, or put the public IPv4 address in the Contact header.',
    ),
    Rule(
        'IN-INVITE',
        'B',
        'must',
        'The SBC starts calls with SIP INVITE, not OPTIONS (EXP-ZONE: automatically respond to SIP searches).',
        _B2B,
        'Checked on the Expressway zone configuration (EXP-ZONE).',
        'The zone setting.',
        'Set the Webex zone "Automatically respond to SIP searches" to On.',
    ),
    Rule(
        'IN-VERSION',
        'B',
        'must',
        f'A VCS/Expressway acting as the originating SBC runs {MIN_B2B} or later.',
        _B2B,
        'Checked on the Expressway (EXP-VERSION).',
        'The software version.',
        f'Upgrade to {MIN_B2B} or later.',
    ),
    Rule(
        'IN-CERT-EKU',
        'B',
        'should',
        'The SBC certificate has extended key usage clientAuth and serverAuth (version-aware, see FN74345).',
        _FN,
        'Reads the EKU of the client_cert leaf. Both usages (or no EKU extension, which allows any use) '
        'pass; a missing clientAuth fails and names the Expressway X15.5 separate client certificate store '
        'as the alternative; a certificate from a public root notes that renewals from public CAs drop '
        'clientAuth in 2026-27. Becomes must when mutual TLS is checked.',
        'The EKUs seen and the note about renewals.',
        'Request a certificate with both clientAuth and serverAuth EKU, or on Expressway X15.5 and later '
        'load a clientAuth certificate into the client certificate store.',
    ),
    Rule(
        'IN-CERT-VALID',
        'B',
        'should',
        'The SBC client certificate is within its validity period; warn ahead of expiry.',
        _B2B,
        'Compares the client_cert leaf not_before and not_after with the current time, as OUT-CERT-VALID; '
        'warns when it expires within expiry_warning_days. Must when mutual TLS is checked.',
        'Subject, issuer, not_before, not_after, days left, SHA-256 fingerprint.',
        'Renew the SBC certificate (with clientAuth and serverAuth) and load it with its chain.',
    ),
    Rule(
        'IN-CERT-NAME',
        'B',
        'should',
        'The SBC certificate carries the SBC FQDN in CN or SAN dNSName.',
        _B2B,
        'Matches sbc_fqdn against the client_cert leaf, as OUT-CERT-NAME. Must when mutual TLS is checked.',
        'The name checked, the CN and the SAN entries.',
        'Issue the SBC certificate with the SBC FQDN in the SAN list.',
    ),
    Rule(
        'IN-CERT-CHAIN',
        'B',
        'should',
        'The SBC presents the full chain, intermediates and root included.',
        _B2B,
        'Checks the certificates in client_cert as OUT-CERT-CHAIN. Must when mutual TLS is checked.',
        'The chain subjects and what is missing.',
        'Put the leaf followed by every intermediate and the root in the SBC certificate chain.',
    ),
    Rule(
        'IN-CERT-TRUST',
        'B',
        'should',
        'The SBC certificate is signed by a public root CA that Webex trusts.',
        _B2B,
        'Validates the path of client_cert to ca_bundle as OUT-CERT-TRUST (the EKU is left to IN-CERT-EKU). '
        'Must when mutual TLS is checked.',
        'The path, root SHA-256 and Webex tag.',
        'Use a certificate from a public CA on the Webex supported list.',
    ),
    Rule(
        'IN-PTR',
        'B',
        'should',
        'A PTR record exists for the SBC IPv4 address and points at the SBC FQDN.',
        _B2B,
        'Resolves the A record of sbc_fqdn, then checks each address as OUT-PTR.',
        'The addresses, PTR names and forward confirmation.',
        'Ask the owner of the address block to publish a PTR record with the SBC FQDN.',
    ),
    Rule(
        'IN-MTLS',
        'B',
        'should',
        'The SBC opens mutual TLS to the Webex cloud on TCP 5062 presenting its certificate; then IN-CERT-* are must.',
        _B2B,
        'Connects to every Webex address from IN-SRV on mtls_port presenting client_cert and client_key, '
        'and reads once after the handshake so a TLS 1.3 server that rejects the certificate is seen.',
        'Negotiated version and cipher, or the alert the server sent.',
        'Load a certificate the Webex side accepts (public CA, both EKUs, full chain) and open TCP 5062.',
    ),
    Rule(
        'EXP-ZONE',
        'C',
        'must',
        'A Webex DNS zone exists: profile Custom, respond to SIP searches On, TLS verify On with subject '
        'callservice.ciscospark.com, Modify DNS request On, domain callservice.ciscospark.com, SIP On: '
        'exactly what the B2B article asks.',
        _B2B,
        'Reads the DNS zones and compares each setting the B2B article names with the values of the zone '
        'generation (ciscospark: callservice.ciscospark.com; webex: sip.webex.com and callservice.webex.com). '
        'A zone with all of them passes. Settings only the Hybrid Calling and TAC guides recommend (TLS '
        'verify inbound mapping, fallback transport TLS, media encryption, preloaded SIP routes) and H.323 '
        'off are listed in the evidence with their source, never failed. A zone with the ciscospark values '
        'passes; its summary and evidence carry the advice to move to the webex generation.',
        'The zone, the settings compared, those that differ, the recommendations not followed with their '
        'source, and the migration advice.',
        'Create or correct the Webex DNS zone with the listed settings.',
    ),
    Rule(
        'EXP-RULES',
        'C',
        'must',
        'Search rules route Webex B2B aliases to the Webex DNS zone, and calls from Webex to the internal '
        'zone, as the Expressway searches them.',
        _B2B,
        'Searches the rules as the Expressway does: enabled rules for SIP in priority order, rules of one '
        'priority together, a matching Stop rule ending the search, and only the rules whose source takes '
        'the call: Any, AllZones (not the Default Zone), LocalZone (locally registered devices), or the Named '
        'zone the call arrives from. A call to Webex arrives from inbound_target_zone when it is set, so a '
        'rule from the traversal zone counts; else from any zone. A call from Webex arrives from the Webex '
        'zone when TLS verify and TLS verify inbound mapping are On, otherwise from the Default Zone; any '
        'rule may take it, but only an AnyAlias Stop rule shadows the rules after it.',
        'Per alias and origin, the rules met in order with their source and target.',
        'Add search rules for .*@.*\\.ciscospark\\.com.* and the Webex SIP domains to the Webex zone, with a '
        'source the calls arrive from, above any Stop rule that takes them first; route calls from Webex (from '
        'the Default Zone without inbound mapping) to the internal zone.',
    ),
    Rule(
        'EXP-DNS',
        'C',
        'must',
        'The Expressway has DNS servers configured (IN-DNS).',
        _B2B,
        'Reads the DNS server list from the Expressway API.',
        'The DNS servers configured.',
        'Configure at least one DNS server on the Expressway.',
    ),
    Rule(
        'EXP-VERSION',
        'C',
        'must',
        f'Software {MIN_B2B} or later (B2B); {MIN_WEBEX_ZONE} for Hybrid Calling with the built-in Webex zone.',
        _B2B,
        'Reads the software version from the Expressway API.',
        'The version.',
        'Upgrade the Expressway.',
    ),
    Rule(
        'EXP-TRUST',
        'C',
        'must',
        "The Expressway trusted CA list holds the root that signs Webex's SIP certificate "
        '(IdenTrust Commercial Root CA 1).',
        'Cisco tech note 216950',
        'Reads the trusted CA list and matches the roots by SHA-256.',
        'The roots found.',
        'Add IdenTrust Commercial Root CA 1 to the trusted CA list (Cloud Certificate Management).',
    ),
    Rule(
        'EXP-FW',
        'C',
        'should',
        'The Expressway firewall rules admit the Webex signalling and media ranges, and nothing broader, as '
        'the firewall evaluates them.',
        _TAC + '; Webex article WBX000028782 (source ranges)',
        'Evaluates the active rules as the firewall does: lowest priority number first, the first rule whose '
        'source address and prefix, interface (firewall_interface), transport (or the port a non-Custom '
        'service implies) and ports match decides. Traffic from every IPv4 range Cisco publishes for Webex '
        f'(listed with its source and retrieval date in _webex_ranges) to {_SIG} and, on an '
        f'Expressway-E, {_MEDIA} must meet an Allow rule first. A Drop or Reject rule that takes any of '
        'it first fails, so an Allow rule opened only to a private prefix, followed by a drop-all rule, '
        'fails; traffic no rule matches gets in only through the final allow-all rule the Expressway adds, '
        'and warns. Allow rules from anywhere beyond these ranges warn. No active rules: skip.',
        'Per range of ports and Webex source range, the rules that decide it, those that act against it, '
        'whether the final rule is reached, and the source of the ranges.',
        f'Admit {_SIG} and the media range from the Webex ranges (or from anywhere) above any drop '
        'rule; remove broader Allow rules.',
    ),
    Rule(
        'EXP-CERT',
        'C',
        'should',
        "The Expressway-E's server certificate on its SIP TLS port is valid, names its FQDN, chains to a "
        'public root and carries clientAuth and serverAuth.',
        _FN,
        'Connects to sip_tls.host on sip_tls.port (5061) and reads the certificate the Expressway-E presents '
        '(no private key needed), then judges validity (warn ahead of expiry), the name (sip_tls.server_name), '
        'path validation to sip_tls.ca_bundle and the EKUs. Always states the forecast: a renewal from a '
        'public CA after the clientAuth sunset loses clientAuth, and whether the version read from the API '
        'offers the X15.5 client certificate store. Without sip_tls there is no EXP-CERT row.',
        'The certificate, the chain verdict, the EKUs, the version and the forecast.',
        'Renew the certificate with the Expressway FQDN in SAN and both EKUs; from X15.5 load a clientAuth '
        'certificate into the client certificate store before a public CA renewal drops clientAuth.',
    ),
)

RULES = collections.OrderedDict((rule.id, rule) for rule in _RULES)

LEVELS = ('must', 'should', 'info')


def get_rule(rule_id):
    """The catalogue entry for an ID; KeyError for an unknown ID (a typo must not pass silently)."""
    return RULES[rule_id]
