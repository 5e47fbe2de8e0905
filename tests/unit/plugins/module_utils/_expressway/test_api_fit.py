# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.api_fit import (
    Probe,
    compare,
    describe_shape,
    pem_fit,
    probe_names,
    records_of,
)

SERVERS = Probe('dns_server', fields.DNS_SERVER.path, fields.DNS_SERVER, wrapper='DefaultDNSServers')
ZONES = Probe('dns_zone', fields.DNS_ZONE.path, fields.DNS_ZONE)
ONE = {'index': 1, 'address': '192.0.2.53'}
TWO = {'index': 2, 'address': '198.51.100.53'}


@pytest.mark.parametrize(
    'payload, shape, count',
    [
        ([ONE, TWO], 'list of 2 objects', 2),
        ([ONE], 'list of 1 object', 1),
        ({'DefaultDNSServers': ONE}, 'object wrapped in DefaultDNSServers (object)', 1),
        ({'DefaultDNSServers': [ONE, TWO]}, 'object wrapped in DefaultDNSServers (list of 2 objects)', 2),
        ([{'DefaultDNSServers': ONE}, {'DefaultDNSServers': TWO}], 'list of 2 DefaultDNSServers wrappers', 2),
        ({'DefaultDNSServers': []}, 'object wrapped in DefaultDNSServers (empty list)', 0),
        ([], 'empty list', 0),
        ({}, 'empty object', 0),
    ],
)
def test_every_dns_server_shape_of_the_contract_is_named_and_unwrapped(payload, shape, count):
    fit = compare(SERVERS, payload)
    assert fit['shape'] == shape
    assert fit['objects'] == count == len(records_of(SERVERS, payload))
    assert fit['unknown_keys'] == [] and fit['missing_keys'] == [] and fit['bad_values'] == []


def test_unknown_and_never_returned_keys_are_listed():
    fit = compare(ZONES, [{'Name': 'Webex', 'HopCount': 15, 'SipMode': 'On'}])
    assert fit['unknown_keys'] == ['SipMode']
    assert 'SIPMode' in fit['missing_keys'] and 'Name' not in fit['missing_keys']


def test_a_key_returned_by_one_object_is_not_missing():
    fit = compare(ZONES, [{'Name': 'A'}, {'Name': 'B', 'HopCount': 15}])
    assert 'HopCount' not in fit['missing_keys']


def test_values_outside_tokens_and_choices_are_reported_without_user_data():
    fit = compare(
        ZONES,
        [
            {
                'Name': 'secret-zone-name',
                'SIPMode': 'Enabled',
                'SIPTLSVerifyMode': 'on',
                'ZoneProfile': 'SomethingNew',
                'HopCount': '15',
            }
        ],
    )
    problems = {p['key']: p for p in fit['bad_values']}
    assert problems['SIPMode']['problem'] == 'not one of the tokens' and problems['SIPMode']['value'] == 'Enabled'
    assert problems['SIPMode']['allowed'] == ['On', 'Off']
    assert problems['SIPTLSVerifyMode']['problem'] == 'token differs in case'
    assert problems['ZoneProfile']['allowed'] == ['Default', 'Custom']
    assert problems['HopCount']['problem'].startswith('a str where')
    assert 'Name' not in problems
    assert 'secret-zone-name' not in repr(fit)


def test_a_value_that_is_not_a_token_is_shown_by_its_type():
    fit = compare(ZONES, [{'Name': 'Z', 'SIPMode': 'On or maybe off, ask 192.0.2.1'}])
    assert fit['bad_values'][0]['value'] == '<str>'


def test_shapes_of_singletons_and_text():
    assert describe_shape({'SystemHostName': 'x'}) == 'object'
    assert describe_shape(None) == 'empty body'
    assert pem_fit('')['shape'] == 'empty body'
    assert pem_fit('<html>login</html>')['shape'] == 'text that is not PEM'
    two = '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n' * 2
    assert pem_fit(two) == {'shape': 'PEM', 'objects': 2, 'unknown_keys': [], 'missing_keys': [], 'bad_values': []}


def test_a_miss_never_reports_missing_keys():
    miss = Probe('dns_zone_by_name_miss', '/x', fields.DNS_ZONE, kind='miss')
    assert compare(miss, {})['shape'] == 'empty object' and compare(miss, {})['missing_keys'] == []


def test_probe_names_are_the_module_choices():
    from ansible_collections.ucops.expressway.plugins.modules import api_fit_info

    assert probe_names() == [
        line.strip()[2:]
        for line in api_fit_info.DOCUMENTATION.split('choices:')[1].split('raml_dest')[0].splitlines()
        if line.strip().startswith('- ')
    ]
