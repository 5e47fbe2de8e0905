# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Runner of webex_outbound_check: from a SIPS URI to one row per rule, target and address.

Two steps per destination on one bounded pool: resolve it (DNS only), then probe every
(target, address, port) found (TLS, certificates, PTR); a destination's probes are queued as soon as
it is resolved, and only a window of destinations is in flight at once. A rule that cannot be evaluated because an
earlier step failed is reported as skip with that reason, so every destination has every rule.
"""

from __future__ import annotations

import collections
import concurrent.futures
import threading
import time

from ansible_collections.ucops.expressway.plugins.module_utils._checks import context, sip as checks_sip, tls
from ansible_collections.ucops.expressway.plugins.module_utils._checks.certificates import CertificateError
from ansible_collections.ucops.expressway.plugins.module_utils._checks.resolver import ResolverUnreachable, ptr_names
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import make_row
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.version import (
    parse_version,
    version_at_least,
)
from ansible_collections.ucops.expressway.plugins.module_utils._webex import MIN_B2B

CERT_RULES = ('OUT-CERT-VALID', 'OUT-CERT-NAME', 'OUT-CERT-CHAIN', 'OUT-CERT-TRUST')
ADDRESS_RULES = ('OUT-TLS',) + CERT_RULES + ('OUT-SIP', 'OUT-PTR')
MIN_VERSION = MIN_B2B  # the Webex profile's floor
# Destinations in flight per worker: enough that one slow destination does not idle the pool while it
# holds up the order rows are handed on in, few enough that memory does not grow with the list.
WINDOW_PER_WORKER = 4

Plan = collections.namedtuple('Plan', 'subject rows probes')
Probe = collections.namedtuple('Probe', 'subject uri target address port is_ipv4')


def _stop(subject, rows, rule_ids, reason, **where):
    """A plan that ends here: the remaining rules skip with the reason."""
    return Plan(subject, rows + context.skip_rows(subject, rule_ids, reason, **where), [])


def _explicit_port(uri, what):
    """(status, summary) of a URI that names its port: Webex reaches an SBC on 5061 only."""
    if uri.port == checks_sip.SIPS_PORT:
        return 'pass', '%s on port %d, used directly without SRV (RFC 3263)' % (what, uri.port)
    return 'fail', (
        '%s with explicit port %d: Webex reaches only a _sips._tcp SRV domain or an SBC on port %d '
        '(the host is still checked on %d)' % (what, uri.port, checks_sip.SIPS_PORT, uri.port)
    )


def _targets(ctx, subject, uri):
    """(rows, [(target, port)]) from SRV, an explicit port, or the A fallback on 5061 (RFC 3263)."""
    if uri.explicit_port:
        status, summary = _explicit_port(uri, uri.host)
        return [
            make_row(
                subject,
                'OUT-HOST',
                status,
                summary,
                {'host': uri.host, 'port': uri.port},
                target=uri.host,
                port=uri.port,
            )
        ], [(uri.host, uri.port)]
    answer, srv = ctx.dns.srv(uri.host)
    evidence = {
        'query': answer.name,
        'rcode': answer.rcode,
        'resolver': ctx.dns.describe(),
        'srv': [dict(srv_rr._asdict()) for srv_rr in srv],
    }
    if srv and all(not srv_rr.target for srv_rr in srv):
        return [make_row(subject, 'OUT-HOST', 'fail', 'the SRV record says no SIPS service ("." target)', evidence)], []
    if srv:
        listed = ', '.join('%s:%d' % (srv_rr.target, srv_rr.port) for srv_rr in srv if srv_rr.target)
        return [make_row(subject, 'OUT-HOST', 'pass', 'SRV %s -> %s' % (answer.name, listed), evidence)], [
            (srv_rr.target, srv_rr.port) for srv_rr in srv if srv_rr.target
        ]
    addresses, a_evidence = ctx.dns.ipv4(uri.host)
    evidence['fallback'] = a_evidence
    if addresses:
        summary = 'no SRV record (%s); %s has an A record and is used on port %d' % (answer.rcode, uri.host, uri.port)
        return [make_row(subject, 'OUT-HOST', 'pass', summary, evidence, target=uri.host, port=uri.port)], [
            (uri.host, uri.port)
        ]
    summary = 'neither a _sips._tcp SRV record (%s) nor an A record for %s' % (answer.rcode, uri.host)
    return [make_row(subject, 'OUT-HOST', 'fail', summary, evidence, target=uri.host)], [(uri.host, uri.port)]


def _a_row(ctx, subject, target, port):
    """(row, addresses) for OUT-A of one target."""
    addresses, evidence = ctx.dns.ipv4(target)
    evidence['resolver'] = ctx.dns.describe()
    if addresses:
        return make_row(
            subject, 'OUT-A', 'pass', '%s A %s' % (target, ', '.join(addresses)), evidence, target=target, port=port
        ), addresses
    if evidence.get('aaaa'):
        summary = '%s has only AAAA records (%s): Webex needs IPv4' % (target, ', '.join(evidence['aaaa']))
    elif evidence['rcode'] == 'NXDOMAIN':
        summary = '%s does not exist (NXDOMAIN)' % target
    else:
        summary = '%s has no A record' % target
    return make_row(subject, 'OUT-A', 'fail', summary, evidence, target=target, port=port), []


def _resolve_targets(ctx, subject, uri, targets):
    rows, probes = [], []
    # The targets' A queries overlap (side work), even when the pool runs one destination at a time.
    pending = [tls.side_task(_a_row, ctx, subject, target, port) for target, port in targets]
    for (target, port), answer in zip(targets, pending):
        row, addresses = answer.result()
        rows.append(row)
        if not addresses:
            rows += context.skip_rows(
                subject, ADDRESS_RULES, 'no IPv4 address for %s' % target, target=target, port=port
            )
        probes += [Probe(subject, uri, target, address, port, False) for address in addresses]
    return rows, probes


def plan_destination(ctx, text):
    """Phase 1 for one destination: URI, SRV and A; the probes phase 2 must run."""
    subject = text
    try:
        uri = checks_sip.parse_sips_uri(text)
    except checks_sip.SipUriError as err:
        rows = [make_row(subject, 'OUT-URI', 'fail', str(err), {'uri': text})]
        return _stop(subject, rows, ('OUT-HOST', 'OUT-A') + ADDRESS_RULES, 'not checked: the URI is invalid')
    rows = [make_row(subject, 'OUT-URI', 'pass', 'valid SIPS URI', dict(uri._asdict()))]
    if uri.is_ipv4:
        status, summary = (
            _explicit_port(uri, 'IPv4 literal %s' % uri.host)
            if uri.explicit_port
            else ('pass', 'IPv4 literal %s on port %d' % (uri.host, uri.port))
        )
        rows.append(
            make_row(
                subject,
                'OUT-HOST',
                status,
                summary,
                {'host': uri.host, 'port': uri.port},
                target=uri.host,
                address=uri.host,
                port=uri.port,
            )
        )
        rows.append(make_row(subject, 'OUT-A', 'skip', 'IPv4 literal: no name to resolve', target=uri.host))
        return Plan(subject, rows, [Probe(subject, uri, uri.host, uri.host, uri.port, True)])
    started = time.monotonic()
    try:
        host_rows, targets = _targets(ctx, subject, uri)
        _add_timing(host_rows[0], 'dns', started)
        if not targets:
            return _stop(subject, rows + host_rows, ('OUT-A',) + ADDRESS_RULES, 'no SIPS target to check')
        target_rows, probes = _resolve_targets(ctx, subject, uri, targets)
    except ResolverUnreachable as err:
        return _stop(
            subject, rows, ('OUT-HOST', 'OUT-A') + ADDRESS_RULES, 'resolver did not answer (%s): %s' % (err.kind, err)
        )
    _add_timing(host_rows[0], 'dns', started)
    return Plan(subject, rows + host_rows + target_rows, probes)


def _add_timing(row, phase, started):
    """Milliseconds since started, kept in evidence.timings of the row (the report sums them per destination)."""
    row['evidence'].setdefault('timings', {})[phase] = round((time.monotonic() - started) * 1000.0, 1)


def _ptr_row(ctx, probe, where):
    fqdn = None if probe.is_ipv4 else probe.target
    started = time.monotonic()
    try:
        outcome, evidence = ctx.dns.ptr(probe.address, fqdn)
    except ResolverUnreachable as err:
        return make_row(
            probe.subject,
            'OUT-PTR',
            'skip',
            'resolver did not answer (%s): %s' % (err.kind, err),
            {'error': err.kind},
            **where,
        )
    evidence['timings'] = {'dns': round((time.monotonic() - started) * 1000.0, 1)}
    names = ptr_names(evidence)
    summaries = {
        'ok': ('pass', '%s PTR %s, which resolves back to it' % (probe.address, names)),
        'missing': ('fail', 'no PTR record for %s' % probe.address),
        'mismatch': ('fail', '%s PTR %s, not %s' % (probe.address, names, fqdn)),
        'unconfirmed': (
            'fail',
            '%s PTR %s, but that name does not resolve back to %s' % (probe.address, names, probe.address),
        ),
    }
    status, summary = summaries[outcome]
    return make_row(probe.subject, 'OUT-PTR', status, summary, evidence, **where)


def sip_row(ctx, subject, sip, where):
    """OUT-SIP from the OPTIONS answer the TLS probe read (None when no OPTIONS was sent)."""
    if sip is None:
        reason = 'sip_options_probe is off' if not ctx.sip_probe else 'no SIP OPTIONS was sent'
        return make_row(subject, 'OUT-SIP', 'skip', reason, **where)
    if sip.get('answered'):
        summary = 'OPTIONS answered: %s' % sip['status_line']
        if sip.get('server'):
            summary += ' (%s)' % sip['server']
        return make_row(subject, 'OUT-SIP', 'pass', summary, sip, **where)
    return make_row(
        subject,
        'OUT-SIP',
        'warn',
        'TLS came up but SIP OPTIONS got no SIP response: %s' % (sip.get('error') or 'nothing seen'),
        sip,
        **where,
    )


def _cert_rows(ctx, probe, result, where):
    if not result.chain:
        return [
            make_row(probe.subject, rule_id, 'fail', 'the server presented no certificate', **where)
            for rule_id in CERT_RULES
        ]
    try:
        judged = ctx.chains.judge(ctx, result.chain, probe.target, probe.is_ipv4)
    except CertificateError as err:
        return [make_row(probe.subject, rule_id, 'fail', str(err), **where) for rule_id in CERT_RULES]
    return [make_row(probe.subject, 'OUT-' + rule, *verdict, **where) for rule, verdict in judged.items()]


def check_address(ctx, probe):
    """Phase 2 for one address: OUT-TLS, the four certificate rules, OUT-SIP, OUT-PTR; (rows, sip evidence)."""
    where = dict(target=probe.target, address=probe.address, port=probe.port)
    subject = probe.subject
    ptr_row = tls.side_task(_ptr_row, ctx, probe, where)  # overlaps the TLS probe
    started = time.monotonic()
    try:
        result = context.probe_tls(ctx, probe.address, probe.port, probe.target, probe.uri.uri)
    except tls.TlsProbeError as err:
        evidence = {'error': err.kind, 'alert': err.alert, 'timings': {}}
        rows = [make_row(subject, 'OUT-TLS', 'fail', str(err), evidence, **where)]
        _add_timing(rows[0], 'tls', started)
        rows += context.skip_rows(subject, CERT_RULES + ('OUT-SIP',), 'no TLS connection: %s' % err.kind, **where)
        return rows + [ptr_row.result()], None
    status, summary = tls.grade(result.version, result.tls12, result.tls12_error)
    evidence = dict(context.tls_evidence(result), tls12_error=result.tls12_error, timings=result.timings)
    rows = [make_row(subject, 'OUT-TLS', status, context.tls_summary(summary, result), evidence, **where)]
    rows += _cert_rows(ctx, probe, result, where)
    return rows + [sip_row(ctx, subject, result.sip, where), ptr_row.result()], result.sip


def _version_row(ctx, subject, versions, sips):
    """OUT-VERSION from sbc_versions, else from the Server/User-Agent of the OPTIONS answers."""
    source, version = 'sbc_versions', versions.get(subject)
    products = [sip.get('server') for sip in sips if sip and sip.get('server')]
    if version is None:
        found = [checks_sip.expressway_version(product) for product in products]
        version, source = next((v for v in found if v), None), 'SIP Server/User-Agent header'
    evidence = {'version': version, 'source': source, 'servers': products}
    if version is None:
        reason = (
            ('%s is not a Cisco VCS/Expressway' % products[0])
            if products
            else 'version unknown: give it in sbc_versions or enable sip_options_probe'
        )
        return make_row(subject, 'OUT-VERSION', 'skip', reason, evidence)
    try:
        ok = version_at_least(parse_version(version), MIN_VERSION)
    except ValueError:
        return make_row(subject, 'OUT-VERSION', 'fail', 'cannot read version %r' % version, evidence)
    status = 'pass' if ok else 'fail'
    return make_row(
        subject,
        'OUT-VERSION',
        status,
        '%s from %s (%s %s)' % (version, source, 'at least' if ok else 'below', MIN_VERSION),
        evidence,
    )


class _InFlight(object):
    """One destination on its way: the plan on the pool, then its probes, queued the moment the plan is ready."""

    def __init__(self, ctx, pool, text):
        self.ready = threading.Event()
        self.plan, self.checks, self.error = None, [], None
        pool.submit(self._plan, ctx, pool, text)

    def _plan(self, ctx, pool, text):
        try:
            self.plan = plan_destination(ctx, text)
            self.checks = [pool.submit(check_address, ctx, probe) for probe in self.plan.probes]
        except BaseException as err:  # pylint: disable=broad-exception-caught  # re-raised where it is awaited
            self.error = err
        finally:
            self.ready.set()

    def rows(self, ctx, versions):
        self.ready.wait()
        if self.error is not None:
            raise self.error
        results = [future.result() for future in self.checks]
        own = self.plan.rows + [row for address_rows, dummy in results for row in address_rows]
        return _by_target(own) + [_version_row(ctx, self.plan.subject, versions, [sip for dummy, sip in results])]


def run(ctx, destinations, versions=None, emit=None):
    """Every row for every destination, grouped by destination in the order given.

    With ``emit``, each destination's rows go to emit(rows) as soon as that destination and all
    before it are done, and are not kept: memory stays bounded by the destinations in flight
    (WINDOW_PER_WORKER per worker), not by the length of the list. Without, the rows are returned.
    """
    destinations = list(collections.OrderedDict.fromkeys(destinations))
    kept = []
    emit = emit or kept.extend
    window = collections.deque()
    with concurrent.futures.ThreadPoolExecutor(max_workers=ctx.concurrency, thread_name_prefix='outbound') as pool:
        for text in destinations:
            window.append(_InFlight(ctx, pool, text))
            if len(window) >= WINDOW_PER_WORKER * ctx.concurrency:
                emit(window.popleft().rows(ctx, versions or {}))
        while window:
            emit(window.popleft().rows(ctx, versions or {}))
    return kept


def _by_target(rows):
    """Rows of one destination grouped by target in resolution order; stable within a target."""
    rank = {}
    for row in rows:
        rank.setdefault(row['target'], len(rank))
    return sorted(rows, key=lambda row: 0 if row['rule'] in ('OUT-URI', 'OUT-HOST') else 1 + rank[row['target']])
