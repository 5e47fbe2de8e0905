# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Input checks that run before any write. Each raises ValidationError naming option, value and what is allowed.

Enumerations are enforced by the generated argspec (choices); what the argspec cannot express lives here.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError, ValidationError
from ansible_collections.ucops.expressway.plugins.module_utils import _fields


def check_ranges(resource, desired):
    """Integer ranges from the table (hop_count 1-255, priority 1-65534); no request needed."""
    for field in resource.fields:
        value = desired.get(field.option)
        if value is None or (field.minimum is None and field.maximum is None):
            continue
        if not field.minimum <= value <= field.maximum:
            raise ValidationError(field.option, value, f'an integer from {field.minimum} to {field.maximum}')


def require_on_create(client, resource, desired, current):
    """A new object needs the keys the box cannot default (search rule: priority, target_name)."""
    del client  # reference checks share one signature; this one needs no reads
    if current is not None:
        return
    missing = [f.option for f in resource.fields if f.create_required and desired.get(f.option) is None]
    if missing:
        name = desired.get(resource.key_field.option)
        raise ValidationError(missing[0], None, 'a value', text=(
            f'{resource.name} {name!r} does not exist; creating it requires the options '
            f'{", ".join(f.option for f in resource.fields if f.create_required)} (missing: {", ".join(missing)})'))


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
        raise ValidationError('pattern_string', pattern, 'a valid regular expression when pattern_type is Regex',
                              reason=str(err)) from err


def check_regex_with_current(client, resource, desired, current):
    """The same check once the current rule is known (pattern_type not given but already Regex)."""
    del client
    check_regex(resource, desired, current)


def check_zone_references(client, resource, desired, current, check_mode=False, warn=None):
    """source_name / target_name must name an existing zone.

    Costs reads, so only options that are set AND differ from the current object are looked up, one
    filtered GET per zone collection, stopping at the first hit. In check mode an earlier task of the same
    run may only have planned the zone (a role creates the zone, then its rules), so a missing zone is
    reported through warn instead; the real run still refuses it before writing.
    """
    del resource
    for option in ('source_name', 'target_name'):
        value = desired.get(option)
        if value is None or (current is not None and current.get(option) == value):
            continue
        if value in _fields.BUILTIN_ZONE_NAMES or zone_exists(client, value):
            continue
        if check_mode and warn is not None:
            warn(f'{option} {value!r}: no zone has this name; assumed created by an earlier task in this run '
                 '(check mode)')
            continue
        raise ValidationError(option, value, 'the name of an existing zone', reason='no zone has this name')


def zone_exists(client, name):
    for path in _fields.ZONE_COLLECTIONS:
        if any(isinstance(r, dict) and r.get(_fields.ZONE_NAME_KEY) == name for r in _zones_named(client, path, name)):
            return True
    return False


def _zones_named(client, path, name):
    """The zones of one collection that may be called name; [] where the product has no such collection."""
    try:
        return client.get_by_name(path, name)
    except ApiError as err:
        if err.status == 400:  # a box that answers an unknown name with an error
            return []
        if err.status != 404:
            raise
    # 404: either no /name/ filter (before X8.9.1) or no such collection here (edge/ on a C): list it.
    try:
        return client.get(path) or []
    except ApiError as err:
        if err.status == 404:
            return []
        raise


# One DNS label (host name) and a dotted name of such labels (domain), as the web UI accepts them.
_LABEL = r'(?!-)[A-Za-z0-9-]{1,63}(?<!-)'
_HOST_RE = re.compile(rf'^{_LABEL}$')
_DOMAIN_RE = re.compile(rf'^{_LABEL}(\.{_LABEL})*\.?$')


def ip_literal(option, value):
    """The address in its canonical text form (IPv6 compressed, lower case), so comparisons are exact."""
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError as err:
        raise ValidationError(option, value, 'an IPv4 or IPv6 address without prefix or port') from err


def check_dns_servers(servers, state, maximum):
    """Up to maximum addresses; state exact with an empty list would delete every server: refused."""
    if len(servers) > maximum:
        raise ValidationError('servers', servers, f'at most {maximum} addresses',
                              reason=f'{len(servers)} given; the Expressway holds {maximum} DNS servers')
    if state == 'exact' and not servers:
        raise ValidationError('servers', servers, 'at least one address with state=exact',
                              reason='an empty list would delete every DNS server')
    return [ip_literal('servers', server) for server in servers]


def check_dns_settings(resource, desired):
    del resource
    host = desired.get('system_host_name')
    if host is not None and not _HOST_RE.match(host):
        raise ValidationError('system_host_name', host, 'one DNS label: letters, digits and hyphens, 1-63 characters')
    domain = desired.get('domain_name')
    if domain is not None and domain != '' and (len(domain) > 253 or not _DOMAIN_RE.match(domain)):
        raise ValidationError('domain_name', domain, 'a domain name (dot-separated DNS labels) or an empty string')
