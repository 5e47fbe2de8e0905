# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Webex configuration check of one Expressway: read once, then judge EXP-* rules.

``read_config`` is the only part that talks to the box (at most six GETs, no write); every ``judge_*``
function is pure, takes the snapshot and returns result rows, so unit tests can feed it any
configuration. Field names are option names from ``_fields``: no REST key is spelled here.
"""

from __future__ import annotations

import re

from ansible_collections.ucops.expressway.plugins.module_utils import _certs, _fields
from ansible_collections.ucops.expressway.plugins.module_utils._results import make_row
from ansible_collections.ucops.expressway.plugins.module_utils._version import parse_version, version_at_least
from ansible_collections.ucops.expressway.plugins.module_utils._webex_cas import WEBEX_CAS

# The values each Webex domain generation puts in the zone, and an alias its calls carry. The role
# webex_b2b_zone holds the same table (vars/main.yml); a unit test keeps the two equal.
GENERATIONS = {
    'ciscospark': {'tls_verify_subject_name': 'callservice.ciscospark.com',
                   'domain_to_search_for': 'callservice.ciscospark.com',
                   'sample_alias': 'b2b-check@acme.calls.ciscospark.com'},
    'webex': {'tls_verify_subject_name': 'sip.webex.com',
              'domain_to_search_for': 'callservice.webex.com',
              'sample_alias': 'b2b-check@acme.calls.webex.com'},
}
LEGACY_GENERATION = 'ciscospark'

# EXP-ZONE settings that do not depend on the generation.
ZONE_REQUIRED = {
    'zone_profile': 'Custom',
    'automatically_respond_to_sip_searches': True,
    'tls_verify_mode': True,
    'tls_verify_inbound_mapping': True,
    'modify_dns_request': True,
    'sip_mode': True,
}

MIN_B2B = 'X8.5.3'
MIN_WEBEX_ZONE = 'X8.11.4'
# Sources of a search rule that a call from the Expressway's own side matches; a Named source only
# applies to calls arriving from that zone.
_OUTBOUND_SOURCES = (None, 'Any', 'AllZones', 'LocalZone')


class Snapshot:
    """What was read from one box, in option names; None where a read was not possible."""

    def __init__(self, sysinfo, zones, rules, dns_servers, firewall, roots_pem):
        self.sysinfo = sysinfo
        self.zones = zones
        self.rules = rules
        self.dns_servers = dns_servers
        self.firewall = firewall
        self.roots_pem = roots_pem


def read_config(client):
    """At most six GETs: sysinfo, zones, search rules, DNS servers, active firewall set, trusted CAs."""
    sysinfo = _fields.sysinfo_to_options(client.get_singleton(_fields.SYSINFO_PATH))
    zones = [_fields.DNS_ZONE.to_options(r) for r in client.get(_fields.DNS_ZONE.path) or [] if isinstance(r, dict)]
    rules = [_fields.SEARCH_RULE.to_options(r) for r in client.get(_fields.SEARCH_RULE.path) or []
             if isinstance(r, dict)]
    dns_servers = sorted((_fields.DNS_SERVER.to_options(r) for r in client.get(_fields.DNS_SERVER.path) or []
                          if isinstance(r, dict)), key=lambda s: s.get('index') or 0)
    firewall = None
    if _version_or_none(sysinfo.get('version')) and version_at_least(sysinfo['version'], _fields.FIREWALL_SINCE):
        firewall = [_fields.FIREWALL_RULE.to_options(r) for r in client.get(_fields.FIREWALL_ACTIVE_PATH) or []
                    if isinstance(r, dict)]
    roots_pem = client.get_text(_fields.TRUSTED_CA_PATH)
    return Snapshot(sysinfo, zones, rules, dns_servers, firewall, roots_pem)


def _version_or_none(text):
    try:
        return parse_version(text)
    except ValueError:
        return None


def generation_of(zone):
    """The generation whose values the zone carries (domain first, then TLS name), or None."""
    for key in ('domain_to_search_for', 'tls_verify_subject_name'):
        for name, values in GENERATIONS.items():
            if zone.get(key) == values[key]:
                return name
    return None


def find_zone(zones, zone_name, generation):
    """The Webex zone: the one named, else the first whose values belong to an accepted generation."""
    if zone_name:
        return next((z for z in zones if z.get('name') == zone_name), None)
    accepted = GENERATIONS if generation == 'any' else (generation,)
    return next((z for z in zones if generation_of(z) in accepted), None)


def judge_version(subject, sysinfo, generation):
    version = sysinfo.get('version')
    evidence = {'version': version, 'product': sysinfo.get('product'), 'system_name': sysinfo.get('system_name')}
    if _version_or_none(version) is None:
        return make_row(subject, 'EXP-VERSION', 'fail', 'software version %r cannot be read' % (version,), evidence)
    minimum = MIN_WEBEX_ZONE if generation == 'webex' else MIN_B2B
    evidence['minimum'] = minimum
    if not version_at_least(version, minimum):
        why = 'Webex B2B' if minimum == MIN_B2B else 'the webex domain generation (built-in Webex zone)'
        return make_row(subject, 'EXP-VERSION', 'fail', '%s is older than %s, the minimum for %s'
                        % (version, minimum, why), evidence)
    return make_row(subject, 'EXP-VERSION', 'pass', '%s is at least %s' % (version, minimum), evidence)


def expected_zone(generation):
    values = GENERATIONS[generation]
    return dict(ZONE_REQUIRED, tls_verify_subject_name=values['tls_verify_subject_name'],
                domain_to_search_for=values['domain_to_search_for'])


def judge_zone(subject, zones, zone_name, generation):
    """(row, zone, generation used): the zone and the settings that differ from EXP-ZONE."""
    zone = find_zone(zones, zone_name, generation)
    names = [z.get('name') for z in zones]
    if zone is None:
        wanted = 'named %r' % zone_name if zone_name else 'with Webex values (%s)' % generation
        return make_row(subject, 'EXP-ZONE', 'fail', 'no DNS zone %s' % wanted, {'dns_zones': names}), None, None
    used = generation if generation != 'any' else (generation_of(zone) or LEGACY_GENERATION)
    expected = expected_zone(used)
    differs = dict((opt, {'expected': val, 'actual': zone.get(opt)}) for opt, val in expected.items()
                   if zone.get(opt) != val)
    evidence = {'zone': zone.get('name'), 'generation': used, 'differs': differs,
                'settings': dict((opt, zone.get(opt)) for opt in expected)}
    if differs:
        summary = 'zone %s: %s' % (zone.get('name'), ', '.join(
            '%s is %r, expected %r' % (opt, d['actual'], d['expected']) for opt, d in sorted(differs.items())))
        return make_row(subject, 'EXP-ZONE', 'fail', summary, evidence), zone, used
    if used == LEGACY_GENERATION:
        return make_row(subject, 'EXP-ZONE', 'warn', 'zone %s matches EXP-ZONE with the legacy ciscospark values; '
                        'plan the move to callservice.webex.com / sip.webex.com' % zone.get('name'),
                        evidence), zone, used
    return make_row(subject, 'EXP-ZONE', 'pass', 'zone %s matches EXP-ZONE (%s)' % (zone.get('name'), used),
                    evidence), zone, used


def rule_matches(rule, alias):
    """Does the rule's alias pattern match alias? Regex patterns must match the whole alias."""
    mode = rule.get('mode') or 'AliasPatternMatch'
    if mode == 'AnyAlias':
        return True
    if mode != 'AliasPatternMatch':
        return False
    pattern, kind = rule.get('pattern_string') or '', rule.get('pattern_type') or 'Prefix'
    if kind == 'Regex':
        try:
            return re.fullmatch(pattern, alias) is not None
        except re.error:
            return False
    return {'Exact': alias == pattern, 'Prefix': alias.startswith(pattern),
            'Suffix': alias.endswith(pattern)}.get(kind, False)


def route_of(rules, alias):
    """The rules that see a call to alias from inside, in priority order, up to the one that stops."""
    seen = []
    candidates = sorted((r for r in rules if r.get('enabled', True) is not False
                         and r.get('source') in _OUTBOUND_SOURCES), key=lambda r: r.get('priority') or 0)
    for rule in candidates:
        if rule_matches(rule, alias):
            seen.append(rule)
            if rule.get('on_successful_match') == 'Stop':
                break
    return seen


def judge_route(subject, rules, zone_name, alias):
    """One EXP-RULES row: where a call to alias is sent, and whether that is the Webex zone."""
    seen = route_of(rules, alias)
    hops = [{'name': r.get('name'), 'priority': r.get('priority'), 'target_name': r.get('target_name')}
            for r in seen]
    evidence = {'alias': alias, 'zone': zone_name, 'matching_rules': hops}
    if any(r.get('target_name') == zone_name for r in seen):
        hit = next(h for h in hops if h['target_name'] == zone_name)
        return make_row(subject, 'EXP-RULES', 'pass', 'search rule %s (priority %s) routes %s to zone %s'
                        % (hit['name'], hit['priority'], alias, zone_name), evidence)
    if seen:
        last = hops[-1]
        return make_row(subject, 'EXP-RULES', 'fail', 'search rule %s (priority %s) routes %s to zone %s, not to '
                        'the Webex zone %s' % (last['name'], last['priority'], alias, last['target_name'],
                                               zone_name), evidence)
    return make_row(subject, 'EXP-RULES', 'fail', 'no enabled search rule routes %s to the Webex zone %s'
                    % (alias, zone_name), evidence)


def judge_inbound(subject, rules, zone_name, inbound_zone):
    """EXP-RULES, second half: calls arriving from the Webex zone reach the internal zone."""
    found = [r for r in rules if r.get('source') == 'Named' and r.get('source_name') == zone_name
             and r.get('enabled', True) is not False]
    evidence = {'from_zone': zone_name, 'expected_target': inbound_zone,
                'rules': [{'name': r.get('name'), 'target_name': r.get('target_name')} for r in found]}
    if any(r.get('target_name') == inbound_zone for r in found):
        return make_row(subject, 'EXP-RULES', 'pass', 'calls from %s are routed to %s' % (zone_name, inbound_zone),
                        evidence)
    targets = ', '.join(sorted(set(str(r.get('target_name')) for r in found))) or 'nowhere'
    return make_row(subject, 'EXP-RULES', 'fail', 'calls from %s go to %s, not to %s'
                    % (zone_name, targets, inbound_zone), evidence)


def judge_rules(subject, rules, zone, generation, sip_domains, inbound_zone):
    """EXP-RULES rows: the generation's sample alias and each organisation domain reach the zone."""
    if zone is None:
        return [make_row(subject, 'EXP-RULES', 'fail', 'no Webex zone, so no search rule can route to it',
                         {'search_rules': [r.get('name') for r in rules]})]
    aliases = [GENERATIONS[generation]['sample_alias']] + ['b2b-check@%s' % d for d in sip_domains]
    rows = [judge_route(subject, rules, zone['name'], alias) for alias in aliases]
    if inbound_zone:
        rows.append(judge_inbound(subject, rules, zone['name'], inbound_zone))
    return rows


def judge_dns(subject, dns_servers):
    evidence = {'dns_servers': dns_servers}
    if dns_servers:
        return make_row(subject, 'EXP-DNS', 'pass', '%d DNS server(s): %s' % (
            len(dns_servers), ', '.join(s['address'] for s in dns_servers)), evidence)
    return make_row(subject, 'EXP-DNS', 'fail', 'no DNS server configured', evidence)


def default_firewall(product):
    """PORT-SIG-OUT on every box; PORT-MEDIA (the Expressway-E media range) on an E only."""
    rules = [{'transport': 'TCP', 'start_port': 5061, 'end_port': 5062}]
    if product != 'C':
        rules.append({'transport': 'UDP', 'start_port': 36000, 'end_port': 59999})
    return rules


def _label(rule):
    where = '%s/%s' % (rule['address'], rule.get('prefix_length', 0)) if rule.get('address') else 'anywhere'
    return '%s %s-%s from %s' % (rule['transport'], rule['start_port'], rule['end_port'], where)


def _covers(active, wanted):
    if active.get('action') != wanted.get('action', 'Allow'):
        return False
    if active.get('transport') not in (wanted['transport'], 'TCPAndUDP'):
        return False
    if wanted.get('address') and (active.get('address'), active.get('prefix_length')) != (
            wanted['address'], wanted.get('prefix_length', 32)):
        return False
    return (active.get('start_port') or 1) <= wanted['start_port'] and (active.get('end_port') or 65535) >= \
        wanted['end_port']


def _within(active, expected):
    transports = ('TCP', 'UDP') if active.get('transport') == 'TCPAndUDP' else (active.get('transport'),)
    return all(any(e['transport'] == t and e['start_port'] <= (active.get('start_port') or 1)
                   and (active.get('end_port') or 65535) <= e['end_port'] for e in expected) for t in transports)


def judge_firewall(subject, firewall, expected, product):
    """EXP-FW rows: each expected range admitted by an active Allow rule; no wider Allow from anywhere."""
    if firewall is None:
        return [make_row(subject, 'EXP-FW', 'skip', 'this version has no firewall rule API (X8.10+)')]
    if not firewall and expected is None:
        return [make_row(subject, 'EXP-FW', 'skip', 'no active firewall rules: the Expressway firewall is not used')]
    wanted = expected if expected is not None else default_firewall(product)
    active = [dict((k, r.get(k)) for k in ('priority', 'address', 'prefix_length', 'transport', 'start_port',
                                           'end_port', 'action', 'description')) for r in firewall]
    rows = []
    for rule in wanted:
        hits = [r for r in active if _covers(r, rule)]
        status = 'pass' if hits else 'fail'
        summary = ('admitted by rule priority %s' % hits[0]['priority']) if hits else 'not admitted by any active rule'
        rows.append(make_row(subject, 'EXP-FW', status, '%s: %s' % (_label(rule), summary),
                             {'expected': rule, 'admitted_by': hits}, target=_label(rule)))
    broad = [r for r in active if r.get('action') == 'Allow' and not r.get('prefix_length')
             and not _within(r, wanted)]
    if broad:
        rows.append(make_row(subject, 'EXP-FW', 'warn', 'active rules allow more than Webex needs from anywhere: %s'
                             % ', '.join('priority %s' % r['priority'] for r in broad), {'broader': broad}))
    return rows


def judge_trust(subject, roots_pem):
    """EXP-TRUST: the trusted CA list holds the root Webex's certificate chains to, matched by SHA-256."""
    roots = [{'subject': cert.subject.rfc4514_string(), 'sha256': _certs.fingerprint(cert)}
             for cert in parse_pem(roots_pem)]
    for root in roots:
        entry = WEBEX_CAS.get(root['sha256'])
        root['webex'] = entry['evidence'] if entry else None
    current = [r for r in roots if r['webex'] == 'documented-current']
    legacy = [r for r in roots if r['webex'] == 'documented-legacy']
    wanted = sorted(e['name'] for e in WEBEX_CAS.values() if e['evidence'] == 'documented-current')
    evidence = {'roots': roots, 'required': wanted}
    if current:
        return make_row(subject, 'EXP-TRUST', 'pass', 'trusted CA list holds %s' % current[0]['subject'], evidence)
    if legacy:
        return make_row(subject, 'EXP-TRUST', 'warn', 'only a legacy Webex root is trusted (%s); add %s'
                        % (legacy[0]['subject'], ', '.join(wanted)), evidence)
    return make_row(subject, 'EXP-TRUST', 'fail', 'none of the %d trusted CAs is %s' % (len(roots), ', '.join(wanted)),
                    evidence)


def parse_pem(text):
    """Certificates of the /certs/root answer; other PEM blocks (there should be none) are ignored."""
    blocks = re.findall(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', text or '', re.S)
    certs = []
    for block in blocks:
        try:
            certs.append(_certs.x509.load_pem_x509_certificate(block.encode('ascii')))
        except ValueError:
            continue  # an unreadable entry cannot be the Webex root; the evidence lists what was read
    return certs


def run(client, params):
    """Read the box, judge every EXP rule; returns result rows (subject = the Expressway host)."""
    subject = params['host']
    snap = read_config(client)
    generation = params['generation']
    rows = []
    zone_row, zone, used = judge_zone(subject, snap.zones, params.get('zone_name'), generation)
    used = used or (LEGACY_GENERATION if generation == 'any' else generation)
    rows.append(judge_version(subject, snap.sysinfo, used))
    rows.append(zone_row)
    rows.extend(judge_rules(subject, snap.rules, zone, used, params.get('sip_domains') or [],
                            params.get('inbound_target_zone')))
    rows.append(judge_dns(subject, snap.dns_servers))
    rows.extend(judge_firewall(subject, snap.firewall, params.get('expected_firewall'), snap.sysinfo.get('product')))
    rows.append(judge_trust(subject, snap.roots_pem))
    return rows
