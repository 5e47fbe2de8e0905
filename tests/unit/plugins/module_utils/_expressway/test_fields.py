# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import connection_argument_spec


def test_argspec_is_generated_with_no_defaults_for_managed_options():
    spec = fields.module_argument_spec(fields.DNS_ZONE, connection_argument_spec())
    assert spec['name'] == {'type': 'str', 'required': True}
    assert spec['tls_verify_mode'] == {'type': 'bool'}
    assert spec['media_encryption_mode']['choices'] == ['ForceEncrypted', 'ForceUnencrypted', 'BestEffort', 'Auto']
    assert spec['state']['default'] == 'present'
    assert all('default' not in spec[f.option] for f in fields.DNS_ZONE.fields)
    assert spec['password']['no_log'] is True


def test_generating_the_argspec_does_not_alter_the_table():
    first = fields.module_argument_spec(fields.SEARCH_RULE, {})
    second = fields.module_argument_spec(fields.SEARCH_RULE, {})
    assert first == second
    assert 'required' not in fields.SEARCH_RULE.key_field.argspec()


def test_bool_tokens_round_trip():
    rule = fields.SEARCH_RULE
    body = rule.to_body({'name': 'R', 'enabled': False, 'must_authenticate_request': True, 'priority': None})
    assert body == {'Name': 'R', 'State': 'Disabled', 'MustAuthenticateRequest': 'Yes'}
    assert rule.to_options(body) == {'name': 'R', 'enabled': False, 'must_authenticate_request': True}


def test_from_api_is_lenient_on_case_and_keeps_unknown_tokens():
    field = fields.DNS_ZONE.by_option['sip_mode']
    assert field.from_api('on') is True
    assert field.from_api('OFF') is False
    assert field.from_api('Maybe') == 'Maybe'
    assert fields.DNS_ZONE.by_option['hop_count'].from_api('20') == 20


def test_option_names_and_keys_are_unique():
    for resource in (fields.DNS_ZONE, fields.SEARCH_RULE):
        assert len(resource.by_option) == len(resource.fields)
        assert len(resource.by_key) == len(resource.fields)


def test_sysinfo_product_letter():
    info = fields.sysinfo_to_options({'SystemType': 'Expressway-C', 'SoftwareVersion': 'X14.0'})
    assert info['product'] == 'C' and info['version'] == 'X14.0'
    assert fields.sysinfo_to_options({})['product'] is None
