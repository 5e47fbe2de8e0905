# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.modules import dns_zone_info, search_rule_info, system_info
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module

ZONES = [{'Name': 'A', 'HopCount': 15, 'SIPMode': 'On', 'Unknown': 'x'}, {'Name': 'B', 'HopCount': 7}]


def test_dns_zone_info_lists_all_in_option_names():
    result, dummy = run_module(dns_zone_info, {}, [Call('GET', '/common/zone/dnszone', answer=ZONES)])
    assert result['changed'] is False
    assert result['dns_zones'] == [{'name': 'A', 'hop_count': 15, 'sip_mode': True}, {'name': 'B', 'hop_count': 7}]


def test_dns_zone_info_one_by_name_and_missing():
    result, dummy = run_module(
        dns_zone_info, {'name': 'B'}, [Call('GET', '/common/zone/dnszone/name/B', answer=[ZONES[1]])]
    )
    assert result['dns_zones'] == [{'name': 'B', 'hop_count': 7}]
    result, dummy = run_module(dns_zone_info, {'name': 'C'}, [Call('GET', '/common/zone/dnszone/name/C', answer=[])])
    assert result['dns_zones'] == []


def test_search_rule_info_maps_state_to_enabled():
    rules = [{'Name': 'R', 'Priority': 5, 'State': 'Disabled', 'MustAuthenticateRequest': 'Yes'}]
    result, dummy = run_module(search_rule_info, {}, [Call('GET', '/common/searchrule', answer=rules)])
    assert result['search_rules'] == [{'name': 'R', 'priority': 5, 'enabled': False, 'must_authenticate_request': True}]


SYSINFO = {
    'ProductType': 'Expressway',
    'SystemType': 'Expressway-E',
    'SoftwareVersion': 'X14.3.2',
    'SystemName': 'exp-e1',
    'SerialNumber': 'ABC123',
    'Uptime': 3600,
}


@pytest.mark.parametrize('answer', [SYSINFO, [SYSINFO]], ids=['object', 'list'])
def test_system_info_accepts_object_or_list(answer):
    result, dummy = run_module(system_info, {}, [Call('GET', '/sysinfo', answer=answer)])
    assert result['changed'] is False
    assert result['product'] == 'E'
    assert result['version'] == 'X14.3.2'
    assert result['version_tuple'] == [14, 3, 2]
    assert result['system_name'] == 'exp-e1'


def test_system_info_controller():
    answer = dict(SYSINFO, SystemType='Expressway-C', SoftwareVersion='X8.10')
    result, dummy = run_module(system_info, {}, [Call('GET', '/sysinfo', answer=answer)])
    assert result['product'] == 'C'
    assert result['version_tuple'] == [8, 10]


def test_system_info_rejects_non_json():
    result, dummy = run_module(system_info, {}, [Call('GET', '/sysinfo', text='<html>login</html>')])
    assert result['failed'] is True
    assert 'not JSON' in result['msg']
