# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest
import requests

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import transport
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ValidationError

GOOD = {
    'host': 'box.example.test',
    'port': 443,
    'username': 'admin',
    'password': 'pw',
    'validate_certs': True,
    'ca_path': None,
    'timeout': 30,
}


def check(**changes):
    return transport.validate_connection(**dict(GOOD, **changes))


@pytest.mark.parametrize(
    'host, authority',
    [
        ('box.example.test', 'box.example.test'),
        ('box.example.test.', 'box.example.test.'),
        ('BOX-1', 'BOX-1'),
        ('192.0.2.10', '192.0.2.10'),
        ('::1', '[::1]'),
        ('[::1]', '[::1]'),
        ('2001:DB8::10', '[2001:DB8::10]'),
        ('fe80::1%eth0', '[fe80::1%25eth0]'),
        (' box ', 'box'),
    ],
)
def test_hosts_accepted(host, authority):
    assert check(host=host) == authority


@pytest.mark.parametrize(
    'host, hint',
    [
        ('https://box.example.test', 'without scheme or path'),
        ('box.example.test/api', 'without scheme or path'),
        ('box.example.test:8443', 'the port in option port (port: 8443)'),
        ('', 'not a valid host name'),
        (None, 'not a valid host name'),
        ('box example', 'not a valid host name'),
        ('-box', 'not a valid host name'),
        ('[box]', 'not a valid host name'),
        ('[192.0.2.1]', 'not a valid'),
        ('a' * 64, 'not a valid host name'),
        ('box\n.example.test', 'not a valid host name'),
    ],
)
def test_hosts_refused_say_what_to_give(host, hint):
    with pytest.raises(ValidationError) as exc:
        check(host=host)
    assert exc.value.option == 'host'
    assert hint in str(exc.value)
    assert 'allowed: a DNS name, an IPv4 address or an IPv6 address (brackets optional)' in str(exc.value)


@pytest.mark.parametrize(
    'changes, option, text',
    [
        ({'timeout': 0}, 'timeout', "Invalid value 0 for option timeout; allowed: a number of seconds greater than 0"),
        ({'timeout': -5.0}, 'timeout', 'greater than 0'),
        ({'timeout': float('inf')}, 'timeout', 'greater than 0'),
        ({'port': 0}, 'port', 'allowed: an integer from 1 to 65535'),
        ({'port': 65536}, 'port', 'allowed: an integer from 1 to 65535'),
        ({'username': None}, 'username', 'the API answers nothing without credentials'),
        ({'username': 'ad:min'}, 'username', 'a name without ":"'),
        ({'password': None}, 'password', 'username is set but password is not'),
        ({'password': ''}, 'password', 'username is set but password is not'),
    ],
)
def test_connection_options_refused(changes, option, text):
    with pytest.raises(ValidationError) as exc:
        check(**changes)
    assert exc.value.option == option
    assert text in str(exc.value)


def test_password_value_is_never_in_the_message():
    with pytest.raises(ValidationError) as exc:
        check(username=None, password='Secret-1')
    assert 'Secret-1' not in str(exc.value)


@pytest.fixture
def pem_file(tmp_path):
    path = tmp_path / 'ca.pem'
    path.write_text('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    return path


def test_ca_path_must_be_a_pem_file(tmp_path, pem_file):
    assert check(ca_path=str(pem_file)) == 'box.example.test'
    (tmp_path / 'ca.der').write_bytes(b'\x30\x82\x01')
    cases = {
        str(tmp_path / 'missing.pem'): 'no such file',
        str(tmp_path): 'no such file',
        str(tmp_path / 'ca.der'): 'the file holds no PEM certificate',
    }
    for path, reason in cases.items():
        with pytest.raises(ValidationError) as exc:
            check(ca_path=path)
        assert exc.value.option == 'ca_path'
        assert f"Invalid value '{path}' for option ca_path: {reason}" in str(exc.value)


@pytest.mark.skipif(os.geteuid() == 0, reason='root reads any file')
def test_unreadable_ca_path(pem_file):
    pem_file.chmod(0)
    with pytest.raises(ValidationError, match='cannot be read'):
        check(ca_path=str(pem_file))


def test_ca_path_is_not_checked_when_certificates_are_not_validated(tmp_path):
    assert check(ca_path=str(tmp_path / 'missing.pem'), validate_certs=False) == 'box.example.test'


@pytest.mark.parametrize(
    'value, seconds',
    [('7', 7), ('0', 0), (None, None), ('soon', None), ('-3', None), ('Wed, 21 Oct 2015 07:28:00 GMT', 0)],
)
def test_retry_after(value, seconds):
    response = requests.Response()
    if value is not None:
        response.headers['Retry-After'] = value
    assert transport.retry_after(response) == seconds


def test_excerpt_is_one_short_line():
    assert transport.excerpt('  <a>\n\n <b> ') == "'<a> <b>'"
    assert transport.excerpt('') == 'an empty body'
    assert len(transport.excerpt('y' * 500)) == 80 + 5
