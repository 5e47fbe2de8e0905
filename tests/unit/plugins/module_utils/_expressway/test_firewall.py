# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._errors import RefusedError
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.fields import DNS_SERVER
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.firewall import (
    RULE,
    admits,
    canonical,
    write_rules,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import (
    plan_collection,
    plan_named,
    records_after,
)

TCP_443 = {'action': 'Allow', 'service': 'Custom', 'transport': 'TCP', 'start_port': 400, 'end_port': 500}


@pytest.mark.parametrize(
    'rule, port, expected',
    [
        (TCP_443, 443, True),
        (dict(TCP_443, transport='TCPAndUDP'), 443, True),
        (dict(TCP_443, transport='UDP'), 443, False),
        (dict(TCP_443, action='Drop'), 443, False),
        (TCP_443, 8443, False),
        ({'action': 'Allow', 'service': 'HTTPS'}, 443, True),
        ({'action': 'Allow', 'service': 'SSH'}, 443, False),
        ({'action': 'Allow', 'transport': 'TCP'}, 443, False),  # a new rule whose ports the box will default
    ],
)
def test_admits(rule, port, expected):
    assert admits(rule, port) is expected


def test_plan_collection_orders_deletes_first_and_keeps_unlisted():
    records = [
        {'index': 1, 'address': '192.0.2.1'},
        {'index': 2, 'address': '192.0.2.2'},
        {'index': 5, 'address': '192.0.2.5'},
    ]
    items = [
        {'index': 1, 'address': '192.0.2.1'},
        {'index': 3, 'address': '192.0.2.3'},
        {'index': 2, 'address': '192.0.2.9'},
    ]
    present = plan_collection(DNS_SERVER, records, items, 'index', 'present')
    assert [p.action for p in present] == ['update', 'create', 'none']
    exact = plan_collection(DNS_SERVER, records, items, 'index', 'exact')
    assert [p.action for p in exact] == ['delete', 'update', 'create', 'none']
    after = records_after(DNS_SERVER, records, exact)
    assert sorted(r['index'] for r in after) == [1, 2, 3]
    assert {r['index']: r['address'] for r in records_after(DNS_SERVER, records, present)}[5] == '192.0.2.5'


class Pending:
    """A pending set that renumbers the rules 1..n after every delete, as a box may (the contract is silent)."""

    def __init__(self, priorities):
        self.rules = [
            {'Index': n, 'Priority': p, 'Address': f'192.0.2.{p}', 'PrefixLength': 32, 'Action': 'Drop'}
            for n, p in enumerate(priorities, start=1)
        ]
        self.sent = []

    def get(self, path):
        self.sent.append(('GET', None))
        return [dict(rule) for rule in self.rules]

    def delete(self, path, body):
        self.sent.append(('DELETE', body))
        kept = [r for r in self.rules if r['Index'] != body['Index']]
        self.rules = [dict(r, Index=n) for n, r in enumerate(kept, start=1)]

    def put(self, path, body):
        self.sent.append(('PUT', body))
        next(r for r in self.rules if r['Index'] == body['Index']).update(body)


def rules_of(box):
    return [canonical(RULE.to_options(r)) for r in box.rules]


def test_deletes_after_a_renumbering_delete_find_their_rule_again():
    box = Pending([5, 10, 20, 30])
    plans = plan_collection(RULE, rules_of(box), [{'priority': 10}, {'priority': 20}], 'priority', 'absent')
    write_rules(box, plans, check_mode=False)
    assert [r['Priority'] for r in box.rules] == [5, 30]
    assert box.sent == [('DELETE', {'Index': 2}), ('GET', None), ('DELETE', {'Index': 2})]


def test_an_update_after_a_delete_is_sent_to_the_rule_s_index_now():
    box = Pending([10, 20, 30])
    before = rules_of(box)
    plans = [
        plan_named(RULE, before[0], {}, 'absent'),
        plan_named(RULE, before[2], dict(before[2], description='moved'), 'present'),
    ]
    write_rules(box, plans, check_mode=False)
    assert box.sent[-1] == ('PUT', {'Index': 2, 'Description': 'moved'})
    assert [(r['Priority'], r.get('Description')) for r in box.rules] == [(20, None), (30, 'moved')]


def test_a_rule_changed_on_the_box_during_the_run_is_not_touched():
    box = Pending([10, 20, 30])
    plans = plan_collection(RULE, rules_of(box), [{'priority': 10}, {'priority': 20}], 'priority', 'absent')
    box.rules[1]['Address'] = '198.51.100.20'  # someone edits rule 20 between the read and the writes
    with pytest.raises(RefusedError, match='priority 20: it changed on the box'):
        write_rules(box, plans, check_mode=False)
    assert [r['Priority'] for r in box.rules] == [20, 30]


def test_check_mode_writes_nothing():
    box = Pending([10, 20])
    write_rules(box, plan_collection(RULE, rules_of(box), [{'priority': 10}], 'priority', 'absent'), check_mode=True)
    assert box.sent == []
