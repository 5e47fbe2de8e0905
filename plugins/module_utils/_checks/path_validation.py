# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificate path validation the way a TLS client does it, with cryptography's x509 verifier.

``cryptography.x509.verification`` (cryptography 43 and later; extension policies from 45) implements
RFC 5280 path building under the CA/Browser Forum web PKI profile: every certificate within its
validity period, issuers with CA:TRUE and within their path length, key usage keyCertSign, name
constraints, and only signature algorithms and keys a browser accepts (no SHA-1, RSA from 2048 bits,
EC P-256 and up). The verifier checks the keys that sign, not the leaf's own key: the rule book's key
sizes apply to every certificate, so ``validate`` adds that one check on the path the verifier built.
Otherwise the verdict is the verifier's; ``weaknesses`` only words the usual reasons, so the report
says what is wrong instead of "candidates exhausted".

Two things the web PKI profile checks are left to other rules on purpose: the subject alternative
name (the rule book accepts an FQDN in the CN, and CERT-NAME judges the name), and, for a client
certificate, the extended key usage (IN-CERT-EKU judges it and gives the version-aware advice).
"""

from __future__ import annotations

import datetime
import re

try:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID
    from cryptography.x509 import verification
except ImportError:  # the caller (_checks.certificates) reports the missing library
    verification = None

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
WEAK_HASHES = ('md2', 'md4', 'md5', 'sha1')
_CERT_REPR = re.compile(r'<Certificate\(subject=<Name\((.*?)\)>, \.\.\.\)>')


class _ServerAuthMissing(Exception):
    """Raised inside the verifier when a server certificate's EKU excludes serverAuth."""


def _server_eku(policy, cert, eku):
    """A server certificate with an EKU extension must allow serverAuth, as TLS clients require."""
    if eku is None:
        return
    if ExtendedKeyUsageOID.SERVER_AUTH not in eku and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in eku:
        raise _ServerAuthMissing('extended key usage lacks serverAuth')


def _ee_policy(purpose):
    agnostic = verification.Criticality.AGNOSTIC
    policy = verification.ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.SubjectAlternativeName, agnostic, None
    )
    return policy.may_be_present(x509.ExtendedKeyUsage, agnostic, _server_eku if purpose == 'server' else None)


def _store(bundle):
    """One Store per bundle, built on first use (a public bundle has about 150 roots)."""
    store = getattr(bundle, 'store', None)
    if store is None:
        store = verification.Store(list(bundle.by_sha256.values()))
        bundle.store = store
    return store


def validate(presented, bundle, purpose='server', now=None):
    """(chain leaf to anchor, None) when a TLS client accepts it, else (None, the verifier's reason).

    purpose ``server`` also demands serverAuth when the leaf has an EKU; ``any`` leaves the EKU out.
    """
    if not bundle.by_sha256:
        return None, 'the trust bundle holds no certificate'
    now = now or datetime.datetime.now(datetime.timezone.utc)
    builder = (
        verification.PolicyBuilder()
        .store(_store(bundle))
        .time(now)
        .extension_policies(ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(), ee_policy=_ee_policy(purpose))
    )
    try:
        verified = builder.build_client_verifier().verify(presented[0], list(presented[1:]))
    except verification.VerificationError as err:
        return None, _CERT_REPR.sub(r'\1', str(err)).replace('validation failed: ', '', 1)
    weak = [
        _named(cert, _key_weakness(cert.public_key())) for cert in verified.chain if _key_weakness(cert.public_key())
    ]
    if weak:
        return None, '; '.join(weak)
    return list(verified.chain), None


def _named(cert, text):
    return '%s has %s' % (cert.subject.rfc4514_string(), text)


def utc(cert, which):
    """not_valid_before/after as an aware UTC datetime, on every supported cryptography release."""
    value = getattr(cert, 'not_valid_%s_utc' % which, None)
    if value is None:
        value = getattr(cert, 'not_valid_%s' % which).replace(tzinfo=datetime.timezone.utc)
    return value


def _key_weakness(key):
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        return 'an RSA %d-bit key (at least %d needed)' % (key.key_size, MIN_RSA_BITS)
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size < MIN_EC_BITS:
        return 'an EC %d-bit key (at least %d needed)' % (key.curve.key_size, MIN_EC_BITS)
    if isinstance(key, dsa.DSAPublicKey):
        return 'a DSA key (not accepted by TLS clients)'
    return None


def _is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def signature_hash(cert):
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:  # pylint: disable=broad-except  # an algorithm the library cannot name is no finding
        return None
    return algorithm.name if algorithm is not None else None


def _lacks_server_auth(cert):
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.SERVER_AUTH not in usages and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in usages


def weaknesses(path, purpose='server', now=None):
    """The reasons a TLS client rejects a chain, per certificate, in words; [] when none is seen."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    found = []
    if purpose == 'server' and path and _lacks_server_auth(path[0]):
        found.append('%s has an extended key usage without serverAuth' % path[0].subject.rfc4514_string())
    for position, cert in enumerate(path):
        name = cert.subject.rfc4514_string()
        if now > utc(cert, 'after'):
            found.append('%s expired on %s' % (name, utc(cert, 'after').isoformat()))
        elif now < utc(cert, 'before'):
            found.append('%s is not valid before %s' % (name, utc(cert, 'before').isoformat()))
        if position > 0 and not _is_ca(cert):
            found.append('%s issues certificates without basicConstraints CA:TRUE' % name)
        digest = signature_hash(cert)
        if digest in WEAK_HASHES and cert.subject != cert.issuer:
            found.append('%s is signed with %s' % (name, digest.upper().replace('SHA', 'SHA-')))
        key = _key_weakness(cert.public_key())
        if key:
            found.append(_named(cert, key))
    return found
