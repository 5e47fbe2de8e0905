# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Input checks that run before any write. Each raises ValidationError naming option, value and what is allowed.

Enumerations are enforced by the generated argspec (choices); what the argspec cannot express lives here.
"""

from __future__ import annotations

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
        raise ValidationError(missing[0], None, 'a value: creating a new object requires '
                              + ', '.join(missing))


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


def check_zone_references(client, resource, desired, current):
    """source_name / target_name must name an existing zone.

    Costs reads, so only options that are set AND differ from the current object are looked up, one
    filtered GET per zone collection, stopping at the first hit.
    """
    del resource
    for option in ('source_name', 'target_name'):
        value = desired.get(option)
        if value is None or (current is not None and current.get(option) == value):
            continue
        if value in _fields.BUILTIN_ZONE_NAMES or zone_exists(client, value):
            continue
        raise ValidationError(option, value, 'the name of an existing zone', reason='no zone has this name')


def zone_exists(client, name):
    for path in _fields.ZONE_COLLECTIONS:
        try:
            records = client.get_by_name(path, name)
        except ApiError as err:
            if err.status in (400, 404):  # collection absent on this product, or name unknown
                continue
            raise
        if any(isinstance(r, dict) and r.get(_fields.ZONE_NAME_KEY) == name for r in records):
            return True
    return False
