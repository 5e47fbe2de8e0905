# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""EXP-FW: the Expressway's active firewall rules, evaluated the way its firewall evaluates them.

A flow is traffic of one transport to a local port range from a set of source networks (by default the
ranges Cisco publishes for Webex, ``_webex_ranges``). The configured rules are taken in priority order
(lowest number first; the box refuses to activate two rules with one priority) and the first rule that
matches a packet decides: its source address and prefix, interface, transport (a non-Custom service
implies its own), and local port range must all match. Traffic no configured rule matches meets the
final rule the Expressway appends, which lets everything addressed to the box in; such traffic is
admitted, but only as long as nobody adds a drop-all rule, so it is a warning, not a pass.

Everything here is pure: rows come from the rules read once by ``_checks.config.read_config``.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils import _webex, _webex_ranges
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import make_row

DEFAULT_INTERFACE = 'LAN1'
_DONE = {'Allow': 'admitted', 'Drop': 'dropped', 'Reject': 'rejected'}
_RULE_KEYS = (
    'priority',
    'address',
    'prefix_length',
    'interface',
    'service',
    'transport',
    'start_port',
    'end_port',
    'action',
    'description',
)


def default_flows(product):
    """PORT-SIG-OUT on every box; PORT-MEDIA (the Expressway-E media range) on an E only (the Webex profile)."""
    return _webex.default_flows(product)


def _sources(flow):
    """The flow's source networks: the address/prefix it names, else the published Webex ranges."""
    if flow.get('address'):
        prefix = flow.get('prefix_length')
        return [ipaddress.ip_network('%s/%s' % (flow['address'], 32 if prefix is None else prefix), strict=False)]
    return _webex_ranges.networks()


def label(flow):
    where = 'the Webex ranges'
    if flow.get('address'):
        where = str(_sources(flow)[0])
    return '%s %s-%s from %s' % (flow['transport'], flow['start_port'], flow['end_port'], where)


def _rule_space(rule, transport, interface):
    """(network, first port, last port) of the packets of transport that rule matches, or None."""
    if rule.get('interface') not in (None, interface):
        return None
    service = rule.get('service') or 'Custom'
    if service != 'Custom':
        implied = fields.FIREWALL_SERVICE_PORTS.get(service)
        if implied is None or implied[0] != transport:
            return None  # a well-known service on a port the table does not know: never a Webex port
        ports = (implied[1], implied[1])
    else:
        if (rule.get('transport') or 'TCP') not in (transport, 'TCPAndUDP'):
            return None
        ports = (rule.get('start_port') or 1, rule.get('end_port') or 65535)
    try:
        network = ipaddress.ip_network('%s/%s' % (rule.get('address'), rule.get('prefix_length') or 0), strict=False)
    except ValueError:
        return None
    return network, ports[0], ports[1]


def _cut(box, space):
    """(the part of box inside space or None, the parts outside): boxes are (lo, hi, first, last)."""
    network, first, last = space
    lo, hi = max(box[0], int(network[0])), min(box[1], int(network[-1]))
    p_lo, p_hi = max(box[2], first), min(box[3], last)
    if lo > hi or p_lo > p_hi:
        return None, [box]
    rest = [
        (box[0], lo - 1, box[2], box[3]),
        (hi + 1, box[1], box[2], box[3]),
        (lo, hi, box[2], p_lo - 1),
        (lo, hi, p_hi + 1, box[3]),
    ]
    return (lo, hi, p_lo, p_hi), [b for b in rest if b[0] <= b[1] and b[2] <= b[3]]


def walk(rules, source, transport, first, last, interface):
    """Decide every packet of source -> first..last: [(rule or None, share)] in priority order.

    None stands for the Expressway's final allow rule (no configured rule matched)."""
    remaining = [(int(source[0]), int(source[-1]), first, last)]
    deciders = []
    for rule in rules:
        space = _rule_space(rule, transport, interface)
        if space is None or space[0].version != source.version:
            continue
        left, hit = [], False
        for box in remaining:
            inside, outside = _cut(box, space)
            hit = hit or inside is not None
            left.extend(outside)
        if hit:
            deciders.append(rule)
        remaining = left
        if not remaining:
            break
    return deciders, bool(remaining)


def _judge_source(rules, source, flow, interface):
    transports = ('TCP', 'UDP') if flow['transport'] == 'TCPAndUDP' else (flow['transport'],)
    deciders, unmatched = [], False
    for transport in transports:
        found, rest = walk(rules, source, transport, flow['start_port'], flow['end_port'], interface)
        deciders.extend(r for r in found if r not in deciders)
        unmatched = unmatched or rest
    wanted = flow.get('action') or 'Allow'
    against = [r for r in deciders if r.get('action') != wanted]
    verdict = 'as wanted'
    if against:
        verdict = 'against'
    elif unmatched:
        verdict = 'unmatched'
    return {
        'source': str(source),
        'verdict': verdict,
        'decided_by': [r.get('priority') for r in deciders],
        'against': [r.get('priority') for r in against],
        'final_rule': unmatched,
    }


def _rule_text(rule):
    return 'priority %s (%s %s/%s %s %s-%s)' % (
        rule.get('priority'),
        rule.get('action'),
        rule.get('address'),
        rule.get('prefix_length'),
        rule.get('transport'),
        rule.get('start_port'),
        rule.get('end_port'),
    )


def judge_flow(subject, rules, flow, interface):
    """One EXP-FW row for one flow."""
    per_source = [_judge_source(rules, source, flow, interface) for source in _sources(flow)]
    wanted = flow.get('action') or 'Allow'
    by_priority = dict((r.get('priority'), r) for r in rules)
    evidence = {'expected': flow, 'interface': interface, 'sources': per_source}
    if not flow.get('address'):
        evidence['webex_ranges'] = _webex_ranges.provenance()
    against = [s for s in per_source if s['verdict'] == 'against']
    unmatched = [s for s in per_source if s['verdict'] == 'unmatched']
    total = len(per_source)
    if against:
        culprits = sorted(set(p for s in against for p in s['against']), key=str)
        summary = '%d of %d source range(s) are not %s: %s decides first' % (
            len(against),
            total,
            _DONE[wanted],
            ', '.join(_rule_text(by_priority[p]) for p in culprits),
        )
        status = 'fail'
    elif unmatched and wanted == 'Allow':
        summary = (
            '%d of %d source range(s) match no configured rule and get in only through the '
            "Expressway's final allow-all rule" % (len(unmatched), total)
        )
        status = 'warn'
    elif unmatched:
        summary = '%d of %d source range(s) match no configured rule, so they are admitted, not %s' % (
            len(unmatched),
            total,
            _DONE[wanted],
        )
        status = 'fail'
    else:
        deciders = sorted(set(p for s in per_source for p in s['decided_by']), key=str)
        summary = '%s by rule priority %s' % (_DONE[wanted], ', '.join(str(p) for p in deciders))
        status = 'pass'
    return make_row(subject, 'EXP-FW', status, '%s: %s' % (label(flow), summary), evidence, target=label(flow))


def _within(rule, flows):
    """Does an Allow rule open nothing beyond the flows that are to be admitted?"""
    flows = [f for f in flows if (f.get('action') or 'Allow') == 'Allow']
    transports = ('TCP', 'UDP') if rule.get('transport') == 'TCPAndUDP' else (rule.get('transport'),)
    return all(
        any(
            f['transport'] in (t, 'TCPAndUDP')
            and f['start_port'] <= (rule.get('start_port') or 1)
            and (rule.get('end_port') or 65535) <= f['end_port']
            for f in flows
        )
        for t in transports
    )


def judge_firewall(subject, firewall, expected, product, interface=None):
    """EXP-FW rows: one per flow, then a warning for Allow rules from anywhere beyond the flows."""
    if firewall is None:
        return [make_row(subject, 'EXP-FW', 'skip', 'this version has no firewall rule API (X8.10+)')]
    if not firewall and expected is None:
        return [make_row(subject, 'EXP-FW', 'skip', 'no active firewall rules: the Expressway firewall is not used')]
    flows = expected if expected is not None else default_flows(product)
    rules = sorted((dict((k, r.get(k)) for k in _RULE_KEYS) for r in firewall), key=lambda r: r.get('priority') or 0)
    rows = [judge_flow(subject, rules, flow, interface or DEFAULT_INTERFACE) for flow in flows]
    broad = [
        r
        for r in rules
        if r.get('action') == 'Allow'
        and not r.get('prefix_length')
        and (r.get('service') or 'Custom') == 'Custom'
        and not _within(r, flows)
    ]
    if broad:
        rows.append(
            make_row(
                subject,
                'EXP-FW',
                'warn',
                'active rules allow more than Webex needs from anywhere: %s' % ', '.join(_rule_text(r) for r in broad),
                {'broader': broad},
            )
        )
    return rows
