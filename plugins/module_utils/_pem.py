# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PEM text: the one place its blocks are found and counted, and its certificates loaded.

Provisioning (the trusted CA list, the connection's ca_path), the configuration check (the box's trusted
CAs) and the first contact all read PEM; they read it here, so "what counts as a certificate" is decided once.
"""

from __future__ import annotations

import re

CERTIFICATE_MARKER = '-----BEGIN CERTIFICATE-----'
_BLOCK = re.compile(r'-----BEGIN ([A-Z0-9 ]+)-----\s.*?-----END \1-----', re.S)


def blocks(text: str | None) -> list[tuple[str, str]]:
    """(label, block text) of every PEM block, in order: ('CERTIFICATE', '-----BEGIN CERTIFICATE-----...')."""
    return [(match.group(1), match.group(0)) for match in _BLOCK.finditer(text or '')]


def count_certificates(text: str | None) -> int:
    """How many certificate blocks a text holds (nothing is parsed: a cheap shape test)."""
    return sum(1 for label, _block in blocks(text) if label == 'CERTIFICATE')


def holds_certificate(data: str | bytes) -> bool:
    """Whether bytes or text hold the start of a PEM certificate."""
    marker = CERTIFICATE_MARKER.encode('ascii') if isinstance(data, bytes) else CERTIFICATE_MARKER
    return marker in data


def load_certificates(text: str | None, on_error=None) -> list:
    """The cryptography certificates of a PEM text, in order. Blocks that are not certificates, or do not
    parse, go to on_error(label, block, error) when given (which may raise), else are skipped."""
    from cryptography import x509  # only callers that load certificates need cryptography

    certs = []
    for label, block in blocks(text):
        try:
            if label != 'CERTIFICATE':
                raise ValueError(f'a {label} block is not a certificate')
            certs.append(x509.load_pem_x509_certificate(block.encode('ascii')))
        except ValueError as err:
            if on_error is not None:
                on_error(label, block, err)
    return certs
