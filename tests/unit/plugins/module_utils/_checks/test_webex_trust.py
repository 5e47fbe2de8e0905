# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Webex's side of trust and the EXP-CERT forecast: pure judgements over a generated PKI.

The pinned list is data the judgement takes as an argument, so the legacy-root path runs here with
the unit root standing in for a legacy Webex root (no real legacy root's key is available to sign).
"""

from __future__ import annotations

import pytest

from cryptography.x509.oid import ExtendedKeyUsageOID

from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates, expressway_cert, webex_trust
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ValidationError

SERVER = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT = ExtendedKeyUsageOID.CLIENT_AUTH


def _chain(pki, sans=('callservice.ciscospark.com',)):
    return [pki.leaf(cn='edge.example.test', sans=sans, eku=[SERVER, CLIENT])[0], pki.inter[0], pki.root[0]]


def _pinned(pki, **entry):
    return {
        certificates.fingerprint(pki.root[0]): dict(
            {'name': 'Unit Root CA', 'list': 'cas', 'evidence': 'documented-current', 'in_mozilla_store': True}, **entry
        )
    }


def test_expressway_list_validates_webex_chain(pki):
    anchors = webex_trust.Anchors(certificates.Bundle([pki.root[0]], 'box'), True, 'callservice.ciscospark.com')
    status, summary, evidence = webex_trust.judge(_chain(pki), anchors)
    assert status == 'pass', summary
    assert (
        evidence['root_sha256'] == certificates.fingerprint(pki.root[0]) and evidence['name']['matched_by'] == 'san_dns'
    )


def test_webex_ca_change_fails_against_the_expressway_list(pki):
    """Webex's new chain ends at a root the box does not hold: the zone's TLS verification would fail."""
    anchors = webex_trust.Anchors(certificates.Bundle([pki.other_root[0]], 'box'), True)
    status, summary, dummy = webex_trust.judge(_chain(pki), anchors)
    assert status == 'fail' and "the Expressway's trusted CA list" in summary, summary


def test_wrong_tls_verify_subject_name_fails(pki):
    anchors = webex_trust.Anchors(certificates.Bundle([pki.root[0]], 'box'), True, 'sip.webex.com')
    status, summary, dummy = webex_trust.judge(_chain(pki), anchors)
    assert status == 'fail' and 'sip.webex.com' in summary, summary


def test_pinned_fallback_current_root_passes(pki):
    anchors = webex_trust.Anchors(certificates.Bundle([pki.root[0]], 'ca_bundle'), False, pinned=_pinned(pki))
    status, summary, dummy = webex_trust.judge(_chain(pki), anchors)
    assert status == 'pass' and 'the root Webex documents' in summary, summary


def test_pinned_fallback_legacy_root_warns(pki):
    pinned = _pinned(pki, evidence='documented-legacy', in_mozilla_store=False)
    for listed in (False, True):
        anchors = webex_trust.Anchors(certificates.Bundle([pki.root[0]], 'ca_bundle'), listed, pinned=pinned)
        status, summary, dummy = webex_trust.judge(_chain(pki), anchors)
        assert status == 'warn' and 'legacy or removed root' in summary, summary


def test_pinned_fallback_unknown_root_warns(pki):
    anchors = webex_trust.Anchors(certificates.Bundle([pki.root[0]], 'ca_bundle'), False, pinned={})
    status, summary, dummy = webex_trust.judge(_chain(pki), anchors)
    assert status == 'warn' and 'EXP-TRUST' in summary, summary


def test_worst():
    assert webex_trust.worst('pass', 'warn') == 'warn' and webex_trust.worst('fail', 'warn') == 'fail'


def test_forecast_names_the_sunset_and_the_client_store():
    assert expressway_cert.CLIENT_AUTH_SUNSET in expressway_cert.forecast('X15.5.1')
    assert 'X15.5.1 offers the X15.5 client certificate store' in expressway_cert.forecast('X15.5.1')
    assert 'X14.3.2 does not offer the X15.5 client certificate store' in expressway_cert.forecast('X14.3.2')
    assert 'version is unknown' in expressway_cert.forecast(None)


def test_missing_client_auth_warns_only_where_the_client_store_exists(pki):
    leaf = pki.leaf(eku=[SERVER])[0]
    assert expressway_cert._eku_verdict(leaf, 'X15.5.0')[0] == 'warn'
    assert expressway_cert._eku_verdict(leaf, 'X15.4.9')[0] == 'fail'
    assert expressway_cert._eku_verdict(pki.leaf(eku=[CLIENT])[0], 'X15.5.0')[0] == 'fail'
    assert expressway_cert._eku_verdict(pki.leaf()[0], 'X8.5.3')[0] == 'pass'


def test_no_sip_tls_means_no_row():
    assert expressway_cert.judge('expe.example.test', None, None, 'X15.0.1') == []


def test_sip_tls_input_is_checked_before_any_request(tmp_path):
    spec = dict(
        host='expe.example.test', port=5061, server_name=None, ca_bundle=None, expiry_warning_days=30, timeout=5.0
    )
    assert expressway_cert.load_bundle(None) is None
    assert expressway_cert.load_bundle(spec).by_sha256  # certifi's roots
    with pytest.raises(ValidationError, match='sip_tls'):
        expressway_cert.load_bundle(dict(spec, port=70000))
    bad = tmp_path / 'bundle.pem'
    bad.write_text('not a certificate')
    with pytest.raises(ValidationError, match='sip_tls.ca_bundle'):
        expressway_cert.load_bundle(dict(spec, ca_bundle=str(bad)))
