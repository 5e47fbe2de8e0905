# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The trusted CA store: PEM text in, certificates identified by the SHA-256 of their DER encoding.

Comparing fingerprints rather than PEM text makes the comparison immune to line lengths, line endings
and headers, which differ between the file a user has and what the Expressway stores.
"""

from __future__ import annotations

import traceback

from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError, OutcomeUnknown, ValidationError
from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils import _pem
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import (
    Plan,
    apply_plan,
    shown_requests,
)

try:
    from cryptography.hazmat.primitives import hashes, serialization
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None


class TrustedCert:
    """One certificate: its fingerprint, subject and a clean PEM encoding."""

    def __init__(self, cert):
        self.sha256 = cert.fingerprint(hashes.SHA256()).hex()
        self.subject = cert.subject.rfc4514_string()
        self.pem = cert.public_bytes(serialization.Encoding.PEM).decode('ascii')

    def describe(self):
        return {'sha256': self.sha256, 'subject': self.subject}


def parse_bundle(text, option=None):
    """The certificates of a PEM text, in order, without duplicates.

    With option (user input) anything that is not a certificate fails, naming the option; without it
    (the box's store) a block that does not parse is skipped, so one odd entry cannot stop the run.
    """
    if option and not _pem.blocks(text):
        raise ValidationError(option, _excerpt(text), 'PEM text holding one or more certificates')

    def refuse(label, block, err):
        del label
        if option:
            raise ValidationError(option, _excerpt(block), 'PEM certificates only', reason=str(err)) from err

    certs, seen = [], set()
    for cert in (TrustedCert(loaded) for loaded in _pem.load_certificates(text, refuse)):
        if cert.sha256 not in seen:
            seen.add(cert.sha256)
            certs.append(cert)
    return certs


def _excerpt(text):
    text = str(text or '').strip()
    return text if len(text) <= 80 else text[:77] + '...'


def plan_append(current, wanted, path):
    """Upload the wanted certificates the store lacks; never remove one (the API has no delete)."""
    have = {cert.sha256 for cert in current}
    missing = [cert for cert in wanted if cert.sha256 not in have]
    before = [cert.describe() for cert in current]
    after = before + [cert.describe() for cert in missing]
    if not missing:
        return Plan('none', before={'certificates': before}, after={'certificates': after}), missing
    return Plan(
        'upload', ''.join(cert.pem for cert in missing), {'certificates': before}, {'certificates': after}, path=path
    ), missing


def read_store(client):
    """The trusted CA list as PEM text; an answer that cannot be that list is an error naming the URL.

    An empty body is refused too: it cannot be told apart from a failed read (a login page cut short, a
    proxy's empty 200), and reading it as "no CAs" would upload duplicates or fail a check for nothing.
    """
    text = client.get_text(fields.TRUSTED_CA_PATH)
    if _pem.blocks(text):
        return text
    what = (
        'an empty body' if not (text or '').strip() else f'text that is not PEM: {_excerpt(" ".join(text.split()))!r}'
    )
    raise ApiError(
        'GET',
        client.url(fields.TRUSTED_CA_PATH),
        200,
        None,
        f'expected the trusted CA list as PEM certificates, got {what}',
    )


def _upload(client, plan, missing, check_mode):
    """The one POST; when its answer is lost, a re-read of the store says whether it took effect."""
    try:
        apply_plan(client, None, plan, check_mode)
    except OutcomeUnknown as err:
        have = {cert.sha256 for cert in parse_bundle(read_store(client))}
        absent = [cert.subject for cert in missing if cert.sha256 not in have]
        if absent:
            raise OutcomeUnknown(
                err.method,
                err.url,
                f'{err.reason}; a re-read of the trusted CA list lacks '
                f'{len(absent)} of the {len(missing)} certificates ({"; ".join(absent)}). '
                'Run the task again: it uploads only what is missing.',
            ) from err


def run_append(client, pem_text, option, check_mode=False, want_diff=False):
    """GET the store, upload the missing certificates in one POST, report what was (or would be) added."""
    wanted = parse_bundle(pem_text, option)
    current = parse_bundle(read_store(client))
    plan, missing = plan_append(current, wanted, fields.TRUSTED_CA_PATH)
    _upload(client, plan, missing, check_mode)
    result = {
        'changed': plan.changed,
        'added': [cert.describe() for cert in missing],
        'certificates': [cert.describe() for cert in wanted],
        'requests': shown_requests(None, [plan]),
    }
    if want_diff:
        result['diff'] = {'before': plan.before, 'after': plan.after}
    return result
