# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS probe of one SIPS listener (stdlib ssl and socket): version, cipher, the whole chain sent.

The probe deliberately does not verify: it must see and report a broken certificate, not refuse it.
Certificates are judged afterwards by _certs.

Why the chain capture works the way it does: the chain a server sends is in OpenSSL's
SSL_get_peer_cert_chain(). Python 3.13 exposes it as SSLSocket.get_unverified_chain(); CPython 3.10
to 3.12 have the same call on the private SSLObject (``_sslobj.get_unverified_chain``). Both work
for TLS 1.3, where the Certificate message is encrypted and a hand-written record parser cannot
read it, and need no subprocess or extra library. Only on an interpreter with neither is the chain
cut down to the leaf, and the probe says so in ``chain_capture``.
"""

from __future__ import annotations

import collections
import socket
import ssl
import warnings

from ansible_collections.ucops.expressway.plugins.module_utils import _sip

try:
    import _ssl
    _DER = _ssl.ENCODING_DER
except (ImportError, AttributeError):
    _DER = None

TlsResult = collections.namedtuple('TlsResult', 'version cipher chain chain_capture tls12 sip')


class TlsProbeError(Exception):
    """The TLS connection did not come up; kind is refused, unreachable, timeout or tls."""

    def __init__(self, kind, message):
        super(TlsProbeError, self).__init__(message)
        self.kind = kind


def _context(max_version=None, client_cert=None, client_key=None):
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
        raise TlsProbeError('timeout', 'TCP connection to %s:%d timed out after %ss' % (address, port, timeout)) from err
    except OSError as err:
        raise TlsProbeError('unreachable', 'TCP connection to %s:%d failed: %s' % (address, port, err)) from err


def handshake(address, port, server_name, timeout, max_version=None, client_cert=None, client_key=None):
    """An open SSLSocket after a completed handshake; TlsProbeError otherwise.

    The socket timeout bounds every read of the handshake, so a listener that accepts TCP and
    never speaks TLS ends after ``timeout`` seconds.
    """
    ctx = _context(max_version, client_cert, client_key)
    sock = _connect(address, port, timeout)
    try:
        sock.settimeout(timeout)
        return ctx.wrap_socket(sock, server_hostname=server_name or None)
    except socket.timeout as err:
        sock.close()
        raise TlsProbeError('timeout', 'TLS handshake with %s:%d got no answer within %ss' % (
            address, port, timeout)) from err
    except ssl.SSLError as err:
        sock.close()
        raise TlsProbeError('tls', 'TLS handshake with %s:%d failed: %s' % (
            address, port, err.reason or err)) from err
    except OSError as err:
        sock.close()
        raise TlsProbeError('tls', 'TLS handshake with %s:%d failed: %s' % (address, port, err)) from err


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
    """Send one OPTIONS and read the answer; a dict for the evidence (never raises on SIP trouble)."""
    local = ssock.getsockname()
    try:
        ssock.sendall(_sip.build_options(request_uri, local[0], local[1]))
        data = _read_head(ssock, timeout)
    except socket.timeout:
        return {'answered': False, 'error': 'no SIP response within %ss' % timeout}
    except ssl.SSLError as err:
        raise TlsProbeError('tls', 'the server ended TLS after the handshake: %s' % (err.reason or err)) from err
    except OSError as err:
        return {'answered': False, 'error': 'connection closed before a SIP response: %s' % err}
    try:
        response = _sip.parse_response(data)
    except ValueError as err:
        return {'answered': False, 'error': str(err) if data else 'connection closed without a SIP response'}
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
        raise TlsProbeError('tls', 'the server rejected the connection after the handshake: %s' % (
            getattr(err, 'reason', None) or err)) from err
    if not data:
        raise TlsProbeError('tls', 'the server closed the connection right after the handshake')


def accepts_tls12(address, port, server_name, timeout, client_cert=None, client_key=None):
    """(True, None) when a handshake capped at TLS 1.2 succeeds, else (False, reason)."""
    try:
        ssock = handshake(address, port, server_name, timeout, ssl.TLSVersion.TLSv1_2, client_cert, client_key)
    except TlsProbeError as err:
        return False, str(err)
    ssock.close()
    return True, None


def probe(address, port, server_name, timeout, sip_uri=None, client_cert=None, client_key=None):
    """Connect, capture, optionally send SIP OPTIONS, and learn whether TLS 1.2 is accepted."""
    ssock = handshake(address, port, server_name, timeout, None, client_cert, client_key)
    try:
        version = ssock.version()
        cipher = ssock.cipher()
        chain, capture = peer_chain(ssock)
        if client_cert and version == 'TLSv1.3' and not sip_uri:
            confirm_accepted(ssock, min(timeout, 1.0))
        sip = sip_options(ssock, sip_uri, timeout) if sip_uri else None
    finally:
        ssock.close()
    tls12 = (version == 'TLSv1.2') or None
    if version == 'TLSv1.3':
        tls12 = accepts_tls12(address, port, server_name, timeout, client_cert, client_key)[0]
    return TlsResult(version, cipher[0] if cipher else None, chain, capture, tls12, sip)


def grade(version, tls12):
    """(status, summary) of a negotiated version per OUT-TLS / IN-SRV.

    A TLS 1.3-only server fails: the requirement is that TLS 1.2 can be negotiated (Webex
    documents 1.2 and tolerates 1.1 for this leg), and such a server refuses exactly that.
    """
    if version == 'TLSv1.2':
        return 'pass', 'TLSv1.2 negotiated'
    if version == 'TLSv1.3':
        if tls12:
            return 'pass', 'TLSv1.3 negotiated and TLSv1.2 also accepted'
        return 'fail', 'only TLSv1.3 accepted: a TLS 1.2 handshake was refused'
    if version == 'TLSv1.1':
        return 'warn', 'TLSv1.1 negotiated: tolerated by Webex today, TLS 1.2 is required'
    return 'fail', '%s negotiated: below TLS 1.1' % version
