# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificate judgements (cryptography): validity, RFC 6125 names, chain completeness, trust, EKU.

Each check returns (status, summary, evidence). Trust anchors are identified by the SHA-256 of
their DER encoding only: names repeat across re-issued roots, so a name is used to find candidate
issuers and every link is then proved with its signature. Whether a chain is trusted is decided by
full path validation (_checks.path_validation), the way a TLS client decides it. Evidence never holds key
material.
"""

from __future__ import annotations

import datetime
import ipaddress
import traceback
import warnings

from ansible_collections.ucops.expressway.plugins.module_utils._checks import path_validation
from ansible_collections.ucops.expressway.plugins.module_utils._webex_cas import WEBEX_CAS

try:
    import certifi
except ImportError:
    HAS_CERTIFI = False
    CERTIFI_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CERTIFI = True
    CERTIFI_IMPORT_ERROR = None

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.utils import CryptographyDeprecationWarning
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

_MAX_DEPTH = 12
_FN74345 = (
    'public CAs stop issuing clientAuth in 2026-27 (Cisco FN74345): a renewal from a public CA '
    'will lose it; plan a clientAuth certificate in the Expressway X15.5 client certificate store'
)


class CertificateError(Exception):
    """A certificate file or blob that cannot be read."""


def fingerprint(cert):
    return cert.fingerprint(hashes.SHA256()).hex()


def from_der_list(blobs):
    try:
        return [x509.load_der_x509_certificate(blob) for blob in blobs]
    except ValueError as err:
        raise CertificateError('the server sent a certificate that cannot be parsed: %s' % err) from err


def load_pem_file(path):
    """Every certificate in a PEM file, in file order (never the key, even if the file holds one)."""
    try:
        with open(path, 'rb') as handle, warnings.catch_warnings():
            # Old roots in public bundles carry negative serials; they are anchors, not findings.
            warnings.simplefilter('ignore', CryptographyDeprecationWarning)
            certs = x509.load_pem_x509_certificates(handle.read())
    except (OSError, ValueError) as err:
        raise CertificateError('cannot read certificates from %s: %s' % (path, err)) from err
    return certs


class Bundle(object):
    """Trust anchors keyed by SHA-256, with a subject index to find candidate issuers fast."""

    def __init__(self, certs, source):
        self.source = source
        self.store = None  # the verifier's Store, built by _checks.path_validation on first use
        self.by_sha256 = dict((fingerprint(cert), cert) for cert in certs)
        self.by_subject = {}
        for cert in self.by_sha256.values():
            self.by_subject.setdefault(cert.subject.public_bytes(), []).append(cert)

    @classmethod
    def from_file(cls, path):
        return cls(load_pem_file(path), path)

    @classmethod
    def from_file_or_certifi(cls, path=None):
        """The bundle in path, or Mozilla's roots as the certifi package ships them when path is not set."""
        if not path and not HAS_CERTIFI:
            raise CertificateError('no CA bundle given and the certifi package (the default) is not installed')
        return cls.from_file(path or certifi.where())

    def issuers_of(self, cert):
        return [ca for ca in self.by_subject.get(cert.issuer.public_bytes(), []) if issued_by(cert, ca)]


def issued_by(cert, issuer):
    """True when issuer's key signed cert (names must agree too)."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _key_id(cert, extension, attribute):
    try:
        return getattr(cert.extensions.get_extension_for_class(extension).value, attribute)
    except x509.ExtensionNotFound:
        return None


def sent_by_issuer(cert, issuer):
    """True when issuer signed cert, or, for a signature the library cannot check (SHA-1 and older),
    when the names and key identifiers say so: the chain is complete even if no client accepts it."""
    if issued_by(cert, issuer):
        return True
    if cert.issuer != issuer.subject or path_validation.signature_hash(cert) not in path_validation.WEAK_HASHES:
        return False
    wanted = _key_id(cert, x509.AuthorityKeyIdentifier, 'key_identifier')
    return wanted is None or wanted == _key_id(issuer, x509.SubjectKeyIdentifier, 'digest')


def self_signed(cert):
    return cert.subject == cert.issuer and issued_by(cert, cert)


def _names(cert):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return san.get_values_for_type(x509.DNSName), [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def _ekus(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None


def _eku_name(oid):
    known = {
        ExtendedKeyUsageOID.SERVER_AUTH: 'serverAuth',
        ExtendedKeyUsageOID.CLIENT_AUTH: 'clientAuth',
        ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE: 'anyExtendedKeyUsage',
    }
    return known.get(oid, oid.dotted_string)


def describe(cert):
    """Evidence for one certificate: what a person compares with the SBC configuration."""
    dns_names, ips = _names(cert)
    ekus = _ekus(cert)
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return {
        'subject': cert.subject.rfc4514_string(),
        'issuer': cert.issuer.rfc4514_string(),
        'common_name': [str(attr.value) for attr in cns],
        'san_dns': list(dns_names),
        'san_ip': ips,
        'eku': None if ekus is None else [_eku_name(oid) for oid in ekus],
        'not_before': path_validation.utc(cert, 'before').isoformat(),
        'not_after': path_validation.utc(cert, 'after').isoformat(),
        'serial': '%x' % cert.serial_number,
        'sha256': fingerprint(cert),
    }


def check_validity(leaf, warning_days, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    before, after = path_validation.utc(leaf, 'before'), path_validation.utc(leaf, 'after')
    days_left = int((after - now).total_seconds() // 86400)
    evidence = {'certificate': describe(leaf), 'days_left': days_left}
    if now < before:
        return 'fail', 'certificate not valid yet: valid from %s' % before.isoformat(), evidence
    if now > after:
        return 'fail', 'certificate expired on %s' % after.isoformat(), evidence
    if after - now < datetime.timedelta(days=warning_days):
        return 'warn', 'certificate expires in %d days (%s)' % (days_left, after.isoformat()), evidence
    return 'pass', 'certificate valid until %s (%d days)' % (after.isoformat(), days_left), evidence


def name_matches(pattern, host):
    """RFC 6125 section 6.4: exact match, or a wildcard that is the whole left-most label only.

    The wildcard stands for exactly one non-empty label; partial wildcards (``f*.example.com``),
    wildcards below the left-most label and wildcards over a single remaining label never match.
    """
    pattern, host = pattern.rstrip('.').lower(), host.rstrip('.').lower()
    if '*' not in pattern:
        return pattern == host
    labels, host_labels = pattern.split('.'), host.split('.')
    if labels[0] != '*' or '*' in '.'.join(labels[1:]) or len(labels) < 3:
        return False
    return len(host_labels) == len(labels) and bool(host_labels[0]) and host_labels[1:] == labels[1:]


def check_name(leaf, host, is_ipv4=False):
    """SAN dNSName takes precedence over CN (RFC 6125 6.4.4): CN is used only without dNSName SANs."""
    dns_names, ips = _names(leaf)
    cns = [str(attr.value) for attr in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    evidence = {'name': host, 'common_name': cns, 'san_dns': list(dns_names), 'san_ip': ips}
    if is_ipv4:
        evidence['matched_by'] = 'san_ip'
        ok = any(ipaddress.ip_address(ip) == ipaddress.ip_address(host) for ip in ips)
    else:
        evidence['matched_by'] = 'san_dns' if dns_names else 'common_name'
        ok = any(name_matches(pattern, host) for pattern in (dns_names or cns))
    if ok:
        return 'pass', '%s matches the certificate (%s)' % (host, evidence['matched_by']), evidence
    seen = ips if is_ipv4 else (dns_names or cns)
    return (
        'fail',
        '%s is not in the certificate (%s: %s)' % (host, evidence['matched_by'], ', '.join(seen) or 'none'),
        evidence,
    )


def order_chain(presented):
    """The leaf followed by the certificates that sign it, as far as the server sent them."""
    path, rest = [presented[0]], list(presented[1:])
    while not self_signed(path[-1]) and len(path) < _MAX_DEPTH:
        issuer = next((cert for cert in rest if sent_by_issuer(path[-1], cert)), None)
        if issuer is None:
            break
        rest.remove(issuer)
        path.append(issuer)
    return path, rest


def _subjects(certs):
    return [cert.subject.rfc4514_string() for cert in certs]


def check_chain(presented, bundle):
    path, extra = order_chain(presented)
    evidence = {'sent': _subjects(presented), 'path': _subjects(path), 'unused': _subjects(extra)}
    last = path[-1]
    if self_signed(last):
        if len(path) == 1:
            return 'fail', 'self-signed certificate: it is not issued by a CA', evidence
        return 'pass', 'full chain sent: leaf, %d intermediate(s) and the root' % (len(path) - 2), evidence
    evidence['missing_issuer'] = last.issuer.rfc4514_string()
    anchors = bundle.issuers_of(last)
    if anchors and any(self_signed(ca) for ca in anchors):
        return 'warn', 'chain complete except the root, which is not sent: %s' % evidence['missing_issuer'], evidence
    return 'fail', 'chain incomplete: issuer %s not sent' % evidence['missing_issuer'], evidence


def build_path(presented, bundle):
    """(path, anchor or None): leaf to a certificate whose SHA-256 is in the bundle, signatures checked."""
    path, pool = [presented[0]], list(presented[1:])
    while len(path) <= _MAX_DEPTH:
        current = path[-1]
        if fingerprint(current) in bundle.by_sha256:
            return path, current
        issuers = bundle.issuers_of(current) or [cert for cert in pool if issued_by(current, cert)]
        issuers = [cert for cert in issuers if fingerprint(cert) not in set(fingerprint(c) for c in path)]
        if not issuers:
            return path, None
        path.append(issuers[0])
    return path, None


def webex_tag(sha256):
    """How Webex's own documents know a root: documented, legacy, candidate, or None."""
    entry = WEBEX_CAS.get(sha256)
    if entry is None:
        return None, None
    if not entry['in_mozilla_store']:
        return 'legacy', entry
    return ('documented' if entry['list'] == 'cas' else 'candidate'), entry


def check_trust(presented, bundle, purpose='server', now=None):
    """Path validation to the bundle; the Webex tag of the root that validated.

    purpose ``server`` (a certificate a server presents) also needs serverAuth when an EKU is
    present; ``any`` leaves the EKU to IN-CERT-EKU.
    """
    chain, error = path_validation.validate(presented, bundle, purpose, now)
    path, anchor = (chain, chain[-1]) if chain else build_path(presented, bundle)
    evidence = {
        'path': _subjects(path),
        'bundle': bundle.source,
        'root_sha256': None,
        'webex': None,
        'validation': 'passed' if chain else error,
    }
    if chain is None:
        found = path_validation.weaknesses(list(path) + [c for c in presented if c not in path], purpose, now)
        evidence['problems'] = found
        if found:
            return 'fail', 'a TLS client rejects this chain: %s' % '; '.join(found), evidence
        if anchor is None:
            return (
                'fail',
                'no path to a root in the trust bundle (stops at issuer %s)' % (path[-1].issuer.rfc4514_string()),
                evidence,
            )
        return 'fail', 'a TLS client rejects this chain: %s' % error, evidence
    evidence['root_sha256'] = fingerprint(anchor)
    evidence['root'] = anchor.subject.rfc4514_string()
    tag, entry = webex_tag(evidence['root_sha256'])
    evidence['webex'] = tag
    if tag == 'legacy':
        return (
            'warn',
            'chains to %s, a legacy or removed root Webex may reject (%s)' % (entry['name'], entry['evidence']),
            evidence,
        )
    note = {'documented': ', a root Webex documents', 'candidate': ', a root Webex may use'}.get(tag, '')
    return 'pass', 'chains to %s in the trust bundle%s' % (evidence['root'], note), evidence


def check_eku(leaf, public_root=False):
    """clientAuth and serverAuth both needed for mutual TLS; version-aware advice when not."""
    ekus = _ekus(leaf)
    evidence = {'eku': None if ekus is None else [_eku_name(oid) for oid in ekus]}
    if ekus is None:
        return 'pass', 'no extended key usage extension: the certificate may be used for any purpose', evidence
    usages = set(ekus)
    anyeku = ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in usages
    client = anyeku or ExtendedKeyUsageOID.CLIENT_AUTH in usages
    server = anyeku or ExtendedKeyUsageOID.SERVER_AUTH in usages
    if client and server:
        if public_root:
            evidence['note'] = _FN74345
            return 'pass', 'clientAuth and serverAuth present; note: %s' % _FN74345, evidence
        return 'pass', 'clientAuth and serverAuth present', evidence
    missing = [name for name, ok in (('clientAuth', client), ('serverAuth', server)) if not ok]
    summary = 'extended key usage lacks %s' % ' and '.join(missing)
    if not client:
        summary += (
            '; Webex mutual TLS needs clientAuth on the certificate the SBC presents (from '
            'Expressway X15.5 a separate client certificate store may hold it)'
        )
    return 'fail', summary, evidence
