# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Firewall rules: declared rules against the pending set, lock-out protection, clashes, activation.

The module identifies a rule by its priority (the API by ``Index``, which the user never sees). Edits
go to the pending set and take effect only on activation, which the Expressway refuses while two
pending rules share a priority. All refusals happen before the first write; the plan and check mode are
the reconcile runner's. The API addresses a rule by an index the box may renumber after a delete, so the
writes re-identify their rule by priority and contents once a delete went out (``write_rules``).
"""

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ApiError,
    ExpresswayError,
    OutcomeUnknown,
    RefusedError,
    ValidationError,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import (
    Plan,
    apply_plan,
    desired_options,
    group_by,
    list_records,
    outcome,
    plan_collection,
    records_after,
    send,
    shown_requests,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.validate import (
    canonical_address,
    check_port_order,
    check_ranges,
    ip_literal,
)

RULE = fields.FIREWALL_RULE
IDENTITY = 'priority'


def desired_rules(rules, state):
    """Declared rules in option space, checked before any request; two rules may not share a priority."""
    items, seen = [], set()
    for rule in rules:
        item = desired_options(RULE, rule)
        check_rule(item, state)
        if item[IDENTITY] in seen:
            raise ValidationError(
                'rules',
                item[IDENTITY],
                'one declared rule per priority',
                reason=f'two declared rules share priority {item[IDENTITY]}',
            )
        seen.add(item[IDENTITY])
        items.append(item)
    return items


def check_rule(item, state):
    check_ranges(RULE, item, 'rules.')
    if item.get('address') is None:
        if state == 'absent':
            return
        raise ValidationError(
            'rules.address',
            None,
            'an IPv4 or IPv6 address on every rule with state=present',
            reason=f'the rule with priority {item[IDENTITY]} has none',
        )
    item['address'] = ip_literal('rules.address', item['address'])
    limit = 128 if ':' in item['address'] else 32
    if item.get('prefix_length') is not None and item['prefix_length'] > limit:
        raise ValidationError('rules.prefix_length', item['prefix_length'], f'0 to {limit} for {item["address"]}')
    start, end = item.get('start_port'), item.get('end_port')
    if start is not None and end is not None and start > end:
        raise ValidationError('rules.start_port', start, f'a port not above end_port ({end})')


# A rule read from the box, its address in canonical form (the one function for it, in _expressway.validate).
canonical = canonical_address


def read_sets(client):
    """Pending and active sets in option space. A 404 means the box predates the firewall API."""
    try:
        pending = list_records(client, RULE)
    except ApiError as err:
        if err.status != 404:
            raise
        raise RefusedError(
            f'This Expressway has no firewall rule API (GET {err.url} answered HTTP 404): it needs '
            f'software {fields.FIREWALL_SINCE} or later{_version_note(client)}.',
            status=404,
        ) from err
    active = [RULE.to_options(r) for r in client.get(fields.FIREWALL_ACTIVE_PATH) or [] if isinstance(r, dict)]
    return [canonical(r) for r in pending], [canonical(r) for r in active]


def _version_note(client):
    # Only on the error path: a converged run never pays for the /sysinfo read.
    try:
        version = fields.sysinfo_to_options(client.get_singleton(fields.SYSINFO_PATH)).get('version')
    except ExpresswayError:
        return ''
    return f'; this one runs {version}' if version else ''


def check_plans(plans, items):
    """A new rule needs what the box cannot default; a rule deleted by priority must match what was declared.

    Also checks each written rule as a whole (a declared start_port against the end_port already on the
    box), so that no rule of the task is written when one of them would be refused.
    """
    declared = {item[IDENTITY]: item for item in items}
    for plan in plans:
        if plan.action in ('create', 'update'):
            check_port_order(plan.after, declared.get(plan.after.get(IDENTITY), {}))
        if plan.action == 'create':
            missing = [f.option for f in RULE.fields if f.create_required and plan.after.get(f.option) is None]
            if missing:
                raise ValidationError(
                    f'rules.{missing[0]}',
                    None,
                    f'a value: creating the rule with priority {plan.after[IDENTITY]} requires ' + ', '.join(missing),
                )
    for plan in plans:
        if plan.action != 'delete' or plan.before.get(IDENTITY) not in declared:
            continue
        item = declared[plan.before[IDENTITY]]
        differs = sorted(o for o, v in item.items() if plan.before.get(o) != v)
        if differs:
            raise RefusedError(
                f'Refusing to delete the rule with priority {item[IDENTITY]}: its '
                f'{", ".join(differs)} differ from the declared rule, so it may not be the rule '
                'you mean. Declare only the priority to delete whatever rule holds it.'
            )


def admits(rule, port):
    """Does this rule let TCP connections to port in (from somewhere)?"""
    if rule.get('action') != 'Allow':
        return False
    service = rule.get('service') or 'Custom'
    if service != 'Custom':
        return fields.FIREWALL_SERVICE_PORTS.get(service) == ('TCP', port)
    start, end = rule.get('start_port'), rule.get('end_port')
    return (
        rule.get('transport') in fields.FIREWALL_TCP_TRANSPORTS
        and start is not None
        and end is not None
        and start <= port <= end
    )


def check_lockout(pending, active, after, port):
    holders = sorted({r.get(IDENTITY) for r in pending + active if admits(r, port)}, key=str)
    if holders and not any(admits(r, port) for r in after):
        raise RefusedError(
            f'Refusing to change the firewall rules: afterwards no Allow rule would admit TCP port {port}, the '
            f'port of the management API this task uses (now admitted by the rule(s) with priority '
            f'{", ".join(map(str, holders))}). Keep or declare such a rule, or set lockout_protection=false '
            'if the box stays reachable another way.',
            management_port=port,
        )


def check_clash(after):
    clashes = {p: rules for p, rules in group_by(after, IDENTITY).items() if len(rules) > 1}
    if clashes:
        detail = '; '.join(
            f'priority {p}: indexes {", ".join(str(r.get("index", "new")) for r in rules)}'
            for p, rules in sorted(clashes.items())
        )
        raise RefusedError(
            f'Refusing to change the firewall rules: the pending set would hold rules sharing a '
            f'priority ({detail}), and the Expressway refuses to activate such a set. Renumber or '
            'remove the clashing rules first, or set activate=false to stage only.',
            clashing_priorities=sorted(clashes),
        )


def view(records, priorities, managed=True):
    """Rules compared between pending and active sets: without their index, in priority order."""
    chosen = [
        {k: v for k, v in r.items() if k != 'index'} for r in records if (r.get(IDENTITY) in priorities) == managed
    ]
    return sorted(chosen, key=lambda r: (r.get(IDENTITY) or 0, sorted(map(str, r.items()))))


def read_pending(client):
    return [canonical(r) for r in list_records(client, RULE)]


def locate(client, plan):
    """The rule the plan is about, as the pending set holds it now: found by priority and contents.

    Several rules holding the priority: the one equal to what was read (or planned), else a refusal.
    """
    priority = (plan.before or plan.after)[IDENTITY]
    held = [r for r in read_pending(client) if r.get(IDENTITY) == priority]
    if len(held) <= 1:
        return held[0] if held else None
    same = [r for r in held if outcome(plan, r) in ('unchanged', 'done')]
    if len(same) == 1:
        return same[0]
    raise RefusedError(
        f'Refusing to write the rule with priority {priority}: {len(held)} rules in the pending set '
        'hold that priority now, and none is certainly the one this task read. Nothing more '
        'was written; resolve the clash on the box, then run again.',
        priority=priority,
    )


def readdress(plan, current):
    """The plan aimed at the rule's index as re-read; None for a delete whose rule is already gone."""
    priority = plan.before[IDENTITY]
    if current is None and plan.action == 'delete':
        return None
    if current is None or outcome(plan, current) != 'unchanged':
        raise RefusedError(
            f'Refusing to {plan.action} the rule with priority {priority}: it changed on the box '
            'during this run (another client?), so it may no longer be the rule this task read. '
            'Nothing more was written; run the task again.',
            priority=priority,
        )
    return Plan(plan.action, dict(plan.body, **{RULE.key_field.key: current['index']}), plan.before, plan.after)


def write_rules(client, plans, check_mode):
    """Send the planned writes, deletes first.

    The contract does not say whether the box renumbers the other rules after a delete, so once a delete
    went out, every write addressed by index re-reads the pending set and finds its rule again by priority
    and contents; a remembered index is never reused. A lost answer is settled by the same re-read.
    """
    moved = False
    for plan in plans if not check_mode else ():
        if not plan.changed:
            continue
        if moved and plan.action != 'create':
            plan = readdress(plan, locate(client, plan))
            if plan is None:
                continue
        send(
            client,
            RULE,
            plan,
            lambda plan=plan: locate(client, plan),
            f'the firewall rule with priority {(plan.before or plan.after)[IDENTITY]}',
            rebind=readdress,
            resend_create=False,
        )
        moved = moved or plan.action == 'delete'


def activate_pending(client, check_mode):
    try:
        apply_plan(client, None, Plan('update', {}, path=fields.FIREWALL_ACTIVATION_PATH), check_mode)
    except OutcomeUnknown:
        # Activation copies pending to active and can be repeated; a lost answer is settled by comparing.
        pending, active = read_sets(client)
        if view(pending, set(), managed=False) != view(active, set(), managed=False):
            raise
    except ApiError as err:
        raise ApiError(
            err.method,
            err.url,
            err.status,
            err.message,
            'activation failed: the pending rules were written but the active set is unchanged',
        ) from err


def run_firewall(client, params, check_mode=False, want_diff=False):
    items = desired_rules(params['rules'], params['state'])
    managed = {item[IDENTITY] for item in items}
    pending, active = read_sets(client)
    plans = plan_collection(RULE, pending, items, IDENTITY, params['state'])
    check_plans(plans, items)
    after = records_after(RULE, pending, plans)
    staged = any(plan.changed for plan in plans)
    activate = params['activate'] and (staged or view(after, managed) != view(active, managed))
    if (staged or activate) and params['lockout_protection']:
        check_lockout(pending, active, after, params['management_port'] or params['port'])
    if activate:
        check_clash(after)
    write_rules(client, plans, check_mode)
    if activate:
        activate_pending(client, check_mode)
    activation = [Plan('update', {}, path=fields.FIREWALL_ACTIVATION_PATH)] if activate else []
    result = {
        'changed': staged or activate,
        'activated': activate,
        'rules': view(after, managed),
        'requests': shown_requests(RULE, plans) + shown_requests(None, activation),
    }
    if activate and view(after, managed, False) != view(active, managed, False):
        result['warnings'] = ['The activation also made active staged changes to rules this task does not manage.']
    if want_diff:
        active_after = after if activate else active
        result['diff'] = {
            'before': {'rules': view(pending, managed), 'active_rules': view(active, managed)},
            'after': {'rules': view(after, managed), 'active_rules': view(active_after, managed)},
        }
    return result
