"""ucops.expressway.trusted_ca against the emulated Expressway: multipart upload, fingerprint comparison."""

import re

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import
from support.pki import make_root as pki_make_root

MODULE = "ucops.expressway.trusted_ca"


def connection(emu, name=None, **extra):
    return dict(
        {
            "host": emu.host(name),
            "port": emu.port(name),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
        },
        **extra,
    )


def make_root(common_name):
    """A fresh self-signed root certificate (the fixture PKI's builder)."""
    return pki_make_root(common_name, kind="ec").cert


def store(emu, name=None):
    resp = requests.get(emu.api("certs/root", name=name), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    blocks = re.finditer(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", resp.text, re.S)
    return [x509.load_pem_x509_certificate(block.group(0).encode()) for block in blocks]


def fingerprints(certs):
    return [cert.fingerprint(hashes.SHA256()).hex() for cert in certs]


def test_append_converge_and_check_mode(ansible, emulator, tmp_path):
    root = make_root("Integration Test Root")
    pem_file = tmp_path / "root.pem"
    pem_file.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    before = fingerprints(store(emulator))
    wanted = root.fingerprint(hashes.SHA256()).hex()

    mark = emulator.mark()
    planned = ansible.run_module(MODULE, connection(emulator, path=str(pem_file)), check_mode=True, diff=True)
    assert planned["changed"] is True and planned["added"][0]["sha256"] == wanted, planned
    assert [c["sha256"] for c in planned["diff"]["before"]["certificates"]] == before
    assert [c["sha256"] for c in planned["diff"]["after"]["certificates"]] == before + [wanted]
    assert emulator.writes(since=mark) == []

    mark = emulator.mark()
    added = ansible.run_module(MODULE, connection(emulator, path=str(pem_file)))
    assert added["changed"] is True, added
    posts = emulator.writes(since=mark)
    assert [(w["method"], w["path"]) for w in posts] == [("POST", "/api/provisioning/certs/root")]
    assert fingerprints(store(emulator)) == before + [wanted]

    mark = emulator.mark()
    text = "Partner root\r\n" + root.public_bytes(serialization.Encoding.PEM).decode().replace("\n", "\r\n")
    again = ansible.run_module(MODULE, connection(emulator, certificate=text))
    assert again["changed"] is False and again["added"] == [], again
    assert emulator.writes(since=mark) == [] and len(emulator.requests(since=mark)) == 1


def test_only_missing_certificates_are_uploaded(ansible, emulator):
    existing = store(emulator)[0]
    new = make_root("Second Test Root")
    bundle = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (existing, new)).decode()
    result = ansible.run_module(MODULE, connection(emulator, certificate=bundle))
    assert [c["sha256"] for c in result["added"]] == fingerprints([new])
    assert fingerprints(store(emulator)).count(fingerprints([existing])[0]) == 1


def test_invalid_pem_fails_before_any_request(ansible, emulator):
    mark = emulator.mark()
    result = ansible.run_module(MODULE, connection(emulator, certificate="not a certificate"))
    assert result["failed"] is True and "certificate" in result["msg"]
    assert emulator.requests(since=mark) == []


def test_old_version_without_csrf_requirement_works_too(ansible, emulator_factory):
    emu = emulator_factory([{"name": "old", "version": "X12.5"}])
    root = make_root("Old Box Root")
    pem = root.public_bytes(serialization.Encoding.PEM).decode()
    assert ansible.run_module(MODULE, connection(emu, certificate=pem))["changed"] is True
    assert root.fingerprint(hashes.SHA256()).hex() in fingerprints(store(emu))


@pytest.mark.parametrize(
    "answer, words",
    [("html", "'<!DOCTYPE html>"), ("empty", "an empty body"), ("garbage", "'Certificate store temporarily")],
)
def test_store_answer_that_is_not_pem_fails_without_upload(ansible, emulator_factory, answer, words):
    emu = emulator_factory([{"name": "exp1", "certs_root_answer": answer}])
    pem = make_root("Never uploaded").public_bytes(serialization.Encoding.PEM).decode()
    result = ansible.run_module(MODULE, connection(emu, certificate=pem))
    assert result["failed"] is True and emu.writes() == []
    assert emu.api("certs/root") in result["msg"] and words in result["msg"], result["msg"]
