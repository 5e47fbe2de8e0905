# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._fields import DNS_SERVER
from ansible_collections.ucops.expressway.plugins.module_utils._firewall import admits
from ansible_collections.ucops.expressway.plugins.module_utils._reconcile import plan_collection, records_after

TCP_443 = {'action': 'Allow', 'service': 'Custom', 'transport': 'TCP', 'start_port': 400, 'end_port': 500}


@pytest.mark.parametrize('rule, port, expected', [
    (TCP_443, 443, True),
    (dict(TCP_443, transport='TCPAndUDP'), 443, True),
    (dict(TCP_443, transport='UDP'), 443, False),
    (dict(TCP_443, action='Drop'), 443, False),
    (TCP_443, 8443, False),
    ({'action': 'Allow', 'service': 'HTTPS'}, 443, True),
    ({'action': 'Allow', 'service': 'SSH'}, 443, False),
    ({'action': 'Allow', 'transport': 'TCP'}, 443, False),  # a new rule whose ports the box will default
])
def test_admits(rule, port, expected):
    assert admits(rule, port) is expected


def test_plan_collection_orders_deletes_first_and_keeps_unlisted():
    records = [{'index': 1, 'address': '192.0.2.1'}, {'index': 2, 'address': '192.0.2.2'},
               {'index': 5, 'address': '192.0.2.5'}]
    items = [{'index': 1, 'address': '192.0.2.1'}, {'index': 3, 'address': '192.0.2.3'},
             {'index': 2, 'address': '192.0.2.9'}]
    present = plan_collection(DNS_SERVER, records, items, 'index', 'present')
    assert [p.action for p in present] == ['update', 'create', 'none']
    exact = plan_collection(DNS_SERVER, records, items, 'index', 'exact')
    assert [p.action for p in exact] == ['delete', 'update', 'create', 'none']
    after = records_after(DNS_SERVER, records, exact)
    assert sorted(r['index'] for r in after) == [1, 2, 3]
    assert {r['index']: r['address'] for r in records_after(DNS_SERVER, records, present)}[5] == '192.0.2.5'
