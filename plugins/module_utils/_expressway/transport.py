# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Private to the collection: the transport rules under ExpresswayClient's request loop.

Connection options checked before the first request, what a failed attempt means (never sent,
maybe applied, not worth retrying) with a message that says what to do, Retry-After, and reading an
answer within one overall deadline. The loop itself, and the retry policy per method, live in _expressway/client.py.
"""

from __future__ import annotations

import http.client
import ipaddress
import math
import os
import re
import socket
import ssl
import threading
import time

from ansible_collections.ucops.expressway.plugins.module_utils import _pem
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ValidationError


class Incomplete(Exception):
    """The answer did not arrive whole: cut short, or not complete before the deadline."""


try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3 import connection as u3_connection
    from urllib3 import connectionpool as u3_pool
    from urllib3 import exceptions as u3
    from urllib3.util import Retry
except ImportError:
    TRANSPORT_ERRORS = (OSError, Incomplete)  # _expressway.client.ensure_requirements reports the missing library
    HAS_URLLIB3 = False
    INSECURE_WARNING = Warning
else:
    HAS_URLLIB3 = True
    # validate_certs=false is the user's documented choice; urllib3 would also print this on stderr, which
    # in webex_b2b's action plugin is the controller's console.
    INSECURE_WARNING = u3.InsecureRequestWarning
    # Whatever an attempt can raise because of the network or the peer (not because of a bug here).
    TRANSPORT_ERRORS = (
        requests.exceptions.RequestException,
        u3.HTTPError,
        http.client.HTTPException,
        OSError,
        Incomplete,
    )

# How an attempt failed, as far as the box is concerned.
NOT_SENT = 'not sent'  # refused or no connection: the box never saw the request
MAYBE_APPLIED = 'maybe'  # sent, then reset, timed out or cut short: the box may have acted
FINAL = 'final'  # name resolution, TLS, bad URL: retrying cannot help

CHUNK = 16384
_LABEL = re.compile(r'(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z')
HOST_ALLOWED = 'a DNS name, an IPv4 address or an IPv6 address (brackets optional)'


def validate_connection(host, port, username, password, validate_certs, ca_path, timeout):
    """Refuse connection options no request could succeed with; return the host as a URL authority."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ValidationError('timeout', timeout, 'a number of seconds greater than 0')
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValidationError('port', port, 'an integer from 1 to 65535')
    if not username:
        raise ValidationError(
            'username',
            username,
            'the name of an API administrator account',
            'the API answers nothing without credentials',
        )
    if ':' in username:
        raise ValidationError('username', username, 'a name without ":"', 'HTTP Basic cannot carry it')
    if not password:
        raise ValidationError(
            'password', None, 'the password of the account in username', 'username is set but password is not'
        )
    if validate_certs and ca_path:
        _check_ca_file(ca_path)
    return url_host(host)


def url_host(host):
    """The host as it goes into the URL: IPv6 in brackets. A URL or host:port given by mistake is refused."""
    value = (host or '').strip()
    bracketed = value.startswith('[') and value.endswith(']')
    try:
        address = ipaddress.ip_address(value[1:-1] if bracketed else value)
    except ValueError:
        address = None
    if address is not None and (address.version == 6 or not bracketed):
        value = value[1:-1] if bracketed else value
        return f'[{value.replace("%", "%25")}]' if address.version == 6 else value
    if value and all(_LABEL.match(label) for label in value.rstrip('.').split('.')):
        return value
    raise ValidationError('host', host, HOST_ALLOWED, _host_hint(value))


def _host_hint(value):
    if '://' in value or '/' in value:
        return 'give the host name or address only, without scheme or path (the port goes in option port)'
    if re.fullmatch(r'[^:\s]+:\d+', value):
        return f'give the host name only and the port in option port (port: {value.rsplit(":", 1)[1]})'
    return 'not a valid host name or address'


def _check_ca_file(ca_path):
    if not os.path.isfile(ca_path):
        raise ValidationError('ca_path', ca_path, 'a readable PEM file of CA certificates', 'no such file')
    try:
        with open(ca_path, 'rb') as handle:
            head = handle.read(1 << 20)
    except OSError as err:
        raise ValidationError(
            'ca_path', ca_path, 'a readable PEM file of CA certificates', f'cannot be read ({err.strerror})'
        ) from err
    if not _pem.holds_certificate(head):
        raise ValidationError(
            'ca_path', ca_path, 'a readable PEM file of CA certificates', 'the file holds no PEM certificate'
        )


def excerpt(text, limit=80):
    """A one-line start of an unexpected answer, for an error message (the caller redacts it)."""
    flat = ' '.join((text or '').split())
    return repr(flat[:limit] + ('...' if len(flat) > limit else '')) if flat else 'an empty body'


def _causes(err):
    """The exception, the urllib3 and socket errors wrapped inside it, outermost first."""
    seen, todo = [], [err]
    while todo and len(seen) < 12:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend(getattr(current, 'args', ()))
        todo.extend((getattr(current, 'reason', None), current.__cause__, current.__context__))
    return seen


def _first(causes, kinds):
    return next((c for c in causes if isinstance(c, kinds)), None)


def short_cause(err):
    """The innermost readable cause, trimmed: never a full urllib3 repr with pool objects."""
    causes = _causes(err)
    text = str(causes[-1]) if causes else str(err)
    text = re.sub(r'<[^>]*object at 0x[0-9a-f]+>:?\s*', '', text).strip(' :')
    return text[:120]


def classify(err, authority, ca_path, timeout, answered=False):
    """(kind, reason) for a failed attempt; reason says what went wrong and what to check.

    answered: the status line had arrived, so whatever broke, broke while the body was read.
    """
    causes = _causes(err)
    if answered and isinstance(err, Incomplete):
        return MAYBE_APPLIED, str(err)
    if answered and _first(causes, (u3.ReadTimeoutError, TimeoutError)):
        return MAYBE_APPLIED, f'the answer was not complete within {timeout:g} s (option timeout)'
    if answered:
        return MAYBE_APPLIED, f'the answer was cut short ({short_cause(err)})'
    where = authority
    if _first(causes, u3.NameResolutionError):
        return FINAL, f'could not resolve host {where.rsplit(":", 1)[0]}: check option host'
    verify = _first(causes, ssl.SSLCertVerificationError)
    if verify is not None:
        return FINAL, _tls_reason(verify, where, ca_path)
    if isinstance(err, requests.exceptions.SSLError) or _first(causes, ssl.SSLError):
        return FINAL, (
            f'TLS handshake with {where} failed ({short_cause(err)}): check that option port '
            'is the HTTPS port of the API'
        )
    if _first(causes, ConnectionRefusedError):
        return NOT_SENT, f'connection to {where} refused: check option port and that the API is reachable'
    if isinstance(err, requests.exceptions.ConnectTimeout):
        return NOT_SENT, (
            f'no connection to {where} within {timeout:g} s: check options host and port and that the API is reachable'
        )
    if _first(causes, u3.NewConnectionError):
        return NOT_SENT, (
            f'could not connect to {where} ({short_cause(err)}): check options host and port '
            'and that the API is reachable'
        )
    if _first(causes, (requests.exceptions.ReadTimeout, u3.ReadTimeoutError, TimeoutError)):
        return MAYBE_APPLIED, f'no answer within {timeout:g} s (option timeout)'
    if isinstance(
        err,
        (
            requests.exceptions.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
            u3.HTTPError,
            OSError,
        ),
    ):
        return MAYBE_APPLIED, f'the connection broke before the answer was complete ({short_cause(err)})'
    return FINAL, short_cause(err)


def _tls_reason(verify, where, ca_path):
    detail = getattr(verify, 'verify_message', None) or short_cause(verify)
    if 'hostname mismatch' in detail.lower() or 'not valid for' in detail.lower():
        return (
            f'the certificate of {where} does not name the host ({detail}): give option host as a name '
            'or address the certificate holds'
        )
    if ca_path:
        return (
            f'the certificate of {where} was not verified by the CA file {ca_path} ({detail}): check '
            'that ca_path holds the CA that issued it'
        )
    return (
        f'the certificate of {where} is not trusted by the system trust store ({detail}): give the CA '
        'that issued it in option ca_path, or set validate_certs=false on a lab box you trust otherwise'
    )


def retry_after(response):
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date), or None."""
    value = response.headers.get('Retry-After')
    if not value:
        return None
    try:
        return Retry().parse_retry_after(value.strip())
    except (u3.InvalidHeader, ValueError, TypeError, OverflowError):
        return None


def read_body(response, deadline):
    """The whole body, read as it arrives so a slow drip cannot outlast the deadline; checks the length.

    read1 returns what has arrived instead of waiting for a full chunk (iter_content would wait for
    CHUNK bytes, one socket timeout per byte), so the deadline is checked after every piece.
    """
    received = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            response.close()
            raise Incomplete(f'the answer was not complete within the timeout ({_size(received)} received)')
        _bound_next_read(response, remaining)
        piece = response.raw.read1(CHUNK, decode_content=True)
        if not piece:
            break
        received.append(piece)
    content = b''.join(received)
    expected = response.headers.get('Content-Length', '')
    if expected.isdigit() and not response.headers.get('Content-Encoding') and int(expected) != len(content):
        raise Incomplete(f'the answer was cut short ({len(content)} of {expected} bytes)')
    return content


def _size(received):
    return f'{sum(len(chunk) for chunk in received)} bytes'


def _bound_next_read(response, remaining):
    # requests' read timeout applies to each read; the socket timeout is what bounds the next one.
    sock = getattr(getattr(response.raw, 'connection', None), 'sock', None)
    if sock is not None:
        sock.settimeout(remaining)


# The deadline of the request under way on this thread (monotonic seconds), for the status line and headers.
_DEADLINE = threading.local()


def set_deadline(deadline):
    """Bound the wait for the status line and headers of the next request on this thread (None: no bound)."""
    _DEADLINE.value = deadline


def _cut(sock):
    # Called by the timer at the deadline: the blocked read returns at once, and the attempt fails.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _HeadDeadline:
    """Connection mixin: the status line and headers arrive before the deadline, however slowly they drip.

    A socket timeout bounds each read only, so a server sending one byte every half second would hold a
    request for ever; a timer shuts the socket down when the deadline passes. read_body bounds the body.
    """

    def getresponse(self, *args, **kwargs):
        deadline = getattr(_DEADLINE, 'value', None)
        sock = getattr(self, 'sock', None)
        if deadline is None or sock is None:
            return super().getresponse(*args, **kwargs)
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (sock,))
        timer.daemon = True
        timer.start()
        try:
            return super().getresponse(*args, **kwargs)
        finally:
            timer.cancel()


if HAS_URLLIB3:

    class _HTTPSConnection(_HeadDeadline, u3_connection.HTTPSConnection):
        pass

    class _HTTPConnection(_HeadDeadline, u3_connection.HTTPConnection):
        pass

    class _HTTPSPool(u3_pool.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    class _HTTPPool(u3_pool.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class DeadlineAdapter(HTTPAdapter):
        """requests' adapter whose connections honour the request deadline while the headers arrive."""

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {'http': _HTTPPool, 'https': _HTTPSPool}
else:
    DeadlineAdapter = None  # pylint: disable=invalid-name  # _expressway.client.ensure_requirements reports the missing library


def past(deadline):
    return deadline is not None and time.monotonic() >= deadline
