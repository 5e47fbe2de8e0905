# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""webex_config_check: the real main() against scripted HTTP conversations (six GETs at most, no write)."""

from __future__ import annotations


import certifi

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from ansible_collections.ucops.expressway.plugins.module_utils._checks import config
from ansible_collections.ucops.expressway.plugins.module_utils import _webex
from ansible_collections.ucops.expressway.plugins.modules import webex_config_check
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module, writes

IDENTRUST_SHA256 = '5d56499be4d2e08bcfcad08a3e38723d50503bde706948e42f55603019e528ae'


def certifi_pem(sha256):
    """A real root from the certifi bundle, found by SHA-256 (None when the bundle no longer has it)."""
    with open(certifi.where(), 'rb') as handle:
        for cert in x509.load_pem_x509_certificates(handle.read()):
            if cert.fingerprint(hashes.SHA256()).hex() == sha256:
                return cert.public_bytes(serialization.Encoding.PEM).decode()
    return None


OTHER_ROOT = certifi_pem('96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee05c0bddf08c6')  # ISRG Root X1
IDENTRUST = certifi_pem(IDENTRUST_SHA256)

SYSINFO = {
    'ProductType': 'Expressway',
    'SystemType': 'Expressway-E',
    'SoftwareVersion': 'X14.3.2',
    'SystemName': 'expe1',
}
ZONE = {
    'Name': 'Webex-B2B',
    'ZoneProfile': 'Custom',
    'SIPSearchAutoResponse': 'On',
    'SIPTLSVerifyMode': 'On',
    'SIPTLSVerifySubjectName': 'sip.webex.com',
    'SIPDnsOverrideOverride': 'On',
    'SIPDnsOverrideName': 'callservice.webex.com',
    'SIPMode': 'On',
    'SIPTLSVerifyInboundClassification': 'On',
    'HopCount': 15,
}
TRAVERSAL = {'Name': 'To-Internal', 'HopCount': 15}
RULES = [
    {
        'Name': 'Webex-B2B outbound',
        'Priority': 100,
        'Source': 'Any',
        'Mode': 'AliasPatternMatch',
        'PatternType': 'Regex',
        'PatternString': r'.*@.*\.webex\.com.*',
        'OnSuccessfulMatch': 'Stop',
        'TargetName': 'Webex-B2B',
        'State': 'Enabled',
    },
    {
        'Name': 'Webex-B2B inbound',
        'Priority': 101,
        'Source': 'Named',
        'SourceName': 'Webex-B2B',
        'Mode': 'AnyAlias',
        'OnSuccessfulMatch': 'Stop',
        'TargetName': 'To-Internal',
        'State': 'Enabled',
    },
]
DNS = [{'index': 1, 'address': '192.0.2.53'}]
FIREWALL = [
    {
        'Index': 1,
        'Priority': 10,
        'Address': '192.0.2.0',
        'PrefixLength': 24,
        'Transport': 'TCP',
        'StartPort': 443,
        'EndPort': 443,
        'Action': 'Allow',
        'Service': 'Custom',
        'Description': 'management',
    },
    {
        'Index': 2,
        'Priority': 30000,
        'Address': '0.0.0.0',
        'PrefixLength': 0,
        'Transport': 'TCP',
        'StartPort': 5061,
        'EndPort': 5062,
        'Action': 'Allow',
        'Service': 'Custom',
        'Description': 'sig',
    },
    {
        'Index': 3,
        'Priority': 30001,
        'Address': '0.0.0.0',
        'PrefixLength': 0,
        'Transport': 'UDP',
        'StartPort': 36000,
        'EndPort': 59999,
        'Action': 'Allow',
        'Service': 'Custom',
        'Description': 'media',
    },
]


def conversation(sysinfo=None, zones=None, rules=None, dns=None, firewall=None, roots=None, firewall_api=True):
    calls = [
        Call('GET', '/sysinfo', answer=sysinfo or SYSINFO),
        Call('GET', '/common/zone/dnszone', answer=[ZONE] if zones is None else zones),
        Call('GET', '/common/searchrule', answer=RULES if rules is None else rules),
        Call('GET', '/common/dns/dnsserver', answer=DNS if dns is None else dns),
    ]
    if firewall_api:
        calls.append(
            Call('GET', '/common/current/active/firewallrules', answer=FIREWALL if firewall is None else firewall)
        )
    calls.append(Call('GET', '/certs/root', text=(OTHER_ROOT + IDENTRUST) if roots is None else roots))
    return calls


def by_rule(result):
    return {rule['rule']: rule['status'] for rule in result['rules']}


def rows_of(result, rule_id):
    return [row for row in result['results'] if row['rule'] == rule_id]


ARGS = {'inbound_target_zone': 'To-Internal', 'fail_on': 'should'}


def test_converged_box_passes_every_rule_with_six_gets_and_no_write():
    result, adapter = run_module(webex_config_check, ARGS, conversation())
    assert result.get('failed') is not True, result['msg']
    assert result['changed'] is False
    assert by_rule(result) == {
        'EXP-VERSION': 'pass',
        'EXP-ZONE': 'pass',
        'EXP-RULES': 'pass',
        'EXP-DNS': 'pass',
        'EXP-FW': 'pass',
        'EXP-TRUST': 'pass',
    }
    assert len(adapter.sent) == 6 and writes(adapter) == []
    assert {row['subject'] for row in result['results']} == {'expressway.example.test'}
    trust = rows_of(result, 'EXP-TRUST')[0]
    assert IDENTRUST_SHA256 in [root['sha256'] for root in trust['evidence']['roots']]


def test_wrong_tls_subject_name_fails_exp_zone_naming_the_field():
    zone = dict(ZONE, SIPTLSVerifySubjectName='sip.example.test')
    result, dummy = run_module(webex_config_check, ARGS, conversation(zones=[zone]))
    assert result['failed'] is True
    row = rows_of(result, 'EXP-ZONE')[0]
    assert row['status'] == 'fail' and row['remedy']
    assert row['evidence']['differs'] == {
        'tls_verify_subject_name': {'expected': 'sip.webex.com', 'actual': 'sip.example.test'}
    }
    assert 'tls_verify_subject_name' in row['summary'] and 'EXP-ZONE' in result['msg']


def test_search_rule_pointing_at_another_zone_fails_exp_rules():
    rules = [dict(RULES[0], TargetName='To-Internal'), RULES[1]]
    result, dummy = run_module(webex_config_check, ARGS, conversation(rules=rules))
    row = rows_of(result, 'EXP-RULES')[0]
    assert row['status'] == 'fail'
    assert 'Webex-B2B outbound' in row['summary'] and 'To-Internal' in row['summary']
    assert row['evidence']['searches'][0]['matching_rules'][0]['target_name'] == 'To-Internal'


def test_higher_priority_rule_that_stops_elsewhere_wins():
    shadow = {
        'Name': 'catch-all',
        'Priority': 5,
        'Source': 'Any',
        'Mode': 'AnyAlias',
        'OnSuccessfulMatch': 'Stop',
        'TargetName': 'To-Internal',
        'State': 'Enabled',
    }
    result, dummy = run_module(webex_config_check, ARGS, conversation(rules=[shadow] + RULES))
    assert rows_of(result, 'EXP-RULES')[0]['status'] == 'fail'
    disabled = dict(shadow, State='Disabled')
    result, dummy = run_module(webex_config_check, ARGS, conversation(rules=[disabled] + RULES))
    assert rows_of(result, 'EXP-RULES')[0]['status'] == 'pass'


def test_article_generation_passes_with_migration_advice():
    zone = dict(
        ZONE, SIPTLSVerifySubjectName='callservice.ciscospark.com', SIPDnsOverrideName='callservice.ciscospark.com'
    )
    rules = [dict(RULES[0], PatternString=r'.*@.*\.ciscospark\.com.*'), RULES[1]]
    result, dummy = run_module(webex_config_check, ARGS, conversation(zones=[zone], rules=rules))
    assert result.get('failed') is not True, result['msg']
    assert by_rule(result)['EXP-ZONE'] == 'pass' and by_rule(result)['EXP-RULES'] == 'pass'
    row = rows_of(result, 'EXP-ZONE')[0]
    assert row['evidence']['advice'] == _webex.MIGRATION_ADVICE and 'sip.webex.com' in row['summary']
    # Asking for the webex generation explicitly does not accept the ciscospark zone.
    result, dummy = run_module(
        webex_config_check, dict(ARGS, generation='webex'), conversation(zones=[zone], rules=rules)
    )
    assert by_rule(result)['EXP-ZONE'] == 'fail'


def test_missing_webex_root_fails_trust_and_legacy_root_warns(monkeypatch):
    result, dummy = run_module(webex_config_check, ARGS, conversation(roots=OTHER_ROOT))
    row = rows_of(result, 'EXP-TRUST')[0]
    assert row['status'] == 'fail' and 'IdenTrust Commercial Root CA 1' in row['summary']
    # Legacy Webex roots (QuoVadis Root CA 2 ...) left certifi; pretend the other root is one.
    isrg = '96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee05c0bddf08c6'
    table = dict(config.WEBEX_CAS)
    table[isrg] = dict(table[isrg], evidence='documented-legacy', list='cas')
    monkeypatch.setattr(config, 'WEBEX_CAS', table)
    result, dummy = run_module(webex_config_check, ARGS, conversation(roots=OTHER_ROOT))
    row = rows_of(result, 'EXP-TRUST')[0]
    assert row['status'] == 'warn' and 'legacy' in row['summary']


def test_old_version_without_firewall_api_skips_fw_and_fails_version():
    sysinfo = dict(SYSINFO, SoftwareVersion='X8.5.2')
    result, adapter = run_module(webex_config_check, ARGS, conversation(sysinfo=sysinfo, firewall_api=False))
    assert by_rule(result)['EXP-VERSION'] == 'fail' and by_rule(result)['EXP-FW'] == 'skip'
    assert '/api/provisioning/common/current/active/firewallrules' not in [sent[1] for sent in adapter.sent]


def test_webex_generation_needs_x8_11_4():
    sysinfo = dict(SYSINFO, SoftwareVersion='X8.11.3')
    result, dummy = run_module(webex_config_check, ARGS, conversation(sysinfo=sysinfo))
    row = rows_of(result, 'EXP-VERSION')[0]
    assert row['status'] == 'fail' and 'X8.11.4' in row['summary']


def test_no_dns_servers_and_missing_media_rule_and_broad_rule():
    firewall = [
        FIREWALL[1],
        dict(
            FIREWALL[0],
            Priority=20,
            Transport='TCPAndUDP',
            StartPort=1,
            EndPort=65535,
            Address='0.0.0.0',
            PrefixLength=0,
        ),
    ]
    result, dummy = run_module(webex_config_check, ARGS, conversation(dns=[], firewall=firewall))
    assert by_rule(result)['EXP-DNS'] == 'fail'
    statuses = [(row['target'], row['status']) for row in rows_of(result, 'EXP-FW')]
    # The any-port rule admits both ranges, but it is wider than Webex needs: warn.
    assert statuses == [
        ('TCP 5061-5062 from the Webex ranges', 'pass'),
        ('UDP 36000-59999 from the Webex ranges', 'pass'),
        (None, 'warn'),
    ]
    # No media rule: the media range gets in only through the Expressway's final allow-all rule.
    result, dummy = run_module(webex_config_check, ARGS, conversation(firewall=FIREWALL[:2]))
    assert [row['status'] for row in rows_of(result, 'EXP-FW')] == ['pass', 'warn']
    assert "final allow-all rule" in rows_of(result, 'EXP-FW')[1]['summary']


def test_expected_firewall_with_source_ranges():
    args = dict(
        ARGS,
        expected_firewall=[
            {'transport': 'TCP', 'start_port': 5061, 'end_port': 5062, 'address': '198.51.100.0', 'prefix_length': 24}
        ],
    )
    # The rule from anywhere admits 198.51.100.0/24 too.
    result, dummy = run_module(webex_config_check, args, conversation())
    row = rows_of(result, 'EXP-FW')[0]
    assert row['status'] == 'pass' and row['target'] == 'TCP 5061-5062 from 198.51.100.0/24'
    assert row['evidence']['sources'][0]['decided_by'] == [30000]
    # Signalling open only to another network, and a drop-all rule after it: not admitted.
    drop_all = {
        'Index': 9,
        'Priority': 65000,
        'Address': '0.0.0.0',
        'PrefixLength': 0,
        'Transport': 'TCPAndUDP',
        'StartPort': 1,
        'EndPort': 65535,
        'Action': 'Drop',
        'Service': 'Custom',
    }
    firewall = [FIREWALL[0], dict(FIREWALL[1], Address='203.0.113.0', PrefixLength=24), drop_all]
    result, dummy = run_module(webex_config_check, args, conversation(firewall=firewall))
    row = rows_of(result, 'EXP-FW')[0]
    assert row['status'] == 'fail' and 'priority 65000 (Drop 0.0.0.0/0' in row['summary']


def test_empty_firewall_is_skipped_and_zone_found_by_name_only():
    result, dummy = run_module(webex_config_check, dict(ARGS, zone_name='Other'), conversation(firewall=[]))
    assert by_rule(result)['EXP-FW'] == 'skip'
    row = rows_of(result, 'EXP-ZONE')[0]
    assert row['status'] == 'fail' and row['evidence']['dns_zones'] == ['Webex-B2B']


def test_fail_on_never_and_api_error():
    result, dummy = run_module(webex_config_check, dict(ARGS, fail_on='never'), conversation(dns=[]))
    assert result.get('failed') is not True and by_rule(result)['EXP-DNS'] == 'fail'
    denied = Call('GET', '/sysinfo', status=401, answer={'Message': 'bad credentials'})
    result, dummy = run_module(webex_config_check, ARGS, [denied])
    assert result['failed'] is True and 'bad credentials' in result['msg']
