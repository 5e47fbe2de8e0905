# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Webex profile: what provisioning writes is what the configuration check passes."""

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks import config, config_firewall
from ansible_collections.ucops.expressway.plugins.module_utils import _webex

HOST = 'expe.example.test'
E = {'product': 'E', 'version': 'X14.3.2', 'system_type': 'Expressway-E'}
C = {'product': 'C', 'version': 'X14.3.2', 'system_type': 'Expressway-C'}
INPUTS = {'org_sip_domains': ['acme.calls.webex.test'], 'inbound_target_zone': 'Traversal'}


def statuses(rows):
    return [row['status'] for row in rows]


@pytest.mark.parametrize('generation', sorted(_webex.GENERATIONS))
def test_provisioned_objects_pass_the_configuration_check(generation):
    objects = _webex.host_objects(dict(INPUTS, generation=generation), E)
    zone = dict(objects['zone'])
    row, found, used = config.judge_zone(HOST, [zone], zone['name'], generation)
    assert row['status'] == 'pass' and used == generation, row['summary']
    assert row['evidence']['recommendations'] == [
        r for r in row['evidence']['recommendations'] if r['option'] not in _webex.ZONE_PROVISIONED
    ]
    rules = config.judge_rules(HOST, objects['search_rules'], found, generation, INPUTS['org_sip_domains'], 'Traversal')
    assert statuses(rules) == ['pass', 'pass', 'pass'], [r['summary'] for r in rules]
    firewall = config_firewall.judge_firewall(HOST, objects['firewall_rules'], None, 'E')
    assert statuses(firewall) == ['pass', 'pass']


def test_every_profile_flow_is_what_the_firewall_rules_open():
    rules = _webex.firewall_rules('E')
    flows = config_firewall.default_flows('E')
    assert [(r['transport'], r['start_port'], r['end_port']) for r in rules] == [
        (f['transport'], f['start_port'], f['end_port']) for f in flows
    ]
    assert config_firewall.default_flows('C') == flows[:1]


def test_expressway_c_gets_dns_only_and_a_secondary_peer_no_cluster_objects():
    objects = _webex.host_objects(dict(INPUTS, dns_servers=['192.0.2.53']), C)
    assert objects['zone'] is None and objects['search_rules'] is None and objects['firewall_rules'] is None
    assert objects['dns_servers'] == ['192.0.2.53']
    secondary = _webex.host_objects(dict(INPUTS, cluster_primary=False, dns_servers=['192.0.2.53']), E)
    assert [key for key, value in secondary.items() if value] == ['dns_servers']


def test_firewall_defaults_follow_product_and_version():
    assert _webex.host_objects({}, dict(E, version='X8.9'))['firewall_rules'] is None
    assert len(_webex.host_objects({}, E)['firewall_rules']) == 2
    signalling_only = _webex.host_objects({'firewall_webex': True}, C)['firewall_rules']
    assert [r['transport'] for r in signalling_only] == ['TCP']
    sources = _webex.host_objects({'firewall_webex_sources': ['192.0.2.0/24']}, E)['firewall_rules']
    assert [(r['address'], r['prefix_length'], r['priority']) for r in sources] == [
        ('192.0.2.0', 24, 30000),
        ('0.0.0.0', 0, 30001),
    ]


@pytest.mark.parametrize(
    'inputs, system, words',
    [
        ({}, dict(E, version='X8.5.2'), ['X8.5.2', 'older than X8.5.3']),
        ({'generation': 'webex'}, dict(E, version='X8.11.3'), ['older than X8.11.4', 'webex domain generation']),
        ({'manage_zone': True}, C, ['Expressway-C', 'manage_zone']),
        ({'manage_zone': True, 'firewall_webex': True}, C, ['manage_zone', 'firewall_webex', 'are Expressway-E only']),
        ({'firewall_extra_rules': [{'priority': 1}]}, dict(E, version='X8.9'), ['firewall rules need X8.10']),
        ({}, dict(E, version='unknown'), ['cannot be read']),
    ],
)
def test_gate_names_the_reason(inputs, system, words):
    reason = _webex.gate(dict(_webex.INPUTS, **inputs), system)
    assert reason and all(word in reason for word in words), reason


def test_gate_lets_a_supported_box_through():
    assert _webex.gate(dict(_webex.INPUTS), E) is None
    assert _webex.gate(dict(_webex.INPUTS, generation='webex'), dict(E, version='X8.11.4')) is None


def test_org_domain_pattern_is_escaped_and_matches_only_that_domain():
    rule = _webex.search_rules('Webex', 'ciscospark', ['acme.calls.webex.test'])[1]
    assert config.rule_matches(rule, 'alice@acme.calls.webex.test')
    assert not config.rule_matches(rule, 'alice@acmeXcalls.webex.test')


def test_overrides_win_over_the_profile_and_extra_rules_follow():
    zone = _webex.zone_options('ciscospark', {'h323_mode': True, 'hop_count': 20})
    assert zone['h323_mode'] is True and zone['hop_count'] == 20 and zone['tls_verify_mode'] is True
    rules = _webex.search_rules('Webex', 'webex', [], 200, '', [{'name': 'Mine', 'priority': 5}])
    assert [(r['name'], r['priority']) for r in rules] == [('Webex outbound', 200), ('Mine', 5)]
    assert rules[0]['pattern_string'] == _webex.GENERATIONS['webex']['alias_pattern']
