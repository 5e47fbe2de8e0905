# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The TLS probe against real loopback TLS servers started in the test."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time

import pytest

from cryptography.hazmat.primitives import serialization

from ansible_collections.ucops.expressway.plugins.module_utils._checks import tls as checks_tls

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
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3)
    assert result.chain_capture == 'full'
    assert result.chain == sent
    assert result.version == 'TLSv1.3' and result.tls12 is True
    assert checks_tls.grade(result.version, result.tls12)[0] == 'pass'


def test_chain_as_sent_without_root(pki, tmp_path, tls_server):
    context, sent = server_context(pki, tmp_path, maximum=ssl.TLSVersion.TLSv1_2, send_root=False)
    server = tls_server(context)
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3)
    assert result.version == 'TLSv1.2' and len(result.chain) == 2 and result.chain == sent
    assert result.cipher


def test_tls13_only_server_fails(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path, minimum=ssl.TLSVersion.TLSv1_3)
    server = tls_server(context)
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3)
    assert result.version == 'TLSv1.3' and result.tls12 is False
    assert result.tls12_error['kind'] == 'alert' and result.tls12_error['alert'] == 'protocol_version'
    status, summary = checks_tls.grade(result.version, result.tls12, result.tls12_error)
    assert status == 'fail' and 'only TLSv1.3' in summary and 'protocol_version' in summary


@pytest.mark.parametrize(
    'version, tls12, status',
    [
        ('TLSv1.2', True, 'pass'),
        ('TLSv1.3', True, 'pass'),
        ('TLSv1.3', False, 'fail'),
        ('TLSv1.1', None, 'warn'),
        ('TLSv1', None, 'fail'),
        ('SSLv3', None, 'fail'),
        ('TLSv1.3', None, 'warn'),
    ],
)
def test_grade(version, tls12, status):
    assert checks_tls.grade(version, tls12)[0] == status


def test_listener_that_never_speaks_tls_ends_at_the_timeout(tls_server):
    server = tls_server(None, silent=True)
    started = time.monotonic()
    with pytest.raises(checks_tls.TlsProbeError) as err:
        checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 1.0)
    assert err.value.kind == 'timeout'
    assert time.monotonic() - started < 2.5


def test_nothing_listening_is_refused():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with pytest.raises(checks_tls.TlsProbeError) as err:
        checks_tls.probe('127.0.0.1', port, 'sbc1.example.test', 1.0)
    assert err.value.kind == 'refused'


def test_sip_options_probe_records_status_line_and_server(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path)
    server = tls_server(context, reply=SIP_REPLY)
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, sip_uri='sips:alice@example.test')
    assert result.sip == {
        'answered': True,
        'status_line': 'SIP/2.0 200 OK',
        'code': 200,
        'server': 'TANDBERG/4352 (X14.3.2)',
    }


def test_sip_options_probe_without_answer(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path)
    server = tls_server(context)
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 1, sip_uri='sips:alice@example.test')
    assert result.sip['answered'] is False and result.version == 'TLSv1.3'


@pytest.mark.parametrize('maximum', [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_mutual_tls(pki, tmp_path, tls_server, maximum):
    context, dummy = server_context(pki, tmp_path, maximum=maximum, client_ca=pki.root[0])
    server = tls_server(context)
    leaf, key = pki.leaf()
    good_cert, good_key = pki.write(tmp_path, 'client', [leaf, pki.inter[0]], key)
    outsider, outsider_key = make_cert('sbc1.example.test', issuer=pki.other_root)
    bad_cert, bad_key = pki.write(tmp_path, 'outsider', [outsider], outsider_key)
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, None, good_cert, good_key)
    assert result.version == ('TLSv1.2' if maximum == ssl.TLSVersion.TLSv1_2 else 'TLSv1.3')
    # A rejected certificate, seen by the read after the handshake; no certificate, seen by the SIP probe.
    for cert, key_file, sip_uri in ((bad_cert, bad_key, None), (None, None, 'sips:alice@example.test')):
        with pytest.raises(checks_tls.TlsProbeError) as err:
            checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, sip_uri, cert, key_file)
        # Each rejection keeps its reason: the alert's name when the server sent one.
        assert err.value.kind in ('alert', 'closed', 'reset')
        if err.value.kind == 'alert':
            assert err.value.alert and err.value.alert in str(err.value)


class Tls12Staller(object):
    """A TLS server that answers a ClientHello offering TLS 1.3 at once and one capped at TLS 1.2
    only after ``delay`` seconds (or never): a slow server, not a refusing one."""

    def __init__(self, context, delay, stall_count=None):
        self.context, self.delay, self.stall_count = context, delay, stall_count
        self.stalled = 0
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, dummy = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        conn.settimeout(5)
        try:
            hello = conn.recv(4096, socket.MSG_PEEK)
            # supported_versions (extension 43) listing 0x0304 is how a client offers TLS 1.3.
            if b'\x03\x04' not in hello and (self.stall_count is None or self.stalled < self.stall_count):
                self.stalled += 1
                time.sleep(self.delay)
            with self.context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self):
        self.listener.close()


def test_slow_tls12_handshake_is_no_refusal(pki, tmp_path):
    context, dummy = server_context(pki, tmp_path)
    server = Tls12Staller(context, delay=3)
    try:
        result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 0.5)
    finally:
        server.close()
    assert result.version == 'TLSv1.3' and result.tls12 is None
    assert result.tls12_error['kind'] == 'timeout' and server.stalled == 2  # tried twice
    status, summary = checks_tls.grade(result.version, result.tls12, result.tls12_error)
    assert status == 'warn' and 'refused' not in summary and 'no answer' in summary


def test_tls12_handshake_that_times_out_once_passes_on_the_retry(pki, tmp_path):
    context, dummy = server_context(pki, tmp_path)
    server = Tls12Staller(context, delay=1.5, stall_count=1)
    try:
        result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 0.5)
    finally:
        server.close()
    assert result.version == 'TLSv1.3' and result.tls12 is True and server.stalled == 1
    assert checks_tls.grade(result.version, result.tls12, result.tls12_error)[0] == 'pass'


def test_probe_reports_its_timings(pki, tmp_path, tls_server):
    context, dummy = server_context(pki, tmp_path)
    server = tls_server(context, reply=SIP_REPLY)
    result = checks_tls.probe('127.0.0.1', server.port, 'sbc1.example.test', 3, sip_uri='sips:alice@example.test')
    assert set(result.timings) == {'connect', 'tls', 'sip'}
    assert all(value >= 0 for value in result.timings.values())


def test_reset_during_handshake_is_reset_not_refused():
    listener = socket.create_server(('127.0.0.1', 0))

    def reset_once():
        conn, dummy = listener.accept()
        conn.recv(10)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        conn.close()

    worker = threading.Thread(target=reset_once, daemon=True)
    worker.start()
    try:
        with pytest.raises(checks_tls.TlsProbeError) as err:
            checks_tls.handshake('127.0.0.1', listener.getsockname()[1], 'sbc1.example.test', 2)
    finally:
        worker.join(3)
        listener.close()
    assert err.value.kind in ('reset', 'closed') and 'refused' not in str(err.value)


@pytest.mark.parametrize(
    'error, kind, alert',
    [
        (socket.timeout('timed out'), 'timeout', None),
        (ConnectionResetError(104, 'reset'), 'reset', None),
        (ssl.SSLEOFError(8, 'EOF occurred in violation of protocol'), 'closed', None),
        (BrokenPipeError(32, 'broken pipe'), 'closed', None),
    ],
)
def test_classify(error, kind, alert):
    assert checks_tls.classify(error)[:2] == (kind, alert)


def test_classify_names_the_alert():
    error = ssl.SSLError(1, '[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version')
    error.reason = 'TLSV1_ALERT_PROTOCOL_VERSION'
    assert checks_tls.classify(error)[:2] == ('alert', 'protocol_version')
    error.reason = 'WRONG_VERSION_NUMBER'
    assert checks_tls.classify(error)[0] == 'protocol'
