# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PEM text read in one place: blocks, counts and certificates, with unreadable blocks reported or skipped."""

from __future__ import annotations

import certifi
import pytest

from ansible_collections.ucops.expressway.plugins.module_utils import _pem

with open(certifi.where(), encoding='ascii') as _handle:
    ROOTS = _handle.read()
FIRST = _pem.blocks(ROOTS)[0][1]
KEY = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'
BROKEN = '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'


def test_blocks_and_count_follow_the_labels():
    text = 'intro\n' + FIRST + '\n' + KEY + FIRST
    assert [label for label, _block in _pem.blocks(text)] == ['CERTIFICATE', 'PRIVATE KEY', 'CERTIFICATE']
    assert _pem.count_certificates(text) == 2 and _pem.count_certificates('') == 0
    assert _pem.holds_certificate(FIRST.encode('ascii')) and not _pem.holds_certificate(KEY)


def test_load_skips_or_reports_what_is_not_a_certificate():
    text = FIRST + KEY + BROKEN
    assert len(_pem.load_certificates(text)) == 1
    seen = []
    assert len(_pem.load_certificates(text, lambda label, block, err: seen.append(label))) == 1
    assert seen == ['PRIVATE KEY', 'CERTIFICATE']

    def refuse(label, block, err):
        raise ValueError(label)

    with pytest.raises(ValueError, match='PRIVATE KEY'):
        _pem.load_certificates(text, refuse)


def test_every_root_of_a_real_bundle_loads():
    assert len(_pem.load_certificates(ROOTS)) == _pem.count_certificates(ROOTS) > 100
