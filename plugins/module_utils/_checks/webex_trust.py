# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Webex's side of trust: the certificate the Webex cloud presents, judged the way the SBC judges it.

An Expressway's Webex zone verifies the cloud's certificate (TLS verify mode On) against its own
trusted CA list and the zone's TLS verify subject name. When Webex moves to another CA, calls fail
on the day the new certificate is deployed unless the list already holds the new root. The inbound
probes see that certificate on every connection, so they judge it here:

- with the Expressway's trusted CA list (``webex_trusted_cas``), the chain must validate to it;
- without it, the pinned list of roots Webex documents (``_webex_cas``) is the offline fallback:
  the chain must validate to ``ca_bundle`` and end at a root the list names as current. A root the
  list does not name warns (a CA change to confirm), and so does a legacy root.

The Expressway's list and its Webex zone's name are read from the box when a connection is given
(``expressway``: two GETs), else taken from ``webex_trusted_cas`` and ``tls_verify_subject_name``.
"""

from __future__ import annotations

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import client as expressway_client, fields
from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates, path_validation, results
from ansible_collections.ucops.expressway.plugins.module_utils._checks.context import CheckSetupError
from ansible_collections.ucops.expressway.plugins.module_utils._checks.config import find_zone, parse_pem
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ExpresswayError
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.truststore import read_store
from ansible_collections.ucops.expressway.plugins.module_utils._webex_cas import WEBEX_CAS


class Anchors(object):
    """The roots the SBC verifies Webex against: the Expressway's list, or the pinned fallback."""

    def __init__(self, bundle, expressway_list, subject_name=None, pinned=None):
        self.bundle = bundle
        self.expressway_list = expressway_list
        self.subject_name = subject_name
        self.pinned = WEBEX_CAS if pinned is None else pinned

    @property
    def source(self):
        return "the Expressway's trusted CA list" if self.expressway_list else 'the pinned list of Webex roots'


def worst(*statuses):
    return results.worst(statuses)


def _root_verdict(anchors, root_sha256, root_subject):
    entry = anchors.pinned.get(root_sha256)
    if entry is not None and not entry.get('in_mozilla_store', True):
        return 'warn', 'chains to %s, a legacy or removed root (%s): Webex may move off it' % (
            entry['name'],
            entry['evidence'],
        )
    if anchors.expressway_list:
        return 'pass', 'validates to %s in %s' % (root_subject, anchors.source)
    if entry is None or entry.get('list') != 'cas':
        return 'warn', (
            'chains to %s, which %s does not name as current: a Webex CA change? make sure the '
            "Expressway's trusted CA list holds this root (EXP-TRUST)" % (root_subject, anchors.source)
        )
    return 'pass', 'chains to %s, the root Webex documents' % entry['name']


def judge(certs, anchors, now=None):
    """(status, summary, evidence) for the chain Webex presented; certs leaf first."""
    chain, error = path_validation.validate(certs, anchors.bundle, 'server', now)
    evidence = {
        'leaf': certificates.describe(certs[0]),
        'anchors': anchors.source,
        'validation': error or 'passed',
        'subject_name': anchors.subject_name,
    }
    if chain is None:
        found = path_validation.weaknesses(certs, 'server', now)
        evidence['problems'] = found
        return 'fail', 'the SBC would reject it against %s: %s' % (anchors.source, '; '.join(found) or error), evidence
    root = chain[-1]
    evidence.update(path=[cert.subject.rfc4514_string() for cert in chain], root_sha256=certificates.fingerprint(root))
    status, summary = _root_verdict(anchors, evidence['root_sha256'], root.subject.rfc4514_string())
    if anchors.subject_name:
        naming = certificates.check_name(certs[0], anchors.subject_name)
        evidence['name'] = naming[2]
        if naming[0] != 'pass':
            status = 'fail'
            summary = (
                "it does not carry %s, the zone's TLS verify subject name (%s); " % (anchors.subject_name, naming[1])
            ) + summary
    return status, summary, evidence


def read_expressway(conn):
    """(trusted CA certificates, the Webex zone's TLS verify subject name or None): two GETs, no write."""
    if not expressway_client.HAS_REQUESTS:
        raise CheckSetupError('expressway: the requests library is needed to read the Expressway')
    try:
        client = expressway_client.ExpresswayClient(
            conn['host'],
            conn['port'],
            conn['username'],
            conn['password'],
            conn['validate_certs'],
            conn['ca_path'],
            conn['timeout'],
            conn['api_prefix'],
        )
        try:
            roots = parse_pem(read_store(client))  # an answer that is not the list fails, never reads as empty
            zones = [
                fields.DNS_ZONE.to_options(r) for r in client.get(fields.DNS_ZONE.path) or [] if isinstance(r, dict)
            ]
        finally:
            client.close()
    except ExpresswayError as err:
        raise CheckSetupError('expressway: %s' % err) from err
    zone = find_zone(zones, None, 'any')
    return roots, (zone or {}).get('tls_verify_subject_name')


def anchors_for(ca_bundle, params):
    """What the SBC verifies Webex against: the box's list (expressway), webex_trusted_cas, else the pinned
    fallback. The name is tls_verify_subject_name, else the box's Webex zone's."""
    name = params.get('tls_verify_subject_name')
    if params.get('expressway'):
        roots, zone_name = read_expressway(params['expressway'])
        bundle = certificates.Bundle(roots, "trusted CA list of %s" % params['expressway']['host'])
        return Anchors(bundle, True, name or zone_name)
    path = params.get('webex_trusted_cas')
    if not path:
        return Anchors(ca_bundle, False, name)
    try:
        bundle = certificates.Bundle.from_file(path)
    except certificates.CertificateError as err:
        raise CheckSetupError('webex_trusted_cas: %s' % err) from err
    if not bundle.by_sha256:
        raise CheckSetupError('webex_trusted_cas: %s holds no certificate' % path)
    return Anchors(bundle, True, name)
