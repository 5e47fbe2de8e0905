# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Input checks that run before the first request. Each raises ValidationError naming option, value and what is allowed.

Enumerations are enforced by the generated argspec (choices); what the argspec cannot express lives here.
Text patterns are matched whole (``fullmatch``): a ``$`` anchor would let a trailing newline through.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from ansible.module_utils import basic
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ApiError,
    ValidationError,
    missing_message,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields


def check_ranges(resource, desired, prefix=''):
    """Ranges from the table (hop_count 1-255, ports 1-65535, description length); no request needed.

    For an int field the range bounds the value, for a str field its length. prefix names the list the
    object came from in the message (``rules.``).
    """
    for field in resource.fields:
        value = desired.get(field.option)
        if value is None or (field.minimum is None and field.maximum is None):
            continue
        low = field.minimum if field.minimum is not None else 0
        if field.type == 'str':
            if not low <= len(value) <= field.maximum:
                raise ValidationError(
                    prefix + field.option,
                    value,
                    f'at most {field.maximum} characters',
                    reason=f'{len(value)} characters given',
                )
        elif not low <= value <= field.maximum:
            raise ValidationError(prefix + field.option, value, f'an integer from {low} to {field.maximum}')


def check_port(option, value):
    """A TCP/UDP port, 1 to 65535; None (not set) passes."""
    if value is not None and not fields.PORT_MIN <= value <= fields.PORT_MAX:
        raise ValidationError(option, value, f'a port number from {fields.PORT_MIN} to {fields.PORT_MAX}')
    return value


def require_on_create(client, resource, desired, current):
    """A new object needs the keys the box cannot default (search rule: priority, target_name)."""
    del client  # reference checks share one signature; this one needs no reads
    if current is not None:
        return
    missing = [f.option for f in resource.fields if f.create_required and desired.get(f.option) is None]
    if missing:
        name = desired.get(resource.key_field.option)
        raise ValidationError(
            missing[0],
            None,
            'a value',
            text=(
                f'{resource.name} {name!r} does not exist; creating it requires the options '
                f'{", ".join(f.option for f in resource.fields if f.create_required)} (missing: {", ".join(missing)})'
            ),
        )


def check_regex(resource, desired, current=None):
    """pattern_string must compile when the rule's pattern type (given or current) is Regex.

    Python's re is a close approximation of the appliance's regular expressions: it catches the
    unbalanced brackets and dangling quantifiers that make the box refuse the rule.
    """
    del resource
    pattern = desired.get('pattern_string')
    ptype = desired.get('pattern_type') or (current or {}).get('pattern_type')
    if pattern is None or ptype != 'Regex':
        return
    try:
        re.compile(pattern)
    except re.error as err:
        raise ValidationError(
            'pattern_string', pattern, 'a valid regular expression when pattern_type is Regex', reason=str(err)
        ) from err


def check_regex_with_current(client, resource, desired, current):
    """The same check once the current rule is known (pattern_type not given but already Regex)."""
    del client
    check_regex(resource, desired, current)


def check_zone_references(client, resource, desired, current, check_mode=False, warn=None, managed=()):
    """source_name / target_name must name an existing zone.

    Costs reads, so only options that are set AND differ from the current object are looked up, one
    filtered GET per zone collection, stopping at the first hit. In check mode an earlier task of the same
    run may only have planned the zone (a role creates the zone, then its rules), so a missing zone is
    reported through warn instead; the real run still refuses it before writing. managed: zones the same
    module run creates before its rules (webex_b2b), which count as existing without a lookup.
    """
    del resource
    for option in ('source_name', 'target_name'):
        value = desired.get(option)
        if value is None or value in managed or (current is not None and current.get(option) == value):
            continue
        if value in fields.BUILTIN_ZONE_NAMES or zone_exists(client, value):
            continue
        if check_mode and warn is not None:
            warn(
                f'{option} {value!r}: no zone has this name; assumed created by an earlier task in this run '
                '(check mode)'
            )
            continue
        raise ValidationError(option, value, 'the name of an existing zone', reason='no zone has this name')


def zone_exists(client, name):
    for path in fields.ZONE_COLLECTIONS:
        if any(isinstance(r, dict) and r.get(fields.ZONE_NAME_KEY) == name for r in _zones_named(client, path, name)):
            return True
    return False


def _zones_named(client, path, name):
    """The zones of one collection that may be called name; [] where the product has no such collection."""
    try:
        return client.get_by_name(path, name)
    except ApiError as err:
        # A 400 saying "does not exist" is one way a box answers a by-name miss: confirmed by listing, as in
        # _expressway.reconcile.find_named, so a 400 for any other reason stays an error.
        if err.status != 404 and not (err.status == 400 and missing_message(err.message)):
            raise
    # 404: either no /name/ filter (before X8.9.1) or no such collection here (edge/ on a C): list it.
    try:
        return client.get(path) or []
    except ApiError as err:
        if err.status == 404:
            return []
        raise


# One DNS label (host name) and a dotted name of such labels (domain), as the web UI accepts them. Used
# with fullmatch only: '$' also matches before a final newline, and 'expe\n' is not a host name.
_LABEL = r'(?!-)[A-Za-z0-9-]{1,63}(?<!-)'
_HOST_RE = re.compile(_LABEL)
_DOMAIN_RE = re.compile(rf'{_LABEL}(\.{_LABEL})*\.?')
DOMAIN_ALLOWED = 'a domain name (dot-separated DNS labels, at most 253 characters)'
IP_ALLOWED = 'an IPv4 or IPv6 address without prefix, port or scope (%zone)'


def ip_literal(option, value):
    """The address in its canonical text form (IPv6 compressed, lower case), so comparisons are exact.

    Python accepts an IPv6 scope (fe80::1%eth0) since 3.9; the scope names an interface of the machine
    that reads it, which means nothing to the Expressway, so it is refused. IPv4-mapped IPv6 addresses
    (::ffff:192.0.2.1) are IPv6 literals and pass, as they do on the box's own address check.
    """
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError as err:
        raise ValidationError(option, value, IP_ALLOWED) from err
    if getattr(address, 'scope_id', None):
        raise ValidationError(option, value, IP_ALLOWED, reason='an IPv6 address with a scope')
    return str(address)


def ip_network(option, value):
    """A source range as the firewall takes it: an address with an optional prefix ("192.0.2.0/24")."""
    text = str(value).strip()
    address, _sep, prefix = text.partition('/')
    canonical = ip_literal(option, address)
    limit = 128 if ':' in canonical else 32
    if prefix and not (prefix.isdigit() and 0 <= int(prefix) <= limit):
        raise ValidationError(option, value, f'an address with an optional prefix length 0 to {limit}')
    return f'{canonical}/{int(prefix) if prefix else limit}'


def canonical_address(record):
    """A record read from the box (DNS server, firewall rule) with its address in canonical form.

    Left as it is when the box holds something that is not an address, so a comparison shows the difference.
    """
    try:
        return dict(record, address=ip_literal('address', record.get('address')))
    except ValidationError:
        return record


def check_dns_servers(servers, state, maximum):
    """Up to maximum addresses; state exact with an empty list would delete every server: refused."""
    if len(servers) > maximum:
        raise ValidationError(
            'servers',
            servers,
            f'at most {maximum} addresses',
            reason=f'{len(servers)} given; the Expressway holds {maximum} DNS servers',
        )
    if state == 'exact' and not servers:
        raise ValidationError(
            'servers',
            servers,
            'at least one address with state=exact',
            reason='an empty list would delete every DNS server',
        )
    return [ip_literal('servers', server) for server in servers]


def check_dns_settings(resource, desired):
    del resource
    host = desired.get('system_host_name')
    if host is not None and not _HOST_RE.fullmatch(host):
        raise ValidationError('system_host_name', host, 'one DNS label: letters, digits and hyphens, 1-63 characters')
    domain = desired.get('domain_name')
    if domain is not None and domain != '' and not check_domain(domain):
        raise ValidationError('domain_name', domain, DOMAIN_ALLOWED + ' or an empty string')


def check_domain(name):
    """A domain name: DNS labels joined by dots, at most 253 characters, one trailing dot allowed."""
    return isinstance(name, str) and len(name) <= 253 and _DOMAIN_RE.fullmatch(name) is not None


def check_port_order(after, declared, prefix='rules.'):
    """start_port not above end_port in the object as it would be written (declared values over current ones).

    The option named is the one declared, so a start_port above the end port the rule already has on the
    box is reported against start_port. Only raises when both ends are known.
    """
    start, end = after.get('start_port'), after.get('end_port')
    if start is None or end is None or start <= end:
        return
    where = f'the rule with priority {after.get("priority")}' if after.get('priority') is not None else 'the rule'
    if 'start_port' not in declared and 'end_port' in declared:
        raise ValidationError(prefix + 'end_port', end, f'a port not below start_port ({start}) of {where}')
    raise ValidationError(prefix + 'start_port', start, f'a port not above end_port ({end}) of {where}')


def check_firewall_params(params):
    """firewall_rule options outside the rules list; returns params for chaining into the run."""
    check_port('management_port', params.get('management_port'))
    return params


def check_config_params(params):
    """webex_config_check: sip_domains are domain names; expected_firewall ranges as check_expected_firewall."""
    for domain in params.get('sip_domains') or []:
        if not check_domain(domain):
            raise ValidationError('sip_domains', domain, DOMAIN_ALLOWED)
    return check_expected_firewall(params)


def check_expected_firewall(params):
    """expected_firewall: ports 1-65535, start not above end, an address (no scope) with a fitting prefix."""
    for number, item in enumerate(params.get('expected_firewall') or [], start=1):
        where = f'expected_firewall (item {number})'
        for key in ('start_port', 'end_port'):
            check_port(f'{where}.{key}', item[key])
        if item['start_port'] > item['end_port']:
            raise ValidationError(
                f'{where}.start_port', item['start_port'], f'a port not above end_port ({item["end_port"]})'
            )
        if item.get('address') is not None:
            limit = 128 if ':' in ip_literal(f'{where}.address', item['address']) else 32
            if not 0 <= item['prefix_length'] <= limit:
                raise ValidationError(
                    f'{where}.prefix_length', item['prefix_length'], f'0 to {limit} for {item["address"]}'
                )
    return params


class ExpresswayModule(basic.AnsibleModule):
    """AnsibleModule that keeps the password hidden when a list or dict of sub-options is malformed.

    Ansible gathers the no_log values (the password) in one pass that stops at the first element of a
    sub-option list that is not a dictionary (``rules: [1]``); the failure it then reports carries the
    module arguments, password included, and -vvv prints them. So such elements are found here first,
    that option is checked as raw by Ansible (which then gathers every no_log value) and the module fails
    with a message of its own. fail_json also re-adds the no_log values, whatever the path to it.
    """

    def __init__(self, argument_spec, **kwargs):
        # The raw arguments (a private but long-stable helper of basic, kept optional); None when
        # ansible-test validate-modules captures the argspec.
        load = getattr(basic, '_load_params', None)
        raw = load() if callable(load) else None
        malformed = malformed_suboptions(argument_spec, raw or {})
        relaxed = {name: _raw(spec) if name in malformed else spec for name, spec in argument_spec.items()}
        super().__init__(argument_spec=relaxed if malformed else argument_spec, **kwargs)
        if malformed:
            self.fail_json(**next(iter(malformed.values())).fail_kwargs())

    def fail_json(self, *args, **kwargs):  # pylint: disable=arguments-differ
        self.no_log_values.update(no_log_values(self.argument_spec, getattr(self, 'params', None) or {}))
        super().fail_json(*args, **kwargs)


def _raw(spec):
    return dict({k: v for k, v in spec.items() if k not in ('options', 'elements')}, type='raw')


def _param(params, name, spec):
    for key in (name,) + tuple(spec.get('aliases') or ()):
        if isinstance(params, Mapping) and params.get(key) is not None:
            return params[key]
    return None


def _as_dict(item):
    """An element as Ansible reads it: a dict, or a string of JSON or k=v pairs; None if neither."""
    if isinstance(item, str):
        try:
            item = check_type_dict(item)
        except TypeError:
            return None
    return item if isinstance(item, Mapping) else None


def malformed_suboptions(argument_spec, params):
    """{option: ValidationError} for options with sub-options whose value has a non-dictionary element."""
    found = {}
    for name, spec in argument_spec.items():
        value = _param(params, name, spec)
        if not spec.get('options') or value is None:
            continue
        shape = 'a list in which every item is a dictionary' if spec.get('type') == 'list' else 'a dictionary'
        allowed = f'{shape} of the options {", ".join(sorted(spec["options"]))}'
        for number, item in enumerate(value if isinstance(value, list) else [value], start=1):
            element = _as_dict(item)
            nested = malformed_suboptions(spec['options'], element) if element is not None else {}
            if element is None or nested:
                reason = f'item {number} is not a dictionary' if element is None else str(next(iter(nested.values())))
                found[name] = ValidationError(name, item, allowed, reason=reason)
                break
    return found


def no_log_values(argument_spec, params):
    """The values of no_log options, gathered without giving up on a malformed element."""
    values = set()
    for name, spec in argument_spec.items():
        value = _param(params, name, spec)
        if spec.get('no_log') and value not in (None, ''):
            values.add(value if isinstance(value, str) else str(value))
        for item in (value if isinstance(value, list) else [value]) if spec.get('options') else ():
            if isinstance(item, Mapping):
                values |= no_log_values(spec['options'], item)
    return values
