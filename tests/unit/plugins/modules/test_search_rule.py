# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from unittest import mock

import pytest

from ansible.module_utils import basic

from ansible_collections.ucops.expressway.plugins.modules import search_rule
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module, writes

PATH = '/common/searchrule'
NAME = 'To Webex'
BY_NAME = PATH + '/name/To%20Webex'
ZONE = 'Webex Zone'
ZONE_Q = '/name/Webex%20Zone'
RULE = {
    'Name': NAME,
    'Priority': 100,
    'Protocol': 'SIP',
    'Source': 'Any',
    'MustAuthenticateRequest': 'No',
    'Mode': 'AliasPatternMatch',
    'PatternType': 'Regex',
    'PatternString': '.*@example\\.test',
    'PatternBehavior': 'Leave',
    'OnSuccessfulMatch': 'Stop',
    'TargetName': ZONE,
    'SIPVariant': 'Any',
    'State': 'Enabled',
    'SystemGenerated': 'No',
}


def test_create_checks_target_zone_then_posts():
    args = {'name': NAME, 'priority': 100, 'target_name': ZONE, 'enabled': False, 'must_authenticate_request': True}
    result, dummy = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, answer=[]),
            Call('GET', '/common/zone/dnszone' + ZONE_Q, answer=[]),
            Call('GET', '/common/zone/neighborzone' + ZONE_Q, answer=[{'Name': ZONE}]),
            Call(
                'POST',
                PATH,
                body={
                    'Name': NAME,
                    'Priority': 100,
                    'TargetName': ZONE,
                    'State': 'Disabled',
                    'MustAuthenticateRequest': 'Yes',
                },
                status=201,
            ),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['diff']['before'] == {}
    assert result['diff']['after']['enabled'] is False


def test_box_without_name_filter_finds_target_zone_in_the_list():
    """Before X8.9.1 /name/<x> is 404: the rule and the zone are looked up in the full lists."""
    args = {'name': NAME, 'priority': 100, 'target_name': ZONE}
    result, dummy = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, status=404, answer={'Message': 'No such path'}),
            Call('GET', PATH, answer=[]),
            Call('GET', '/common/zone/dnszone' + ZONE_Q, status=404, answer={'Message': 'No such path'}),
            Call('GET', '/common/zone/dnszone', answer=[{'Name': 'Other'}, {'Name': ZONE}]),
            Call('POST', PATH, body={'Name': NAME, 'Priority': 100, 'TargetName': ZONE}, status=201),
        ],
    )
    assert result['changed'] is True


def test_converged_rule_costs_one_get_even_with_target_name():
    args = {
        'name': NAME,
        'priority': 100,
        'target_name': ZONE,
        'enabled': True,
        'pattern_type': 'Regex',
        'pattern_string': '.*@example\\.test',
    }
    result, adapter = run_module(search_rule, args, [Call('GET', BY_NAME, answer=[RULE])])
    assert result['changed'] is False
    assert len(adapter.sent) == 1


def test_unknown_target_zone_fails_after_reads_only():
    args = {'name': NAME, 'priority': 100, 'target_name': 'Nowhere'}
    result, adapter = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, answer=[]),
            Call('GET', '/common/zone/dnszone/name/Nowhere', answer=[]),
            Call('GET', '/common/zone/neighborzone/name/Nowhere', answer=[]),
            Call('GET', '/edge/zone/traversalserver/name/Nowhere', answer=[]),
            Call(
                'GET', '/controller/zone/traversalclient/name/Nowhere', status=404, answer={'Message': 'No such path'}
            ),
            Call('GET', '/controller/zone/traversalclient', status=404, answer={'Message': 'No such path'}),
        ],
    )
    assert result['failed'] is True
    assert result['option'] == 'target_name'
    assert "'Nowhere'" in result['msg'] and 'existing zone' in result['msg']
    assert writes(adapter) == []


def test_unknown_target_zone_in_check_mode_is_a_warning_and_plans_the_create():
    """A role creates the zone, then its rules: in check mode the zone is only planned, so the rule is too."""
    args = {'name': NAME, 'priority': 100, 'target_name': 'Nowhere'}
    warnings = []
    with mock.patch.object(basic.AnsibleModule, 'warn', lambda self, text: warnings.append(text)):
        result, adapter = run_module(
            search_rule,
            args,
            [
                Call('GET', BY_NAME, answer=[]),
                Call('GET', '/common/zone/dnszone/name/Nowhere', answer=[]),
                Call('GET', '/common/zone/neighborzone/name/Nowhere', answer=[]),
                Call('GET', '/edge/zone/traversalserver/name/Nowhere', answer=[]),
                Call('GET', '/controller/zone/traversalclient/name/Nowhere', answer=[]),
            ],
            check_mode=True,
            diff=True,
        )
    assert result.get('failed') is not True and result['changed'] is True
    assert result['diff']['after']['target_name'] == 'Nowhere'
    assert writes(adapter) == []
    assert warnings == [
        "target_name 'Nowhere': no zone has this name; assumed created by an earlier task in this run (check mode)"
    ]


def test_changed_source_name_is_checked_but_unchanged_target_is_not():
    args = {'name': NAME, 'source': 'Named', 'source_name': 'Partner', 'target_name': ZONE}
    result, dummy = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, answer=[RULE]),
            Call('GET', '/common/zone/dnszone/name/Partner', answer=[{'Name': 'Partner'}]),
            Call('PUT', PATH, body={'Name': NAME, 'Source': 'Named', 'SourceName': 'Partner'}),
        ],
    )
    assert result['changed'] is True


def test_create_without_priority_fails_after_one_get():
    result, adapter = run_module(search_rule, {'name': NAME, 'target_name': ZONE}, [Call('GET', BY_NAME, answer=[])])
    assert result['failed'] is True
    assert result['option'] == 'priority' and '(missing: priority)' in result['msg']
    assert writes(adapter) == []


def test_create_without_target_names_both_missing_keys():
    result, dummy = run_module(search_rule, {'name': NAME}, [Call('GET', BY_NAME, answer=[])])
    assert result['failed'] is True
    assert '(missing: priority, target_name)' in result['msg']


@pytest.mark.parametrize('priority', [0, 65535])
def test_priority_out_of_range_fails_without_requests(priority):
    result, adapter = run_module(search_rule, {'name': NAME, 'priority': priority}, [])
    assert result['failed'] is True
    assert 'priority' in result['msg'] and '1 to 65534' in result['msg']
    assert adapter.sent == []


def test_bad_regex_fails_without_requests():
    args = {'name': NAME, 'pattern_type': 'Regex', 'pattern_string': '(.*@example.test'}
    result, adapter = run_module(search_rule, args, [])
    assert result['failed'] is True
    assert result['option'] == 'pattern_string' and 'regular expression' in result['msg']
    assert adapter.sent == []


def test_bad_regex_against_current_regex_rule_fails_before_write():
    result, adapter = run_module(
        search_rule,
        {'name': NAME, 'pattern_string': '[a-'},
        [
            Call('GET', BY_NAME, answer=[RULE]),
        ],
    )
    assert result['failed'] is True
    assert writes(adapter) == []


def test_bad_regex_is_fine_for_a_prefix_pattern():
    args = {'name': NAME, 'pattern_type': 'Prefix', 'pattern_string': '(+'}
    result, dummy = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, answer=[RULE]),
            Call('PUT', PATH, body={'Name': NAME, 'PatternType': 'Prefix', 'PatternString': '(+'}),
        ],
    )
    assert result['changed'] is True


def test_disable_in_check_mode_reports_change_and_writes_nothing():
    result, adapter = run_module(
        search_rule, {'name': NAME, 'enabled': False}, [Call('GET', BY_NAME, answer=[RULE])], check_mode=True, diff=True
    )
    assert result['changed'] is True
    assert writes(adapter) == []
    assert 'system_generated' not in result['diff']['before']


def test_delete():
    result, dummy = run_module(
        search_rule,
        {'name': NAME, 'state': 'absent'},
        [
            Call('GET', BY_NAME, answer=[RULE]),
            Call('DELETE', PATH, body={'Name': NAME}),
        ],
    )
    assert result['changed'] is True
    assert result['search_rule'] == {}


def test_zone_lookup_answered_400_does_not_exist_is_confirmed_by_listing():
    args = {'name': NAME, 'priority': 100, 'target_name': ZONE}
    missing = {'Message': f'DNS zone {ZONE} does not exist'}
    result, dummy = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, answer=[]),
            Call('GET', '/common/zone/dnszone' + ZONE_Q, status=400, answer=missing),
            Call('GET', '/common/zone/dnszone', answer=[{'Name': ZONE}]),
            Call('POST', PATH, body={'Name': NAME, 'Priority': 100, 'TargetName': ZONE}, status=201),
        ],
    )
    assert result['changed'] is True


def test_zone_lookup_answered_400_for_another_reason_is_an_error_and_nothing_is_written():
    args = {'name': NAME, 'priority': 100, 'target_name': ZONE}
    result, dummy = run_module(
        search_rule,
        args,
        [
            Call('GET', BY_NAME, answer=[]),
            Call('GET', '/common/zone/dnszone' + ZONE_Q, status=400, answer={'Message': 'Request malformed'}),
        ],
    )
    assert result['failed'] is True and 'HTTP 400' in result['msg'] and 'Request malformed' in result['msg']


@pytest.mark.parametrize(
    'option, value, allowed',
    [
        ('description', 'x' * 65, 'at most 64 characters'),
        ('name', 'n' * 51, 'at most 50 characters'),
    ],
)
def test_lengths_the_box_refuses_are_refused_before_any_request(option, value, allowed):
    args = dict({'name': NAME, 'priority': 100, 'target_name': ZONE}, **{option: value})
    result, dummy = run_module(search_rule, args, [])
    assert result['failed'] is True and option in result['msg'] and allowed in result['msg']
