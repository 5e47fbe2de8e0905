"""Trusted CA store (PEM out, multipart in, CSRF header from X14.2) and the server certificate."""

import datetime
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import message

CSRF = {"X-CSRF-Header": "1"}


def _new_root(common_name):
    """A throw-away self-signed CA, made here so the test does not lean on the emulator's own code."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _store(client):
    response = client.get("certs/root")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    return x509.load_pem_x509_certificates(response.text.encode()) if response.text else []


def test_store_is_seeded_with_two_generated_roots(client):
    names = [cert.subject.rfc4514_string() for cert in _store(client)]
    assert len(names) == 2 and all("Emulator Seed Root" in name for name in names)


def test_upload_appends_and_ignores_duplicates(client):
    pem = _new_root("Uploaded Test Root")
    response = client.request("POST", "certs/root", files={"file": ("root.pem", pem)}, headers=CSRF)
    assert response.status_code == 200 and message(response).startswith("1 certificate")
    assert len(_store(client)) == 3
    response = client.request("POST", "certs/root", files={"file": ("root.pem", pem)}, headers=CSRF)
    assert response.status_code == 200 and "already present" in message(response)
    assert len(_store(client)) == 3


def test_upload_validation(client):
    bad = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
    assert client.request("POST", "certs/root", files={"file": ("x.pem", bad)}, headers=CSRF).status_code == 400
    assert client.request("POST", "certs/root", files={"file": ("x.pem", "hello")}, headers=CSRF).status_code == 400
    pem = _new_root("Wrong Field Root")
    assert client.request("POST", "certs/root", files={"cert": ("x.pem", pem)}, headers=CSRF).status_code == 400
    assert client.post("certs/root", {"file": pem}, headers=CSRF).status_code == 415
    assert len(_store(client)) == 2


def test_csrf_header_required_from_x14_2(emulator_factory, client_for):
    emu = emulator_factory([{"name": "new", "version": "X14.2"}, {"name": "old", "version": "X14.0.7"}])
    pem = _new_root("CSRF Test Root")
    new, old = client_for(emu, name="new"), client_for(emu, name="old")
    assert new.request("POST", "certs/root", files={"file": ("r.pem", pem)}).status_code == 403
    assert new.request("POST", "certs/root", files={"file": ("r.pem", pem)}, headers=CSRF).status_code == 200
    assert old.request("POST", "certs/root", files={"file": ("r.pem", pem)}).status_code == 200


def test_server_certificate_is_the_one_presented(emulator, client):
    served = client.get("certs/server").text
    presented = ssl.get_server_certificate(("127.0.0.1", emulator.port()))
    assert x509.load_pem_x509_certificate(served.encode()) == x509.load_pem_x509_certificate(presented.encode())
