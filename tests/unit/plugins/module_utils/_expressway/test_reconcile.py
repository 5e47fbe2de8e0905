# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError, OutcomeUnknown
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.fields import (
    DNS_SERVER,
    DNS_SETTINGS,
    DNS_ZONE,
    SEARCH_RULE,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import (
    Plan,
    desired_options,
    find_named,
    list_named,
    outcome,
    pick_named,
    plan_named,
    run_named,
    run_singleton,
    send,
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


# --- Lost answers, miss shapes and read shapes, against an in-memory box -----------------------------


class Box:
    """A client double holding one collection; faults: {(method, n): 'applied' | 'lost'} for the nth call."""

    def __init__(self, records, key='Name', faults=None, miss=None):
        self.records, self.key, self.faults, self.miss = [dict(r) for r in records], key, faults or {}, miss
        self.sent = []

    def get(self, path):
        self.sent.append(('GET', path, None))
        return [dict(r) for r in self.records]

    def get_by_name(self, path, name):
        self.sent.append(('GET', f'{path}/name/{name}', None))
        found = [dict(r) for r in self.records if r[self.key] == name]
        if not found and self.miss:
            raise ApiError('GET', path, self.miss[0], self.miss[1])
        return found or [{}]

    def _write(self, method, body, apply):
        self.sent.append((method, 'path', body))
        fault = self.faults.get((method, sum(1 for s in self.sent if s[0] == method)))
        if fault != 'lost':
            apply()
        if fault:
            raise OutcomeUnknown(method, 'https://box/path', 'connection reset')

    def post(self, path, body):
        self._write('POST', body, lambda: self.records.append(dict(body)))

    def put(self, path, body):
        self._write('PUT', body, lambda: next(r for r in self.records if r[self.key] == body[self.key]).update(body))

    def delete(self, path, body):
        held = [r for r in self.records if r[self.key] == body[self.key]]
        if not held:
            self.sent.append(('DELETE', 'path', body))
            raise ApiError('DELETE', 'https://box/path', 400, f"Zone '{body[self.key]}' does not exist")
        self._write('DELETE', body, lambda: self.records.remove(held[0]))

    def writes(self):
        return [(method, body) for method, _path, body in self.sent if method != 'GET']


ZONE_ARGS = {'name': 'Z', 'state': 'absent'}


@pytest.mark.parametrize(
    'action, before, after, current, expected',
    [
        ('delete', {'name': 'Z', 'hop_count': 15}, {}, None, 'done'),
        ('delete', {'name': 'Z', 'hop_count': 15}, {}, {'name': 'Z', 'hop_count': 15}, 'unchanged'),
        ('delete', {'name': 'Z', 'hop_count': 15}, {}, {'name': 'Z', 'hop_count': 16}, 'other'),
        ('create', {}, {'name': 'Z', 'hop_count': 9}, None, 'unchanged'),
        ('create', {}, {'name': 'Z', 'hop_count': 9}, {'name': 'Z', 'hop_count': 9, 'sip_mode': True}, 'done'),
        ('create', {}, {'name': 'Z', 'hop_count': 9}, {'name': 'Z', 'hop_count': 15}, 'other'),
        (
            'update',
            {'name': 'Z', 'hop_count': 15},
            {'name': 'Z', 'hop_count': 9},
            {'name': 'Z', 'hop_count': 9},
            'done',
        ),
        (
            'update',
            {'name': 'Z', 'hop_count': 15},
            {'name': 'Z', 'hop_count': 9},
            {'name': 'Z', 'hop_count': 15},
            'unchanged',
        ),
        ('update', {'name': 'Z', 'hop_count': 15}, {'name': 'Z', 'hop_count': 9}, None, 'other'),
        ('delete', {'index': 1, 'priority': 10}, {}, {'index': 3, 'priority': 10}, 'unchanged'),  # index ignored
    ],
)
def test_outcome(action, before, after, current, expected):
    assert outcome(Plan(action, {}, before, after), current) == expected


@pytest.mark.parametrize(
    'faults, writes',
    [
        ({('DELETE', 1): 'applied'}, [('DELETE', {'Name': 'Z'})]),
        ({('DELETE', 1): 'lost'}, [('DELETE', {'Name': 'Z'})] * 2),
    ],
)
def test_delete_with_a_lost_answer_rereads_and_resends_only_when_unchanged(faults, writes):
    box = Box([{'Name': 'Z'}, {'Name': 'Y'}], faults=faults)
    result = run_named(box, DNS_ZONE, ZONE_ARGS)
    assert result['changed'] is True and box.records == [{'Name': 'Y'}]
    assert box.writes() == writes


def test_delete_refused_as_unknown_is_success_when_the_object_is_gone():
    box = Box([{'Name': 'Z'}])
    box.delete('path', {'Name': 'Z'})  # an earlier attempt removed it after the read
    box.records, box.sent = [], []
    plan = Plan('delete', {'Name': 'Z'}, {'name': 'Z'}, {})
    send(box, DNS_ZONE, plan, lambda: None, "the dns zone 'Z'")
    assert box.writes() == [('DELETE', {'Name': 'Z'})]


def test_delete_refused_while_the_object_is_still_there_keeps_the_error():
    box = Box([{'Name': 'Z'}])
    plan = Plan('delete', {'Name': 'Other'}, {'name': 'Z'}, {})
    with pytest.raises(ApiError) as err:
        send(box, DNS_ZONE, plan, lambda: {'name': 'Z'}, "the dns zone 'Z'")
    assert err.value.status == 400 and box.records == [{'Name': 'Z'}]


def test_lost_answer_on_an_object_changed_by_someone_else_fails_and_resends_nothing():
    box = Box([{'Name': 'Z', 'HopCount': 15}], faults={('DELETE', 1): 'lost'})
    plan = Plan('delete', {'Name': 'Z'}, {'name': 'Z', 'hop_count': 15}, {})
    with pytest.raises(OutcomeUnknown) as err:
        send(box, DNS_ZONE, plan, lambda: {'name': 'Z', 'hop_count': 99}, "the dns zone 'Z'")
    assert "the dns zone 'Z' shows it neither as it was" in str(err.value) and 'connection reset' in str(err.value)
    assert box.writes() == [('DELETE', {'Name': 'Z'})]


def test_create_without_a_unique_key_is_not_resent():
    box = Box([], faults={('POST', 1): 'lost'})
    plan = Plan('create', {'Name': 'Z'}, {}, {'name': 'Z'})
    with pytest.raises(OutcomeUnknown, match='a create is not resent'):
        send(box, DNS_ZONE, plan, lambda: None, 'the rule', resend_create=False)
    assert box.writes() == [('POST', {'Name': 'Z'})]


def test_a_resend_whose_answer_is_lost_too_fails_unless_the_reread_shows_it_done():
    box = Box([{'Name': 'Z'}], faults={('DELETE', 1): 'lost', ('DELETE', 2): 'lost'})
    with pytest.raises(OutcomeUnknown, match='resent once'):
        run_named(box, DNS_ZONE, ZONE_ARGS)
    box = Box([{'Name': 'Z'}], faults={('DELETE', 1): 'lost', ('DELETE', 2): 'applied'})
    assert run_named(box, DNS_ZONE, ZONE_ARGS)['changed'] is True and box.records == []


@pytest.mark.parametrize('miss, lists', [(None, 0), ((404, 'Not found'), 1), ((400, "Zone 'Z' does not exist"), 1)])
def test_every_miss_shape_is_absent(miss, lists):
    box = Box([{'Name': 'Y'}], miss=miss)
    assert find_named(box, DNS_ZONE, 'Z') is None
    assert len([s for s in box.sent if s[1] == DNS_ZONE.path]) == lists
    assert list_named(box, DNS_ZONE, 'Y') == [{'name': 'Y'}]


def test_a_400_for_another_reason_stays_an_error_without_a_list():
    box = Box([], miss=(400, 'Name: too long (max 50)'))
    with pytest.raises(ApiError):
        find_named(box, DNS_ZONE, 'x' * 51)
    assert [s[1] for s in box.sent] == [DNS_ZONE.path + '/name/' + 'x' * 51]


SERVER = {'index': 2, 'address': '192.0.2.53'}


@pytest.mark.parametrize(
    'answer, expected',
    [
        ([SERVER], [SERVER]),
        ({'DefaultDNSServers': SERVER}, [SERVER]),
        ({'DefaultDNSServers': [SERVER]}, [SERVER]),
        ([{'DefaultDNSServers': SERVER}], [SERVER]),
        ([], []),
        ({}, []),
        ({'DefaultDNSServers': []}, []),
        (None, []),
        ([{}], []),
    ],
)
def test_dns_server_answers_in_every_shape(answer, expected):
    assert DNS_SERVER.records(answer) == expected


class Settings:
    """A singleton double whose first PUT is applied but its answer lost."""

    def __init__(self):
        self.values, self.puts = {'SystemHostName': 'expe', 'DomainName': 'example.test'}, 0

    def get_singleton(self, path):
        return dict(self.values)

    def put(self, path, body):
        self.puts += 1
        self.values.update(body)
        if self.puts == 1:
            raise OutcomeUnknown('PUT', 'https://box/common/dns/dns', 'read timed out')


def test_singleton_put_with_a_lost_answer_is_done_when_the_reread_shows_it():
    box = Settings()
    result = run_singleton(box, DNS_SETTINGS, {'system_host_name': 'expe2', 'domain_name': None})
    assert result['changed'] is True and box.puts == 1 and box.values['SystemHostName'] == 'expe2'
