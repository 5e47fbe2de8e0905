# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""First contact: read every resource the collection manages and compare the answers with the field table.

Private to the collection. Read-only: only GET requests go out. What it reports is meant to be sent to the
project so that the field table (``_expressway/fields.py``) can be corrected, so it holds key names, answer shapes and
enumeration tokens, never names, addresses, descriptions or certificates of the box.
"""

from __future__ import annotations

import re

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils import _pem
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError

# A value short and plain enough to be an enumeration token (On, TCPAndUDP, Expressway-E), not user data.
_TOKEN_RE = re.compile(r'[A-Za-z][A-Za-z0-9_.-]{0,31}\Z')
# A name no box holds, for learning how a by-name miss is answered (the contract leaves it open).
ABSENT_NAME = 'ucops-first-contact-absent-object'
RAML_PATH = '/api/raml'


class Probe:
    """One GET of the first contact: where, which table row set it is compared with, and how it is read."""

    def __init__(self, name, path, resource=None, keys=None, wrapper=None, kind='json'):
        self.name = name
        self.path = path
        self.resource = resource  # a _expressway.fields.Resource, or None
        self.keys = keys  # expected keys when there is no Resource (sysinfo)
        self.wrapper = wrapper
        self.kind = kind  # json, pem or miss (a by-name miss)


def probes():
    """Every resource the collection reads or writes, in the order a module run would touch them."""
    zone, rule = fields.DNS_ZONE, fields.SEARCH_RULE
    return [
        Probe('sysinfo', fields.SYSINFO_PATH, keys=tuple(fields.SYSINFO_KEYS.values())),
        Probe('dns_zone', zone.path, zone),
        Probe('dns_zone_by_name_miss', f'{zone.path}/name/{ABSENT_NAME}', zone, kind='miss'),
        Probe('search_rule', rule.path, rule),
        Probe('dns_settings', fields.DNS_SETTINGS.path, fields.DNS_SETTINGS),
        Probe('dns_server', fields.DNS_SERVER.path, fields.DNS_SERVER, wrapper=fields.DNS_SERVER.wrapper),
        Probe('firewall_rule_pending', fields.FIREWALL_RULE.path, fields.FIREWALL_RULE),
        Probe('firewall_rule_active', fields.FIREWALL_ACTIVE_PATH, fields.FIREWALL_RULE),
        Probe('trusted_ca', fields.TRUSTED_CA_PATH, kind='pem'),
        Probe('server_certificate', '/certs/server', kind='pem'),
    ] + [
        Probe(f'zones{path.replace("/", "_")}', path, keys=(fields.ZONE_NAME_KEY,))
        for path in fields.ZONE_COLLECTIONS[1:]
    ]


def describe_shape(payload, wrapper=None):
    """The answer's shape in words: what the contract leaves open is exactly this."""
    if payload is None:
        return 'empty body'
    if isinstance(payload, str):
        return 'text'
    if isinstance(payload, list):
        if not payload:
            return 'empty list'
        if wrapper and all(isinstance(item, dict) and set(item) == {wrapper} for item in payload):
            return f'list of {len(payload)} {wrapper} wrappers'
        return f'list of {len(payload)} object{"s" if len(payload) > 1 else ""}'
    if isinstance(payload, dict):
        if not payload:
            return 'empty object'
        if wrapper and set(payload) == {wrapper}:
            inner = payload[wrapper]
            return f'object wrapped in {wrapper} ({describe_shape(inner)})'
        return 'object'
    return type(payload).__name__


def records_of(probe, payload):
    """The objects inside any of the allowed shapes, read the way the modules read them."""
    if probe.resource is not None:
        return probe.resource.records(payload)
    return [item for item in (payload if isinstance(payload, list) else [payload]) if isinstance(item, dict) and item]


def expected_keys(probe):
    if probe.resource is not None:
        return tuple(f.key for f in probe.resource.fields) + tuple(probe.resource.read_only)
    return tuple(probe.keys or ())


def _value_type(value):
    return 'null' if value is None else type(value).__name__


def _shown(value):
    """A value is shown only when it looks like a token; anything else is described by its type."""
    return value if isinstance(value, str) and _TOKEN_RE.match(value) else f'<{_value_type(value)}>'


def value_problems(resource, records):
    """Values outside the table's choices or tokens, and numbers that arrive as text, once per key and value."""
    problems, seen = [], set()
    for record in records:
        for key, raw in record.items():
            field = resource.by_key.get(key)
            problem = _field_problem(field, raw) if field is not None else None
            if problem and (key, str(raw)) not in seen:
                seen.add((key, str(raw)))
                problems.append(dict(problem, key=key, option=field.option, value=_shown(raw)))
    return problems


def _field_problem(field, raw):
    if raw is None:
        return None
    if field.tokens:
        if isinstance(raw, str) and raw in field.tokens:
            return None
        if isinstance(raw, str) and raw.lower() in (t.lower() for t in field.tokens):
            return {'problem': 'token differs in case', 'allowed': list(field.tokens)}
        return {'problem': 'not one of the tokens', 'allowed': list(field.tokens)}
    if field.choices and raw not in field.choices:
        return {'problem': 'not one of the choices', 'allowed': list(field.choices)}
    if field.type == 'int' and not isinstance(raw, int):
        return {'problem': f'a {_value_type(raw)} where the table expects an integer', 'allowed': 'integer'}
    return None


def compare(probe, payload):
    """The fit of one answer with the table: shape, unknown and never-returned keys, values out of range."""
    records = records_of(probe, payload)
    returned = set().union(*(set(r) for r in records)) if records else set()
    expected = expected_keys(probe)
    fit = {
        'shape': describe_shape(payload, probe.wrapper),
        'objects': len(records),
        'unknown_keys': sorted(returned - set(expected)),
        'missing_keys': [],
        'bad_values': [],
    }
    if records and probe.kind != 'miss':
        fit['missing_keys'] = sorted(k for k in expected if k not in returned)
    if probe.resource is not None:
        fit['bad_values'] = value_problems(probe.resource, records)
    return fit


def pem_fit(text):
    body = text if isinstance(text, str) else ''
    count = _pem.count_certificates(body)
    shape = 'empty body' if not body.strip() else ('PEM' if count else 'text that is not PEM')
    return {'shape': shape, 'objects': count, 'unknown_keys': [], 'missing_keys': [], 'bad_values': []}


def run_probe(client, probe):
    """GET one resource; an HTTP error is a finding (404: not served here), not a failure of the run."""
    entry = {'name': probe.name, 'path': probe.path, 'status': 200}
    try:
        if probe.kind == 'pem':
            return dict(entry, **pem_fit(client.get_text(probe.path)))
        payload = client.get(probe.path)
    except ApiError as err:
        if isinstance(err.status, int) and err.status in (401, 403):
            raise
        entry.update(status=err.status, error=err.message or str(err))
        if probe.kind == 'miss':
            entry['shape'] = f'HTTP {err.status}'
        return entry
    return dict(entry, **compare(probe, payload))


def first_contact(client, names=None):
    """Every probe (or those named), plus a summary a person reads before the first apply."""
    chosen = [p for p in probes() if names is None or p.name in names]
    results = [run_probe(client, probe) for probe in chosen]
    summary = {
        'resources_read': sum(1 for r in results if r['status'] == 200),
        'not_served': sorted(r['name'] for r in results if r['status'] == 404 and r['name'] != 'dns_zone_by_name_miss'),
        'errors': sorted(
            r['name'] for r in results if r['status'] not in (200, 404) and r['name'] != 'dns_zone_by_name_miss'
        ),
        'unknown_keys': sum(len(r.get('unknown_keys', ())) for r in results),
        'missing_keys': sum(len(r.get('missing_keys', ())) for r in results),
        'bad_values': sum(len(r.get('bad_values', ())) for r in results),
    }
    summary['fits'] = not (
        summary['unknown_keys'] or summary['missing_keys'] or summary['bad_values'] or summary['errors']
    )
    return {'resources': results, 'summary': summary}


def probe_names():
    return [probe.name for probe in probes()]


def read_raml(client):
    """The box's own description of its API (RAML 0.8), outside the provisioning prefix."""
    return client.get_text(RAML_PATH, prefixed=False)
