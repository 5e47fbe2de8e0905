# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from unittest import mock

import pytest

from ansible.module_utils import basic

from ansible_collections.ucops.expressway.plugins.modules import firewall_rule
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module, writes

PENDING = '/common/firewallrules/configuration'
ACTIVE = '/common/current/active/firewallrules'
ACTIVATE = '/common/firewallrules/activation'


def box_rule(index, priority, start, end, action='Allow', transport='TCP', address='0.0.0.0', prefix=0, **extra):
    return dict(
        {
            'Index': index,
            'Priority': priority,
            'Address': address,
            'PrefixLength': prefix,
            'Interface': 'LAN1',
            'Service': 'Custom',
            'Transport': transport,
            'StartPort': start,
            'EndPort': end,
            'Action': action,
            'Description': '',
        },
        **extra,
    )


MGMT = box_rule(1, 10, 443, 443)
SIP = {
    'priority': 100,
    'address': '0.0.0.0',
    'prefix_length': 0,
    'transport': 'TCP',
    'start_port': 5061,
    'end_port': 5062,
    'action': 'Allow',
}
SIP_ON_BOX = box_rule(2, 100, 5061, 5062)


def test_create_then_activate_and_leave_unmanaged_alone():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
            Call(
                'POST',
                PENDING,
                body={
                    'Priority': 100,
                    'Address': '0.0.0.0',
                    'PrefixLength': 0,
                    'Transport': 'TCP',
                    'StartPort': 5061,
                    'EndPort': 5062,
                    'Action': 'Allow',
                },
                status=201,
            ),
            Call('PUT', ACTIVATE, body={}),
        ],
        diff=True,
    )
    assert result['changed'] is True and result['activated'] is True
    assert result['rules'] == [SIP]
    assert result['diff']['before'] == {'rules': [], 'active_rules': []}
    assert result['diff']['after']['rules'] == [SIP]


def test_converged_and_active_is_two_gets_no_write():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT, SIP_ON_BOX]),
        ],
    )
    assert result['changed'] is False and result['activated'] is False
    assert writes(adapter) == []


def test_pending_equal_but_not_active_activates_only():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT]),
            Call('PUT', ACTIVATE, body={}),
        ],
    )
    assert result['changed'] is True and result['activated'] is True


def test_activate_false_only_stages():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [dict(SIP, end_port=5063)], 'activate': False},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT, SIP_ON_BOX]),
            Call('PUT', PENDING, body={'Index': 2, 'EndPort': 5063}),
        ],
    )
    assert result['changed'] is True and result['activated'] is False


def test_update_by_priority_sends_index_and_changed_keys():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [dict(SIP, description='Webex SIP')]},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT, SIP_ON_BOX]),
            Call('PUT', PENDING, body={'Index': 2, 'Description': 'Webex SIP'}),
            Call('PUT', ACTIVATE, body={}),
        ],
        diff=True,
    )
    assert result['diff']['before']['rules'][0]['description'] == ''
    assert result['diff']['after']['rules'][0]['description'] == 'Webex SIP'


def test_check_mode_writes_nothing_and_predicts_activation():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
        ],
        check_mode=True,
        diff=True,
    )
    assert result['changed'] is True and result['activated'] is True
    assert writes(adapter) == []


def test_absent_deletes_by_priority_only():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [{'priority': 100}], 'state': 'absent'},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT, SIP_ON_BOX]),
            Call('DELETE', PENDING, body={'Index': 2}),
            Call('PUT', ACTIVATE, body={}),
        ],
    )
    assert result['changed'] is True and result['rules'] == []


def test_absent_refuses_when_declared_content_differs():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [{'priority': 100, 'start_port': 9000}], 'state': 'absent'},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT, SIP_ON_BOX]),
        ],
    )
    assert result['failed'] is True and 'start_port' in result['msg'] and writes(adapter) == []


def test_lockout_refused_when_the_only_management_rule_would_go():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [{'priority': 10}], 'state': 'absent'},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX]),
            Call('GET', ACTIVE, answer=[MGMT, SIP_ON_BOX]),
        ],
    )
    assert result['failed'] is True
    assert 'TCP port 443' in result['msg'] and 'priority 10' in result['msg'] and 'lockout_protection' in result['msg']
    assert result['management_port'] == 443
    assert writes(adapter) == []


def test_lockout_refused_when_update_narrows_the_port_range():
    rule = {'priority': 10, 'address': '0.0.0.0', 'start_port': 444, 'end_port': 444}
    result, adapter = run_module(
        firewall_rule,
        {'rules': [rule], 'port': 443},
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
        ],
    )
    assert result['failed'] is True and writes(adapter) == []


def test_lockout_uses_management_port_and_can_be_disabled():
    args = {'rules': [{'priority': 10}], 'state': 'absent', 'management_port': 8443}
    result, adapter = run_module(
        firewall_rule,
        args,
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
            Call('DELETE', PENDING, body={'Index': 1}),
            Call('PUT', ACTIVATE, body={}),
        ],
    )
    assert result['changed'] is True
    result, adapter = run_module(
        firewall_rule,
        dict(args, management_port=None, lockout_protection=False),
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
            Call('DELETE', PENDING, body={'Index': 1}),
            Call('PUT', ACTIVATE, body={}),
        ],
    )
    assert result['changed'] is True


def test_another_admitting_rule_keeps_the_change_allowed():
    https = box_rule(3, 20, 1, 1, Service='HTTPS')
    result, adapter = run_module(
        firewall_rule,
        {'rules': [{'priority': 10}], 'state': 'absent'},
        [
            Call('GET', PENDING, answer=[MGMT, https]),
            Call('GET', ACTIVE, answer=[MGMT, https]),
            Call('DELETE', PENDING, body={'Index': 1}),
            Call('PUT', ACTIVATE, body={}),
        ],
    )
    assert result['changed'] is True


def test_declared_rules_sharing_a_priority_fail_before_any_request():
    result, adapter = run_module(firewall_rule, {'rules': [SIP, dict(SIP, start_port=5070, end_port=5070)]}, [])
    assert result['failed'] is True and 'share priority 100' in result['msg'] and adapter.sent == []


def test_clash_in_pending_set_refused_before_writing():
    clash = box_rule(3, 50, 80, 80)
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, answer=[MGMT, clash, box_rule(4, 50, 81, 81)]),
            Call('GET', ACTIVE, answer=[MGMT]),
        ],
    )
    assert result['failed'] is True
    assert 'priority 50: indexes 3, 4' in result['msg'] and 'activate=false' in result['msg']
    assert result['clashing_priorities'] == [50]
    assert writes(adapter) == []


def test_declared_priority_held_twice_on_box_is_an_error():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP], 'activate': False},
        [
            Call('GET', PENDING, answer=[MGMT, SIP_ON_BOX, box_rule(5, 100, 1, 2)]),
            Call('GET', ACTIVE, answer=[MGMT]),
        ],
    )
    assert result['failed'] is True and '2 objects on the box share it' in result['msg']
    assert writes(adapter) == []


def test_activation_refused_by_the_box_is_reported():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
            Call('POST', PENDING, status=201),
            Call('PUT', ACTIVATE, status=400, answer={'Message': 'Cannot activate firewall rules'}),
        ],
    )
    assert result['failed'] is True
    assert 'Cannot activate firewall rules' in result['msg'] and 'active set is unchanged' in result['msg']


def test_new_rule_without_required_values_fails_before_writing():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [{'priority': 100, 'address': '0.0.0.0'}]},
        [
            Call('GET', PENDING, answer=[MGMT]),
            Call('GET', ACTIVE, answer=[MGMT]),
        ],
    )
    assert result['failed'] is True and 'prefix_length' in result['msg'] and 'action' in result['msg']
    assert writes(adapter) == []


@pytest.mark.parametrize(
    'rule, words',
    [
        ({'address': '192.0.2.1/24'}, ['rules.address', 'without prefix']),
        ({'prefix_length': 33}, ['rules.prefix_length', '0 to 32']),
        ({'start_port': 6000}, ['rules.start_port', 'end_port']),
        ({'priority': 0}, ['priority', '1 to 65534']),
        ({'address': None}, ['rules.address', 'state=present']),
    ],
    ids=['cidr', 'prefix', 'ports', 'priority', 'no-address'],
)
def test_bad_rules_fail_before_any_request(rule, words):
    result, adapter = run_module(firewall_rule, {'rules': [dict(SIP, **rule)]}, [])
    assert result['failed'] is True
    for word in words:
        assert word in result['msg'], result['msg']
    assert adapter.sent == []


def test_old_box_gets_a_version_message():
    result, adapter = run_module(
        firewall_rule,
        {'rules': [SIP]},
        [
            Call('GET', PENDING, status=404, answer={'Message': 'Not found'}),
            Call('GET', '/sysinfo', answer={'SoftwareVersion': 'X8.9.2', 'SystemType': 'Expressway-E'}),
        ],
    )
    assert result['failed'] is True
    assert 'X8.10 or later' in result['msg'] and 'X8.9.2' in result['msg']


def test_unmanaged_staged_changes_are_activated_with_a_warning():
    staged = box_rule(7, 300, 22, 22)
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result, adapter = run_module(
            firewall_rule,
            {'rules': [SIP]},
            [
                Call('GET', PENDING, answer=[MGMT, staged]),
                Call('GET', ACTIVE, answer=[MGMT]),
                Call('POST', PENDING, status=201),
                Call('PUT', ACTIVATE, body={}),
            ],
        )
    assert result['activated'] is True
    assert 'does not manage' in warn.call_args.args[0]


def test_no_warning_when_only_managed_rules_differ():
    with mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        run_module(
            firewall_rule,
            {'rules': [SIP]},
            [
                Call('GET', PENDING, answer=[MGMT]),
                Call('GET', ACTIVE, answer=[MGMT]),
                Call('POST', PENDING, status=201),
                Call('PUT', ACTIVATE, body={}),
            ],
        )
    warn.assert_not_called()
