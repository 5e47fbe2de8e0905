# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Webex profile: everything Webex B2B calling asks of an Expressway, written down once.

Provisioning (the module ``webex_b2b``, the filter ``webex_b2b_objects``) and the configuration check
(``webex_config_check``, EXP-*) both read this file, so the box is configured with exactly the values it is
judged by. A new Webex domain generation, port range or version floor is a change here and nowhere else.

``host_objects(inputs, system)`` turns a few inputs (generation, zone name, org domains, DNS servers,
firewall choices) and what the box says of itself (product, version) into the desired objects of one host,
in the option names of the per-object modules. It is pure: no request, no file.
"""

from __future__ import annotations

import re

from ansible_collections.ucops.expressway.plugins.module_utils import _webex_ranges
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.fields import FIREWALL_SINCE
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.version import (
    parse_version,
    version_at_least,
)

SOURCE_B2B = 'Webex help article 7ej8gq (B2B SIP requirements)'
SOURCE_HYBRID = 'Webex Hybrid Calling deployment guide, Cisco TAC TechNote 212475'

# The values each Webex domain generation puts in the zone, the alias pattern of the outbound search
# rule, and an alias its calls carry (what EXP-RULES routes as a sample).
GENERATIONS = {
    'ciscospark': {
        'tls_verify_subject_name': 'callservice.ciscospark.com',
        'domain_to_search_for': 'callservice.ciscospark.com',
        'alias_pattern': r'.*@.*\.ciscospark\.com.*',
        'sample_alias': 'b2b-check@acme.calls.ciscospark.com',
    },
    'webex': {
        'tls_verify_subject_name': 'sip.webex.com',
        'domain_to_search_for': 'callservice.webex.com',
        'alias_pattern': r'.*@.*\.webex\.com.*',
        'sample_alias': 'b2b-check@acme.calls.webex.com',
    },
}
LEGACY_GENERATION = 'ciscospark'
MIGRATION_ADVICE = (
    'Hybrid Calling has moved to callservice.webex.com (routing) and sip.webex.com (TLS name); '
    'plan the move with generation webex (X8.11.4 or later)'
)

# Software floors: Webex B2B at all, and the webex generation with the built-in Webex zone.
MIN_B2B = 'X8.5.3'
MIN_WEBEX_ZONE = 'X8.11.4'
# The firewall rules API is an Expressway fact, not a Webex one (_expressway.fields.FIREWALL_SINCE).

# EXP-ZONE: exactly what the B2B article asks, whatever the generation.
ZONE_REQUIRED = {
    'zone_profile': 'Custom',
    'automatically_respond_to_sip_searches': True,
    'tls_verify_mode': True,
    'modify_dns_request': True,
    'sip_mode': True,
}
# Settings the article does not name: (option, recommended value, source, why). Evidence, never a failure.
ZONE_RECOMMENDED = (
    (
        'tls_verify_inbound_mapping',
        True,
        SOURCE_HYBRID,
        'calls from Webex are classified into this zone; Off, they arrive through the Default Zone (see EXP-RULES)',
    ),
    ('fallback_transport_protocol', 'TLS', SOURCE_HYBRID, 'a lookup without SRV records still uses TLS'),
    ('media_encryption_mode', 'ForceEncrypted', SOURCE_HYBRID, 'Webex media is always encrypted'),
    ('preloaded_sip_routes_support', True, SOURCE_HYBRID, 'SIP Route headers Webex preloads are accepted'),
    ('h323_mode', False, SOURCE_B2B, 'H.323 off unless needed: Webex B2B is SIP only'),
)
# The recommendations provisioning writes as well: the inbound mapping the EXP-RULES verdict relies on,
# and H.323 off. The others stay the user's choice (zone_overrides).
ZONE_PROVISIONED = ('tls_verify_inbound_mapping', 'h323_mode')

# Signalling and media: the SIPS port Webex dials, the port it takes mutual TLS on, and the flows the
# firewall must admit from Webex (PORT-SIG-OUT on every box, PORT-MEDIA on an Expressway-E).
SIPS_PORT = 5061
MTLS_PORT = 5062
SIGNALLING = {
    'transport': 'TCP',
    'start_port': 5061,
    'end_port': 5062,
    'rule': 'PORT-SIG-OUT',
    'description': 'Webex B2B signalling (PORT-SIG-OUT)',
}
MEDIA = {
    'transport': 'UDP',
    'start_port': 36000,
    'end_port': 59999,
    'rule': 'PORT-MEDIA',
    'description': 'Webex B2B media (PORT-MEDIA)',
}
ANYWHERE = '0.0.0.0/0'
PUBLISHED_SOURCES = _webex_ranges.WEBEX_IPV4

# The inputs host_objects takes, with their defaults (the module's and the role's options).
INPUTS = {
    'generation': 'ciscospark',
    'zone_name': 'Webex-B2B',
    'state': 'present',
    'zone_overrides': {},
    'org_sip_domains': [],
    'rule_priority': 100,
    'inbound_target_zone': '',
    'extra_search_rules': [],
    'dns_servers': [],
    'dns_servers_state': 'present',
    'system_host_name': '',
    'domain_name': '',
    'trusted_ca_files': [],
    'manage_zone': None,
    'firewall_webex': None,
    'firewall_webex_sources': [],
    'firewall_published_sources': False,
    'firewall_priority': 30000,
    'firewall_extra_rules': [],
    'cluster_primary': True,
}


def minimum_version(generation: str) -> tuple[str, str]:
    """(version, why) a generation needs ('any' judges by the B2B floor)."""
    if generation == 'webex':
        return MIN_WEBEX_ZONE, 'the minimum for the webex domain generation and the built-in Webex zone'
    return MIN_B2B, 'the minimum for Webex B2B calling'


def generation_of(zone: dict) -> str | None:
    """The generation whose values the zone carries (domain first, then TLS name), or None."""
    for key in ('domain_to_search_for', 'tls_verify_subject_name'):
        for name, values in GENERATIONS.items():
            if zone.get(key) == values[key]:
                return name
    return None


def expected_zone(generation: str) -> dict:
    """What EXP-ZONE requires of the zone for a generation."""
    values = GENERATIONS[generation]
    return dict(
        ZONE_REQUIRED,
        tls_verify_subject_name=values['tls_verify_subject_name'],
        domain_to_search_for=values['domain_to_search_for'],
    )


def zone_options(generation: str, overrides: dict | None = None) -> dict:
    """The zone provisioning writes: EXP-ZONE, the provisioned recommendations, then the user's overrides."""
    recommended = {opt: value for opt, value, _source, _why in ZONE_RECOMMENDED if opt in ZONE_PROVISIONED}
    zone = dict(expected_zone(generation), **recommended)
    zone.update(overrides or {})
    return zone


def default_flows(product: str | None) -> list[dict]:
    """The flows the firewall must admit from Webex: signalling on every box, media on an Expressway-E."""
    flows = [SIGNALLING] if product == 'C' else [SIGNALLING, MEDIA]
    return [{key: flow[key] for key in ('transport', 'start_port', 'end_port')} for flow in flows]


def search_rules(
    zone_name: str, generation: str, org_sip_domains=(), priority: int = 100, inbound_target_zone: str = '', extra=()
) -> list[dict]:
    """EXP-RULES: the outbound rule, one per organisation domain, the inbound rule, then extra rules.

    Names stay within the box's 50 characters and descriptions within 64 (the caller validates the names).
    """
    common = {'protocol': 'SIP', 'on_successful_match': 'Stop', 'target_name': zone_name, 'enabled': True}
    outbound = {'source': 'Any', 'mode': 'AliasPatternMatch', 'pattern_type': 'Regex', 'pattern_behavior': 'Leave'}
    rules = [
        dict(
            common,
            **outbound,
            name=f'{zone_name} outbound',
            description=f'Webex B2B: calls to Webex ({generation})',
            pattern_string=GENERATIONS[generation]['alias_pattern'],
        )
    ]
    for domain in org_sip_domains:
        rules.append(
            dict(
                common,
                **outbound,
                name=f'{zone_name} to {domain}',
                description='Webex B2B: calls to an organisation Webex domain',
                pattern_string=f'.*@{re.escape(domain)}.*',
            )
        )
    if inbound_target_zone:
        rules.append(
            dict(
                common,
                name=f'{zone_name} inbound',
                description='Webex B2B: calls from Webex to the internal zone',
                source='Named',
                source_name=zone_name,
                mode='AnyAlias',
                target_name=inbound_target_zone,
            )
        )
    for number, rule in enumerate(rules, start=priority):
        rule['priority'] = number
    return rules + [dict(rule) for rule in extra]


def firewall_rules(
    product: str | None, priority: int = 30000, sources=(), published: bool = False, extra=(), webex: bool = True
) -> list[dict]:
    """EXP-FW: PORT-SIG-OUT from each Webex source, PORT-MEDIA on an Expressway-E, then extra rules.

    Sources: the ones given (signalling only), else the published Webex ranges when published is true,
    else anywhere.
    """
    webex_sources = list(PUBLISHED_SOURCES) if published else [ANYWHERE]
    flows = []
    if webex:
        flows = [(SIGNALLING, list(sources) or webex_sources)]
        if product != 'C':
            flows.append((MEDIA, webex_sources))
    rules = []
    for flow, where in flows:
        for source in where:
            address, _sep, prefix = source.partition('/')
            rules.append(
                {
                    'priority': priority + len(rules),
                    'address': address,
                    'prefix_length': int(prefix) if prefix else 32,
                    'transport': flow['transport'],
                    'start_port': flow['start_port'],
                    'end_port': flow['end_port'],
                    'action': 'Allow',
                    'description': flow['description'],
                }
            )
    return rules + [dict(rule) for rule in extra]


def _version(system):
    try:
        return parse_version(system.get('version'))
    except ValueError:
        return None


def gate(inputs: dict, system: dict) -> str | None:
    """Why this host must not be written to, or None. Decided from one read of the system information."""
    version = system.get('version')
    if _version(system) is None:
        return f'the software version {version!r} cannot be read; nothing was changed'
    minimum, why = minimum_version(inputs['generation'])
    if not version_at_least(version, minimum):
        return f'it runs {version}, older than {minimum} ({why}). Nothing was changed; upgrade it first'
    if system.get('product') == 'C':
        e_only = [
            text
            for option, text in (
                ('manage_zone', 'manage_zone (the Webex DNS zone and its search rules)'),
                ('firewall_webex', 'firewall_webex (firewall rules admitting Webex signalling and media)'),
            )
            if inputs.get(option)
        ]
        if e_only:
            verb = 'is' if len(e_only) == 1 else 'are'
            return (
                f'it is an Expressway-C ({system.get("system_type")}), but {" and ".join(e_only)} {verb} '
                'Expressway-E only. Unset it for this host; nothing was changed'
            )
    wants_firewall = bool(inputs.get('firewall_webex')) or bool(inputs.get('firewall_extra_rules'))
    if wants_firewall and not version_at_least(version, FIREWALL_SINCE):
        return (
            f'it runs {version}; firewall rules need {FIREWALL_SINCE} or later. Unset firewall_webex and '
            'firewall_extra_rules for this host; nothing was changed'
        )
    return None


def host_objects(inputs: dict, system: dict) -> dict:
    """The desired objects of one host, in per-object module options; a key is None where not managed.

    Per peer: DNS servers and DNS settings. Cluster primary only: the zone and its rules (by default on an
    Expressway-E), trusted CAs, and firewall rules (Webex flows by default on an Expressway-E from X8.10).
    """
    inputs = dict(INPUTS, **{key: value for key, value in inputs.items() if value is not None})
    primary = bool(inputs['cluster_primary'])
    is_e = system.get('product') != 'C'
    manage_zone = is_e if inputs['manage_zone'] is None else bool(inputs['manage_zone'])
    firewall_webex = inputs['firewall_webex']
    if firewall_webex is None:
        firewall_webex = is_e and _version(system) is not None and version_at_least(system['version'], FIREWALL_SINCE)
    settings = {key: inputs[key] for key in ('system_host_name', 'domain_name') if inputs[key]}
    objects = {
        'dns_servers': list(inputs['dns_servers']) or None,
        'dns_settings': settings or None,
        'zone': None,
        'search_rules': None,
        'trusted_ca_files': None,
        'firewall_rules': None,
    }
    if primary and manage_zone:
        objects['zone'] = dict(zone_options(inputs['generation'], inputs['zone_overrides']), name=inputs['zone_name'])
        objects['search_rules'] = search_rules(
            inputs['zone_name'],
            inputs['generation'],
            inputs['org_sip_domains'],
            inputs['rule_priority'],
            inputs['inbound_target_zone'],
            inputs['extra_search_rules'],
        )
    if primary:
        objects['trusted_ca_files'] = list(inputs['trusted_ca_files']) or None
        objects['firewall_rules'] = (
            firewall_rules(
                system.get('product'),
                inputs['firewall_priority'],
                inputs['firewall_webex_sources'],
                inputs['firewall_published_sources'],
                inputs['firewall_extra_rules'],
                webex=firewall_webex,
            )
            or None
        )
    return objects
