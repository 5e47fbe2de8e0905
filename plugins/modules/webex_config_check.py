#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webex_config_check
short_description: Check a Cisco Expressway's live configuration against the Webex B2B rules (EXP-*)
version_added: 0.1.0
description:
  - Read the configuration of one Expressway with at most six GET requests (system information, DNS zones,
    search rules, DNS servers, the active firewall rule set when the version has the firewall API, and the
    trusted CA list) and judge the rules EXP-VERSION, EXP-ZONE, EXP-RULES, EXP-DNS, EXP-FW and EXP-TRUST
    of the Webex B2B requirements.
  - Returns one row per rule (and per alias, firewall range) with status V(pass), V(fail), V(warn) or
    V(skip), a summary, the evidence seen and the remedy, in the shape every check module of the
    collection shares. The subject of every row is O(host).
  - Never changes anything; runs the same in check mode.
  - Catches, among others, a Webex zone whose TLS verify subject name is wrong and a search rule that
    sends Webex calls to another zone.
  - A zone with the legacy C(ciscospark) values passes EXP-ZONE with V(warn), naming the newer values.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes.info_module
  - ucops.expressway._attributes.actiongroup
options:
  zone_name:
    description:
      - Name of the Webex DNS zone.
      - If not set, the first DNS zone whose TLS verify subject name or domain to search for belongs to an
        accepted O(generation) is checked.
    type: str
  generation:
    description:
      - Webex domain generation to expect.
      - V(ciscospark) are the values of the Webex B2B article (C(callservice.ciscospark.com)), the legacy
        generation, reported as V(warn).
      - V(webex) are the Hybrid Calling values (C(callservice.webex.com), TLS name C(sip.webex.com)); they need
        X8.11.4 or later.
      - V(any) accepts either and judges the zone by the generation its values belong to.
    type: str
    choices: [ciscospark, webex, any]
    default: any
  sip_domains:
    description:
      - SIP domains of the organisation that Webex serves; a call to each must be routed to the Webex zone.
      - Each a domain name (dot-separated DNS labels), checked before any request.
    type: list
    elements: str
    default: []
  inbound_target_zone:
    description:
      - Zone (traversal or neighbour) that calls arriving from the Webex zone must be routed to.
      - If not set, that half of EXP-RULES is not checked.
    type: str
  expected_firewall:
    description:
      - Port ranges the Expressway's active firewall rules must admit (EXP-FW).
      - If not set, TCP 5061-5062 (PORT-SIG-OUT) and, on an Expressway-E, UDP 36000-59999 (PORT-MEDIA)
        from anywhere are expected, and a box without active firewall rules is reported as V(skip).
      - Active V(Allow) rules open to any address (prefix length 0) beyond these ranges give V(warn).
      - Every item must be a dictionary; items are checked (ports, ranges, address without scope, prefix
        length) before any request, and a wrong one fails the task naming the item.
    type: list
    elements: dict
    suboptions:
      transport:
        description: Transport of the range.
        type: str
        choices: [TCP, UDP, TCPAndUDP]
        required: true
      start_port:
        description: First port of the range, 1 to 65535, not above O(expected_firewall[].end_port).
        type: int
        required: true
      end_port:
        description: Last port of the range, 1 to 65535.
        type: int
        required: true
      address:
        description: Source address the rule must name; if not set, any source address.
        type: str
      prefix_length:
        description:
          - Prefix length that goes with O(expected_firewall[].address), 0 to 32 for IPv4, 0 to 128 for IPv6.
        type: int
        default: 32
      action:
        description: Action of the rule.
        type: str
        choices: [Allow, Drop, Reject]
        default: Allow
  fail_on:
    description:
      - V(must) fails the task when a must rule fails; V(should) also when a should rule fails or warns;
        V(never) never fails the task (read the results instead).
    type: str
    choices: [must, should, never]
    default: must
notes:
  - The Webex root is matched by the SHA-256 of its certificate against the collection's copy of the roots
    Webex documents, never by name. M(ucops.expressway.trusted_ca) appends it when it is missing.
requirements:
  - requests
  - cryptography
seealso:
  - module: ucops.expressway.webex_outbound_check
  - module: ucops.expressway.webex_inbound_check
  - module: ucops.expressway.trusted_ca
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Check the Webex configuration of an Expressway-E
  ucops.expressway.webex_config_check:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    zone_name: Webex-B2B
    sip_domains:
      - acme.calls.webex.com
  register: webex_config

- name: Show what is not right, without failing the play
  ucops.expressway.webex_config_check:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    fail_on: never
  register: webex_config
'''

RETURN = r'''
results:
  description: One row per subject, rule and (where it applies) alias or firewall range.
  returned: always
  type: list
  elements: dict
  sample:
    - subject: expressway-e.example.test
      target: null
      address: null
      port: null
      rule: EXP-ZONE
      level: must
      status: fail
      summary: "zone Webex-B2B: tls_verify_subject_name is 'wrong.example.test', expected 'sip.webex.com'"
      evidence: {zone: Webex-B2B, generation: webex}
      remedy: Create or correct the Webex DNS zone with the listed settings.
rules:
  description: One entry per subject and rule with the worst status of its rows.
  returned: always
  type: list
  elements: dict
  sample:
    - {subject: expressway-e.example.test, rule: EXP-ZONE, level: must, status: fail}
summary:
  description: Number of rows per status.
  returned: always
  type: dict
  sample: {pass: 7, fail: 1, warn: 0, skip: 0}
'''

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.ucops.expressway.plugins.module_utils import _certs, _config_check
from ansible_collections.ucops.expressway.plugins.module_utils._api import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._results import FAIL_ON, exit_with_results
from ansible_collections.ucops.expressway.plugins.module_utils._validate import (
    ExpresswayModule,
    check_config_params,
)

FIREWALL_SPEC = dict(
    transport=dict(type='str', required=True, choices=['TCP', 'UDP', 'TCPAndUDP']),
    start_port=dict(type='int', required=True),
    end_port=dict(type='int', required=True),
    address=dict(type='str'),
    prefix_length=dict(type='int', default=32),
    action=dict(type='str', default='Allow', choices=['Allow', 'Drop', 'Reject']),
)


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        zone_name=dict(type='str'),
        generation=dict(type='str', default='any', choices=['ciscospark', 'webex', 'any']),
        sip_domains=dict(type='list', elements='str', default=[]),
        inbound_target_zone=dict(type='str'),
        expected_firewall=dict(type='list', elements='dict', options=FIREWALL_SPEC),
        fail_on=dict(type='str', default='must', choices=list(FAIL_ON)),
    )
    module = ExpresswayModule(argument_spec=argument_spec, supports_check_mode=True)
    if not _certs.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=_certs.CRYPTOGRAPHY_IMPORT_ERROR)
    exit_with_results(module, call_api(module, lambda client: _config_check.run(
        client, check_config_params(module.params))))


if __name__ == '__main__':
    main()
