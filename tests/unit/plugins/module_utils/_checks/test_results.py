# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import (
    count,
    make_row,
    module_result,
    roll_up,
    verdict,
    worst,
)
from ansible_collections.ucops.expressway.plugins.module_utils._checks.catalogue import RULES


def test_row_takes_level_and_remedy_from_the_catalogue():
    passing = make_row('sips:a@example.test', 'OUT-TLS', 'pass', 'ok', address='127.0.0.1', port=5061)
    failing = make_row('sips:a@example.test', 'OUT-PTR', 'fail', 'no PTR')
    assert passing['level'] == 'must' and passing['remedy'] is None
    assert failing['level'] == 'should' and failing['remedy'] == RULES['OUT-PTR'].remedy
    assert set(passing) == {
        'subject',
        'target',
        'address',
        'port',
        'rule',
        'level',
        'status',
        'summary',
        'evidence',
        'remedy',
    }


def test_row_rejects_unknown_rule_and_status():
    with pytest.raises(KeyError):
        make_row('s', 'OUT-NOPE', 'pass', 'x')
    with pytest.raises(ValueError):
        make_row('s', 'OUT-TLS', 'ok', 'x')


@pytest.mark.parametrize(
    'statuses, expected',
    [
        (['pass', 'skip'], 'pass'),
        (['pass', 'warn', 'skip'], 'warn'),
        (['warn', 'fail', 'pass'], 'fail'),
        (['skip'], 'skip'),
        ([], 'skip'),
    ],
)
def test_worst(statuses, expected):
    assert worst(statuses) == expected


def test_roll_up_per_subject_and_rule_keeps_order_and_raised_level():
    rows = [
        make_row('a', 'OUT-TLS', 'pass', ''),
        make_row('a', 'OUT-TLS', 'fail', ''),
        make_row('b', 'OUT-TLS', 'pass', ''),
        make_row('a', 'IN-CERT-EKU', 'fail', '', level='must'),
    ]
    assert roll_up(rows) == [
        {'subject': 'a', 'rule': 'OUT-TLS', 'level': 'must', 'status': 'fail'},
        {'subject': 'b', 'rule': 'OUT-TLS', 'level': 'must', 'status': 'pass'},
        {'subject': 'a', 'rule': 'IN-CERT-EKU', 'level': 'must', 'status': 'fail'},
    ]
    assert count(rows) == {'pass': 2, 'fail': 2, 'warn': 0, 'skip': 0}


def _rule(subject, rule, level, status):
    return {'subject': subject, 'rule': rule, 'level': level, 'status': status}


@pytest.mark.parametrize(
    'rules, fail_on, failed',
    [
        ([_rule('a', 'OUT-TLS', 'must', 'fail')], 'must', True),
        ([_rule('a', 'OUT-TLS', 'must', 'warn')], 'must', False),
        ([_rule('a', 'OUT-PTR', 'should', 'fail')], 'must', False),
        ([_rule('a', 'OUT-PTR', 'should', 'fail')], 'should', True),
        ([_rule('a', 'OUT-PTR', 'should', 'warn')], 'should', True),
        ([_rule('a', 'OUT-TLS', 'must', 'warn')], 'should', True),
        ([_rule('a', 'OUT-TLS', 'must', 'skip'), _rule('a', 'OUT-PTR', 'should', 'pass')], 'should', False),
        ([_rule('a', 'OUT-TLS', 'must', 'fail')], 'never', False),
    ],
)
def test_verdict(rules, fail_on, failed):
    assert verdict(rules, fail_on)[0] is failed


def test_verdict_message_names_subjects_and_rules():
    rules = [
        _rule('sips:a@x.test', 'OUT-TLS', 'must', 'fail'),
        _rule('sips:a@x.test', 'OUT-A', 'must', 'fail'),
        _rule('sips:b@y.test', 'OUT-CERT-VALID', 'must', 'fail'),
        _rule('sips:c@z.test', 'OUT-A', 'must', 'pass'),
    ]
    failed, msg = verdict(rules, 'must')
    assert failed
    assert 'sips:a@x.test: OUT-TLS fail, OUT-A fail' in msg and 'sips:b@y.test: OUT-CERT-VALID fail' in msg
    assert 'sips:c@z.test' not in msg
    with pytest.raises(ValueError):
        verdict(rules, 'always')


def test_module_result_is_never_changed():
    result = module_result([make_row('a', 'OUT-URI', 'fail', 'bad')], 'must')
    assert result['changed'] is False and result['failed'] is True
    assert result['rules'][0]['status'] == 'fail' and result['summary']['fail'] == 1
