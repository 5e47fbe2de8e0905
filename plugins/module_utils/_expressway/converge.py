# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One converge per host (module ``webex_b2b`` and its action plugin): the Webex profile's objects, one session.

The flow: every input is checked (no request); one GET of /sysinfo; the gate (``_webex.gate``) may stop the
host before any write; then DNS servers, DNS settings, the zone and its search rules (rules removed before
the zone), trusted CAs and the firewall rules with their activation, each through the same reconcile code
the per-object modules use. Check mode and diff are theirs. The result lists every change as
(object, field, before, after), built here from the plans' diffs, so a drift report prints it as it is,
and the requests the plans send (in check mode, would send).
"""

from __future__ import annotations

import functools

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import (
    fields as expressway_fields,
    firewall as expressway_firewall,
    validate,
)
from ansible_collections.ucops.expressway.plugins.module_utils import _webex
from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ExpresswayError,
    RefusedError,
    ValidationError,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    ExpresswayClient,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import (
    check_ranges,
    desired_options,
    pick_named,
    run_collection,
    run_named,
    run_singleton,
)

# Per-object option specs the list and dict inputs are checked against (the per-object modules' own).
_ZONE_SPEC = {f.option: f.argspec() for f in expressway_fields.DNS_ZONE.fields if f.option != 'name'}
_RULE_SPEC = {f.option: f.argspec() for f in expressway_fields.SEARCH_RULE.fields}
_FIREWALL_SPEC = {f.option: f.argspec() for f in expressway_fields.FIREWALL_RULE.fields if f.option != 'index'}


MODULE_NAME = 'webex_b2b'


def argument_spec() -> dict:
    """The options of module webex_b2b (documented in plugins/modules/webex_b2b.py)."""
    return dict(
        connection_argument_spec(),
        generation=dict(type='str', default='ciscospark', choices=['ciscospark', 'webex']),
        zone_name=dict(type='str', default='Webex-B2B'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        zone_overrides=dict(type='dict', default={}),
        org_sip_domains=dict(type='list', elements='str', default=[]),
        rule_priority=dict(type='int', default=100),
        inbound_target_zone=dict(type='str', default=''),
        extra_search_rules=dict(type='list', elements='dict', default=[]),
        dns_servers=dict(type='list', elements='str', default=[]),
        dns_servers_state=dict(type='str', default='present', choices=['present', 'exact']),
        system_host_name=dict(type='str', default=''),
        domain_name=dict(type='str', default=''),
        trusted_ca_files=dict(type='list', elements='path', default=[]),
        manage_zone=dict(type='bool'),
        firewall_webex=dict(type='bool'),
        firewall_webex_sources=dict(type='list', elements='str', default=[]),
        firewall_published_sources=dict(type='bool', default=False),
        firewall_priority=dict(type='int', default=30000),
        firewall_extra_rules=dict(type='list', elements='dict', default=[]),
        management_port=dict(type='int'),
        cluster_primary=dict(type='bool', default=True),
    )


def run(client, params: dict, check_mode: bool = False, want_diff: bool = False) -> dict:
    """The module's work once its options are validated: check every input, then converge."""
    return converge(client, params, check_inputs(params), check_mode, want_diff)


def run_in_process(args: dict, check_mode: bool = False, want_diff: bool = False) -> dict:
    """The result module webex_b2b returns for args, computed in the calling process (the action plugin).

    The steps AnsibleModule and call_api take around run(): the options validated against the same spec
    (types, choices, defaults, environment fallbacks, unknown options refused), one client for the run,
    an ExpresswayError turned into a failed result, the options echoed as invocation.module_args, and
    every no_log value (the password) hidden wherever it appears in the result.
    """
    spec = argument_spec()
    validation = ArgumentSpecValidator(spec).validate(dict(args))
    params = validation.validated_parameters
    secrets = {str(params[name]) for name, option in spec.items() if option.get('no_log') and params.get(name)}
    if validation.errors.errors:
        msg = validation.errors.msg
        if isinstance(validation.errors.errors[0], UnsupportedError):
            msg = f'Unsupported parameters for ({MODULE_NAME}) module: {msg}'
        result = {'failed': True, 'msg': msg}
    else:
        client = None
        try:
            client = ExpresswayClient.from_params(params)
            result = run(client, params, check_mode, want_diff)
        except ExpresswayError as err:
            result = dict(err.fail_kwargs(), failed=True)
        finally:
            if client is not None:
                client.close()
    if not result.get('warnings'):
        result.pop('warnings', None)  # as AnsibleModule: the key only when there is a warning
    result.setdefault('changed', False)
    result['invocation'] = {'module_args': params}
    return remove_values(result, secrets)


class GateError(RefusedError):
    """The host must not be written to (version, product); raised after the read-only /sysinfo GET."""


def renamed(err, option):
    """The same refusal, naming the option the user set (the per-object check names its own option)."""
    text = str(err).replace(f'option {err.option}', f'option {option}', 1)
    return ValidationError(option, err.value, err.allowed, text=text)


def _checked(option, item, spec, required=()):
    """item validated against a per-object spec: types and choices as that module would check them."""
    if not isinstance(item, dict):
        raise ValidationError(option, item, 'a dict of options')
    missing = [key for key in required if item.get(key) is None]
    if missing:
        raise ValidationError(f'{option}.{missing[0]}', None, 'a value on every item')
    result = ArgumentSpecValidator(spec).validate(dict(item))
    if result.error_messages:
        raise ValidationError(
            option,
            item,
            'the options of the per-object module with their types and choices',
            reason='; '.join(result.error_messages),
        )
    return {key: value for key, value in result.validated_parameters.items() if value is not None}


def check_inputs(params: dict) -> dict:
    """Everything the inputs can get wrong, before the first request; returns the normalised inputs."""
    inputs = {key: params.get(key) for key in _webex.INPUTS}
    inputs['zone_overrides'] = _checked('zone_overrides', params.get('zone_overrides') or {}, _ZONE_SPEC)
    inputs['extra_search_rules'] = [
        _checked(f'extra_search_rules (item {n})', rule, _RULE_SPEC, ('name',))
        for n, rule in enumerate(params.get('extra_search_rules') or [], start=1)
    ]
    inputs['firewall_extra_rules'] = [
        _checked(f'firewall_extra_rules (item {n})', rule, _FIREWALL_SPEC, ('priority',))
        for n, rule in enumerate(params.get('firewall_extra_rules') or [], start=1)
    ]
    for domain in params.get('org_sip_domains') or []:
        if not validate.check_domain(domain):
            raise ValidationError('org_sip_domains', domain, validate.DOMAIN_ALLOWED)
    for source in params.get('firewall_webex_sources') or []:
        validate.ip_network('firewall_webex_sources', source)
    validate.check_port('management_port', params.get('management_port'))
    try:
        inputs['dns_servers'] = validate.check_dns_servers(
            params.get('dns_servers') or [], params.get('dns_servers_state'), expressway_fields.DNS_SERVER_MAX
        )
    except ValidationError as err:
        raise renamed(err, 'dns_servers') from err
    # The widest host (an Expressway-E primary with every object) shows every object the inputs can make.
    _check_objects(
        _webex.host_objects(
            dict(inputs, cluster_primary=True, manage_zone=True, firewall_webex=True),
            {'product': 'E', 'version': 'X99'},
        ),
        inputs,
    )
    return inputs


def _rule_origins(inputs):
    """The input each generated search rule comes from, in the order _webex.search_rules makes them."""
    origins = ['zone_name'] + ['org_sip_domains'] * len(inputs['org_sip_domains'] or [])
    if inputs['inbound_target_zone']:
        origins.append('inbound_target_zone')
    return origins + [f'extra_search_rules (item {n})' for n in range(1, len(inputs['extra_search_rules']) + 1)]


def _check_objects(objects, inputs):
    """The profile's objects as the per-object modules would check them (names, lengths, ports, regexes)."""
    try:
        check_ranges(expressway_fields.DNS_ZONE, desired_options(expressway_fields.DNS_ZONE, objects['zone']))
    except ValidationError as err:
        raise renamed(err, 'zone_name' if err.option == 'name' else f'zone_overrides.{err.option}') from err
    for rule, origin in zip(objects['search_rules'], _rule_origins(inputs)):
        desired = desired_options(expressway_fields.SEARCH_RULE, rule)
        try:
            check_ranges(expressway_fields.SEARCH_RULE, desired)
            validate.check_regex(expressway_fields.SEARCH_RULE, desired)
        except ValidationError as err:
            where = f'{origin}.{err.option}' if origin.startswith('extra') else origin
            raise renamed(err, where) from err
    if objects['dns_settings']:
        validate.check_dns_settings(expressway_fields.DNS_SETTINGS, objects['dns_settings'])
    for number, rule in enumerate(objects['firewall_rules'] or []):
        extra = number - (len(objects['firewall_rules']) - len(inputs['firewall_extra_rules']))
        try:
            expressway_firewall.check_rule(desired_options(expressway_fields.FIREWALL_RULE, rule), 'present')
        except ValidationError as err:
            field = err.option.split('.', 1)[-1]
            where = f'firewall_extra_rules (item {extra + 1}).{field}' if extra >= 0 else 'firewall_priority'
            raise renamed(err, where) from err
    try:
        expressway_firewall.desired_rules(objects['firewall_rules'] or [], 'present')
    except ValidationError as err:
        raise renamed(err, 'firewall_extra_rules') from err


def _truststore():
    """The trusted CA code, imported only where CA files are given: it loads cryptography (a third of the
    module's import time), and a converged run of a host without CA files should not pay for it."""
    from ansible_collections.ucops.expressway.plugins.module_utils._expressway import truststore

    return truststore


def read_trusted_cas(paths: list[str] | None) -> str:
    """The PEM text of every file, read and parsed before any request."""
    if not paths:
        return ''
    texts = []
    for path in paths or []:
        try:
            with open(path, encoding='ascii', errors='replace') as handle:
                texts.append(handle.read())
        except OSError as err:
            raise ValidationError('trusted_ca_files', path, 'readable PEM files', reason=str(err)) from err
        _truststore().parse_bundle(texts[-1], 'trusted_ca_files')
    return ''.join(texts)


def read_system(client):
    """The one GET of /sysinfo; the gate and the profile decide by its product and version."""
    return expressway_fields.sysinfo_to_options(client.get_singleton(expressway_fields.SYSINFO_PATH))


def converge(client, params: dict, inputs: dict, check_mode: bool = False, want_diff: bool = False) -> dict:
    """Read the system, gate, then converge each managed object; returns the module result."""
    pem_text = read_trusted_cas(inputs['trusted_ca_files'])
    system = read_system(client)
    reason = _webex.gate(inputs, system)
    if reason:
        raise GateError(f'{system.get("system_name") or params["host"]}: {reason}.', system=system)
    objects = _webex.host_objects(inputs, system)
    steps = []

    def step(kind, result):
        steps.append((kind, result))
        return result

    if objects['dns_servers']:
        items = [{'index': slot, 'address': address} for slot, address in enumerate(objects['dns_servers'], 1)]
        step(
            'dns_server',
            run_collection(
                client,
                expressway_fields.DNS_SERVER,
                items,
                'index',
                inputs['dns_servers_state'],
                check_mode,
                True,
                normalize=validate.canonical_address,
            ),
        )
    if objects['dns_settings']:
        step(
            'dns_settings',
            run_singleton(client, expressway_fields.DNS_SETTINGS, objects['dns_settings'], check_mode, True),
        )
    if objects['zone']:
        _zone_and_rules(client, objects, inputs['state'], check_mode, step)
    if pem_text and objects['trusted_ca_files']:
        step('trusted_ca', _truststore().run_append(client, pem_text, 'trusted_ca_files', check_mode, True))
    if objects['firewall_rules']:
        firewall = {
            'rules': objects['firewall_rules'],
            'state': 'present',
            'activate': True,
            'lockout_protection': True,
            'management_port': params.get('management_port'),
            'port': params['port'],
        }
        step('firewall_rule', expressway_firewall.run_firewall(client, firewall, check_mode, True))
    return result_of(system, objects, steps, want_diff)


def _zone_and_rules(client, objects, state, check_mode, step):
    """Rules reference the zone: the zone is created first and removed last."""
    zone, rules = objects['zone'], objects['search_rules']
    if state == 'absent':
        find = listing_lookup()
        for rule in reversed(rules):
            step(
                'search_rule',
                run_named(
                    client,
                    expressway_fields.SEARCH_RULE,
                    {'name': rule['name'], 'state': 'absent'},
                    check_mode,
                    True,
                    find=find,
                ),
            )
        step(
            'dns_zone',
            run_named(client, expressway_fields.DNS_ZONE, {'name': zone['name'], 'state': 'absent'}, check_mode, True),
        )
        return
    step('dns_zone', run_named(client, expressway_fields.DNS_ZONE, dict(zone, state='present'), check_mode, True))
    # The rules name the zone this run has just converged: it counts as existing, in check mode too.
    refcheck = functools.partial(validate.check_zone_references, managed={zone['name']})
    find = listing_lookup()
    for rule in rules:
        step(
            'search_rule',
            run_named(
                client,
                expressway_fields.SEARCH_RULE,
                dict(rule, state='present'),
                check_mode,
                True,
                prechecks=[validate.check_regex],
                refchecks=[validate.check_regex_with_current, refcheck],
                find=find,
            ),
        )


def listing_lookup():
    """A find for run_named that lists the collection once: one GET for every rule of the run."""
    cache = {}

    def find(client, resource, name):
        if 'records' not in cache:
            cache['records'] = resource.records(client.get(resource.path))
        return pick_named(resource, cache['records'], name)

    return find


# Collections diff element by element on their identity (a DNS server's slot, a firewall rule's priority).
_IDENTITIES = {'servers': 'index', 'rules': 'priority', 'active_rules': 'priority'}


def changes_of(kind: str, result: dict) -> list[dict]:
    """(object, field, before, after) for every difference the step's diff shows."""
    if not result.get('changed'):
        return []
    before, after = result['diff']['before'] or {}, result['diff']['after'] or {}
    lists = [key for key in after if key in _IDENTITIES]
    if not lists:
        name = after.get('name', before.get('name'))
        return _object_changes(kind + (f' {name}' if name else ''), before, after)
    changes = []
    for key in lists:
        ident = _IDENTITIES[key]
        old = {item.get(ident): item for item in before.get(key) or []}
        new = {item.get(ident): item for item in after.get(key) or []}
        label = f'{kind} active {ident}' if key == 'active_rules' else f'{kind} {ident}'
        for value in sorted(set(old) | set(new), key=str):
            changes += _object_changes(f'{label} {value}', old.get(value, {}), new.get(value, {}), ignore=(ident,))
    return changes


def _object_changes(label, before, after, ignore=()):
    if not before and after:
        return [change(label, '(missing)', None, after)]
    if before and not after:
        return [change(label, '(removed)', before, None)]
    fields = list(dict.fromkeys([*before, *after]))
    return [
        change(label, field, before.get(field), after.get(field))
        for field in fields
        if field not in ignore and before.get(field) != after.get(field)
    ]


def change(label: str, field: str, before, after) -> dict:
    """One change, with the line a drift report prints."""
    if field in ('(missing)', '(removed)'):
        text = f'{label}: {field}'
    else:
        text = f'{label}: {field} {_shown(before)} -> {_shown(after)}'
    return {'object': label, 'field': field, 'before': before, 'after': after, 'line': text}


def _shown(value):
    if value is None:
        return '(unset)'
    if isinstance(value, list) and len(value) > 3:
        return f'[{len(value)} items]'
    return repr(value) if isinstance(value, str) else str(value)


def result_of(system, objects, steps, want_diff):
    """The module result: changed, the changes, per-object results and, with diff, before and after."""
    changes = [item for kind, result in steps for item in changes_of(kind, result)]
    result = {
        'changed': any(result.get('changed') for _kind, result in steps),
        'changes': changes,
        'system': {key: system.get(key) for key in ('product', 'system_type', 'version', 'system_name')},
        'managed': sorted({kind for kind, _result in steps}),
        'objects': objects,
    }
    result['requests'] = [request for _kind, step_result in steps for request in step_result.pop('requests', [])]
    for _kind, step_result in steps:
        result.setdefault('warnings', []).extend(step_result.pop('warnings', []))
    if want_diff:
        result['diff'] = [
            {'before_header': kind, 'after_header': kind, 'before': r['diff']['before'], 'after': r['diff']['after']}
            for kind, r in steps
            if r.get('changed')
        ]
    return result
