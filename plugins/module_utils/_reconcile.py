# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read, compare, plan, write. Check mode and diff are decided here and nowhere else.

The flow for a named object is: validate input (no request) -> one GET -> reference checks (reads
only) -> plan (pure) -> at most one write, skipped in check mode. ``plan_named`` is pure so the same
plan drives normal and check mode, which keeps ``changed`` identical in both. Singletons and indexed
resources reuse ``desired_options``, ``plan_update`` and ``apply_plan``; only the read and the key differ.
"""

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError
from ansible_collections.ucops.expressway.plugins.module_utils._validate import check_ranges, require_on_create


class Plan:
    """What one object needs: action is none, create, update or delete; body is the API request body."""

    def __init__(self, action, body=None, before=None, after=None):
        self.action = action
        self.body = body
        self.before = before if before is not None else {}
        self.after = after if after is not None else {}

    @property
    def changed(self):
        return self.action != 'none'


def desired_options(resource, params):
    """The options the user set. None means "not managed": never sent, never compared."""
    return {f.option: params.get(f.option) for f in resource.fields if params.get(f.option) is not None}


def plan_update(resource, current, desired):
    """Minimal change: the key plus the options whose value differs; before/after in option space."""
    changes = {opt: val for opt, val in desired.items() if current.get(opt) != val}
    key = resource.key_field.option
    changes.pop(key, None)
    if not changes:
        return Plan('none', before=current, after=current)
    after = dict(current, **changes)
    body = resource.to_body(dict(changes, **{key: current.get(key, desired.get(key))}))
    return Plan('update', body, current, after)


def plan_named(resource, current, desired, state):
    """current: the object in option space or None when absent; desired: desired_options(...)."""
    key = resource.key_field.option
    if state == 'absent':
        if current is None:
            return Plan('none')
        return Plan('delete', resource.to_body({key: current[key]}), current, {})
    if current is None:
        return Plan('create', resource.to_body(desired), {}, dict(desired))
    return plan_update(resource, current, desired)


def find_named(client, resource, name):
    """One GET by name; falls back to list + pick when the box has no /name/ filter (before X8.9.1: 404)."""
    try:
        records = client.get_by_name(resource.path, name)
    except ApiError as err:
        if err.status != 404:
            raise
        records = client.get(resource.path) or []
    return pick_named(resource, records, name)


def pick_named(resource, records, name):
    """The record whose key equals name, or None. The filter may be looser than equality, so recheck."""
    for record in records or []:
        if isinstance(record, dict) and resource.key_of(record) == name:
            return record
    return None


def apply_plan(client, resource, plan, check_mode):
    """The only place a write goes out; nothing is sent in check mode."""
    if check_mode or plan.action == 'none':
        return
    if plan.action == 'create':
        client.post(resource.path, plan.body)
    elif plan.action == 'update':
        client.put(resource.path, plan.body)
    elif plan.action == 'delete':
        client.delete(resource.path, plan.body)


def result_of(resource, plan, want_diff):
    result = {'changed': plan.changed, resource.result_key: plan.after}
    if want_diff:
        result['diff'] = {'before': plan.before, 'after': plan.after}
    return result


def run_named(client, resource, params, check_mode=False, want_diff=False, prechecks=(), refchecks=()):
    """Reconcile one named object.

    prechecks(resource, desired) run before any request; refchecks(client, resource, desired, current)
    run after the read and may only read. Both raise ValidationError.
    """
    desired = desired_options(resource, params)
    state = params.get('state', 'present')
    if state == 'present':
        for check in (check_ranges,) + tuple(prechecks):
            check(resource, desired)
    record = find_named(client, resource, desired[resource.key_field.option])
    current = resource.to_options(record) if record is not None else None
    if state == 'present':
        for check in (require_on_create,) + tuple(refchecks):
            check(client, resource, desired, current)
    plan = plan_named(resource, current, desired, state)
    apply_plan(client, resource, plan, check_mode)
    return result_of(resource, plan, want_diff)


def list_named(client, resource, name=None):
    """Info modules: all objects, or the one called name (empty list when absent), in option space."""
    if name is None:
        records = client.get(resource.path) or []
        return [resource.to_options(r) for r in records if isinstance(r, dict)]
    record = find_named(client, resource, name)
    return [resource.to_options(record)] if record is not None else []
