# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_b2b's pure parts: every input checked before a request, and the changes drift reports print."""

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import converge
from ansible_collections.ucops.expressway.plugins.module_utils import _webex
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ValidationError


def params(**values):
    return dict(dict(_webex.INPUTS, dns_servers_state='present', management_port=None), **values)


@pytest.mark.parametrize(
    'values, option, words',
    [
        ({'zone_overrides': {'sip_mode': 'maybe'}}, 'zone_overrides', ['sip_mode']),
        ({'zone_overrides': {'no_such_option': 1}}, 'zone_overrides', ['no_such_option']),
        ({'zone_overrides': {'hop_count': 999}}, 'zone_overrides.hop_count', ['999', '255']),
        ({'extra_search_rules': [{'priority': 5}]}, 'extra_search_rules (item 1).name', ['a value']),
        (
            {'extra_search_rules': [{'name': 'x', 'pattern_type': 'Regex', 'pattern_string': '(('}]},
            'extra_search_rules (item 1).pattern_string',
            ['regular expression'],
        ),
        ({'extra_search_rules': ['not a dict']}, 'extra_search_rules (item 1)', ['a dict of options']),
        (
            {'firewall_extra_rules': [{'priority': 5, 'address': '192.0.2.300'}]},
            'firewall_extra_rules (item 1).address',
            ['192.0.2.300'],
        ),
        (
            {'firewall_extra_rules': [{'priority': 5, 'address': '192.0.2.1', 'transport': 'SCTP'}]},
            'firewall_extra_rules (item 1)',
            ['transport'],
        ),
        ({'firewall_webex_sources': ['192.0.2.0/33']}, 'firewall_webex_sources', ['0 to 32']),
        ({'firewall_webex_sources': ['webex.example.test']}, 'firewall_webex_sources', ['IPv4 or IPv6']),
        ({'firewall_priority': 65534}, 'firewall_priority', ['65534']),
        ({'org_sip_domains': ['bad domain']}, 'org_sip_domains', ['domain name']),
        ({'org_sip_domains': ['a' * 40 + '.example.test']}, 'org_sip_domains', ['50 characters']),
        ({'zone_name': 'Z' * 51}, 'zone_name', ['50 characters']),
        ({'dns_servers': ['192.0.2.1'] * 6}, 'dns_servers', ['at most 5']),
        ({'dns_servers': ['fe80::1%eth0']}, 'dns_servers', ['scope']),
        ({'management_port': 70000}, 'management_port', ['70000']),
    ],
)
def test_bad_input_names_the_option_before_any_request(values, option, words):
    with pytest.raises(ValidationError) as info:
        converge.check_inputs(params(**values))
    assert info.value.option == option, str(info.value)
    assert all(word in str(info.value) for word in words), str(info.value)


def test_good_input_is_normalised():
    inputs = converge.check_inputs(params(dns_servers=['2001:DB8::0:53'], zone_overrides={'hop_count': '20'}))
    assert inputs['dns_servers'] == ['2001:db8::53'] and inputs['zone_overrides'] == {'hop_count': 20}


def test_changes_of_a_named_object_list_each_field_with_before_and_after():
    result = {
        'changed': True,
        'diff': {
            'before': {'name': 'Webex', 'sip_mode': False, 'hop_count': 15},
            'after': {'name': 'Webex', 'sip_mode': True, 'hop_count': 15},
        },
    }
    assert converge.changes_of('dns_zone', result) == [
        {
            'object': 'dns_zone Webex',
            'field': 'sip_mode',
            'before': False,
            'after': True,
            'line': 'dns_zone Webex: sip_mode False -> True',
        }
    ]
    created = {'changed': True, 'diff': {'before': {}, 'after': {'name': 'Webex'}}}
    assert [c['line'] for c in converge.changes_of('dns_zone', created)] == ['dns_zone Webex: (missing)']
    assert converge.changes_of('dns_zone', {'changed': False, 'diff': result['diff']}) == []


def test_changes_of_a_collection_go_by_identity():
    before = {'servers': [{'index': 1, 'address': '192.0.2.1'}, {'index': 3, 'address': '192.0.2.3'}]}
    after = {'servers': [{'index': 1, 'address': '192.0.2.9'}, {'index': 2, 'address': '192.0.2.2'}]}
    result = {'changed': True, 'diff': {'before': before, 'after': after}}
    lines = [c['line'] for c in converge.changes_of('dns_server', result)]
    assert lines == [
        "dns_server index 1: address '192.0.2.1' -> '192.0.2.9'",
        'dns_server index 2: (missing)',
        'dns_server index 3: (removed)',
    ]
    rules = {
        'changed': True,
        'diff': {
            'before': {'rules': [{'priority': 10, 'action': 'Allow'}], 'active_rules': []},
            'after': {
                'rules': [{'priority': 10, 'action': 'Allow'}],
                'active_rules': [{'priority': 10, 'action': 'Allow'}],
            },
        },
    }
    assert [c['line'] for c in converge.changes_of('firewall_rule', rules)] == [
        'firewall_rule active priority 10: (missing)'
    ]
