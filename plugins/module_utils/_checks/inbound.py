# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Runner of webex_inbound_check: what an originating SBC needs to reach the Webex cloud.

The check stands where the SBC stands: it asks the SBC's resolvers for the Webex SRV record,
connects to every Webex address on the SRV port (IN-SRV) and on the mutual-TLS port presenting the
SBC's own certificate (IN-MTLS), and judges that certificate from its files (IN-CERT-*). Once a
client certificate is given, mutual TLS is in use and the IN-CERT-* rows carry level must, as the
requirements page says (calls fail otherwise). The certificate Webex presents on those connections
is judged too (_checks.webex_trust), so a Webex CA change shows before the SBC starts refusing it.
"""

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._checks import (
    certificates,
    context,
    resolver,
    sip,
    tls,
    webex_trust,
)
from ansible_collections.ucops.expressway.plugins.module_utils._checks.context import CheckSetupError
from ansible_collections.ucops.expressway.plugins.module_utils._checks.resolver import ResolverUnreachable
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import make_row

CERT_RULES = ('IN-CERT-EKU', 'IN-CERT-VALID', 'IN-CERT-NAME', 'IN-CERT-CHAIN', 'IN-CERT-TRUST')


def called_host(called_uri):
    """(host, request URI) of the called URI or bare domain."""
    if ':' in called_uri:
        try:
            uri = sip.parse_sips_uri(called_uri)
        except sip.SipUriError as err:
            raise CheckSetupError('called_uri: %s' % err) from err
        return uri.host, uri.uri
    try:
        host = sip.check_host(called_uri.strip())[0]
    except sip.SipUriError as err:
        raise CheckSetupError('called_uri: %s' % err) from err
    return host, 'sips:%s' % host


def _srv_targets(ctx, subject, host):
    """(rows, [(target, address, port)]) for IN-DNS and the DNS half of IN-SRV."""
    try:
        answer, srv = ctx.dns.srv(host)
    except ResolverUnreachable as err:
        return [make_row(subject, 'IN-DNS', 'fail', str(err), {'resolver': ctx.dns.describe()})], None
    rows = [
        make_row(
            subject,
            'IN-DNS',
            'pass',
            '%s answered (%s)' % (ctx.dns.describe(), answer.rcode),
            {'resolver': ctx.dns.describe(), 'query': answer.name, 'rcode': answer.rcode},
        )
    ]
    evidence = {'query': answer.name, 'rcode': answer.rcode, 'srv': [dict(rr._asdict()) for rr in srv]}
    if not [rr for rr in srv if rr.target]:
        return rows + [
            make_row(subject, 'IN-SRV', 'fail', 'no _sips._tcp SRV record for %s (%s)' % (host, answer.rcode), evidence)
        ], []
    endpoints = []
    for rr in (rr for rr in srv if rr.target):
        addresses, a_evidence = ctx.dns.ipv4(rr.target)
        if not addresses:
            rows.append(
                make_row(
                    subject,
                    'IN-SRV',
                    'fail',
                    '%s has no A record' % rr.target,
                    dict(evidence, a=a_evidence),
                    target=rr.target,
                    port=rr.port,
                )
            )
        endpoints += [(rr.target, address, rr.port) for address in addresses]
    return rows, endpoints


def _webex_row(subject, rule, status, summary, result, anchors, where):
    """The row of a connection to Webex, downgraded by the verdict on the certificate Webex presented."""
    evidence = context.tls_evidence(result)
    try:
        certs = context.parse_chain(result.chain)
    except certificates.CertificateError as err:
        certs, verdict = [], ('fail', str(err), {})
    if certs:
        verdict = webex_trust.judge(certs, anchors)
    elif not result.chain:
        verdict = ('fail', 'Webex presented no certificate', {})
    evidence['webex_certificate'] = dict(verdict[2], status=verdict[0])
    summary = '%s; Webex certificate: %s' % (summary, verdict[1])
    return make_row(subject, rule, webex_trust.worst(status, verdict[0]), summary, evidence, **where)


def _srv_row(ctx, subject, endpoint, sip_uri, anchors):
    target, address, port = endpoint
    where = dict(target=target, address=address, port=port)
    try:
        result = context.probe_tls(ctx, address, port, target, sip_uri)
    except tls.TlsProbeError as err:
        return make_row(subject, 'IN-SRV', 'fail', str(err), {'error': err.kind}, **where)
    status, summary = tls.grade(result.version, result.tls12, result.tls12_error)
    return _webex_row(subject, 'IN-SRV', status, context.tls_summary(summary, result), result, anchors, where)


def _mtls_row(ctx, subject, endpoint, params, sip_uri, anchors):
    target, address = endpoint[0], endpoint[1]
    where = dict(target=target, address=address, port=params['mtls_port'])
    try:
        result = context.probe_tls(
            ctx, address, params['mtls_port'], target, sip_uri, params['client_cert'], params['client_key']
        )
    except tls.TlsProbeError as err:
        return make_row(subject, 'IN-MTLS', 'fail', str(err), {'error': err.kind}, **where)
    summary = 'mutual TLS accepted: %s' % context.tls_summary(result.version, result)
    return _webex_row(subject, 'IN-MTLS', 'pass', summary, result, anchors, where)


def _cert_rows(ctx, subject, params):
    if not params['client_cert']:
        return context.skip_rows(subject, CERT_RULES, 'no client_cert given')
    try:
        certs = certificates.load_pem_file(params['client_cert'])
    except certificates.CertificateError as err:
        raise CheckSetupError('client_cert: %s' % err) from err
    if not certs:
        raise CheckSetupError('client_cert: %s holds no certificate' % params['client_cert'])
    judged = context.judge_certs(ctx, certs, params['sbc_fqdn'])
    # A client certificate: its EKU is IN-CERT-EKU's to judge, so trust leaves it out.
    judged['CERT-TRUST'] = certificates.check_trust(certs, ctx.bundle, purpose='any')
    root = judged['CERT-TRUST'][2].get('root_sha256')
    eku = certificates.check_eku(certs[0], public_root=root in ctx.public_roots)
    rows = [make_row(subject, 'IN-CERT-EKU', *eku, level='must')]
    for rule in ('CERT-VALID', 'CERT-NAME', 'CERT-CHAIN', 'CERT-TRUST'):
        rows.append(make_row(subject, 'IN-' + rule, *judged[rule], level='must'))
    return rows


def _ptr_rows(ctx, subject, fqdn):
    if not fqdn:
        return context.skip_rows(subject, ('IN-PTR',), 'no sbc_fqdn given')
    addresses, evidence = ctx.dns.ipv4(fqdn)
    if not addresses:
        return [
            make_row(subject, 'IN-PTR', 'fail', '%s has no A record to look up a PTR for' % fqdn, evidence, target=fqdn)
        ]
    rows = []
    for address in addresses:
        outcome, evidence = ctx.dns.ptr(address, fqdn)
        status = 'pass' if outcome == 'ok' else 'fail'
        summary = '%s PTR %s (%s)' % (address, resolver.ptr_names(evidence) or 'none', outcome)
        rows.append(make_row(subject, 'IN-PTR', status, summary, evidence, target=fqdn, address=address))
    return rows


def _contact_rows(ctx, subject, fqdn):
    if not fqdn:
        return context.skip_rows(subject, ('IN-CONTACT',), 'no contact_fqdn given')
    addresses, evidence = ctx.dns.ipv4(fqdn)
    if addresses:
        return [
            make_row(subject, 'IN-CONTACT', 'pass', '%s A %s' % (fqdn, ', '.join(addresses)), evidence, target=fqdn)
        ]
    reason = 'only AAAA records' if evidence.get('aaaa') else ('no A record (%s)' % evidence['rcode'])
    return [make_row(subject, 'IN-CONTACT', 'fail', '%s has %s' % (fqdn, reason), evidence, target=fqdn)]


def _dns_rows(ctx, subject, params):
    """IN-PTR and IN-CONTACT, which skip when the resolver stopped answering."""
    try:
        return _ptr_rows(ctx, subject, params['sbc_fqdn']) + _contact_rows(ctx, subject, params['contact_fqdn'])
    except ResolverUnreachable as err:
        return context.skip_rows(subject, ('IN-PTR', 'IN-CONTACT'), 'resolver did not answer: %s' % err)


def run(ctx, params):
    """Every row of the inbound check for one SBC."""
    host, sip_uri = called_host(params['called_uri'])
    subject = params['sbc_fqdn'] or params['called_uri']
    anchors = webex_trust.anchors_for(ctx.bundle, params)
    rows, endpoints = _srv_targets(ctx, subject, host)
    cert_rows = _cert_rows(ctx, subject, params)
    if endpoints is None:
        reason = 'resolver did not answer (IN-DNS)'
        return rows + context.skip_rows(subject, ('IN-SRV', 'IN-MTLS', 'IN-PTR', 'IN-CONTACT'), reason) + cert_rows
    rows += ctx.map(lambda endpoint: _srv_row(ctx, subject, endpoint, sip_uri, anchors), endpoints)
    if not params['client_cert']:
        rows += context.skip_rows(subject, ('IN-MTLS',), 'no client_cert and client_key given')
    elif not endpoints:
        rows += context.skip_rows(subject, ('IN-MTLS',), 'no Webex address to connect to (IN-SRV)')
    else:
        unique = sorted(set((target, address) for target, address, dummy in endpoints))
        rows += ctx.map(lambda endpoint: _mtls_row(ctx, subject, endpoint, params, sip_uri, anchors), unique)
    return rows + cert_rows + _dns_rows(ctx, subject, params)
