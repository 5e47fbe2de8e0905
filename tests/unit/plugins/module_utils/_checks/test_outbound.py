# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The outbound and inbound runners end to end against loopback DNS and TLS servers."""

from __future__ import annotations

import socket
import ssl

import pytest

from cryptography.x509.oid import ExtendedKeyUsageOID

from ansible_collections.ucops.expressway.plugins.module_utils._checks import (
    context as checks_context,
    inbound,
    outbound,
)
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import module_result, roll_up

SIP_REPLY = b'SIP/2.0 200 OK\r\nServer: TANDBERG/4352 (X8.5.1)\r\nContent-Length: 0\r\n\r\n'


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _params(port, ca_bundle, **extra):
    params = dict(
        resolvers=['127.0.0.1'],
        resolver_port=port,
        ca_bundle=ca_bundle,
        expiry_warning_days=30,
        timeout=2.0,
        concurrency=4,
        sip_options_probe=True,
        fail_on='must',
    )
    params.update(extra)
    return params


def _status(rows, subject, rule):
    return [r['status'] for r in roll_up(rows) if r['subject'] == subject and r['rule'] == rule][0]


@pytest.fixture
def peers(pki, tmp_path, tls_server, dns_responder):
    leaf, key = pki.leaf(sans=['sbc1.example.test'])
    chain_file, key_file = pki.write(tmp_path, 'server', [leaf, pki.inter[0], pki.root[0]], key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain_file, key_file)
    server = tls_server(context, reply=SIP_REPLY)
    mutual = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    mutual.load_cert_chain(chain_file, key_file)
    mutual.verify_mode = ssl.CERT_REQUIRED
    mutual.load_verify_locations(cafile=pki.write(tmp_path, 'ca', [pki.root[0]])[0])
    mutual_server = tls_server(mutual)
    dns = dns_responder(
        {
            ('_sips._tcp.example.test', 'SRV'): [
                '10 50 %d sbc1.example.test.' % server.port,
                '20 50 %d sbc6.example.test.' % server.port,
            ],
            ('sbc1.example.test', 'A'): ['127.0.0.1'],
            ('sbc6.example.test', 'AAAA'): ['2001:db8::6'],
            ('1.0.0.127.in-addr.arpa', 'PTR'): ['sbc1.example.test.'],
            ('dead.example.test', 'A'): ['127.0.0.1'],
        }
    )
    return dict(
        dns=dns, server=server, mutual=mutual_server, ca=pki.write(tmp_path, 'ca', [pki.root[0]])[0], tmp_path=tmp_path
    )


def test_outbound_rules_per_destination(peers):
    ctx = checks_context.CheckContext(_params(peers['dns'].port, peers['ca']))
    dead = 'sips:dave@dead.example.test:%d' % _closed_port()
    destinations = ['sips:alice@example.test', 'sip:bob@example.test', dead]
    rows = outbound.run(ctx, destinations)
    good = 'sips:alice@example.test'
    for rule in (
        'OUT-URI',
        'OUT-HOST',
        'OUT-TLS',
        'OUT-CERT-VALID',
        'OUT-CERT-NAME',
        'OUT-CERT-CHAIN',
        'OUT-CERT-TRUST',
        'OUT-PTR',
    ):
        assert _status(rows, good, rule) == 'pass', rule
    tls = [r for r in rows if r['subject'] == good and r['rule'] == 'OUT-TLS']
    assert [(r['target'], r['address'], r['status']) for r in tls] == [
        ('sbc1.example.test', '127.0.0.1', 'pass'),
        ('sbc6.example.test', None, 'skip'),
    ]
    assert tls[0]['evidence']['sip']['status_line'] == 'SIP/2.0 200 OK'
    # sbc6 is AAAA-only: OUT-A fails for that target, and the version header is below X8.5.3.
    assert _status(rows, good, 'OUT-A') == 'fail'
    assert _status(rows, good, 'OUT-VERSION') == 'fail'
    assert _status(rows, 'sip:bob@example.test', 'OUT-URI') == 'fail'
    assert _status(rows, 'sip:bob@example.test', 'OUT-TLS') == 'skip'
    assert _status(rows, dead, 'OUT-TLS') == 'fail'
    assert _status(rows, dead, 'OUT-CERT-VALID') == 'skip'
    dead_tls = [r for r in rows if r['subject'] == dead and r['rule'] == 'OUT-TLS'][0]
    assert dead_tls['evidence']['error'] == 'refused' and 'tls' in dead_tls['evidence']['timings']
    # Where the time went: DNS on OUT-HOST, connect, TLS and SIP on OUT-TLS, DNS on OUT-PTR.
    host = [r for r in rows if r['subject'] == good and r['rule'] == 'OUT-HOST'][0]
    assert host['evidence']['timings']['dns'] >= 0
    assert set(tls[0]['evidence']['timings']) == {'connect', 'tls', 'sip'}
    assert [r for r in rows if r['subject'] == good and r['rule'] == 'OUT-PTR'][0]['evidence']['timings']['dns'] >= 0
    # One resolver cache per run: the A query behind the PTR is the one OUT-A asked, and the PTR of
    # 127.0.0.1 (behind sbc1 and dead) is asked once. SRV, A sbc1, A + AAAA sbc6, A dead, PTR: 6, not 8.
    assert ctx.dns.queries == 6
    result = module_result(rows, 'must')
    assert result['failed'] and 'sip:bob@example.test: OUT-URI fail' in result['msg']


def test_outbound_version_from_option_and_dead_resolver(peers):
    ctx = checks_context.CheckContext(_params(peers['dns'].port, peers['ca']))
    rows = outbound.run(ctx, ['sips:alice@example.test'], {'sips:alice@example.test': 'X14.3.2'})
    assert _status(rows, 'sips:alice@example.test', 'OUT-VERSION') == 'pass'
    dead = checks_context.CheckContext(_params(_closed_port(), peers['ca'], timeout=0.5))
    rows = outbound.run(dead, ['sips:alice@example.test'])
    assert set(r['status'] for r in rows if r['rule'] != 'OUT-URI') == {'skip'}
    assert 'resolver did not answer (timeout)' in rows[1]['summary']


def test_inbound_mutual_tls_and_eku(peers, pki):
    tmp_path = peers['tmp_path']
    leaf, key = pki.leaf(sans=['sbc1.example.test'])
    cert, key_file = pki.write(tmp_path, 'sbc', [leaf, pki.inter[0], pki.root[0]], key)
    params = _params(
        peers['dns'].port,
        peers['ca'],
        called_uri='example.test',
        sbc_fqdn='sbc1.example.test',
        client_cert=cert,
        client_key=key_file,
        contact_fqdn='sbc6.example.test',
        mtls_port=peers['mutual'].port,
        webex_trusted_cas=peers['ca'],
    )
    rows = inbound.run(checks_context.CheckContext(params), params)
    subject = 'sbc1.example.test'
    for rule in (
        'IN-DNS',
        'IN-MTLS',
        'IN-CERT-EKU',
        'IN-CERT-VALID',
        'IN-CERT-NAME',
        'IN-CERT-CHAIN',
        'IN-CERT-TRUST',
        'IN-PTR',
    ):
        assert _status(rows, subject, rule) == 'pass', rule
    # Without the SBC's trusted CA list, the pinned Webex roots decide: the unit root is not one of them.
    offline = dict(params, webex_trusted_cas=None)
    pinned = inbound.run(checks_context.CheckContext(offline), offline)
    assert _status(pinned, subject, 'IN-MTLS') == 'warn'
    assert _status(rows, subject, 'IN-SRV') == 'fail'  # sbc6 has no A record
    assert _status(rows, subject, 'IN-CONTACT') == 'fail'  # AAAA only
    assert [r['level'] for r in rows if r['rule'] == 'IN-CERT-EKU'] == ['must']
    assert 'PRIVATE' not in repr(rows)

    server_only, key = pki.leaf(sans=['sbc1.example.test'], eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    params['client_cert'], params['client_key'] = pki.write(tmp_path, 'server-only', [server_only, pki.inter[0]], key)
    rows = inbound.run(checks_context.CheckContext(params), params)
    assert _status(rows, subject, 'IN-CERT-EKU') == 'fail'
    assert _status(rows, subject, 'IN-CERT-CHAIN') == 'warn'


def test_inbound_without_resolvers_fails_in_dns(peers):
    params = _params(
        53,
        peers['ca'],
        resolvers=[],
        called_uri='sips:meet@example.test',
        sbc_fqdn=None,
        client_cert=None,
        client_key=None,
        contact_fqdn=None,
        mtls_port=5062,
    )
    rows = inbound.run(checks_context.CheckContext(params), params)
    subject = 'sips:meet@example.test'
    assert _status(rows, subject, 'IN-DNS') == 'fail'
    assert _status(rows, subject, 'IN-SRV') == 'skip' and _status(rows, subject, 'IN-MTLS') == 'skip'
