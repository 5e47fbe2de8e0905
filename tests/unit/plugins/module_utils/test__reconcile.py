# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._fields import DNS_ZONE, SEARCH_RULE
from ansible_collections.ucops.expressway.plugins.module_utils._reconcile import (
    desired_options,
    pick_named,
    plan_named,
)

CURRENT = {'name': 'Z', 'hop_count': 15, 'sip_mode': True, 'tls_verify_mode': False}


def test_desired_ignores_unset_and_foreign_params():
    params = {'name': 'Z', 'hop_count': None, 'sip_mode': False, 'host': 'h', 'state': 'present'}
    assert desired_options(DNS_ZONE, params) == {'name': 'Z', 'sip_mode': False}


def test_plan_none_when_desired_matches():
    plan = plan_named(DNS_ZONE, CURRENT, {'name': 'Z', 'hop_count': 15}, 'present')
    assert plan.action == 'none' and not plan.changed
    assert plan.before == plan.after == CURRENT


def test_plan_update_is_minimal_and_keeps_unmanaged_values():
    plan = plan_named(DNS_ZONE, CURRENT, {'name': 'Z', 'hop_count': 15, 'tls_verify_mode': True}, 'present')
    assert plan.action == 'update'
    assert plan.body == {'Name': 'Z', 'SIPTLSVerifyMode': 'On'}
    assert plan.after == dict(CURRENT, tls_verify_mode=True)
    assert plan.before == CURRENT


def test_plan_create_and_delete():
    create = plan_named(SEARCH_RULE, None, {'name': 'R', 'priority': 3, 'enabled': True}, 'present')
    assert create.body == {'Name': 'R', 'Priority': 3, 'State': 'Enabled'}
    assert (create.before, create.after) == ({}, {'name': 'R', 'priority': 3, 'enabled': True})
    delete = plan_named(DNS_ZONE, CURRENT, {'name': 'Z', 'hop_count': 99}, 'absent')
    assert delete.body == {'Name': 'Z'} and delete.after == {} and delete.before == CURRENT
    assert plan_named(DNS_ZONE, None, {'name': 'Z'}, 'absent').changed is False


def test_pick_is_exact():
    records = [{'Name': 'z'}, {'Name': 'Z 2'}, {'Name': 'Z'}]
    assert pick_named(DNS_ZONE, records, 'Z') == {'Name': 'Z'}
    assert pick_named(DNS_ZONE, records[:2], 'Z') is None
