# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Webex configuration check of one Expressway: read once, then judge EXP-* rules.

``read_config`` is the only part that talks to the box (at most six GETs, no write); every ``judge_*``
function is pure, takes the snapshot and returns result rows, so unit tests can feed it any
configuration. Field names are option names from ``_expressway.fields``: no REST key is spelled here.
"""

from __future__ import annotations

import re

from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates, config_firewall
from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._checks import expressway_cert
from ansible_collections.ucops.expressway.plugins.module_utils import _pem
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import list_records
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import make_row
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.truststore import read_store
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.version import (
    parse_version,
    version_at_least,
)
from ansible_collections.ucops.expressway.plugins.module_utils._webex import (
    GENERATIONS,
    LEGACY_GENERATION,
    MIGRATION_ADVICE,
    ZONE_RECOMMENDED,
    expected_zone,
    generation_of,
    minimum_version,
)
from ansible_collections.ucops.expressway.plugins.module_utils._webex_cas import WEBEX_CAS


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
    sysinfo = fields.sysinfo_to_options(client.get_singleton(fields.SYSINFO_PATH))
    zones = list_records(client, fields.DNS_ZONE)
    rules = list_records(client, fields.SEARCH_RULE)
    # Every DNS-server answer shape the contract allows (bare list, wrapped object or list) reads the same.
    dns_servers = sorted(list_records(client, fields.DNS_SERVER), key=lambda s: s.get('index') or 0)
    firewall = None
    if _version_or_none(sysinfo.get('version')) and version_at_least(sysinfo['version'], fields.FIREWALL_SINCE):
        firewall = [
            fields.FIREWALL_RULE.to_options(r)
            for r in fields.FIREWALL_RULE.records(client.get(fields.FIREWALL_ACTIVE_PATH))
        ]
    roots_pem = read_store(client)  # an answer that is not the list fails, never reads as empty
    return Snapshot(sysinfo, zones, rules, dns_servers, firewall, roots_pem)


def _version_or_none(text):
    try:
        return parse_version(text)
    except ValueError:
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
    minimum, why = minimum_version(generation)
    evidence['minimum'] = minimum
    if not version_at_least(version, minimum):
        return make_row(subject, 'EXP-VERSION', 'fail', '%s is older than %s, %s' % (version, minimum, why), evidence)
    return make_row(subject, 'EXP-VERSION', 'pass', '%s is at least %s' % (version, minimum), evidence)


def recommendations(zone):
    """The ZONE_RECOMMENDED settings the zone does not follow, each with its source."""
    return [
        {'option': opt, 'recommended': value, 'actual': zone.get(opt), 'source': source, 'why': why}
        for opt, value, source, why in ZONE_RECOMMENDED
        if zone.get(opt) != value
    ]


def judge_zone(subject, zones, zone_name, generation):
    """(row, zone, generation used): the article's settings decide; recommendations are evidence."""
    zone = find_zone(zones, zone_name, generation)
    names = [z.get('name') for z in zones]
    if zone is None:
        wanted = 'named %r' % zone_name if zone_name else 'with Webex values (%s)' % generation
        return make_row(subject, 'EXP-ZONE', 'fail', 'no DNS zone %s' % wanted, {'dns_zones': names}), None, None
    used = generation if generation != 'any' else (generation_of(zone) or LEGACY_GENERATION)
    expected = expected_zone(used)
    differs = dict(
        (opt, {'expected': val, 'actual': zone.get(opt)}) for opt, val in expected.items() if zone.get(opt) != val
    )
    advice = recommendations(zone)
    evidence = {
        'zone': zone.get('name'),
        'generation': used,
        'differs': differs,
        'settings': dict((opt, zone.get(opt)) for opt in expected),
        'recommendations': advice,
    }
    if differs:
        summary = 'zone %s: %s' % (
            zone.get('name'),
            ', '.join(
                '%s is %r, expected %r' % (opt, d['actual'], d['expected']) for opt, d in sorted(differs.items())
            ),
        )
        return make_row(subject, 'EXP-ZONE', 'fail', summary, evidence), zone, used
    summary = 'zone %s has every setting the B2B article asks (%s values)' % (zone.get('name'), used)
    if advice:
        summary += '; %d recommendation(s) of other Cisco guides not followed (%s), see evidence' % (
            len(advice),
            ', '.join(a['option'] for a in advice),
        )
    if used == LEGACY_GENERATION:
        evidence['advice'] = MIGRATION_ADVICE
        summary += '; advice: ' + MIGRATION_ADVICE
    return make_row(subject, 'EXP-ZONE', 'pass', summary, evidence), zone, used


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
    return {'Exact': alias == pattern, 'Prefix': alias.startswith(pattern), 'Suffix': alias.endswith(pattern)}.get(
        kind, False
    )


def _applies(rule, origin):
    """Does an enabled SIP-capable rule take calls from origin ('zone'|'local'|'default', zone name)?"""
    if rule.get('enabled', True) is False or (rule.get('protocol') or 'Any') not in ('Any', 'SIP'):
        return False
    kind, name = origin
    source = rule.get('source') or 'Any'
    if source == 'Named':
        return name is not None and rule.get('source_name') == name
    # Any: every caller, unregistered ones (Default Zone) included; AllZones: locally registered devices
    # and every configured zone, not the Default Zone; LocalZone: locally registered devices only.
    return {'Any': True, 'AllZones': kind in ('zone', 'local'), 'LocalZone': kind == 'local'}.get(source, False)


def search(rules, origin, alias):
    """[(rule, certain)] a call from origin to alias meets, in the order the Expressway applies them.

    Priority order; rules of one priority are applied together; a Stop rule that matches ends the search
    after its priority. With alias None (any alias), a pattern rule may or may not match: it is listed
    as not certain and never ends the search."""
    met, stop_at = [], None
    for rule in sorted((r for r in rules if _applies(r, origin)), key=lambda r: r.get('priority') or 0):
        if stop_at is not None and (rule.get('priority') or 0) > stop_at:
            break
        if alias is None:
            mode = rule.get('mode') or 'AliasPatternMatch'
            certain = mode == 'AnyAlias'
            if mode not in ('AnyAlias', 'AliasPatternMatch'):
                continue
        elif rule_matches(rule, alias):
            certain = True
        else:
            continue
        met.append((rule, certain))
        if certain and rule.get('on_successful_match') == 'Stop' and stop_at is None:
            stop_at = rule.get('priority') or 0
    return met


def _origin_text(origin):
    kind, name = origin
    return {'local': 'locally registered devices', 'default': 'the Default Zone'}.get(
        kind, 'zone %s' % name if name else 'a neighbour or traversal zone'
    )


def _hops(met):
    return [
        {
            'name': r.get('name'),
            'priority': r.get('priority'),
            'source': r.get('source') or 'Any',
            'source_name': r.get('source_name'),
            'target_name': r.get('target_name'),
            'certain': certain,
        }
        for r, certain in met
    ]


def outbound_origins(rules, zone_name, inbound_zone):
    """Where a call to Webex can arrive from: the internal zone when known, else any zone the rules name."""
    if inbound_zone:
        return [('zone', inbound_zone)]
    named = sorted(
        set(
            r.get('source_name')
            for r in rules
            if r.get('source') == 'Named' and r.get('source_name') not in (None, '', zone_name)
        )
    )
    return [('zone', None), ('local', None)] + [('zone', name) for name in named]


def judge_route(subject, rules, zone_name, alias, origins):
    """One EXP-RULES row: does a call to alias from one of origins reach the Webex zone?"""
    walks = [(origin, search(rules, origin, alias)) for origin in origins]
    evidence = {
        'alias': alias,
        'zone': zone_name,
        'searches': [{'from': _origin_text(o), 'matching_rules': _hops(met)} for o, met in walks],
    }
    for origin, met in walks:
        hit = next((r for r, certain in met if r.get('target_name') == zone_name), None)
        if hit is not None:
            return make_row(
                subject,
                'EXP-RULES',
                'pass',
                'search rule %s (priority %s) routes %s from %s to zone %s'
                % (hit.get('name'), hit.get('priority'), alias, _origin_text(origin), zone_name),
                evidence,
            )
    origin, met = walks[0]
    if met:
        last = met[-1][0]
        return make_row(
            subject,
            'EXP-RULES',
            'fail',
            'from %s, search rule %s (priority %s) routes %s to zone %s, '
            'not to the Webex zone %s'
            % (_origin_text(origin), last.get('name'), last.get('priority'), alias, last.get('target_name'), zone_name),
            evidence,
        )
    return make_row(
        subject,
        'EXP-RULES',
        'fail',
        'no enabled search rule routes %s from %s to the Webex zone %s'
        % (alias, ', '.join(_origin_text(o) for o in origins), zone_name),
        evidence,
    )


def inbound_origin(zone):
    """Where the Expressway places calls from Webex: the zone with TLS verify inbound mapping, else Default."""
    if zone.get('tls_verify_mode') is True and zone.get('tls_verify_inbound_mapping') is True:
        return ('zone', zone.get('name'))
    return ('default', 'DefaultZone')


def judge_inbound(subject, rules, zone, inbound_zone):
    """EXP-RULES, second half: calls arriving from Webex reach the internal zone."""
    origin = inbound_origin(zone)
    met = search(rules, origin, None)
    why = ''
    if origin[0] != 'zone':
        why = (
            ' (TLS verify inbound mapping is not On in zone %s, so calls from Webex arrive through the '
            'Default Zone)' % zone.get('name')
        )
    evidence = {'from': _origin_text(origin), 'expected_target': inbound_zone, 'matching_rules': _hops(met)}
    hit = next((r for r, certain in met if r.get('target_name') == inbound_zone), None)
    if hit is not None:
        return make_row(
            subject,
            'EXP-RULES',
            'pass',
            'calls from Webex (%s) are routed to %s by search rule %s '
            '(priority %s)%s' % (_origin_text(origin), inbound_zone, hit.get('name'), hit.get('priority'), why),
            evidence,
        )
    targets = ', '.join(sorted(set(str(r.get('target_name')) for r, certain in met))) or 'nowhere'
    return make_row(
        subject,
        'EXP-RULES',
        'fail',
        'calls from Webex (%s) go to %s, not to %s%s' % (_origin_text(origin), targets, inbound_zone, why),
        evidence,
    )


def judge_rules(subject, rules, zone, generation, sip_domains, inbound_zone):
    """EXP-RULES rows: the generation's sample alias and each organisation domain reach the zone."""
    if zone is None:
        return [
            make_row(
                subject,
                'EXP-RULES',
                'fail',
                'no Webex zone, so no search rule can route to it',
                {'search_rules': [r.get('name') for r in rules]},
            )
        ]
    aliases = [GENERATIONS[generation]['sample_alias']] + ['b2b-check@%s' % d for d in sip_domains]
    origins = outbound_origins(rules, zone['name'], inbound_zone)
    rows = [judge_route(subject, rules, zone['name'], alias, origins) for alias in aliases]
    if inbound_zone:
        rows.append(judge_inbound(subject, rules, zone, inbound_zone))
    return rows


def judge_dns(subject, dns_servers):
    evidence = {'dns_servers': dns_servers}
    if dns_servers:
        return make_row(
            subject,
            'EXP-DNS',
            'pass',
            '%d DNS server(s): %s' % (len(dns_servers), ', '.join(s['address'] for s in dns_servers)),
            evidence,
        )
    return make_row(subject, 'EXP-DNS', 'fail', 'no DNS server configured', evidence)


def judge_trust(subject, roots_pem):
    """EXP-TRUST: the trusted CA list holds the root Webex's certificate chains to, matched by SHA-256."""
    roots = [
        {'subject': cert.subject.rfc4514_string(), 'sha256': certificates.fingerprint(cert)}
        for cert in parse_pem(roots_pem)
    ]
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
        return make_row(
            subject,
            'EXP-TRUST',
            'warn',
            'only a legacy Webex root is trusted (%s); add %s' % (legacy[0]['subject'], ', '.join(wanted)),
            evidence,
        )
    return make_row(
        subject, 'EXP-TRUST', 'fail', 'none of the %d trusted CAs is %s' % (len(roots), ', '.join(wanted)), evidence
    )


def parse_pem(text):
    """Certificates of the /certs/root answer; other PEM blocks (there should be none) are ignored."""
    # An unreadable entry cannot be the Webex root; the evidence lists what was read.
    return _pem.load_certificates(text)


def run(client, params):
    """Read the box, judge every EXP rule; returns result rows (subject = the Expressway host)."""
    subject = params['host']
    exp_cert_bundle = expressway_cert.load_bundle(params.get('sip_tls'))  # bad input fails before any request
    snap = read_config(client)
    generation = params['generation']
    rows = []
    zone_row, zone, used = judge_zone(subject, snap.zones, params.get('zone_name'), generation)
    used = used or (LEGACY_GENERATION if generation == 'any' else generation)
    rows.append(judge_version(subject, snap.sysinfo, used))
    rows.append(zone_row)
    rows.extend(
        judge_rules(subject, snap.rules, zone, used, params.get('sip_domains') or [], params.get('inbound_target_zone'))
    )
    rows.append(judge_dns(subject, snap.dns_servers))
    rows.extend(
        config_firewall.judge_firewall(
            subject,
            snap.firewall,
            params.get('expected_firewall'),
            snap.sysinfo.get('product'),
            params.get('firewall_interface'),
        )
    )
    rows.append(judge_trust(subject, snap.roots_pem))
    rows.extend(expressway_cert.judge(subject, params.get('sip_tls'), exp_cert_bundle, snap.sysinfo.get('version')))
    return rows
