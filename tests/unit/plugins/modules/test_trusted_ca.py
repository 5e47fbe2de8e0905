# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.ucops.expressway.plugins.modules import trusted_ca
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, run_module, writes

ROOT = '/certs/root'


def make_root(name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), hashlib.sha256(
        cert.public_bytes(serialization.Encoding.DER)
    ).hexdigest()


@pytest.fixture(scope='module')
def roots():
    return [make_root(f'Test Root {n}') for n in range(3)]


def test_missing_root_is_uploaded_alone_as_multipart(roots):
    (have, have_fp), (new, new_fp) = roots[0], roots[1]
    result, adapter = run_module(
        trusted_ca,
        {'certificate': have + new},
        [
            Call('GET', ROOT, text=have),
            Call('POST', ROOT),
        ],
        diff=True,
    )
    assert result['changed'] is True
    assert result['added'] == [{'sha256': new_fp, 'subject': 'CN=Test Root 1'}]
    method, path, body, headers = adapter.sent[1]
    assert headers['Content-Type'].startswith('multipart/form-data')
    assert b'name="file"' in body and new.encode() in body and have.encode() not in body
    assert [c['sha256'] for c in result['diff']['before']['certificates']] == [have_fp]
    assert [c['sha256'] for c in result['diff']['after']['certificates']] == [have_fp, new_fp]


def test_present_root_matched_by_fingerprint_despite_text_differences(roots):
    pem, dummy = roots[0]
    stored = roots[2][0] + pem.replace('\n', '\r\n')
    result, adapter = run_module(trusted_ca, {'certificate': 'comment line\n' + pem}, [Call('GET', ROOT, text=stored)])
    assert result['changed'] is False and result['added'] == []
    assert len(adapter.sent) == 1


def test_check_mode_reports_without_uploading(roots):
    result, adapter = run_module(
        trusted_ca, {'certificate': roots[1][0]}, [Call('GET', ROOT, text=roots[0][0])], check_mode=True, diff=True
    )
    assert result['changed'] is True and writes(adapter) == []
    assert len(result['diff']['after']['certificates']) == 2


def test_path_option_reads_the_file(roots, tmp_path):
    pem_file = tmp_path / 'root.pem'
    pem_file.write_text(roots[1][0])
    result, dummy = run_module(
        trusted_ca,
        {'path': str(pem_file)},
        [
            Call('GET', ROOT, text=roots[0][0]),
            Call('POST', ROOT),
        ],
    )
    assert result['added'][0]['sha256'] == roots[1][1]


@pytest.mark.parametrize(
    'text, words',
    [
        ('', 'an empty body'),
        ('<!DOCTYPE html><html><body>Please log in</body></html>', "'<!DOCTYPE html>"),
        ('Service unavailable', "'Service unavailable'"),
    ],
    ids=['empty', 'html', 'garbage'],
)
def test_store_answer_that_is_not_pem_fails_without_upload(roots, text, words):
    result, adapter = run_module(trusted_ca, {'certificate': roots[1][0]}, [Call('GET', ROOT, text=text)])
    assert result['failed'] is True and writes(adapter) == []
    assert '/certs/root' in result['msg'] and words in result['msg'], result['msg']


@pytest.mark.parametrize(
    'text',
    [
        'not a certificate',
        '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ],
    ids=['no-pem', 'key', 'garbage'],
)
def test_bad_input_fails_before_any_request(text):
    result, adapter = run_module(trusted_ca, {'certificate': text}, [])
    assert result['failed'] is True and 'certificate' in result['msg'] and adapter.sent == []


def test_unreadable_store_entry_is_skipped(roots):
    stored = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' + roots[0][0]
    result, dummy = run_module(trusted_ca, {'certificate': roots[0][0]}, [Call('GET', ROOT, text=stored)])
    assert result['changed'] is False


def test_upload_refusal_is_reported(roots):
    result, dummy = run_module(
        trusted_ca,
        {'certificate': roots[1][0]},
        [
            Call('GET', ROOT, text=roots[0][0]),
            Call('POST', ROOT, status=403, answer={'Message': 'CSRF header missing'}),
        ],
    )
    assert result['failed'] is True and result['status'] == 403
