# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.modules import dns_server, dns_settings
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module, writes

PATH = '/common/dns/dnsserver'
ON_BOX = [{'index': 1, 'address': '192.0.2.53'}, {'index': 3, 'address': '2001:db8::53'}]


def test_present_adds_and_corrects_by_slot_and_keeps_others():
    args = {'servers': ['192.0.2.53', '198.51.100.53']}
    box = ON_BOX + [{'index': 2, 'address': '203.0.113.53'}]
    result, dummy = run_module(
        dns_server,
        args,
        [
            Call('GET', PATH, answer=box),
            Call('PUT', PATH, body={'DefaultDNSServers': {'index': 2, 'address': '198.51.100.53'}}),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert [s['address'] for s in result['servers']] == ['192.0.2.53', '198.51.100.53', '2001:db8::53']
    assert result['diff']['before']['servers'][1] == {'index': 2, 'address': '203.0.113.53'}
    assert result['diff']['after']['servers'][1] == {'index': 2, 'address': '198.51.100.53'}


def test_present_creates_missing_slot():
    result, dummy = run_module(
        dns_server,
        {'servers': ['192.0.2.53', '192.0.2.54']},
        [
            Call('GET', PATH, answer=ON_BOX),
            Call('POST', PATH, body={'DefaultDNSServers': {'index': 2, 'address': '192.0.2.54'}}, status=201),
        ],
    )
    assert result['changed'] is True
    assert [s['index'] for s in result['servers']] == [1, 2, 3]


def test_exact_deletes_unlisted_slots_first():
    result, adapter = run_module(
        dns_server,
        {'servers': ['192.0.2.53', '192.0.2.54'], 'state': 'exact'},
        [
            Call('GET', PATH, answer=ON_BOX),
            Call('DELETE', PATH, body={'index': 3}),
            Call('POST', PATH, body={'DefaultDNSServers': {'index': 2, 'address': '192.0.2.54'}}),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['diff']['after']['servers'] == [
        {'index': 1, 'address': '192.0.2.53'},
        {'index': 2, 'address': '192.0.2.54'},
    ]


def test_converged_is_one_get_and_addresses_compare_canonically():
    args = {'servers': ['192.0.2.53', '192.0.2.60', '2001:DB8:0::53']}
    result, adapter = run_module(
        dns_server,
        args,
        [
            Call('GET', PATH, answer=ON_BOX + [{'index': 2, 'address': '192.0.2.60'}]),
        ],
    )
    assert result['changed'] is False
    assert len(adapter.sent) == 1


def test_check_mode_plans_without_writing():
    result, adapter = run_module(
        dns_server,
        {'servers': ['192.0.2.99'], 'state': 'exact'},
        [Call('GET', PATH, answer=ON_BOX)],
        check_mode=True,
        diff=True,
    )
    assert result['changed'] is True
    assert writes(adapter) == []
    assert result['diff']['after']['servers'] == [{'index': 1, 'address': '192.0.2.99'}]


@pytest.mark.parametrize(
    'servers, state, words',
    [
        (['192.0.2.%d' % n for n in range(1, 7)], 'present', ['servers', 'at most 5', '6 given']),
        (['192.0.2.300'], 'present', ['servers', '192.0.2.300', 'IPv4 or IPv6']),
        (['192.0.2.0/24'], 'present', ['servers', '192.0.2.0/24', 'without prefix']),
        ([], 'exact', ['servers', 'state=exact', 'delete every DNS server']),
    ],
    ids=['sixth', 'invalid', 'prefix', 'empty-exact'],
)
def test_bad_input_fails_before_any_request(servers, state, words):
    result, adapter = run_module(dns_server, {'servers': servers, 'state': state}, [])
    assert result['failed'] is True
    for word in words:
        assert word in result['msg'], result['msg']
    assert adapter.sent == []


def test_empty_list_with_present_changes_nothing():
    result, dummy = run_module(dns_server, {'servers': []}, [Call('GET', PATH, answer=ON_BOX)])
    assert result['changed'] is False


def test_server_refusal_is_reported():
    result, dummy = run_module(
        dns_server,
        {'servers': ['192.0.2.1']},
        [
            Call('GET', PATH, answer=[]),
            Call('POST', PATH, status=400, answer={'Message': 'Cluster peer refuses'}),
        ],
    )
    assert result['failed'] is True and result['server_message'] == 'Cluster peer refuses'


SETTINGS = '/common/dns/dns'


def test_settings_update_sends_changed_keys_only():
    result, dummy = run_module(
        dns_settings,
        {'system_host_name': 'expe1', 'domain_name': 'example.test'},
        [
            Call('GET', SETTINGS, answer={'SystemHostName': 'expe', 'DomainName': 'example.test'}),
            Call('PUT', SETTINGS, body={'SystemHostName': 'expe1'}),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['diff'] == {
        'before': {'system_host_name': 'expe', 'domain_name': 'example.test'},
        'after': {'system_host_name': 'expe1', 'domain_name': 'example.test'},
    }


def test_settings_converged_accepts_list_shape_and_ignores_unmanaged():
    result, adapter = run_module(
        dns_settings,
        {'domain_name': 'example.test'},
        [
            Call('GET', SETTINGS, answer=[{'SystemHostName': 'other', 'DomainName': 'example.test'}]),
        ],
    )
    assert result['changed'] is False and len(adapter.sent) == 1


def test_settings_check_mode_writes_nothing():
    result, adapter = run_module(
        dns_settings,
        {'domain_name': ''},
        [
            Call('GET', SETTINGS, answer={'SystemHostName': 'expe', 'DomainName': 'example.test'}),
        ],
        check_mode=True,
    )
    assert result['changed'] is True and writes(adapter) == []


@pytest.mark.parametrize(
    'args, option',
    [
        ({'system_host_name': 'exp.e1'}, 'system_host_name'),
        ({'system_host_name': '-expe'}, 'system_host_name'),
        ({'domain_name': 'bad domain'}, 'domain_name'),
    ],
)
def test_settings_bad_names_fail_before_any_request(args, option):
    result, adapter = run_module(dns_settings, args, [])
    assert result['failed'] is True and option in result['msg'] and adapter.sent == []
