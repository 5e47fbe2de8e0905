# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SIPS URIs per RFC 3261 section 25, and the one SIP OPTIONS request the TLS probe may send.

Only what Webex accepts is valid here: scheme sips, a user part, and a host that is a DNS name or
an IPv4 address. Everything else is rejected with a reason a person can act on.
"""

from __future__ import annotations

import collections
import ipaddress
import re
import uuid

from ansible_collections.ucops.expressway.plugins.module_utils import _webex

SIPS_PORT = _webex.SIPS_PORT  # the port Webex dials (the Webex profile)

SipsUri = collections.namedtuple('SipsUri', 'uri user host port explicit_port is_ipv4')
SipResponse = collections.namedtuple('SipResponse', 'status_line code reason headers')

# user = 1*( unreserved / escaped / user-unreserved ), RFC 3261 section 25.1.
_USER_RE = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+\Z")
_LABEL_RE = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\Z')
_TOPLABEL_RE = re.compile(r'[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\Z')
_STATUS_RE = re.compile(r'^SIP/2\.0 ([1-6][0-9][0-9]) ?(.*)$')
_EXPRESSWAY_RE = re.compile(r'\b(?:TANDBERG|Cisco|Expressway|VCS)\b.*?\(?\bX(\d+(?:\.\d+)+)', re.IGNORECASE)


class SipUriError(ValueError):
    """A destination that is not a usable SIPS URI; the message is the reason."""


def _split_scheme(text):
    scheme, sep, rest = text.partition(':')
    if not sep or '@' in scheme or '.' in scheme:
        raise SipUriError('not a URI: the sips: scheme is missing (bare hosts and numbers are not supported)')
    scheme = scheme.lower()
    if scheme == 'sip':
        raise SipUriError('sip: URIs are not supported: Webex calls SBCs with sips: URIs only')
    if scheme != 'sips':
        raise SipUriError('scheme %s: is not supported: Webex calls SBCs with sips: URIs only' % scheme)
    return rest


def _check_user(userinfo):
    user = userinfo.split(':', 1)[0]
    if not user:
        raise SipUriError('the user part is missing (expected sips:user@host)')
    if not _USER_RE.match(user):
        raise SipUriError('the user part %r has characters RFC 3261 does not allow unescaped' % user)
    return user


def check_host(host):
    """A lower-case DNS name without the trailing dot, or an IPv4 address; (host, is_ipv4)."""
    if not host:
        raise SipUriError('the host part is missing')
    if host.startswith('['):
        raise SipUriError('IPv6 literal %s is not supported: Webex needs a DNS name or an IPv4 address' % host)
    labels = host.rstrip('.').split('.')
    if all(label.isdigit() for label in labels):
        try:
            return str(ipaddress.IPv4Address(host)), True
        except ValueError:
            raise SipUriError('%r is neither a valid IPv4 address nor a host name' % host) from None
    if len(host) > 254 or not all(_LABEL_RE.match(label) and len(label) < 64 for label in labels):
        raise SipUriError('%r is not a valid host name (letters, digits and inner hyphens per label)' % host)
    if not _TOPLABEL_RE.match(labels[-1]):
        raise SipUriError('%r is not a valid host name: the last label must start with a letter' % host)
    return host.rstrip('.').lower(), False


def _split_port(hostport):
    if hostport.startswith('['):
        return hostport, None
    host, sep, port = hostport.partition(':')
    if not sep:
        return host, None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SipUriError('port %r is not a number from 1 to 65535' % port)
    return host, int(port)


def parse_sips_uri(text):
    """Parse and validate a destination; raises SipUriError with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise SipUriError('the destination is empty')
    text = text.strip()
    rest = _split_scheme(text)
    userinfo, sep, hostpart = rest.partition('@')
    if not sep:
        raise SipUriError('the user part is missing (expected sips:user@host)')
    user = _check_user(userinfo)
    hostport = re.split('[;?]', hostpart, maxsplit=1)[0]
    host, port = _split_port(hostport)
    host, is_ipv4 = check_host(host)
    return SipsUri(text, user, host, port or SIPS_PORT, port is not None, is_ipv4)


def build_options(request_uri, local_address, local_port, to_uri=None):
    """One SIP OPTIONS request over an existing TLS connection (RFC 3261 section 11), as bytes."""
    token = uuid.uuid4().hex
    host = '%s:%d' % (local_address, local_port)
    lines = [
        'OPTIONS %s SIP/2.0' % request_uri,
        'Via: SIP/2.0/TLS %s;branch=z9hG4bK%s;rport' % (host, token[:16]),
        'Max-Forwards: 70',
        'From: <sips:readiness-check@%s>;tag=%s' % (host, token[16:24]),
        'To: <%s>' % (to_uri or request_uri),
        'Call-ID: %s@%s' % (token, local_address),
        'CSeq: 1 OPTIONS',
        'Contact: <sips:readiness-check@%s;transport=tls>' % host,
        'Accept: application/sdp',
        'Content-Length: 0',
    ]
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('ascii')


def parse_response(data):
    """Parse the status line and headers of a SIP response; ValueError when it is not one."""
    head = data.split(b'\r\n\r\n', 1)[0].decode('utf-8', 'replace')
    lines = head.split('\r\n')
    match = _STATUS_RE.match(lines[0].strip())
    if not match:
        raise ValueError('not a SIP response: %r' % lines[0][:80])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(':')
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    return SipResponse(lines[0].strip(), int(match.group(1)), match.group(2), headers)


def expressway_version(product):
    """The X version in a Server/User-Agent header of a VCS/Expressway, else None."""
    match = _EXPRESSWAY_RE.search(product or '')
    return 'X' + match.group(1) if match else None
