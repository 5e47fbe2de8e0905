# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks.sip import (
    SipUriError,
    build_options,
    expressway_version,
    parse_response,
    parse_sips_uri,
)


@pytest.mark.parametrize(
    'text, host, port, explicit, ipv4',
    [
        ('sips:alice@example.test', 'example.test', 5061, False, False),
        ('SIPS:Alice@SBC1.Example.Test.', 'sbc1.example.test', 5061, False, False),
        ('sips:alice@192.0.2.10', '192.0.2.10', 5061, False, True),
        ('sips:alice@192.0.2.10:5071', '192.0.2.10', 5071, True, True),
        ('sips:alice@sbc1.example.test:5062;transport=tls', 'sbc1.example.test', 5062, True, False),
        ('sips:+4930123%40x@example.test?subject=hi', 'example.test', 5061, False, False),
        ('sips:bob:secret@example.test', 'example.test', 5061, False, False),
    ],
)
def test_valid_uris(text, host, port, explicit, ipv4):
    uri = parse_sips_uri(text)
    assert (uri.host, uri.port, uri.explicit_port, uri.is_ipv4) == (host, port, explicit, ipv4)


@pytest.mark.parametrize(
    'text, reason',
    [
        ('sip:alice@example.test', 'sip: URIs are not supported'),
        ('h323:alice@example.test', 'scheme h323: is not supported'),
        ('alice@example.test', 'scheme is missing'),
        ('example.test', 'scheme is missing'),
        ('sips:example.test', 'user part is missing'),
        ('sips:@example.test', 'user part is missing'),
        ('sips:alice@[2001:db8::1]', 'IPv6 literal'),
        ('sips:alice@[2001:db8::1]:5061', 'IPv6 literal'),
        ('sips:alice@exa_mple.test', 'not a valid host name'),
        ('sips:alice@-sbc.example.test', 'not a valid host name'),
        ('sips:alice@sbc.example.123a', 'last label must start with a letter'),
        ('sips:alice@999.1.1.1', 'neither a valid IPv4'),
        ('sips:alice@example.test:0', 'port'),
        ('sips:alice@example.test:70000', 'port'),
        ('sips:al ice@example.test', 'user part'),
        ('sips:alice@', 'host part is missing'),
        ('', 'empty'),
        # A final newline is not part of a label or a user part (a `$` anchor matched before it).
        ('sips:alice@sbc.example.test\n;transport=tls', 'not a valid host name'),
        ('sips:alice\n@sbc.example.test', 'user part'),
    ],
)
def test_invalid_uris(text, reason):
    with pytest.raises(SipUriError, match=reason):
        parse_sips_uri(text)


def test_options_request_is_well_formed():
    request = build_options('sips:alice@example.test', '127.0.0.1', 40000).decode('ascii')
    head, body = request.split('\r\n\r\n')
    lines = head.split('\r\n')
    assert lines[0] == 'OPTIONS sips:alice@example.test SIP/2.0'
    assert body == ''
    names = [line.split(':', 1)[0] for line in lines[1:]]
    for mandatory in ('Via', 'Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length'):
        assert mandatory in names
    assert 'branch=z9hG4bK' in lines[1]


def test_parse_response_and_headers():
    data = b'SIP/2.0 200 OK\r\nVia: x\r\nServer: TANDBERG/4352 (X14.3.2)\r\nContent-Length: 0\r\n\r\n'
    response = parse_response(data)
    assert (response.code, response.reason, response.status_line) == (200, 'OK', 'SIP/2.0 200 OK')
    assert response.headers['server'] == 'TANDBERG/4352 (X14.3.2)'
    with pytest.raises(ValueError):
        parse_response(b'HTTP/1.1 200 OK\r\n\r\n')


@pytest.mark.parametrize(
    'product, version',
    [
        ('TANDBERG/4352 (X14.3.2)', 'X14.3.2'),
        ('Cisco-Expressway/X8.11.4', 'X8.11.4'),
        ('kamailio (5.6.3 (x86_64/linux))', None),
        (None, None),
    ],
)
def test_expressway_version(product, version):
    assert expressway_version(product) == version
