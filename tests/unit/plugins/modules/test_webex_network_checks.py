# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real main() of webex_outbound_check and webex_inbound_check: options, verdict, check mode.

No name in these tests needs a DNS answer (a rejected URI, an IPv4 literal, an empty resolver
list), so they run without any DNS server; TLS goes to a port on loopback where nothing listens.
"""

from __future__ import annotations

import json
import socket

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.ucops.expressway.plugins.modules import webex_inbound_check, webex_outbound_check


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_main(module, args, capsys, check_mode=False):
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


def _statuses(result, subject):
    return dict((r['rule'], r['status']) for r in result['rules'] if r['subject'] == subject)


def test_outbound_verdict_and_rows(capsys):
    dead = 'sips:alice@127.0.0.1:%d' % _closed_port()
    args = {'destinations': ['sip:bob@example.test', dead], 'resolvers': [], 'timeout': 1}
    result = run_main(webex_outbound_check, args, capsys)
    assert result['failed'] is True and result['changed'] is False
    # The literal names a port other than 5061, which Webex never calls (OUT-HOST), and nothing listens there.
    assert (
        'sip:bob@example.test: OUT-URI fail' in result['msg']
        and dead + ': OUT-HOST fail, OUT-TLS fail' in result['msg']
    )
    assert _statuses(result, 'sip:bob@example.test')['OUT-TLS'] == 'skip'
    literal = _statuses(result, dead)
    assert (literal['OUT-URI'], literal['OUT-HOST'], literal['OUT-A'], literal['OUT-SIP'], literal['OUT-PTR']) == (
        'pass',
        'fail',
        'skip',
        'skip',
        'skip',
    )
    assert sum(result['summary'].values()) == len(result['results'])


def test_outbound_fail_on_never_and_check_mode_alias(capsys):
    args = {'destination': 'sip:bob@example.test', 'resolvers': [], 'fail_on': 'never'}
    normal = run_main(webex_outbound_check, args, capsys)
    checked = run_main(webex_outbound_check, args, capsys, check_mode=True)
    assert normal.get('failed') is not True and normal['changed'] is False
    assert normal['rules'] == checked['rules'] and checked['changed'] is False


def test_outbound_rejects_a_resolver_that_is_no_address(capsys):
    result = run_main(
        webex_outbound_check, {'destinations': ['sips:a@example.test'], 'resolvers': ['dns.example']}, capsys
    )
    assert result['failed'] is True and 'resolvers' in result['msg'] and 'results' not in result


def test_inbound_without_resolvers_fails_in_dns(capsys):
    result = run_main(webex_inbound_check, {'called_uri': 'sips:meet@example.test', 'resolvers': []}, capsys)
    statuses = _statuses(result, 'sips:meet@example.test')
    assert result['failed'] is True and 'IN-DNS fail' in result['msg']
    assert statuses['IN-DNS'] == 'fail' and statuses['IN-SRV'] == 'skip' and statuses['IN-CERT-EKU'] == 'skip'


@pytest.mark.parametrize(
    'args, words',
    [
        ({'called_uri': 'sip:meet@example.test'}, 'called_uri: sip: URIs are not supported'),
        ({'called_uri': 'example.test', 'client_cert': '/nonexistent/cert.pem'}, 'client_cert, client_key'),
    ],
)
def test_inbound_rejects_bad_options(capsys, args, words):
    result = run_main(webex_inbound_check, dict(args, resolvers=[]), capsys)
    assert result['failed'] is True and words in result['msg']
