# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the network check modules share: options, the check context, the worker pool, cert rows.

Modules build their argument spec from check_argument_spec(), create a CheckContext, and hand
over to the outbound or inbound runner. Every expected problem is an exception in here; the
module turns CheckSetupError into fail_json at its edge.
"""

from __future__ import annotations

import collections
import concurrent.futures
import ctypes
import hashlib
import ipaddress
import threading

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates, resolver, tls
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import FAIL_ON, make_row


class CheckSetupError(Exception):
    """The check cannot start (bad option, unreadable file); the module fails with this message."""


def check_argument_spec():
    """The options every network check module takes (doc fragment ucops.expressway._checks)."""
    return dict(
        resolvers=dict(type='list', elements='str'),
        resolver_port=dict(type='int', default=53),
        ca_bundle=dict(type='path'),
        expiry_warning_days=dict(type='int', default=30),
        timeout=dict(type='float', default=5.0),
        concurrency=dict(type='int', default=16),
        sip_options_probe=dict(type='bool', default=True),
        fail_on=dict(type='str', default='must', choices=list(FAIL_ON)),
    )


def require_libraries(module, needs_certifi):
    """fail_json with the install hint when a library the check needs is missing."""
    missing = [
        ('dnspython', resolver.HAS_DNSPYTHON, resolver.DNSPYTHON_IMPORT_ERROR),
        ('cryptography', certificates.HAS_CRYPTOGRAPHY, certificates.CRYPTOGRAPHY_IMPORT_ERROR),
    ]
    if needs_certifi:
        missing.append(('certifi', certificates.HAS_CERTIFI, certificates.CERTIFI_IMPORT_ERROR))
    for name, present, error in missing:
        if not present:
            module.fail_json(msg=missing_required_lib(name), exception=error)


# glibc's mallopt parameter for the number of malloc arenas.
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas=MALLOC_ARENAS):
    """Cap glibc's malloc arenas for this process; False where there is no glibc (nothing changes).

    glibc gives each thread that allocates an arena of its own, up to eight per CPU. A check runs
    its probes on dozens of threads, and memory freed in one arena is not reused by another, so the
    peak grew with the threads rather than with the work in flight: with two arenas a
    1,000-destination run peaked about 5 MiB lower and grew about half as fast, for no measurable
    cost in time (the threads mostly wait on the network). Called before the first thread starts;
    the module process is the check's own and ends with it.
    """
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def trim_malloc():
    """Hand memory glibc holds free (what the probes' threads left) back to the system; False without glibc.

    Called once the checks are done, before the module's answer is copied and serialised: that is
    the peak of a long run, and the copy then does not stack on memory nothing uses any more.
    """
    try:
        return bool(ctypes.CDLL(None).malloc_trim(0))
    except (OSError, AttributeError):
        return False


def _resolver_list(resolvers):
    if resolvers is None:
        return None
    for server in resolvers:
        try:
            ipaddress.ip_address(server)
        except ValueError as err:
            raise CheckSetupError('resolvers: %r is not an IPv4 or IPv6 address' % server) from err
    return list(resolvers)


class CheckContext(object):
    """Options turned into ready tools: the DNS client, the trust bundle, the pool size."""

    def __init__(self, params):
        if params['timeout'] <= 0 or params['concurrency'] < 1:
            raise CheckSetupError('timeout must be above 0 and concurrency at least 1')
        self.timeout = params['timeout']
        self.concurrency = params['concurrency']
        self.warning_days = params['expiry_warning_days']
        self.sip_probe = params['sip_options_probe']
        self.dns = resolver.Dns(_resolver_list(params['resolvers']), params['resolver_port'], self.timeout)
        self.bundle = self._bundle(params['ca_bundle'])
        self.public_roots = self._public_roots(params['ca_bundle'])
        self.chains = ChainJudgements()

    @staticmethod
    def _bundle(path):
        try:
            return certificates.Bundle.from_file_or_certifi(path)
        except certificates.CertificateError as err:
            raise CheckSetupError('ca_bundle: %s' % err) from err

    def _public_roots(self, custom):
        """SHA-256 set of Mozilla's roots as certifi ships them, to say "public CA" in EKU advice."""
        if not custom:
            return set(self.bundle.by_sha256)
        if not certificates.HAS_CERTIFI:
            return set()
        return set(certificates.Bundle.from_file_or_certifi().by_sha256)

    def map(self, func, items):
        """func over items on a bounded pool, results in item order; one slow item only costs its own timeout."""
        items = list(items)
        if len(items) < 2 or self.concurrency == 1:
            return [func(item) for item in items]
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            return list(pool.map(func, items))


def tls_evidence(result):
    return {
        'version': result.version,
        'cipher': result.cipher,
        'tls12_accepted': result.tls12,
        'chain_capture': result.chain_capture,
        'chain_length': len(result.chain),
        'sip': result.sip,
    }


def tls_summary(status_summary, result):
    text = '%s (%s)' % (status_summary, result.cipher)
    if result.sip is not None:
        text += '; SIP OPTIONS: %s' % (result.sip.get('status_line') or result.sip.get('error'))
    return text


def parse_chain(chain):
    """Certificates from DER blobs (as a server sent them); CertificateError when one is unreadable."""
    return certificates.from_der_list(chain) if chain else []


def judge_certs(ctx, certs, name, is_ipv4=False, only=None):
    """(status, summary, evidence) per certificate rule suffix for one chain, leaf first.

    ``name`` None (nothing to match against) makes CERT-NAME a skip; ``only`` limits the rules judged.
    """
    leaf = certs[0]
    checks = collections.OrderedDict(
        [
            ('CERT-VALID', lambda: certificates.check_validity(leaf, ctx.warning_days)),
            (
                'CERT-NAME',
                lambda: (
                    certificates.check_name(leaf, name, is_ipv4)
                    if name
                    else ('skip', 'no FQDN given to match the certificate against', {})
                ),
            ),
            ('CERT-CHAIN', lambda: certificates.check_chain(certs, ctx.bundle)),
            ('CERT-TRUST', lambda: certificates.check_trust(certs, ctx.bundle)),
        ]
    )
    return collections.OrderedDict((rule, check()) for rule, check in checks.items() if only is None or rule in only)


_CHAIN_RULES = ('CERT-VALID', 'CERT-CHAIN', 'CERT-TRUST')


class ChainJudgements(object):
    """Each distinct chain a server sends is parsed and judged once per run, whoever presents it.

    Validity, chain completeness and trust depend on the chain alone, so every address that sends
    the same chain gets the same verdicts and shares one evidence object; only the name is judged
    per target. ``described`` holds each certificate's full description once, by SHA-256, so rows
    can refer to it instead of repeating it. A parse error is remembered like a verdict.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._chains = {}
        self.described = collections.OrderedDict()
        self.judged = 0

    def judge(self, ctx, chain, name, is_ipv4=False):
        """(status, summary, evidence) per rule suffix like judge_certs; CertificateError for an unreadable chain."""
        key = tuple(hashlib.sha256(der).hexdigest() for der in chain)
        with self._lock:
            pending = self._chains.get(key)
            owner = pending is None
            if owner:
                # Threads that meet the same chain while it is judged wait for that judgement.
                pending = self._chains[key] = concurrent.futures.Future()
        if owner:
            try:
                pending.set_result(self._first_sight(ctx, chain))
            except Exception as err:  # pylint: disable=broad-exception-caught  # waiters must never hang
                pending.set_exception(err)
                raise
        known = pending.result()
        if isinstance(known, certificates.CertificateError):
            raise known
        certs, verdicts = known
        judged = collections.OrderedDict((rule, verdicts[rule]) for rule in _CHAIN_RULES)
        status, summary, evidence = judge_certs(ctx, certs[:1], name, is_ipv4, only=('CERT-NAME',))['CERT-NAME']
        judged['CERT-NAME'] = (status, summary, _name_reference(evidence, verdicts))
        judged.move_to_end('CERT-CHAIN')
        judged.move_to_end('CERT-TRUST')
        return judged

    def _first_sight(self, ctx, chain):
        try:
            certs = parse_chain(chain)
        except certificates.CertificateError as err:
            return err
        verdicts = judge_certs(ctx, certs, None, only=_CHAIN_RULES)
        status, summary, evidence = verdicts['CERT-VALID']
        leaf = evidence['certificate']
        # The row keeps what the report's certificate calendar reads; the rest is in ``described``.
        evidence = dict(
            evidence, certificate=dict((key, leaf[key]) for key in ('sha256', 'subject', 'serial', 'not_after'))
        )
        verdicts['CERT-VALID'] = (status, summary, evidence)
        with self._lock:
            self.judged += 1
            for cert in certs:
                description = certificates.describe(cert)
                self.described.setdefault(description['sha256'], description)
        return certs, verdicts


def _name_reference(evidence, verdicts):
    """CERT-NAME evidence without the certificate's names (they are in ``described``), with its SHA-256."""
    if 'matched_by' not in evidence:
        return evidence
    return {
        'name': evidence['name'],
        'matched_by': evidence['matched_by'],
        'certificate': verdicts['CERT-VALID'][2]['certificate']['sha256'],
    }


def skip_rows(subject, rule_ids, reason, level=None, **where):
    return [make_row(subject, rule_id, 'skip', reason, level=level, **where) for rule_id in rule_ids]


def probe_tls(ctx, address, port, server_name, sip_uri, client_cert=None, client_key=None):
    """_checks.tls.probe with the context's timeout and SIP probe setting."""
    return tls.probe(
        address, port, server_name, ctx.timeout, sip_uri if ctx.sip_probe else None, client_cert, client_key
    )
