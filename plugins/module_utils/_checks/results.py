# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Result rows, the per-rule roll-up, summary counts and the fail_on verdict of every check module.

The shape is the contract of check-results: the network checks, the configuration check and the
fleet report all read and write it through this file, so a status or a level is spelled once.
"""

from __future__ import annotations

import collections

from ansible_collections.ucops.expressway.plugins.module_utils._checks.catalogue import get_rule

# The result vocabulary, spelled here only: statuses worst first (the report's order too), and the fail_on
# choices of every check module. Levels are the catalogue's (_checks.catalogue.LEVELS).
STATUSES = ('fail', 'warn', 'pass', 'skip')
# Roll-up order: one failing address makes the rule fail for its subject.
_SEVERITY = {status: len(STATUSES) - rank for rank, status in enumerate(STATUSES)}
FAIL_ON = ('must', 'should', 'never')


def make_row(subject, rule_id, status, summary, evidence=None, target=None, address=None, port=None, level=None):
    """One result row; level and remedy come from the catalogue (remedy only when not passing).

    ``level`` overrides the catalogue level where the requirements page raises it (IN-CERT-* become
    must once mutual TLS is in use).
    """
    if status not in STATUSES:
        raise ValueError('unknown status %r for %s' % (status, rule_id))
    rule = get_rule(rule_id)
    return {
        'subject': subject,
        'target': target,
        'address': address,
        'port': port,
        'rule': rule.id,
        'level': level or rule.level,
        'status': status,
        'summary': summary,
        'evidence': evidence if evidence is not None else {},
        'remedy': rule.remedy if status in ('fail', 'warn') else None,
    }


def worst(statuses):
    """The worst status of a group (fail > warn > pass > skip); skip for an empty group."""
    result = 'skip'
    for status in statuses:
        if _SEVERITY[status] > _SEVERITY[result]:
            result = status
    return result


def roll_up(rows):
    """One entry per subject x rule, in the order rows first name them, with the worst status.

    The level is the highest level any row of the group carries, so a raised level is not lost.
    """
    groups = collections.OrderedDict()
    for row in rows:
        groups.setdefault((row['subject'], row['rule']), []).append(row)
    rolled = []
    for (subject, rule_id), group in groups.items():
        levels = [row['level'] for row in group]
        level = 'must' if 'must' in levels else ('should' if 'should' in levels else 'info')
        rolled.append(
            {'subject': subject, 'rule': rule_id, 'level': level, 'status': worst(row['status'] for row in group)}
        )
    return rolled


def count(rows):
    """Summary counts by status, every status present (zero when unseen)."""
    counts = dict((status, 0) for status in STATUSES)
    for row in rows:
        counts[row['status']] += 1
    return counts


def _breaks(rule, fail_on):
    if fail_on == 'must':
        return rule['level'] == 'must' and rule['status'] == 'fail'
    if fail_on == 'should':
        return rule['level'] in ('must', 'should') and rule['status'] in ('fail', 'warn')
    return False


def verdict(rules, fail_on):
    """(failed, msg): msg names each failing subject with its failing rules, or says all is well."""
    if fail_on not in FAIL_ON:
        raise ValueError('fail_on must be one of %s, not %r' % (', '.join(FAIL_ON), fail_on))
    failing = collections.OrderedDict()
    for rule in rules:
        if _breaks(rule, fail_on):
            failing.setdefault(rule['subject'], []).append('%s %s' % (rule['rule'], rule['status']))
    if not failing:
        return False, 'all %d rule checks are within fail_on=%s' % (len(rules), fail_on)
    parts = ['%s: %s' % (subject, ', '.join(ids)) for subject, ids in failing.items()]
    return True, 'rules failing at fail_on=%s: %s' % (fail_on, '; '.join(parts))


def module_result(rows, fail_on):
    """The dict a check module returns (without the module's own keys): results, rules, summary."""
    rules = roll_up(rows)
    failed, msg = verdict(rules, fail_on)
    return {'changed': False, 'failed': failed, 'msg': msg, 'results': rows, 'rules': rules, 'summary': count(rows)}


def exit_with_results(module, rows):
    """End a check module: never changed; failed (with msg) only by the fail_on verdict."""
    result = module_result(rows, module.params['fail_on'])
    if result.pop('failed'):
        module.fail_json(**result)
    module.exit_json(**result)
