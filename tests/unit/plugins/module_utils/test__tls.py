# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The TLS probe against real loopback TLS servers started in the test."""

from __future__ import annotations

import socket
import ssl
import time

import pytest

from cryptography.hazmat.primitives import serialization

from ansible_collections.ucops.expressway.plugins.module_utils import _tls

from ansible_collections.ucops.expressway.tests.unit.plugins.module_utils.conftest import make_cert

SIP_REPLY = b'SIP/2.0 200 OK\r\nServer: TANDBERG/4352 (X14.3.2)\r\nContent-Length: 0\r\n\r\n'


def _der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def server_context(pki, tmp_path, minimum=None, maximum=None, client_ca=None, send_root=True):
    leaf, key = pki.leaf()
    chain = [leaf, pki.inter[0]] + ([pki.root[0]] if send_root else [])
    chain_file, key_file = pki.write(tmp_path, 'server', chain, key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain_file, key_file)
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    if client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cadata=client_ca.public_bytes(serialization.Encoding.PEM).decode())
    return context, [_der(cert) for cert in chain]


def test_whole_chain_is_captured_over_tls13(pki, tmp_path, tls_server):
    context, sent = server_context(pki, tmp_path)
    server = tls_server(context)
    result = _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3)
    assert result.chain_capture == 'full'
    assert result.chain == sent
    assert result.version == 'TLSv1.3' and result.tls12 is True
    assert _tls.grade(result.version, result.tls12)[0] == 'pass'


def test_chain_as_sent_without_root(pki, tmp_path, tls_server):
    context, sent = server_context(pki, tmp_path, maximum=ssl.TLSVersion.TLSv1_2, send_root=False)
    server = tls_server(context)
    result = _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3)
    assert result.version == 'TLSv1.2' and len(result.chain) == 2 and result.chain == sent
    assert result.cipher


def test_tls13_only_server_fails(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path, minimum=ssl.TLSVersion.TLSv1_3)
    server = tls_server(context)
    result = _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3)
    assert result.version == 'TLSv1.3' and result.tls12 is False
    status, summary = _tls.grade(result.version, result.tls12)
    assert status == 'fail' and 'only TLSv1.3' in summary


@pytest.mark.parametrize('version, tls12, status', [
    ('TLSv1.2', True, 'pass'), ('TLSv1.3', True, 'pass'), ('TLSv1.3', False, 'fail'),
    ('TLSv1.1', None, 'warn'), ('TLSv1', None, 'fail'), ('SSLv3', None, 'fail'),
])
def test_grade(version, tls12, status):
    assert _tls.grade(version, tls12)[0] == status


def test_listener_that_never_speaks_tls_ends_at_the_timeout(tls_server):
    server = tls_server(None, silent=True)
    started = time.monotonic()
    with pytest.raises(_tls.TlsProbeError) as err:
        _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 1.0)
    assert err.value.kind == 'timeout'
    assert time.monotonic() - started < 2.5


def test_nothing_listening_is_refused():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with pytest.raises(_tls.TlsProbeError) as err:
        _tls.probe('127.0.0.1', port, 'sbc1.example.test', 1.0)
    assert err.value.kind == 'refused'


def test_sip_options_probe_records_status_line_and_server(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path)
    server = tls_server(context, reply=SIP_REPLY)
    result = _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, sip_uri='sips:alice@example.test')
    assert result.sip == {'answered': True, 'status_line': 'SIP/2.0 200 OK', 'code': 200,
                          'server': 'TANDBERG/4352 (X14.3.2)'}


def test_sip_options_probe_without_answer(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path)
    server = tls_server(context)
    result = _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 1, sip_uri='sips:alice@example.test')
    assert result.sip['answered'] is False and result.version == 'TLSv1.3'


@pytest.mark.parametrize('maximum', [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_mutual_tls(pki, tmp_path, tls_server, maximum):
    context, dummy = server_context(pki, tmp_path, maximum=maximum, client_ca=pki.root[0])
    server = tls_server(context)
    leaf, key = pki.leaf()
    good_cert, good_key = pki.write(tmp_path, 'client', [leaf, pki.inter[0]], key)
    outsider, outsider_key = make_cert('sbc1.example.test', issuer=pki.other_root)
    bad_cert, bad_key = pki.write(tmp_path, 'outsider', [outsider], outsider_key)
    result = _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, None, good_cert, good_key)
    assert result.version == ('TLSv1.2' if maximum == ssl.TLSVersion.TLSv1_2 else 'TLSv1.3')
    # A rejected certificate, seen by the read after the handshake; no certificate, seen by the SIP probe.
    for cert, key_file, sip_uri in ((bad_cert, bad_key, None), (None, None, 'sips:alice@example.test')):
        with pytest.raises(_tls.TlsProbeError) as err:
            _tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, sip_uri, cert, key_file)
        assert err.value.kind == 'tls'
