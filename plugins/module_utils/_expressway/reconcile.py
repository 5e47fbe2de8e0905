# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read, compare, plan, write. Check mode and diff are decided here and nowhere else.

The flow for a named object is: validate input (no request) -> one GET -> reference checks (reads
only) -> plan (pure) -> at most one write, skipped in check mode. ``plan_named`` is pure so the same
plan drives normal and check mode, which keeps ``changed`` identical in both. Singletons and indexed
resources reuse ``desired_options``, ``plan_update`` and ``apply_plan``; only the read and the key differ.
Every write of a plan goes out through ``send``: when its answer is lost, the object is read again and the
write counts as done, is resent once, or fails (docs/design.md, "Deletes and ambiguous writes").
"""

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils import _pem
from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ApiError,
    ExpresswayError,
    OutcomeUnknown,
    ValidationError,
    missing_message,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.validate import (
    check_ranges,
    require_on_create,
)


class Plan:
    """What one object needs: action is none, create, update or delete; body is the API request body."""

    def __init__(self, action, body=None, before=None, after=None, path=None):
        self.action = action
        self.body = body
        self.path = path  # None: the resource's own path
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
    key = resource.key_field.option if resource.key_field else None
    changes.pop(key, None)
    if not changes:
        return Plan('none', before=current, after=current)
    after = dict(current, **changes)
    if key is not None:  # singletons have no key; everything else names the object in the body
        changes[key] = current.get(key, desired.get(key))
    return Plan('update', resource.to_body(changes), current, after)


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


# A 400 that says the object is missing; any other 400 on a read stays an error.


def find_named(client, resource, name):
    """The record called name, or None. Every answer the contract allows for a miss reads as absent.

    One GET by name: 200 with [] or {} is a miss. A 404 (also a box without the /name/ filter, before
    X8.9.1) or a 400 whose message says the object does not exist is confirmed by listing the collection
    once, so a 400 for any other reason stays an error.
    """
    try:
        records = client.get_by_name(resource.path, name)
    except ApiError as err:
        if err.status != 404 and not (err.status == 400 and missing_message(err.message)):
            raise
        records = resource.records(client.get(resource.path))
    return pick_named(resource, records, name)


def pick_named(resource, records, name):
    """The record whose key equals name, or None. The filter may be looser than equality, so recheck."""
    for record in records or []:
        if isinstance(record, dict) and resource.key_of(record) == name:
            return record
    return None


# The request each action sends. An upload is a multipart POST of PEM text (the trusted CA list).
_METHODS = {'create': 'POST', 'update': 'PUT', 'delete': 'DELETE', 'upload': 'POST'}


def requests_of(resource, plan):
    """The requests a plan sends, in order, as (method, path, body, upload); none when nothing changes."""
    if plan.action == 'none':
        return []
    path = plan.path or resource.path
    body = resource.write_body(plan.action, plan.body) if resource is not None else plan.body
    return [(_METHODS[plan.action], path, body, plan.action == 'upload')]


def shown_requests(resource, plans):
    """What the plans send (in check mode, would send), for the module result: method, path and body."""
    shown = []
    for plan in plans:
        for method, path, body, upload in requests_of(resource, plan):
            shown.append(
                {
                    'method': method,
                    'path': path,
                    'body': f'{_pem.count_certificates(body)} PEM certificate(s)' if upload else body,
                }
            )
    return shown


def apply_plan(client, resource, plan, check_mode):
    """The only place a write goes out: a loop over the plan's requests; nothing is sent in check mode."""
    if check_mode:
        return
    for method, path, body, upload in requests_of(resource, plan):
        if upload:
            client.post_file(path, fields.TRUSTED_CA_FIELD, 'ca.pem', body)
        else:
            getattr(client, method.lower())(path, body)  # client.post, client.put, client.delete


def result_of(resource, plan, want_diff):
    result = {'changed': plan.changed, resource.result_key: plan.after, 'requests': shown_requests(resource, [plan])}
    if want_diff:
        result['diff'] = {'before': plan.before, 'after': plan.after}
    return result


def run_named(client, resource, params, check_mode=False, want_diff=False, prechecks=(), refchecks=(), find=None):
    """Reconcile one named object.

    prechecks(resource, desired) run before any request; refchecks(client, resource, desired, current)
    run after the read and may only read. Both raise ValidationError. find(client, resource, name) reads
    the object (default: find_named, one GET); a caller reconciling many objects of one collection passes
    a lookup in one listing. A lost answer is always settled by a fresh find_named.
    """
    desired = desired_options(resource, params)
    state = params.get('state', 'present')
    if state == 'present':
        for check in (check_ranges,) + tuple(prechecks):
            check(resource, desired)
    record = (find or find_named)(client, resource, desired[resource.key_field.option])
    current = resource.to_options(record) if record is not None else None
    if state == 'present':
        for check in (require_on_create,) + tuple(refchecks):
            check(client, resource, desired, current)
    plan = plan_named(resource, current, desired, state)
    if not check_mode and plan.changed:
        name = desired[resource.key_field.option]
        send(
            client,
            resource,
            plan,
            lambda: _options(resource, find_named(client, resource, name)),
            f"the {resource.name.replace('_', ' ')} '{name}'",
        )
    return result_of(resource, plan, want_diff)


def _options(resource, record):
    return resource.to_options(record) if record is not None else None


def list_named(client, resource, name=None):
    """Info modules: all objects, or the one called name (empty list when absent), in option space."""
    if name is None:
        return [resource.to_options(r) for r in resource.records(client.get(resource.path))]
    record = find_named(client, resource, name)
    return [resource.to_options(record)] if record is not None else []


def run_singleton(client, resource, params, check_mode=False, want_diff=False, prechecks=()):
    """Reconcile a singleton (DNS settings): one GET, then at most one PUT of the changed keys only."""
    desired = desired_options(resource, params)
    for check in (check_ranges,) + tuple(prechecks):
        check(resource, desired)

    def read():
        return resource.to_options(client.get_singleton(resource.path) or {})

    plan = plan_update(resource, read(), desired)
    if not check_mode and plan.changed:
        send(client, resource, plan, read, f'the {resource.name.replace("_", " ")}')
    return result_of(resource, plan, want_diff)


# Indexed collections (DNS servers, firewall rules): objects identified by one option of theirs.
# ``identity`` is that option: the API key itself (index) or a field the module treats as the key
# (a firewall rule's priority). Writes go out deletes first, so a freed slot or limit can be reused.
_WRITE_ORDER = {'delete': 0, 'update': 1, 'create': 2, 'none': 3}


def group_by(records, identity):
    groups = {}
    for record in records:
        groups.setdefault(record.get(identity), []).append(record)
    return groups


def plan_collection(resource, records, items, identity, state):
    """Plans for items (desired objects in option space) against records (current, option space).

    present: create or correct each item; exact: also delete records no item names; absent: delete
    the records the items name. Records no item names are never touched otherwise.
    """
    groups = group_by(records, identity)
    plans = []
    for item in items:
        held = groups.get(item[identity], [])
        if len(held) > 1:
            raise ValidationError(
                identity,
                item[identity],
                f'a {identity} held by at most one object',
                reason=f'{len(held)} objects on the box share it; resolve that first',
            )
        plans.append(plan_named(resource, held[0] if held else None, item, state))
    if state == 'exact':
        wanted = {item[identity] for item in items}
        plans.extend(
            plan_named(resource, record, {}, 'absent') for record in records if record.get(identity) not in wanted
        )
    return sorted(plans, key=lambda plan: _WRITE_ORDER[plan.action])


def records_after(resource, records, plans):
    """The collection as it will be once the plans are applied (creates appended, without a key yet)."""
    key = resource.key_field.option
    replaced = {plan.before.get(key): plan.after for plan in plans if plan.action in ('update', 'delete')}
    after = [replaced.get(record.get(key), record) for record in records]
    after = [record for record in after if record]
    return after + [plan.after for plan in plans if plan.action == 'create']


def list_records(client, resource):
    return [resource.to_options(r) for r in resource.records(client.get(resource.path))]


def run_collection(client, resource, items, identity, state, check_mode=False, want_diff=False, normalize=None):
    """Reconcile an indexed collection as a whole: one GET of the list, then the planned writes.

    The identity is the API key here (a DNS server's slot), so it never moves; a write whose answer is
    lost is settled by re-reading the list. The result and diff show the whole collection before and
    after, sorted by identity.
    """

    def read():
        records = list_records(client, resource)
        return [normalize(record) for record in records] if normalize is not None else records

    records = read()
    plans = plan_collection(resource, records, items, identity, state)
    for plan in plans if not check_mode else ():
        if plan.changed:
            held = identity_of(plan, identity)
            send(
                client,
                resource,
                plan,
                lambda held=held: held_by(read(), identity, held),
                f'the {resource.name.replace("_", " ")} with {identity} {held}',
            )
    before = sorted(records, key=lambda record: record.get(identity))
    after = sorted(records_after(resource, records, plans), key=lambda record: record.get(identity))
    result = {
        'changed': any(plan.changed for plan in plans),
        resource.result_key: after,
        'requests': shown_requests(resource, plans),
    }
    if want_diff:
        result['diff'] = {'before': {resource.result_key: before}, 'after': {resource.result_key: after}}
    return result


def identity_of(plan, identity):
    return (plan.before or plan.after).get(identity)


def held_by(records, identity, value):
    """The record holding value, or None (a collection whose identity is unique holds at most one)."""
    return next((record for record in records if record.get(identity) == value), None)


# Writes whose answer was lost (docs/design.md, "Deletes and ambiguous writes"). The client never resends
# a write the box may have applied; it raises OutcomeUnknown and the object is re-read here instead.


def lost_answer(err):
    """Did the box perhaps apply the write? (An older client reports a 5xx as a plain ApiError.)"""
    return isinstance(err, OutcomeUnknown) or (isinstance(err, ApiError) and err.status >= 500)


def refused_as_gone(plan, err):
    """A DELETE refused as "no such object": an earlier attempt may have removed it; the re-read decides."""
    return plan.action == 'delete' and isinstance(err, ApiError) and err.status in (400, 404)


def outcome(plan, current, ignore=('index',)):
    """Where the object re-read after a failed write stands: 'done', 'unchanged' or 'other'.

    ignore: options that identify the object without being part of it (a firewall rule's index).
    """

    def holds(expected):
        return current is not None and all(current.get(k) == v for k, v in expected.items() if k not in ignore)

    if plan.action == 'delete':
        return 'done' if current is None else 'unchanged' if holds(plan.before) else 'other'
    if plan.action == 'create':
        return 'unchanged' if current is None else 'done' if holds(plan.after) else 'other'
    return 'done' if holds(plan.after) else 'unchanged' if holds(plan.before) else 'other'


def send(client, resource, plan, reread, label, rebind=None, resend_create=True):
    """Send one planned write; when the answer leaves its outcome open, re-read the object and decide.

    reread() returns the object now (option space) or None; rebind(plan, current) re-addresses the plan
    to the object as re-read (a firewall rule's index may have moved). In the planned state: success.
    Unchanged after a lost answer: resent once (a create only where the box enforces a unique key).
    Anything else fails, saying what the re-read found; nothing is guessed.
    """
    try:
        apply_plan(client, resource, plan, False)
        return
    except ExpresswayError as err:
        if not (lost_answer(err) or refused_as_gone(plan, err)):
            raise
        failure = err
    current = _reread(reread, failure)
    state = outcome(plan, current)
    if state == 'done':
        return
    if not lost_answer(failure):
        raise failure
    if state == 'other' or (plan.action == 'create' and not resend_create):
        raise unsettled(failure, label, state)
    again = rebind(plan, current) if rebind is not None else plan
    try:
        apply_plan(client, resource, again, False)
    except ExpresswayError as err:
        if not (lost_answer(err) or refused_as_gone(again, err)) or outcome(plan, _reread(reread, err)) != 'done':
            raise unsettled(err, label, 'resent') from err


def _reread(reread, failure):
    try:
        return reread()
    except ExpresswayError as err:
        raise failure from err


_FOUND = {
    'other': 'shows it neither as it was before the write nor as planned, so nothing was resent',
    'unchanged': 'shows it unchanged; a create is not resent where the box would accept a duplicate',
    'resent': 'showed it unchanged, so the write was resent once, and that outcome is unknown too',
}


def unsettled(err, label, state):
    """The failure after a re-read could not settle a write: what was sent, what came back, what was found."""
    reason = err.reason if isinstance(err, OutcomeUnknown) else f'HTTP {err.status}: {err.message}'
    return OutcomeUnknown(
        err.method,
        err.url,
        f'{reason}; a re-read of {label} {_FOUND[state]}. Check it on the Expressway, then run the task again.',
    )
