# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""EXP-CERT: the Expressway-E's own certificate, read off the wire on its SIP TLS port.

The Expressway-E presents the same certificate as a server on 5061 and as a client to Webex on 5062,
so what it sends on its SIP TLS port is what Webex sees, and no private key or file is needed. The
row judges validity, name, path and EKUs, and always says what the next renewal brings: public CAs
stop issuing clientAuth (Cisco FN74362/FN74345), and from X15.5 a separate client certificate store
can hold a clientAuth certificate instead. The version comes from the API's /sysinfo.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates, tls
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ValidationError
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import make_row, worst
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.version import (
    parse_version,
    version_at_least,
)

CLIENT_STORE_SINCE = 'X15.5'
# The Chrome Root Program's deadline for serverAuth-only public hierarchies; public CAs drop clientAuth
# from renewals around it, through 2026-27 (FN74362, FN74345).
CLIENT_AUTH_SUNSET = '2026-06-15'


def sip_tls_spec():
    """Suboptions of the sip_tls option of webex_config_check."""
    return dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=5061),
        server_name=dict(type='str'),
        ca_bundle=dict(type='path'),
        expiry_warning_days=dict(type='int', default=30),
        timeout=dict(type='float', default=5.0),
    )


def has_client_store(version):
    """True, False, or None when the version cannot be read."""
    try:
        return version_at_least(parse_version(version), CLIENT_STORE_SINCE)
    except (TypeError, ValueError):
        return None


def forecast(version):
    store = has_client_store(version)
    text = 'a renewal from a public CA after %s loses clientAuth (FN74362/FN74345); ' % CLIENT_AUTH_SUNSET
    if store is None:
        return text + 'the version is unknown, so whether the %s client certificate store exists is too' % (
            CLIENT_STORE_SINCE
        )
    return text + '%s %s the %s client certificate store' % (
        version,
        'offers' if store else 'does not offer',
        CLIENT_STORE_SINCE,
    )


def _eku_verdict(leaf, version):
    status, summary, evidence = certificates.check_eku(leaf)
    if status == 'pass':
        return 'pass', summary, evidence
    if 'serverAuth' not in summary and has_client_store(version):
        return (
            'warn',
            'no clientAuth: the %s client certificate store must hold a clientAuth certificate' % (CLIENT_STORE_SINCE),
            evidence,
        )
    return 'fail', summary.split(';', maxsplit=1)[0], evidence


def _is_ipv4(name):
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def load_bundle(spec):
    """The trust bundle of sip_tls, read before the first request so bad input fails early; None without sip_tls."""
    if not spec:
        return None
    if spec['port'] < 1 or spec['port'] > 65535 or spec['timeout'] <= 0:
        raise ValidationError(
            'sip_tls', dict(port=spec['port'], timeout=spec['timeout']), 'port 1-65535 and a timeout above 0'
        )
    path = spec.get('ca_bundle')
    try:
        return certificates.Bundle.from_file_or_certifi(path)
    except certificates.CertificateError as err:
        raise ValidationError(
            'sip_tls.ca_bundle', path, 'a readable PEM file of CA certificates', reason=str(err)
        ) from err


def _verdicts(certs, spec, bundle, version):
    name = spec.get('server_name') or spec['host']
    return [
        ('validity', certificates.check_validity(certs[0], spec['expiry_warning_days'])),
        ('name', certificates.check_name(certs[0], name, _is_ipv4(name))),
        ('trust', certificates.check_trust(certs, bundle, 'server')),
        ('eku', _eku_verdict(certs[0], version)),
    ]


def judge(subject, spec, bundle, version):
    """The EXP-CERT rows: none without sip_tls (the port is read only when asked), else one.

    bundle comes from load_bundle(spec).
    """
    if not spec:
        return []
    where = dict(target=spec['host'], port=spec['port'])
    try:
        result = tls.probe(spec['host'], spec['port'], spec.get('server_name') or spec['host'], spec['timeout'])
        certs = certificates.from_der_list(result.chain)
        if not certs:
            raise certificates.CertificateError('no certificate was presented')
    except (tls.TlsProbeError, certificates.CertificateError) as err:
        return [
            make_row(
                subject,
                'EXP-CERT',
                'fail',
                'cannot read the certificate: %s' % err,
                {'forecast': forecast(version)},
                **where,
            )
        ]
    verdicts = _verdicts(certs, spec, bundle, version)
    status = worst(verdict[0] for dummy, verdict in verdicts)
    problems = ['%s: %s' % (what, verdict[1]) for what, verdict in verdicts if verdict[0] != 'pass']
    evidence = dict((what, dict(verdict[2], status=verdict[0], summary=verdict[1])) for what, verdict in verdicts)
    evidence.update(certificate=certificates.describe(certs[0]), version=version, forecast=forecast(version))
    head = '; '.join(problems) if problems else 'valid, named, trusted, clientAuth and serverAuth'
    return [make_row(subject, 'EXP-CERT', status, '%s; %s' % (head, forecast(version)), evidence, **where)]
