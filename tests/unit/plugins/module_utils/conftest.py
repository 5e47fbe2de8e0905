# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small generated PKI, a loopback TLS server and a loopback DNS responder for the unit tests."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(cn, issuer=None, ca=False, sans=None, ips=None, eku=None, days=(-1, 365), key=None):
    """(cert, key); issuer is a (cert, key) pair or None for self-signed."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + days[0] * DAY)
        .not_valid_after(NOW + days[1] * DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    # The extensions a real CA puts in: path validation (RFC 5280, web PKI profile) demands them.
    usage = dict(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True).add_extension(
        x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    general = [x509.DNSName(name) for name in sans or []]
    general += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips or []]
    if general:
        builder = builder.add_extension(x509.SubjectAlternativeName(general), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return builder.sign(issuer_key, hashes.SHA256()), key


class Pki(object):
    """root -> intermediate -> leaves, plus an unrelated root outside every bundle."""

    def __init__(self):
        self.root = make_cert('Unit Root CA', ca=True)
        self.inter = make_cert('Unit Intermediate CA', issuer=self.root, ca=True)
        self.other_root = make_cert('Unit Root CA', ca=True)  # same name, other key

    def leaf(self, cn='sbc1.example.test', sans=('sbc1.example.test',), **kwargs):
        kwargs.setdefault('eku', [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH])
        return make_cert(cn, issuer=self.inter, sans=list(sans), **kwargs)

    def write(self, tmp_path, name, certs, key=None):
        chain = tmp_path / ('%s.pem' % name)
        chain.write_bytes(b''.join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs))
        if key is None:
            return str(chain), None
        key_file = tmp_path / ('%s.key' % name)
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return str(chain), str(key_file)


@pytest.fixture(scope='session')
def pki():
    return Pki()


class TlsServer(object):
    """A loopback TLS server on its own thread; ``reply`` is sent after the first read, if any."""

    def __init__(self, context, reply=None, silent=False, host='127.0.0.1'):
        self.context, self.reply, self.silent = context, reply, silent
        self.listener = socket.create_server((host, 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, dummy = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)
            if not self.silent:
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        try:
            with self.context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(5)
                data = tls.recv(65536)
                if data and self.reply:
                    tls.sendall(self.reply)
                tls.recv(1)
        except (OSError, ssl.SSLError):
            pass

    def close(self):
        self.listener.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def tls_server():
    servers = []

    def start(context, **kwargs):
        server = TlsServer(context, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


class DnsResponder(object):
    """Answers UDP queries on 127.0.0.1 from a dict {(name, type): [rdata text]}; others NXDOMAIN.

    A name present with other types answers NOERROR with no records, as a real zone does.
    """

    def __init__(self, records):
        self.records = dict(((name.lower().rstrip('.') + '.', rtype), data) for (name, rtype), data in records.items())
        self.names = set(name for name, dummy in self.records)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                wire, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name = question.name.to_text().lower()
            rtype = dns.rdatatype.to_text(question.rdtype)
            response = dns.message.make_response(query)
            data = self.records.get((name, rtype))
            if data:
                response.answer.append(dns.rrset.from_text_list(name, 60, 'IN', rtype, data))
            elif name not in self.names:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def close(self):
        self.sock.close()


@pytest.fixture
def dns_responder():
    responders = []

    def start(records):
        responder = DnsResponder(records)
        responders.append(responder)
        return responder

    yield start
    for responder in responders:
        responder.close()
