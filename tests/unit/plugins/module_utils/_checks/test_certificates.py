# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from cryptography.x509.oid import ExtendedKeyUsageOID

from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates
from ansible_collections.ucops.expressway.plugins.module_utils._webex_cas import WEBEX_CAS

from ansible_collections.ucops.expressway.tests.unit.plugins.module_utils.conftest import make_cert

SERVER = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT = ExtendedKeyUsageOID.CLIENT_AUTH


@pytest.mark.parametrize(
    'pattern, host, ok',
    [
        ('sbc1.example.test', 'sbc1.example.test', True),
        ('SBC1.Example.Test.', 'sbc1.example.test', True),
        ('*.example.test', 'sbc1.example.test', True),
        ('*.example.test', 'a.sbc1.example.test', False),
        ('*.example.test', 'example.test', False),
        ('sbc*.example.test', 'sbc1.example.test', False),
        ('*bc1.example.test', 'sbc1.example.test', False),
        ('sbc1.*.test', 'sbc1.example.test', False),
        ('*.*.test', 'a.example.test', False),
        ('*.test', 'example.test', False),
        ('sbc2.example.test', 'sbc1.example.test', False),
    ],
)
def test_name_matches(pattern, host, ok):
    assert certificates.name_matches(pattern, host) is ok


def test_san_takes_precedence_over_cn(pki):
    leaf, dummy = make_cert('sbc1.example.test', issuer=pki.inter, sans=['other.example.test'])
    status, dummy, evidence = certificates.check_name(leaf, 'sbc1.example.test')
    assert status == 'fail' and evidence['matched_by'] == 'san_dns'
    cn_only, dummy = make_cert('sbc1.example.test', issuer=pki.inter)
    assert certificates.check_name(cn_only, 'sbc1.example.test')[0] == 'pass'
    assert certificates.check_name(cn_only, 'sbc1.example.test')[2]['matched_by'] == 'common_name'


def test_wildcard_leaf_and_ip_san(pki):
    leaf, dummy = pki.leaf(cn='wild', sans=['*.example.test'], ips=['127.0.0.5'])
    assert certificates.check_name(leaf, 'sbc7.example.test')[0] == 'pass'
    assert certificates.check_name(leaf, 'x.sbc7.example.test')[0] == 'fail'
    assert certificates.check_name(leaf, '127.0.0.5', is_ipv4=True)[0] == 'pass'
    assert certificates.check_name(leaf, '127.0.0.6', is_ipv4=True)[0] == 'fail'


@pytest.mark.parametrize(
    'days, status, words',
    [
        ((-10, 365), 'pass', 'valid until'),
        ((-10, 10), 'warn', 'expires in'),
        ((-30, -1), 'fail', 'expired'),
        ((2, 365), 'fail', 'not valid yet'),
    ],
)
def test_validity(pki, days, status, words):
    leaf, dummy = pki.leaf(days=days)
    result = certificates.check_validity(leaf, 30)
    assert result[0] == status and words in result[1]
    assert result[2]['certificate']['sha256'] == certificates.fingerprint(leaf)


def test_full_chain_in_any_order_passes(pki):
    leaf, dummy = pki.leaf()
    bundle = certificates.Bundle([pki.root[0]], 'unit')
    status, dummy, evidence = certificates.check_chain([leaf, pki.root[0], pki.inter[0]], bundle)
    assert status == 'pass'
    assert evidence['path'] == ['CN=sbc1.example.test', 'CN=Unit Intermediate CA', 'CN=Unit Root CA']


def test_chain_without_root_warns_and_without_intermediate_fails(pki):
    leaf, dummy = pki.leaf()
    bundle = certificates.Bundle([pki.root[0]], 'unit')
    assert certificates.check_chain([leaf, pki.inter[0]], bundle)[0] == 'warn'
    status, summary, dummy = certificates.check_chain([leaf], bundle)
    assert status == 'fail' and 'Unit Intermediate CA' in summary


def test_self_signed_leaf_fails_chain_and_trust(pki):
    leaf, dummy = make_cert('sbc1.example.test', sans=['sbc1.example.test'])
    bundle = certificates.Bundle([pki.root[0]], 'unit')
    assert certificates.check_chain([leaf], bundle)[0] == 'fail'
    assert certificates.check_trust([leaf], bundle)[0] == 'fail'


def test_trust_matches_root_by_fingerprint_not_by_name(pki):
    leaf, dummy = pki.leaf()
    # A root with the same name but another key is in the bundle: it must not make the chain trusted.
    impostor = certificates.Bundle([pki.other_root[0]], 'impostor')
    assert certificates.check_trust([leaf, pki.inter[0], pki.root[0]], impostor)[0] == 'fail'
    real = certificates.Bundle([pki.root[0]], 'unit')
    status, dummy, evidence = certificates.check_trust([leaf, pki.inter[0]], real)
    assert status == 'pass' and evidence['root_sha256'] == certificates.fingerprint(pki.root[0])
    assert evidence['webex'] is None


def test_trust_fails_for_chain_to_an_outside_root(pki):
    outside_inter = make_cert('Outside Intermediate', issuer=pki.other_root, ca=True)
    leaf, dummy = make_cert('sbc1.example.test', issuer=outside_inter, sans=['sbc1.example.test'])
    bundle = certificates.Bundle([pki.root[0]], 'unit')
    assert certificates.check_trust([leaf, outside_inter[0], pki.other_root[0]], bundle)[0] == 'fail'
    assert certificates.check_chain([leaf, outside_inter[0], pki.other_root[0]], bundle)[0] == 'pass'


def test_webex_tags_follow_the_data():
    documented = [sha for sha, ca in WEBEX_CAS.items() if ca['list'] == 'cas' and ca['in_mozilla_store']]
    legacy = [sha for sha, ca in WEBEX_CAS.items() if not ca['in_mozilla_store']]
    assert documented and legacy
    assert certificates.webex_tag(documented[0])[0] == 'documented'
    assert certificates.webex_tag(legacy[0])[0] == 'legacy'
    assert certificates.webex_tag('00' * 32) == (None, None)


@pytest.mark.parametrize(
    'eku, public, status, words',
    [
        ([SERVER, CLIENT], False, 'pass', 'clientAuth and serverAuth present'),
        ([SERVER, CLIENT], True, 'pass', 'FN74345'),
        ([SERVER], False, 'fail', 'lacks clientAuth'),
        ([CLIENT], False, 'fail', 'lacks serverAuth'),
        ([ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE], False, 'pass', 'present'),
        (None, False, 'pass', 'any purpose'),
    ],
)
def test_eku(pki, eku, public, status, words):
    leaf, dummy = make_cert('sbc1.example.test', issuer=pki.inter, eku=eku)
    result = certificates.check_eku(leaf, public_root=public)
    assert result[0] == status and words in result[1]
    if status == 'fail' and CLIENT not in (eku or []):
        assert 'X15.5' in result[1]


def test_describe_has_no_key_material(pki, tmp_path):
    leaf, key = pki.leaf()
    chain, dummy = pki.write(tmp_path, 'sbc', [leaf, pki.inter[0]], key)
    loaded = certificates.load_pem_file(chain)
    assert [cert.subject for cert in loaded] == [leaf.subject, pki.inter[0].subject]
    described = certificates.describe(loaded[0])
    assert described['eku'] == ['serverAuth', 'clientAuth'] and 'PRIVATE' not in repr(described)
    with pytest.raises(certificates.CertificateError):
        certificates.load_pem_file(str(tmp_path / 'missing.pem'))


def _bundle(*certs):
    return certificates.Bundle([cert for cert, dummy in certs], 'unit bundle')


def test_path_validation_rejects_what_signatures_alone_accept(pki):
    """Every signature is right, yet a TLS client refuses: an expired CA, and a CA without CA:TRUE."""
    bundle = _bundle(pki.root)
    expired_ca = make_cert('Expired CA', issuer=pki.root, ca=True, days=(-400, -2))
    leaf = make_cert('sbc1.example.test', issuer=expired_ca, sans=['sbc1.example.test'], eku=[SERVER])[0]
    status, summary, evidence = certificates.check_trust([leaf, expired_ca[0], pki.root[0]], bundle)
    assert status == 'fail' and 'CN=Expired CA expired on' in summary, summary
    assert evidence['path'][-1] == 'CN=Unit Root CA' and evidence['validation'] != 'passed'
    not_ca = make_cert('End Entity', issuer=pki.root, ca=False)
    leaf = make_cert('sbc1.example.test', issuer=not_ca, sans=['sbc1.example.test'], eku=[SERVER])[0]
    status, summary, dummy = certificates.check_trust([leaf, not_ca[0]], bundle)
    assert status == 'fail' and 'without basicConstraints CA:TRUE' in summary, summary


def test_path_validation_purpose(pki):
    """A server certificate needs serverAuth when it has an EKU; a client certificate's EKU is IN-CERT-EKU's."""
    bundle = _bundle(pki.root)
    leaf = pki.leaf(eku=[CLIENT])[0]
    assert certificates.check_trust([leaf, pki.inter[0]], bundle)[0] == 'fail'
    assert certificates.check_trust([leaf, pki.inter[0]], bundle, purpose='any')[0] == 'pass'
    no_san = pki.leaf(sans=())[0]
    assert certificates.check_trust([no_san, pki.inter[0]], bundle)[0] == 'pass'  # the name is CERT-NAME's


def test_weaknesses_name_key_sizes_and_validity(pki):
    from cryptography.hazmat.primitives.asymmetric import ec
    from ansible_collections.ucops.expressway.plugins.module_utils._checks import path_validation

    small = make_cert('small.example.test', issuer=pki.inter, key=ec.generate_private_key(ec.SECP224R1()))[0]
    assert path_validation.weaknesses([small]) == ['CN=small.example.test has an EC 224-bit key (at least 256 needed)']
    old = make_cert('old.example.test', issuer=pki.inter, days=(-30, -1))[0]
    assert 'expired on' in path_validation.weaknesses([old])[0]
    assert path_validation.weaknesses([pki.leaf()[0], pki.inter[0], pki.root[0]]) == []
