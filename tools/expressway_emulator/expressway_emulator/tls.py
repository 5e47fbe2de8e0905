# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A private CA, the server certificate clients verify, and test roots for the trusted CA store.

The CA and the test roots are kept in the state directory and reused, so a test session that
shares one directory pays for key generation once; the server certificate is made on every start
because its SANs follow the listen addresses.
"""

import datetime
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_PEM = serialization.Encoding.PEM


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Expressway emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject, issuer, public_key, days):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def make_root(common_name, days=3650):
    """A self-signed CA certificate and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (
        _builder(name, name, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def make_server_cert(ca_cert, ca_key, common_name, dns_names, ip_addresses, days=825):
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName(name) for name in dns_names]
    sans += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    cert = (
        _builder(_name(common_name), ca_cert.subject, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _key_pem(key):
    return key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _load_or_make_ca(state_dir):
    cert_path, key_path = state_dir / "ca.pem", state_dir / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return cert, key
    cert, key = make_root("Expressway Emulator Test CA")
    key_path.write_bytes(_key_pem(key))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(_PEM))
    return cert, key


def test_roots(state_dir):
    """PEM texts of two generated roots that seed every trusted CA store (never real CAs)."""
    path = state_dir / "test-roots.pem"
    if not path.exists():
        pems = [make_root(f"Emulator Seed Root CA {n}")[0].public_bytes(_PEM).decode() for n in (1, 2)]
        path.write_text("".join(pems))
    return [x509.load_pem_x509_certificates(path.read_bytes())[i].public_bytes(_PEM).decode() for i in (0, 1)]


class Pki:
    """Paths and PEM text of what the servers present; built once per process."""

    def __init__(self, state_dir, listen_ips, cert_file=None, key_file=None):
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.ca_path = self.state_dir / "ca.pem"
        if cert_file:
            self.cert_path, self.key_path = Path(cert_file), Path(key_file)
        else:
            ca_cert, ca_key = _load_or_make_ca(self.state_dir)
            ips = sorted({"127.0.0.1", "::1", *listen_ips})
            cert, key = make_server_cert(ca_cert, ca_key, "localhost", ["localhost"], ips)
            self.cert_path, self.key_path = self.state_dir / "server.pem", self.state_dir / "server-key.pem"
            self.key_path.write_bytes(_key_pem(key))
            self.key_path.chmod(0o600)
            self.cert_path.write_bytes(cert.public_bytes(_PEM))
        self.server_pem = self.cert_path.read_text()
        self.seed_roots = test_roots(self.state_dir)

    def server_context(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_path, self.key_path)
        return context
