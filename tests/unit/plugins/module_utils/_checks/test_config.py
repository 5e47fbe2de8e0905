# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The EXP-ZONE, EXP-RULES and EXP-FW judges on configurations in option names (pure logic, no box)."""

from __future__ import annotations

import ipaddress

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks import config, config_firewall
from ansible_collections.ucops.expressway.plugins.module_utils import _webex, _webex_ranges

HOST = 'expe.example.test'

ARTICLE_ZONE = {
    'name': 'Webex',
    'zone_profile': 'Custom',
    'automatically_respond_to_sip_searches': True,
    'tls_verify_mode': True,
    'tls_verify_subject_name': 'callservice.ciscospark.com',
    'modify_dns_request': True,
    'domain_to_search_for': 'callservice.ciscospark.com',
    'sip_mode': True,
    'tls_verify_inbound_mapping': False,
    'h323_mode': True,
}
ALIAS = 'b2b-check@acme.calls.ciscospark.com'
TO_WEBEX = {
    'name': 'To Webex',
    'priority': 100,
    'source': 'Any',
    'mode': 'AliasPatternMatch',
    'pattern_type': 'Regex',
    'pattern_string': r'.*@.*\.ciscospark\.com.*',
    'on_successful_match': 'Stop',
    'target_name': 'Webex',
    'enabled': True,
}
FROM_WEBEX = {
    'name': 'From Webex',
    'priority': 110,
    'source': 'Named',
    'source_name': 'Webex',
    'mode': 'AnyAlias',
    'on_successful_match': 'Stop',
    'target_name': 'Traversal',
    'enabled': True,
}


def fw_rule(priority, address, prefix, transport, first, last, action='Allow', interface='LAN1', service='Custom'):
    return {
        'priority': priority,
        'address': address,
        'prefix_length': prefix,
        'transport': transport,
        'start_port': first,
        'end_port': last,
        'action': action,
        'interface': interface,
        'service': service,
    }


SIG = fw_rule(30000, '0.0.0.0', 0, 'TCP', 5061, 5062)
MEDIA = fw_rule(30001, '0.0.0.0', 0, 'UDP', 36000, 59999)
DROP_ALL = fw_rule(65000, '0.0.0.0', 0, 'TCPAndUDP', 1, 65535, action='Drop')


def fw_statuses(rules, product='E', expected=None, interface=None):
    rows = config_firewall.judge_firewall(HOST, rules, expected, product, interface)
    return [(row['target'], row['status']) for row in rows]


# EXP-ZONE


def test_article_zone_passes_and_lists_recommendations_with_sources():
    row, zone, used = config.judge_zone(HOST, [ARTICLE_ZONE], None, 'any')
    assert (row['rule'], row['status'], used, zone['name']) == ('EXP-ZONE', 'pass', 'ciscospark', 'Webex')
    recs = {rec['option']: rec for rec in row['evidence']['recommendations']}
    assert sorted(recs) == [
        'fallback_transport_protocol',
        'h323_mode',
        'media_encryption_mode',
        'preloaded_sip_routes_support',
        'tls_verify_inbound_mapping',
    ]
    assert recs['tls_verify_inbound_mapping']['source'] == _webex.SOURCE_HYBRID
    assert recs['h323_mode']['source'] == _webex.SOURCE_B2B and recs['h323_mode']['actual'] is True
    assert row['evidence']['advice'] == _webex.MIGRATION_ADVICE and row['remedy'] is None


def test_zone_missing_an_article_setting_fails_naming_it():
    zone = dict(ARTICLE_ZONE, automatically_respond_to_sip_searches=False)
    row = config.judge_zone(HOST, [zone], 'Webex', 'ciscospark')[0]
    assert row['status'] == 'fail' and list(row['evidence']['differs']) == ['automatically_respond_to_sip_searches']


def test_webex_generation_zone_passes_without_advice():
    zone = dict(
        ARTICLE_ZONE,
        tls_verify_subject_name='sip.webex.com',
        domain_to_search_for='callservice.webex.com',
        tls_verify_inbound_mapping=True,
        fallback_transport_protocol='TLS',
        h323_mode=False,
        media_encryption_mode='ForceEncrypted',
        preloaded_sip_routes_support=True,
    )
    row = config.judge_zone(HOST, [zone], None, 'any')[0]
    assert row['status'] == 'pass' and row['evidence']['recommendations'] == [] and 'advice' not in row['evidence']


# EXP-RULES


def rules_statuses(rules, zone=None, inbound='Traversal', domains=()):
    rows = config.judge_rules(HOST, rules, zone or ARTICLE_ZONE, 'ciscospark', list(domains), inbound)
    return [row['status'] for row in rows]


def test_hardened_rule_from_the_traversal_zone_counts():
    hardened = dict(TO_WEBEX, source='Named', source_name='Traversal')
    inbound = dict(FROM_WEBEX, source='Any')
    assert rules_statuses([hardened, inbound]) == ['pass', 'pass']
    # Named after a zone the call does not come from: no route for it.
    other = dict(hardened, source_name='Other')
    assert rules_statuses([other, inbound]) == ['fail', 'pass']


def test_earlier_stop_rule_from_the_same_source_shadows():
    hardened = dict(TO_WEBEX, source='Named', source_name='Traversal')
    catch = {
        'name': 'Local',
        'priority': 50,
        'source': 'Named',
        'source_name': 'Traversal',
        'mode': 'AnyAlias',
        'on_successful_match': 'Stop',
        'target_name': 'LocalZone',
        'enabled': True,
    }
    row = config.judge_route(HOST, [catch, hardened], 'Webex', ALIAS, [('zone', 'Traversal')])
    assert row['status'] == 'fail' and 'Local (priority 50)' in row['summary']
    for harmless in (
        dict(catch, on_successful_match='Continue'),
        dict(catch, priority=100),
        dict(catch, enabled=False),
        dict(catch, protocol='H323'),
        dict(catch, source_name='Other'),
        dict(catch, source='LocalZone'),
    ):
        row = config.judge_route(HOST, [harmless, hardened], 'Webex', ALIAS, [('zone', 'Traversal')])
        assert row['status'] == 'pass', harmless


def test_without_inbound_zone_any_origin_reaches_the_zone():
    hardened = dict(TO_WEBEX, source='Named', source_name='Traversal')
    assert rules_statuses([hardened], inbound=None) == ['pass']
    assert rules_statuses([dict(TO_WEBEX, source='LocalZone')], inbound=None) == ['pass']
    assert rules_statuses([dict(TO_WEBEX, target_name='Traversal')], inbound=None) == ['fail']


def test_calls_from_webex_arrive_through_the_default_zone_without_inbound_mapping():
    # The article's zone has no inbound mapping: a rule from the Webex zone never sees those calls.
    rows = config.judge_rules(HOST, [TO_WEBEX, FROM_WEBEX], ARTICLE_ZONE, 'ciscospark', [], 'Traversal')
    assert [r['status'] for r in rows] == ['pass', 'fail'] and 'Default Zone' in rows[1]['summary']
    assert rules_statuses([TO_WEBEX, dict(FROM_WEBEX, source='Any')]) == ['pass', 'pass']
    assert rules_statuses([TO_WEBEX, dict(FROM_WEBEX, source='AllZones')]) == ['pass', 'fail']
    mapped = dict(ARTICLE_ZONE, tls_verify_inbound_mapping=True)
    assert rules_statuses([TO_WEBEX, FROM_WEBEX], zone=mapped) == ['pass', 'pass']
    assert rules_statuses([TO_WEBEX, dict(FROM_WEBEX, source='AllZones')], zone=mapped) == ['pass', 'pass']


def test_inbound_pattern_rule_counts_but_only_a_certain_stop_shadows():
    mapped = dict(ARTICLE_ZONE, tls_verify_inbound_mapping=True)
    pattern = dict(FROM_WEBEX, mode='AliasPatternMatch', pattern_type='Suffix', pattern_string='@acme.example.test')
    assert rules_statuses([TO_WEBEX, pattern], zone=mapped) == ['pass', 'pass']
    stop_all = dict(FROM_WEBEX, priority=105, target_name='LocalZone')
    assert rules_statuses([TO_WEBEX, stop_all, FROM_WEBEX], zone=mapped) == ['pass', 'fail']


def test_org_domains_get_one_row_each():
    domain_rule = dict(TO_WEBEX, name='acme', priority=101, pattern_string=r'.*@acme\.example\.test')
    assert rules_statuses(
        [TO_WEBEX, domain_rule, dict(FROM_WEBEX, source='Any')], domains=['acme.example.test', 'other.example.test']
    ) == ['pass', 'pass', 'fail', 'pass']


# EXP-FW


def test_role_default_rules_pass():
    assert fw_statuses([SIG, MEDIA, DROP_ALL]) == [
        ('TCP 5061-5062 from the Webex ranges', 'pass'),
        ('UDP 36000-59999 from the Webex ranges', 'pass'),
    ]
    assert fw_statuses([SIG], product='C') == [('TCP 5061-5062 from the Webex ranges', 'pass')]


def test_media_open_only_to_a_private_prefix_is_not_admitted():
    private = dict(MEDIA, address='10.0.0.0', prefix_length=8)
    assert fw_statuses([SIG, private, DROP_ALL])[1] == ('UDP 36000-59999 from the Webex ranges', 'fail')
    # Without a drop rule the Webex ranges fall through to the Expressway's final allow rule: warn.
    assert fw_statuses([SIG, private])[1] == ('UDP 36000-59999 from the Webex ranges', 'warn')


def test_earlier_drop_shadows_a_later_allow():
    drop = fw_rule(10, '0.0.0.0', 0, 'UDP', 30000, 40000, action='Reject')
    rows = config_firewall.judge_firewall(HOST, [drop, SIG, MEDIA], None, 'E')
    assert [row['status'] for row in rows] == ['pass', 'fail']
    assert rows[1]['evidence']['sources'][0]['against'] == [10] and 'priority 10 (Reject' in rows[1]['summary']
    # The same drop after the allow is shadowed itself.
    assert [s for t, s in fw_statuses([SIG, MEDIA, dict(drop, priority=40000)])] == ['pass', 'pass']


def test_partial_admission_is_not_admission():
    half = dict(MEDIA, end_port=40000)
    one_range = dict(SIG, address='23.89.0.0', prefix_length=16)
    assert fw_statuses([one_range, half, DROP_ALL]) == [
        ('TCP 5061-5062 from the Webex ranges', 'fail'),
        ('UDP 36000-59999 from the Webex ranges', 'fail'),
    ]


def test_published_ranges_rule_set_passes():
    rules = [
        dict(SIG, priority=100 + n, address=str(net.network_address), prefix_length=net.prefixlen)
        for n, net in enumerate(_webex_ranges.networks())
    ]
    rules += [
        dict(MEDIA, priority=200 + n, address=str(net.network_address), prefix_length=net.prefixlen)
        for n, net in enumerate(_webex_ranges.networks())
    ]
    assert [s for t, s in fw_statuses(rules + [DROP_ALL])] == ['pass', 'pass']


@pytest.mark.parametrize(
    'other',
    [
        dict(SIG, interface='LAN2'),  # another interface
        dict(SIG, transport='UDP'),  # another transport
        dict(SIG, start_port=5063, end_port=5070),  # other ports
        dict(SIG, service='SSH'),  # a service implies its own port
        dict(SIG, address='2001:db8::', prefix_length=32),  # IPv6 never matches IPv4 sources
    ],
)
def test_rules_that_do_not_match_the_flow_do_not_admit_it(other):
    assert fw_statuses([other, DROP_ALL], product='C')[0] == ('TCP 5061-5062 from the Webex ranges', 'fail')


def test_lan2_interface_and_tcp_and_udp_rules():
    lan2 = [dict(SIG, interface='LAN2'), dict(MEDIA, interface='LAN2'), DROP_ALL]
    assert [s for t, s in fw_statuses(lan2, interface='LAN2')] == ['pass', 'pass']
    both = fw_rule(1, '0.0.0.0', 0, 'TCPAndUDP', 5061, 59999)
    assert [s for t, s in fw_statuses([both, DROP_ALL])] == ['pass', 'pass', 'warn']


def test_expected_drop_and_named_source():
    ssh = {
        'transport': 'TCP',
        'start_port': 22,
        'end_port': 22,
        'address': '0.0.0.0',
        'prefix_length': 0,
        'action': 'Drop',
    }
    # The signalling rule is an Allow from anywhere beyond what is expected here: the extra warn row.
    assert fw_statuses([SIG, DROP_ALL], expected=[ssh]) == [('TCP 22-22 from 0.0.0.0/0', 'pass'), (None, 'warn')]
    assert fw_statuses([SIG], expected=[ssh])[0] == ('TCP 22-22 from 0.0.0.0/0', 'fail')


def test_no_firewall_api_or_no_rules_skip():
    assert fw_statuses(None) == [(None, 'skip')]
    assert fw_statuses([]) == [(None, 'skip')]


# The published ranges and the rules the profile makes of them


def test_published_ranges_are_public_ipv4_networks_with_a_source():
    nets = _webex_ranges.networks()
    assert len(nets) == len(set(nets)) == 18
    for net in nets:
        assert net.version == 4 and net.is_global, net
        assert not any(net != other and net.overlaps(other) for other in nets), net
    assert _webex_ranges.SOURCE_URL.startswith('https://help.webex.com/') and _webex_ranges.RETRIEVED
    assert not any(net.overlaps(ipaddress.ip_network('10.0.0.0/8')) for net in nets)


def test_profile_firewall_rules_hold_the_published_ranges_and_pass():
    default = _webex.firewall_rules('E')
    assert [(r['address'], r['prefix_length'], r['transport']) for r in default] == [
        ('0.0.0.0', 0, 'TCP'),
        ('0.0.0.0', 0, 'UDP'),
    ]
    published = _webex.firewall_rules('E', published=True)
    for transport in ('TCP', 'UDP'):
        sources = ['%s/%s' % (r['address'], r['prefix_length']) for r in published if r['transport'] == transport]
        assert sources == list(_webex_ranges.WEBEX_IPV4)
    assert len(set(r['priority'] for r in published)) == len(published) == 36
    for rules in (default, published):
        assert [s for t, s in fw_statuses(rules + [DROP_ALL])] == ['pass', 'pass']
