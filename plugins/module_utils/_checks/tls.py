# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS probe of one SIPS listener (stdlib ssl and socket): version, cipher, the whole chain sent.

The probe deliberately does not verify: it must see and report a broken certificate, not refuse it.
Certificates are judged afterwards by _checks.certificates.

Why the chain capture works the way it does: the chain a server sends is in OpenSSL's
SSL_get_peer_cert_chain(). Python 3.13 exposes it as SSLSocket.get_unverified_chain(); CPython 3.10
to 3.12 have the same call on the private SSLObject (``_sslobj.get_unverified_chain``). Both work
for TLS 1.3, where the Certificate message is encrypted and a hand-written record parser cannot
read it, and need no subprocess or extra library. Only on an interpreter with neither is the chain
cut down to the leaf, and the probe says so in ``chain_capture``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import socket
import ssl
import threading
import time
import warnings

from ansible_collections.ucops.expressway.plugins.module_utils._checks import sip as checks_sip

try:
    import _ssl

    _DER = _ssl.ENCODING_DER
except (ImportError, AttributeError):
    _DER = None

TlsResult = collections.namedtuple('TlsResult', 'version cipher chain chain_capture tls12 sip tls12_error timings')

# A TLS 1.2 probe that ended this way says nothing about TLS 1.2: the server did not answer in time
# or the second connection did not come up. It is tried once more, and then left unknown (warn).
UNKNOWN_KINDS = ('timeout', 'refused', 'unreachable')
RETRY_KINDS = UNKNOWN_KINDS + ('reset',)


class TlsProbeError(Exception):
    """The TLS connection did not come up, and why.

    kind is one of refused, unreachable, timeout (TCP or TLS), reset, closed (the server hung up
    without an alert), alert (``alert`` names it, like protocol_version) or protocol (anything else
    TLS rejects). A timeout is never reported as a refusal.
    """

    def __init__(self, kind, message, alert=None):
        super(TlsProbeError, self).__init__(message)
        self.kind = kind
        self.alert = alert


_CONTEXTS = {}
_CONTEXTS_LOCK = threading.Lock()


def _context(max_version=None, client_cert=None, client_key=None):
    """One client context per settings, shared by every handshake of the run (wrap_socket is thread-safe).

    A fresh SSL_CTX per handshake costs CPU and leaves native heap behind in every worker thread.
    """
    key = (max_version, client_cert, client_key)
    with _CONTEXTS_LOCK:
        if key not in _CONTEXTS:
            _CONTEXTS[key] = _new_context(max_version, client_cert, client_key)
        return _CONTEXTS[key]


def _new_context(max_version, client_cert, client_key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    # Offer every version down to TLS 1.0 (OpenSSL 3 hides them below security level 0), so the
    # probe learns what the server really speaks instead of failing on an old server.
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        try:
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.set_ciphers('DEFAULT:@SECLEVEL=0')
        except (ValueError, ssl.SSLError):
            pass
    if max_version is not None:
        ctx.maximum_version = max_version
    if client_cert:
        ctx.load_cert_chain(client_cert, client_key)
    return ctx


def _connect(address, port, timeout):
    try:
        return socket.create_connection((address, port), timeout=timeout)
    except ConnectionRefusedError as err:
        raise TlsProbeError('refused', 'TCP connection to %s:%d refused: nothing listens' % (address, port)) from err
    except socket.timeout as err:
        raise TlsProbeError(
            'timeout', 'TCP connection to %s:%d timed out after %ss' % (address, port, timeout)
        ) from err
    except OSError as err:
        raise TlsProbeError('unreachable', 'TCP connection to %s:%d failed: %s' % (address, port, err)) from err


def classify(err):
    """(kind, alert name or None, reason text) of an error raised during or after a handshake."""
    if isinstance(err, socket.timeout):
        return 'timeout', None, 'no answer within the timeout'
    if isinstance(err, ConnectionResetError):
        return 'reset', None, 'connection reset by the server'
    reason = getattr(err, 'reason', None) or ''
    if isinstance(err, (ssl.SSLEOFError, ssl.SSLZeroReturnError)) or 'EOF' in reason:
        return 'closed', None, 'the server closed the connection without a TLS alert'
    if '_ALERT_' in reason:
        alert = reason.split('_ALERT_', 1)[1].lower()
        return 'alert', alert, 'the server sent TLS alert %s' % alert
    if isinstance(err, ssl.SSLError):
        return 'protocol', None, 'TLS protocol error: %s' % (reason or err)
    if isinstance(err, (BrokenPipeError, ConnectionAbortedError)):
        return 'closed', None, 'the server closed the connection: %s' % err
    return 'protocol', None, 'connection failed: %s' % err


def handshake(address, port, server_name, timeout, max_version=None, client_cert=None, client_key=None, timings=None):
    """An open SSLSocket after a completed handshake; TlsProbeError otherwise.

    The socket timeout bounds every read of the handshake, so a listener that accepts TCP and
    never speaks TLS ends after ``timeout`` seconds. ``timings`` (a dict) gets connect and tls seconds.
    """
    ctx = _context(max_version, client_cert, client_key)
    started = time.monotonic()
    sock = _connect(address, port, timeout)
    connected = time.monotonic()
    try:
        sock.settimeout(timeout)
        ssock = ctx.wrap_socket(sock, server_hostname=server_name or None)
    except (ssl.SSLError, OSError) as err:
        sock.close()
        kind, alert, reason = classify(err)
        if kind == 'timeout':
            reason = 'got no answer within %ss' % timeout
        raise TlsProbeError(
            kind,
            'TLS handshake with %s:%d failed (%s): %s'
            % (address, port, kind if alert is None else 'alert ' + alert, reason),
            alert,
        ) from err
    if timings is not None:
        timings.update(connect=_ms(connected - started), tls=_ms(time.monotonic() - connected))
    return ssock


def _ms(seconds):
    return round(seconds * 1000.0, 1)


def peer_chain(ssock):
    """(list of DER certificates as sent, leaf first; 'full' or 'leaf-only')."""
    public = getattr(ssock, 'get_unverified_chain', None)
    if public is not None:
        return [_der(cert) for cert in public() or []], 'full'
    private = getattr(getattr(ssock, '_sslobj', None), 'get_unverified_chain', None)
    if private is not None and _DER is not None:
        return [_der(cert) for cert in private() or []], 'full'
    leaf = ssock.getpeercert(binary_form=True)
    return ([leaf] if leaf else []), 'leaf-only'


def _der(cert):
    return cert if isinstance(cert, bytes) else cert.public_bytes(_DER)


def _read_head(ssock, timeout):
    ssock.settimeout(timeout)
    data = b''
    while b'\r\n\r\n' not in data and len(data) < 65536:
        chunk = ssock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def sip_options(ssock, request_uri, timeout):
    """Send one OPTIONS and read the answer; a dict for the evidence (never raises on SIP trouble).

    An unanswered probe says why in ``error_kind``: timeout, closed, reset or protocol (not SIP).
    """
    local = ssock.getsockname()
    try:
        ssock.sendall(checks_sip.build_options(request_uri, local[0], local[1]))
        data = _read_head(ssock, timeout)
    except socket.timeout:
        return {'answered': False, 'error': 'no SIP response within %ss' % timeout, 'error_kind': 'timeout'}
    except ssl.SSLError as err:
        kind, alert, reason = classify(err)
        raise TlsProbeError(kind, 'the server ended TLS after the handshake: %s' % reason, alert) from err
    except OSError as err:
        kind = classify(err)[0]
        return {'answered': False, 'error': 'connection closed before a SIP response: %s' % err, 'error_kind': kind}
    try:
        response = checks_sip.parse_response(data)
    except ValueError as err:
        if not data:
            return {'answered': False, 'error': 'connection closed without a SIP response', 'error_kind': 'closed'}
        return {'answered': False, 'error': str(err), 'error_kind': 'protocol'}
    product = response.headers.get('server') or response.headers.get('user-agent')
    return {'answered': True, 'status_line': response.status_line, 'code': response.code, 'server': product}


def confirm_accepted(ssock, wait):
    """After a TLS 1.3 mutual handshake the server judges the client certificate later: read once.

    A timeout means the server kept the connection (accepted); an alert or a close means rejected.
    """
    ssock.settimeout(wait)
    try:
        data = ssock.recv(1)
    except socket.timeout:
        return
    except (ssl.SSLError, OSError) as err:
        kind, alert, reason = classify(err)
        raise TlsProbeError(kind, 'the server rejected the connection after the handshake: %s' % reason, alert) from err
    if not data:
        raise TlsProbeError('closed', 'the server closed the connection right after the handshake')


def accepts_tls12(address, port, server_name, timeout, client_cert=None, client_key=None):
    """(True, None) when a handshake capped at TLS 1.2 succeeds, else (False, TlsProbeError)."""
    try:
        ssock = handshake(address, port, server_name, timeout, ssl.TLSVersion.TLSv1_2, client_cert, client_key)
    except TlsProbeError as err:
        return False, err
    ssock.close()
    return True, None


_SIDE = {}
_SIDE_LOCK = threading.Lock()
SIDE_WORKERS = 32


def side_task(func, *args):
    """Run func(*args) on the shared pool of side work and return its Future.

    Side work is a round trip that can overlap another one of the same check (the TLS 1.2
    handshake, a PTR lookup). The threads are reused: a thread per task would leave native heap
    (OpenSSL and resolver state) behind for every one, and peak RSS would grow with the number of
    addresses. Side tasks never wait for other side tasks, so a full pool only queues them.
    """
    with _SIDE_LOCK:
        if 'pool' not in _SIDE:
            _SIDE['pool'] = concurrent.futures.ThreadPoolExecutor(SIDE_WORKERS, thread_name_prefix='probe-side')
        return _SIDE['pool'].submit(func, *args)


def stop_side_work():
    """End the threads of the side work (the next side_task starts new ones).

    A module calls it when its checks are done: an ended thread hands its stack pages back, so
    they do not count again while the answer is copied and serialised.
    """
    with _SIDE_LOCK:
        pool = _SIDE.pop('pool', None)
    if pool is not None:
        pool.shutdown(wait=True)


class _Tls12Probe(object):
    """The TLS 1.2-only handshake as side work, started with the main one to save its round trips.

    Its result is only read when the main handshake negotiated TLS 1.3.
    """

    def __init__(self, *args):
        self.args = args
        self.future = side_task(accepts_tls12, *args)

    def result(self):
        """(True|False|None, TlsProbeError or None): None when the server never told (retried once)."""
        accepted, err = self.future.result()
        if not accepted and err.kind in RETRY_KINDS:
            # A second try after the main connection closed: a busy or slow server gets its chance.
            accepted, err = accepts_tls12(*self.args)
        if not accepted and err.kind in UNKNOWN_KINDS:
            return None, err
        return accepted, err


def probe(address, port, server_name, timeout, sip_uri=None, client_cert=None, client_key=None):
    """Connect, capture, optionally send SIP OPTIONS, and learn whether TLS 1.2 is accepted."""
    tls12_probe = _Tls12Probe(address, port, server_name, timeout, client_cert, client_key)
    timings = {}
    ssock = handshake(address, port, server_name, timeout, None, client_cert, client_key, timings)
    try:
        version = ssock.version()
        cipher = ssock.cipher()
        chain, capture = peer_chain(ssock)
        if client_cert and version == 'TLSv1.3' and not sip_uri:
            confirm_accepted(ssock, min(timeout, 1.0))
        started = time.monotonic()
        sip = sip_options(ssock, sip_uri, timeout) if sip_uri else None
        if sip_uri:
            timings['sip'] = _ms(time.monotonic() - started)
    finally:
        ssock.close()
    tls12, tls12_error = (version == 'TLSv1.2') or None, None
    if version == 'TLSv1.3':
        tls12, err = tls12_probe.result()
        tls12_error = None if err is None else {'kind': err.kind, 'alert': err.alert, 'message': str(err)}
    return TlsResult(version, cipher[0] if cipher else None, chain, capture, tls12, sip, tls12_error, timings)


def grade(version, tls12, tls12_error=None):
    """(status, summary) of a negotiated version per OUT-TLS / IN-SRV.

    A TLS 1.3-only server fails: the requirement is that TLS 1.2 can be negotiated (Webex
    documents 1.2 and tolerates 1.1 for this leg), and such a server refuses exactly that.
    tls12 None after TLS 1.3 means the TLS 1.2 handshake never got an answer (twice): that is
    no refusal, so it warns and says so.
    """
    if version == 'TLSv1.2':
        return 'pass', 'TLSv1.2 negotiated'
    if version == 'TLSv1.3':
        why = ' (%s)' % tls12_error['message'] if tls12_error else ''
        if tls12:
            return 'pass', 'TLSv1.3 negotiated and TLSv1.2 also accepted'
        if tls12 is None:
            return (
                'warn',
                'TLSv1.3 negotiated; TLS 1.2 not confirmed: the TLS 1.2 handshake got no answer, tried twice%s' % why,
            )
        return 'fail', 'only TLSv1.3 accepted: a TLS 1.2 handshake was refused%s' % why
    if version == 'TLSv1.1':
        return 'warn', 'TLSv1.1 negotiated: tolerated by Webex today, TLS 1.2 is required'
    return 'fail', '%s negotiated: below TLS 1.1' % version
