# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_b2b as a module process and in the action plugin's process: the same conversation, the same result.

The action plugin (plugins/action/webex_b2b.py) calls converge.run_in_process where the module would run;
each case plays one scripted conversation through both and compares what they return and send.
"""

from __future__ import annotations

import json
from unittest import mock

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import client, converge
from ansible_collections.ucops.expressway.plugins.modules import webex_b2b

from .utils import CONNECTION, PREFIX, Call, ScriptedAdapter, run_module

EDGE = {'SoftwareVersion': 'X15.0.2', 'SystemType': 'Expressway-E', 'SystemName': 'expe1'}
SETTINGS_ONLY = {'manage_zone': False, 'firewall_webex': False, 'system_host_name': 'expe1'}


def in_process(args, calls, check_mode=False, diff=False):
    """converge.run_in_process against a scripted conversation; returns (result, adapter)."""
    adapter = ScriptedAdapter(calls, args.get('api_prefix', PREFIX))
    with (
        mock.patch.object(client, 'transport_adapter', lambda: adapter),
        mock.patch.object(client, '_sleep', lambda seconds: None),
    ):
        result = converge.run_in_process(dict(CONNECTION, **args), check_mode, diff)
    adapter.assert_done()
    return result, adapter


def both(args, calls, check_mode=False, diff=False):
    """The module's result and the in-process result (without invocation, which only the latter masks here)."""
    module_result, module_adapter = run_module(webex_b2b, args, list(calls), check_mode, diff)
    result, adapter = in_process(args, list(calls), check_mode, diff)
    assert [sent[:3] for sent in adapter.sent] == [sent[:3] for sent in module_adapter.sent]
    module_result.pop('invocation', None)
    return module_result, result


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_change_returns_the_same_result_and_sends_the_same_requests(check_mode):
    calls = [
        Call('GET', '/sysinfo', answer=EDGE),
        Call('GET', '/common/dns/dns', answer={'SystemHostName': 'old', 'DomainName': ''}),
    ]
    if not check_mode:
        calls.append(Call('PUT', '/common/dns/dns', body={'SystemHostName': 'expe1'}))
    module_result, result = both(SETTINGS_ONLY, calls, check_mode, diff=True)
    assert result['changed'] is True and result['changes'][0]['after'] == 'expe1'
    assert {key: value for key, value in result.items() if key != 'invocation'} == module_result


def test_the_gate_fails_both_after_the_one_read():
    old = dict(EDGE, SoftwareVersion='X8.5.1')
    module_result, result = both({}, [Call('GET', '/sysinfo', answer=old)])
    assert result['failed'] is True and 'X8.5' in result['msg']
    assert result['msg'] == module_result['msg']


@pytest.mark.parametrize(
    'args, words',
    [
        ({'port': 'https'}, ['port', 'int']),
        ({'generation': 'spark'}, ['generation', 'ciscospark', 'webex']),
        ({'no_such_option': 1}, ['Unsupported parameters for (webex_b2b) module: no_such_option']),
        ({'zone_overrides': {'hop_count': 999}}, ['zone_overrides.hop_count', '999']),
    ],
)
def test_bad_input_fails_both_alike_before_any_request(args, words):
    module_result, result = both(args, [])
    assert result['failed'] is True and all(word in result['msg'] for word in words), result['msg']
    # The module names itself after its file, which under unit tests is AnsibleModule's own.
    assert result['msg'].split(' module: ')[-1] == module_result['msg'].split(' module: ')[-1]


def test_the_password_never_appears_in_the_result():
    password = CONNECTION['password']
    answer = {'Message': f'user admin with password {password} has no API access'}
    result, dummy = in_process({}, [Call('GET', '/sysinfo', status=403, answer=answer)])
    assert result['failed'] is True and result['status'] == 403, result
    assert password not in json.dumps(result)
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['invocation']['module_args']['username'] == 'admin'


def test_options_come_from_the_environment_as_in_the_module(monkeypatch):
    monkeypatch.setenv('EXPRESSWAY_USERNAME', 'envadmin')
    args = dict(SETTINGS_ONLY)
    adapter = ScriptedAdapter([Call('GET', '/sysinfo', answer=dict(EDGE, SoftwareVersion='X8.5.1'))])
    with mock.patch.object(client, 'transport_adapter', lambda: adapter):
        result = converge.run_in_process(dict({'host': 'expressway.example.test', 'password': 'pw-1'}, **args))
    assert result['invocation']['module_args']['username'] == 'envadmin'
    assert result['failed'] is True
