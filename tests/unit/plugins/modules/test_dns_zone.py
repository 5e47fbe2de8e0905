# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.ucops.expressway.plugins.modules import dns_zone
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module, writes

PATH = '/common/zone/dnszone'
BY_NAME = PATH + '/name/Webex%20B2B%20DNS'
NAME = 'Webex B2B DNS'
ON_BOX = {
    'Name': NAME,
    'HopCount': 15,
    'H323Mode': 'On',
    'SIPMode': 'On',
    'SIPTLSVerifyMode': 'Off',
    'SIPDefaultTransport': 'UDP',
    'SIPMediaEncryptionMode': 'Auto',
    'ZoneProfile': 'Default',
    'SIPRecordRouteAddressType': 'IP',
}


def test_create_posts_only_given_options_and_diffs_from_empty():
    args = {'name': NAME, 'tls_verify_mode': True, 'fallback_transport_protocol': 'TLS', 'hop_count': 20}
    result, adapter = run_module(
        dns_zone,
        args,
        [
            Call('GET', BY_NAME, answer=[]),
            Call(
                'POST',
                PATH,
                body={'Name': NAME, 'SIPTLSVerifyMode': 'On', 'SIPDefaultTransport': 'TLS', 'HopCount': 20},
                status=201,
            ),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['diff'] == {
        'before': {},
        'after': {'name': NAME, 'tls_verify_mode': True, 'fallback_transport_protocol': 'TLS', 'hop_count': 20},
    }
    assert result['dns_zone']['tls_verify_mode'] is True


def test_create_accepts_200():
    result, dummy = run_module(
        dns_zone,
        {'name': NAME},
        [
            Call('GET', BY_NAME, answer=[]),
            Call('POST', PATH, body={'Name': NAME}, status=200),
        ],
    )
    assert result['changed'] is True


def test_converged_is_one_get_and_no_write():
    args = {'name': NAME, 'hop_count': 15, 'sip_mode': True, 'fallback_transport_protocol': 'UDP'}
    result, adapter = run_module(dns_zone, args, [Call('GET', BY_NAME, answer=[ON_BOX])], diff=True)
    assert result['changed'] is False
    assert len(adapter.sent) == 1
    assert result['diff']['before'] == result['diff']['after']


def test_update_sends_key_and_changed_keys_only():
    args = {'name': NAME, 'hop_count': 15, 'tls_verify_mode': True}
    result, dummy = run_module(
        dns_zone,
        args,
        [
            Call('GET', BY_NAME, answer=[ON_BOX]),
            Call('PUT', PATH, body={'Name': NAME, 'SIPTLSVerifyMode': 'On'}),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['diff']['before']['tls_verify_mode'] is False
    assert result['diff']['after']['tls_verify_mode'] is True
    assert result['diff']['before']['h323_mode'] is True
    assert result['diff']['after']['h323_mode'] is True


def test_check_mode_predicts_change_without_writing():
    args = {'name': NAME, 'tls_verify_mode': True}
    result, adapter = run_module(dns_zone, args, [Call('GET', BY_NAME, answer=[ON_BOX])], check_mode=True, diff=True)
    assert result['changed'] is True
    assert writes(adapter) == []
    assert result['diff']['after']['tls_verify_mode'] is True


def test_check_mode_create_without_writing():
    result, adapter = run_module(dns_zone, {'name': NAME}, [Call('GET', BY_NAME, answer=[])], check_mode=True)
    assert result['changed'] is True
    assert writes(adapter) == []


def test_delete_sends_key_in_body_and_diffs_to_empty():
    result, dummy = run_module(
        dns_zone,
        {'name': NAME, 'state': 'absent'},
        [
            Call('GET', BY_NAME, answer=[ON_BOX]),
            Call('DELETE', PATH, body={'Name': NAME}),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['diff']['after'] == {}
    assert result['diff']['before']['name'] == NAME


def test_delete_of_absent_zone_changes_nothing():
    result, dummy = run_module(dns_zone, {'name': NAME, 'state': 'absent'}, [Call('GET', BY_NAME, answer=[])])
    assert result['changed'] is False


def test_name_filter_missing_falls_back_to_list():
    other = dict(ON_BOX, Name='Other')
    result, dummy = run_module(
        dns_zone,
        {'name': NAME, 'hop_count': 15},
        [
            Call('GET', BY_NAME, status=404, answer={'Message': 'Not found'}),
            Call('GET', PATH, answer=[other, ON_BOX]),
        ],
    )
    assert result['changed'] is False


def test_filter_answer_is_rechecked_for_exact_name():
    result, dummy = run_module(
        dns_zone,
        {'name': NAME},
        [
            Call('GET', BY_NAME, answer=[dict(ON_BOX, Name=NAME + ' 2')]),
            Call('POST', PATH, body={'Name': NAME}),
        ],
    )
    assert result['changed'] is True


@pytest.mark.parametrize('hop_count', [0, 256, -1])
def test_hop_count_out_of_range_fails_without_requests(hop_count):
    result, adapter = run_module(dns_zone, {'name': NAME, 'hop_count': hop_count}, [])
    assert result['failed'] is True
    assert 'hop_count' in result['msg'] and str(hop_count) in result['msg'] and '1 to 255' in result['msg']
    assert adapter.sent == []


def test_bad_choice_fails_without_requests():
    result, adapter = run_module(dns_zone, {'name': NAME, 'media_encryption_mode': 'Always'}, [])
    assert result['failed'] is True
    assert 'media_encryption_mode' in result['msg'] and 'ForceEncrypted' in result['msg']
    assert adapter.sent == []


def test_auth_error_carries_server_message_and_hides_password():
    result, adapter = run_module(
        dns_zone,
        {'name': NAME},
        [
            Call('GET', BY_NAME, status=401, answer={'Message': 'Authentication failed'}),
        ],
    )
    assert result['failed'] is True
    assert result['status'] == 401
    assert 'Authentication failed' in result['msg'] and 'GET https://' in result['msg']
    assert 'S3cret-Pa55' not in json.dumps(result)


def test_server_validation_error_is_reported_with_method_url_and_message():
    result, dummy = run_module(
        dns_zone,
        {'name': NAME, 'hop_count': 30},
        [
            Call('GET', BY_NAME, answer=[ON_BOX]),
            Call('PUT', PATH, status=400, answer={'Message': 'HopCount: invalid'}),
        ],
    )
    assert result['failed'] is True
    assert result['msg'].startswith('PUT https://expressway.example.test:443/api/provisioning/common/zone/dnszone')
    assert result['server_message'] == 'HopCount: invalid'


def test_v1_prefix_is_used_when_asked():
    result, adapter = run_module(
        dns_zone,
        {'name': NAME, 'api_prefix': '/api/v1/provisioning'},
        [
            Call('GET', BY_NAME, answer=[ON_BOX]),
        ],
    )
    assert result['changed'] is False
    assert adapter.sent[0][1].startswith('/api/v1/provisioning/')
