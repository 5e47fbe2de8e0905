#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webex_inbound_check
short_description: Check that an SBC can call into the Webex cloud
version_added: 0.1.0
description:
  - Checks the rules for calls from an originating SBC into the Webex cloud from where the SBC stands
    (IN-DNS, IN-SRV, IN-MTLS, IN-CERT-EKU, IN-CERT-VALID, IN-CERT-NAME, IN-CERT-CHAIN, IN-CERT-TRUST, IN-PTR,
    IN-CONTACT).
  - Resolves the C(_sips._tcp) SRV record of the called host with the SBC's resolvers, connects with TLS to
    every Webex address, and opens mutual TLS on O(mtls_port) presenting the SBC's certificate and key.
  - Judges the SBC's own certificate files. Once O(client_cert) is given, mutual TLS is in use and the
    IN-CERT-* rows carry level V(must), as the requirements say.
  - Judges the certificate Webex presents on every IN-SRV and IN-MTLS connection the way the SBC's zone
    does (path validation to O(webex_trusted_cas), the name O(tls_verify_subject_name)), so a Webex CA
    change shows before calls fail. Without O(webex_trusted_cas) the pinned list of roots Webex documents
    is the fallback, and a root it does not name as current, or a legacy root, makes the row V(warn).
  - Never changes anything. See C(docs/rules.md) for each rule and its fix.
author:
  - ucops.expressway contributors (@ucops)
extends_documentation_fragment:
  - ucops.expressway._checks
  - ucops.expressway._attributes.info_module
options:
  called_uri:
    description:
      - The Webex SIP URI (V(sips:user@example.webex.com)) or domain the SBC dials.
    type: str
    required: true
  sbc_fqdn:
    description:
      - The SBC's FQDN, matched against its certificate (IN-CERT-NAME) and its PTR records (IN-PTR).
      - When not given, those rules are V(skip).
    type: str
  client_cert:
    description:
      - PEM file with the SBC's certificate followed by its chain, presented for mutual TLS and judged by the
        IN-CERT-* rules.
    type: path
  client_key:
    description:
      - PEM file with the private key of O(client_cert). It is only handed to the TLS library, never returned.
    type: path
  contact_fqdn:
    description:
      - The FQDN the SBC puts in its SIP Contact header; checked by IN-CONTACT when given.
    type: str
  mtls_port:
    description:
      - The Webex mutual-TLS port.
    type: int
    default: 5062
  expressway:
    description:
      - Connection to the Expressway that is the SBC. Its trusted CA list and its Webex DNS zone's TLS verify
        subject name are read (two GET requests, nothing is changed), and the certificate Webex presents must
        validate to that list and carry that name (unless O(tls_verify_subject_name) is given).
      - The Webex zone is the first DNS zone whose TLS verify subject name or domain to search for belongs to
        a Webex domain generation; with none, the name is not judged.
    type: dict
    version_added: 0.2.0
    suboptions:
      host:
        description:
          - Host name or IP address of the Expressway.
          - If not set, the value of the E(EXPRESSWAY_HOST) environment variable is used.
        type: str
        required: true
      port:
        description: HTTPS port of the REST API.
        type: int
        default: 443
      username:
        description:
          - Administrator account with API access.
          - If not set, the value of the E(EXPRESSWAY_USERNAME) environment variable is used.
        type: str
      password:
        description:
          - Password of O(expressway.username). Never shown in messages or returned values.
          - If not set, the value of the E(EXPRESSWAY_PASSWORD) environment variable is used.
        type: str
      validate_certs:
        description: Verify the server certificate of the Expressway.
        type: bool
        default: true
      ca_path:
        description: PEM file with the CA certificate(s) to trust for the Expressway's server certificate.
        type: path
      timeout:
        description: Seconds to wait for a connection and for each response.
        type: float
        default: 30
      api_prefix:
        description: Path prefix of the provisioning API.
        type: str
        default: /api/provisioning
        choices: [/api/provisioning, /api/v1/provisioning]
  webex_trusted_cas:
    description:
      - PEM file with the SBC's trusted CA list (on an Expressway, the trusted CA certificates under
        Maintenance > Security). The certificate Webex presents must validate to one of them.
      - Mutually exclusive with O(expressway), which reads the list from the box.
      - If neither this nor O(expressway) is set, the certificate must validate to O(ca_bundle) and end at a
        root that the collection's pinned list of Webex roots names as current; any other root makes IN-SRV
        and IN-MTLS V(warn).
    type: path
    version_added: 0.2.0
  tls_verify_subject_name:
    description:
      - The name the SBC verifies in Webex's certificate; on an Expressway, the Webex zone's TLS verify
        subject name (V(callservice.ciscospark.com) or V(sip.webex.com)).
      - If not set, the name of the Webex zone read through O(expressway); without either, the name in
        Webex's certificate is not judged.
    type: str
    version_added: 0.2.0
'''

EXAMPLES = r'''
- name: Check an SBC's path into Webex
  ucops.expressway.webex_inbound_check:
    called_uri: sips:meeting@example.test
    sbc_fqdn: sbc1.example.test
    client_cert: /etc/sbc/certs/sbc1-chain.pem
    client_key: /etc/sbc/private/sbc1.key
    contact_fqdn: sbc1.example.test
    resolvers: [127.0.0.1]
    resolver_port: 5353
  register: inbound

- name: Also judge Webex's certificate as the Expressway's Webex zone does
  ucops.expressway.webex_inbound_check:
    called_uri: sips:meeting@example.test
    webex_trusted_cas: /etc/sbc/certs/trusted-cas.pem
    tls_verify_subject_name: callservice.ciscospark.com
    resolvers: [127.0.0.1]
    resolver_port: 5353
  register: inbound
'''

RETURN = r'''
results:
  description: One row per rule, target and address, in the shape of the outbound check.
  returned: always
  type: list
  elements: dict
  contains:
    subject:
      description: The SBC FQDN, or the called URI when no FQDN is given.
      type: str
      returned: always
    target:
      description: The SRV target or FQDN the row is about, or null.
      type: str
      returned: always
    address:
      description: The IPv4 address the row is about, or null.
      type: str
      returned: always
    port:
      description: The port, or null.
      type: int
      returned: always
    rule:
      description: The rule ID from the requirements catalogue.
      type: str
      returned: always
      sample: IN-MTLS
    level:
      description: V(must), V(should) or V(info).
      type: str
      returned: always
    status:
      description: V(pass), V(fail), V(warn) or V(skip).
      type: str
      returned: always
    summary:
      description: One line a person reads.
      type: str
      returned: always
    evidence:
      description: What was seen; never the private key.
      type: dict
      returned: always
    remedy:
      description: The fix when the status is V(fail) or V(warn), else null.
      type: str
      returned: always
rules:
  description: One entry per rule with the worst status of its rows (fail > warn > pass > skip).
  returned: always
  type: list
  elements: dict
  sample: [{subject: sbc1.example.test, rule: IN-MTLS, level: should, status: pass}]
summary:
  description: The number of rows in RV(results) per status.
  returned: always
  type: dict
  sample: {pass: 9, fail: 0, warn: 1, skip: 1}
msg:
  description: The verdict under O(fail_on), naming the failing rules.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import client
from ansible_collections.ucops.expressway.plugins.module_utils._checks import context, inbound
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import exit_with_results


def main():
    argument_spec = context.check_argument_spec()
    argument_spec.update(
        called_uri=dict(type='str', required=True),
        sbc_fqdn=dict(type='str'),
        client_cert=dict(type='path'),
        client_key=dict(type='path', no_log=False),
        contact_fqdn=dict(type='str'),
        mtls_port=dict(type='int', default=5062),
        expressway=dict(type='dict', options=client.connection_argument_spec()),
        webex_trusted_cas=dict(type='path'),
        tls_verify_subject_name=dict(type='str'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_together=[('client_cert', 'client_key')],
        mutually_exclusive=[('expressway', 'webex_trusted_cas')],
    )
    context.require_libraries(module, needs_certifi=not module.params['ca_bundle'])
    try:
        rows = inbound.run(context.CheckContext(module.params), module.params)
    except context.CheckSetupError as err:
        module.fail_json(msg=str(err))
    exit_with_results(module, rows)


if __name__ == '__main__':
    main()
