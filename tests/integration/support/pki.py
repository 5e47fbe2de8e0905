# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A throw-away PKI for the real-peer tests: roots, intermediates and leaves written as PEM files.

Two independent hierarchies exist: the fixture root (the one handed to the checks as ``ca_bundle``)
and an "outside" root that no bundle contains, so trust failures are real chain-building failures.
Under the fixture root there are also the CAs a TLS client rejects although every signature is
right: an expired intermediate and an issuer without CA:TRUE; leaves can be RSA-1024 or SHA-1
signed. cryptography refuses to sign with SHA-1, so those leaves are signed by the openssl CLI.
"""

from __future__ import annotations

import datetime
import ipaddress
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH
DAY = datetime.timedelta(days=1)


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def new_key(kind="ec"):
    if kind in ("rsa", "rsa1024"):
        return rsa.generate_private_key(public_exponent=65537, key_size=1024 if kind == "rsa1024" else 2048)
    return ec.generate_private_key(ec.SECP256R1())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Authority:
    """A CA: its certificate, key, and the certificates above it (nearest first)."""

    cert: x509.Certificate
    key: object
    parents: list = field(default_factory=list)

    @property
    def path(self):
        """This CA and every CA above it, up to and including the root."""
        return [self.cert] + self.parents


@dataclass
class Leaf:
    """A leaf written to disk; ``chain`` is what a server sends, ``fullchain`` adds nothing implicit."""

    name: str
    cert: x509.Certificate
    key_file: Path
    cert_file: Path
    chain_file: Path

    @property
    def sha256(self):
        return self.cert.fingerprint(hashes.SHA256()).hex()


def _name(cn, org="ucops fixture"):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _builder(subject, issuer_name, public_key, not_before, not_after):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )


def _ca_extensions(builder, key, issuer_key, path_length):
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        builder.add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(ski, critical=False)
        .add_extension(aki, critical=False)
    )


def make_root(cn, kind="rsa"):
    key = new_key(kind)
    builder = _builder(_name(cn), _name(cn), key.public_key(), now() - 30 * DAY, now() + 3650 * DAY)
    cert = _ca_extensions(builder, key, key, None).sign(key, hashes.SHA256())
    return Authority(cert, key)


def make_intermediate(parent, cn, kind="ec", not_after=None):
    key = new_key(kind)
    not_after = not_after or now() + 1825 * DAY
    builder = _builder(_name(cn), parent.cert.subject, key.public_key(), min(now(), not_after) - 30 * DAY, not_after)
    cert = _ca_extensions(builder, key, parent.key, 0).sign(parent.key, hashes.SHA256())
    return Authority(cert, key, parent.path)


def make_non_ca_issuer(parent, cn):
    """An end-entity certificate (CA:FALSE) whose key is then used to sign leaves: a broken chain
    whose signatures are all right."""
    key = new_key("ec")
    builder = _builder(_name(cn), parent.cert.subject, key.public_key(), now() - 30 * DAY, now() + 1825 * DAY)
    cert = _leaf_extensions(builder, key, parent.key, [], [SERVER_AUTH]).sign(parent.key, hashes.SHA256())
    return Authority(cert, key, parent.path)


def _leaf_extensions(builder, key, issuer_key, sans, ekus):
    entries = []
    for san in sans:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(san)))
        except ValueError:
            entries.append(x509.DNSName(san))
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=isinstance(key, rsa.RSAPrivateKey),
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if entries:
        builder = builder.add_extension(x509.SubjectAlternativeName(entries), critical=False)
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False)
    return builder


class FixturePKI:
    """Creates CAs once and leaves on demand under one directory.

    ``ca_bundle`` holds only the fixture root: the checks must build every chain up to it by SHA-256,
    and anything issued by ``outside`` can never reach it.
    """

    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.root = make_root("ucops fixture root CA")
        self.intermediate = make_intermediate(self.root, "ucops fixture issuing CA")
        self.outside_root = make_root("ucops outside root CA")
        self.outside = make_intermediate(self.outside_root, "ucops outside issuing CA")
        self.expired_intermediate = make_intermediate(self.root, "ucops fixture expired CA", not_after=now() - 2 * DAY)
        self.non_ca = make_non_ca_issuer(self.root, "ucops fixture end entity")
        self.ca_bundle = self._write("ca-bundle.pem", pem(self.root.cert))
        self.outside_bundle = self._write("outside-bundle.pem", pem(self.outside_root.cert))

    def _write(self, name, data):
        path = self.dir / name
        path.write_bytes(data)
        return path

    def leaf(
        self,
        name,
        sans=(),
        cn=None,
        not_before=None,
        not_after=None,
        ekus=(SERVER_AUTH, CLIENT_AUTH),
        issuer="intermediate",
        chain="full",
        kind="ec",
        digest="sha256",
    ):
        """Issue and write a leaf.

        issuer: ``intermediate`` (fixture hierarchy), ``outside`` (outside hierarchy), ``self``, or
        ``expired_intermediate`` / ``non_ca`` (fixture root, rejected by path validation).
        chain: what the chain file holds after the leaf: ``full`` (intermediates and root),
        ``intermediates`` (no root) or ``leaf`` (the leaf alone).
        kind: ``ec`` (P-256), ``rsa`` (2048) or ``rsa1024``; digest ``sha1`` signs with openssl.
        """
        key = new_key(kind)
        cn = cn if cn is not None else (sans[0] if sans else name)
        not_before = not_before or now() - DAY
        not_after = not_after or now() + 365 * DAY
        if issuer == "self":
            signer, issuer_name, parents = key, _name(cn), []
        else:
            ca = getattr(self, issuer)
            signer, issuer_name, parents = ca.key, ca.cert.subject, ca.path
        if digest == "sha1":
            cert = self._openssl_sha1(name, key, cn, ca, sans, ekus)
        else:
            builder = _builder(_name(cn), issuer_name, key.public_key(), not_before, not_after)
            cert = _leaf_extensions(builder, key, signer, sans, ekus).sign(signer, hashes.SHA256())
        above = {"full": parents, "intermediates": parents[:-1], "leaf": []}[chain]
        return Leaf(
            name,
            cert,
            self._write(f"{name}.key", key_pem(key)),
            self._write(f"{name}.crt", pem(cert)),
            self._write(f"{name}.chain.pem", b"".join(pem(c) for c in [cert] + above)),
        )

    def _openssl_sha1(self, name, key, cn, ca, sans, ekus):
        """A leaf signed with SHA-1 by ca, through openssl x509 -req (valid from now for 365 days)."""
        csr = x509.CertificateSigningRequestBuilder().subject_name(_name(cn)).sign(key, hashes.SHA256())
        files = {part: self.dir / f"{name}.sha1.{part}" for part in ("csr", "ca", "cakey", "ext", "out")}
        files["csr"].write_bytes(csr.public_bytes(serialization.Encoding.PEM))
        files["ca"].write_bytes(pem(ca.cert))
        files["cakey"].write_bytes(key_pem(ca.key))
        usages = {SERVER_AUTH: "serverAuth", CLIENT_AUTH: "clientAuth"}
        ext = [
            "[v3]",
            "basicConstraints = critical, CA:FALSE",
            "keyUsage = critical, digitalSignature",
            "subjectKeyIdentifier = hash",
            "authorityKeyIdentifier = keyid",
        ]
        if sans:
            ext.append("subjectAltName = " + ", ".join(f"DNS:{san}" for san in sans))
        if ekus:
            ext.append("extendedKeyUsage = " + ", ".join(usages[eku] for eku in ekus))
        files["ext"].write_text("\n".join(ext) + "\n")
        subprocess.run(
            [
                "openssl",
                "x509",
                "-req",
                "-in",
                str(files["csr"]),
                "-CA",
                str(files["ca"]),
                "-CAkey",
                str(files["cakey"]),
                "-sha1",
                "-days",
                "365",
                "-set_serial",
                str(x509.random_serial_number()),
                "-extfile",
                str(files["ext"]),
                "-extensions",
                "v3",
                "-out",
                str(files["out"]),
            ],
            check=True,
            capture_output=True,
        )
        return x509.load_pem_x509_certificate(files["out"].read_bytes())


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """The session's fixture PKI (roots and intermediates are created once)."""
    return FixturePKI(tmp_path_factory.mktemp("pki"))
