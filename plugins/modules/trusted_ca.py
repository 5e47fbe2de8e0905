#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: trusted_ca
short_description: Add CA certificates to the trusted CA list of a Cisco Expressway
version_added: 0.1.0
description:
  - Make sure the trusted CA list (Maintenance > Security > Trusted CA certificate) holds the given
    certificates, for example the root that signs Webex's certificate.
  - Certificates are compared by the SHA-256 fingerprint of their DER encoding, so line endings, line
    lengths and text around the PEM blocks do not matter.
  - The list must read as PEM certificates. An answer that is a web page, other text, or an empty body
    fails the task before any upload, naming the URL and what came back; an empty answer cannot be told
    apart from a failed read, so a box whose list is really empty needs one CA added in the web UI first.
  - When the answer to the upload is lost (reset, timeout, HTTP 5xx), the module reads the list again and
    succeeds when every uploaded certificate is there; otherwise it fails naming the missing ones.
  - The module reads the list (one GET), and uploads the missing certificates, and only those, in one
    request. It never removes a certificate; the API offers no way to do so.
  - The trusted CA list is replicated in a cluster, so run the module against the primary only. Available
    on Expressway-C and Expressway-E alike.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
options:
  certificate:
    description:
      - PEM text of one or more CA certificates. Exactly one of O(certificate) and O(path) is required.
    type: str
  path:
    description:
      - A PEM file with one or more CA certificates, read on the machine that runs the module.
    type: path
  state:
    description:
      - Only V(present) is supported; the API has no way to remove a trusted CA.
    type: str
    default: present
    choices: [present]
requirements:
  - cryptography
seealso:
  - module: ucops.expressway.system_info
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Trust the root CA that signs the partner's certificate
  ucops.expressway.trusted_ca:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    path: files/partner-root-ca.pem
'''

RETURN = r'''
requests:
  description:
    - The write requests of the run, in the order they are sent (in check mode, would be sent); empty when nothing
      differs. The body is the REST body as sent (a trusted CA upload shows how many certificates it holds).
  returned: success
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    method:
      description: V(POST), V(PUT) or V(DELETE).
      type: str
    path:
      description: The path under the API prefix.
      type: str
    body:
      description: The request body.
      type: raw
  sample:
    - method: PUT
      path: /common/zone/dnszone
      body: {Name: Webex-B2B, SIPTLSVerifySubjectName: callservice.ciscospark.com}
added:
  description: The certificates uploaded by this run (in check mode, those that would be).
  returned: success
  type: list
  elements: dict
  contains:
    sha256:
      description: SHA-256 fingerprint of the DER encoding, lower-case hex without separators.
      type: str
    subject:
      description: Subject distinguished name (RFC 4514).
      type: str
certificates:
  description: The certificates given to the module, each with RV(added[].sha256) and RV(added[].subject).
  returned: success
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import truststore
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)


def read_pem(module):
    if module.params['certificate'] is not None:
        return module.params['certificate'], 'certificate'
    try:
        with open(module.params['path'], encoding='ascii', errors='replace') as handle:
            return handle.read(), 'path'
    except OSError as err:
        module.fail_json(msg=f'Cannot read {module.params["path"]}: {err}', option='path')


def main():
    spec = dict(
        connection_argument_spec(),
        certificate={'type': 'str'},
        path={'type': 'path'},
        state={'type': 'str', 'default': 'present', 'choices': ['present']},
    )
    module = AnsibleModule(
        argument_spec=spec,
        supports_check_mode=True,
        mutually_exclusive=[('certificate', 'path')],
        required_one_of=[('certificate', 'path')],
    )
    if not truststore.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=truststore.CRYPTOGRAPHY_IMPORT_ERROR)
    pem_text, option = read_pem(module)
    result = call_api(
        module, lambda client: truststore.run_append(client, pem_text, option, module.check_mode, module._diff)
    )
    module.exit_json(**result)


if __name__ == '__main__':
    main()
