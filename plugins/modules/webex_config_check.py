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
  - Catches, among others, a Webex zone whose TLS verify subject name is wrong, a search rule that
    sends Webex calls to another zone, and a firewall rule set that drops or does not admit Webex.
  - EXP-ZONE passes a zone set exactly as the Webex B2B article says. Settings other Cisco guides
    recommend (TLS verify inbound mapping, fallback transport, media encryption, preloaded SIP routes,
    H.323 off) are listed with their source in the row's evidence, never failed. A zone with the
    article's C(ciscospark) values passes, and its summary and evidence carry the advice to move to the
    C(webex) generation.
  - EXP-RULES searches the rules the way the Expressway does, with enabled SIP rules in priority order, rules
    of one priority together, a matching V(Stop) rule ending the search, and only rules whose source
    takes the call (V(Any), V(AllZones), V(LocalZone), or the V(Named) zone the call arrives from). A
    call to Webex is taken to arrive from O(inbound_target_zone) when it is set. A call from Webex arrives
    from the Webex zone when its TLS verify mode and TLS verify inbound mapping are on, otherwise from
    the Default Zone.
  - EXP-FW evaluates the active firewall rules the way the firewall does, lowest priority number first,
    the first matching rule deciding by source address and prefix, interface, transport (or the port a
    non-Custom service implies) and port range. Traffic from the ranges Cisco publishes for Webex, or
    from the address an O(expected_firewall) entry names, must meet an V(Allow) rule first; a
    V(Drop) or V(Reject) rule that takes it first fails the row; traffic that no rule matches gets in
    only through the final allow-all rule the Expressway adds, which gives V(warn).
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
        generation; a zone with them passes with the advice to move.
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
      - Calls to Webex are judged as arriving from this zone, so a search rule whose source is this named
        zone counts.
      - If not set, calls from Webex are not checked, and a call to Webex passes when it reaches the Webex
        zone from some zone or from locally registered devices.
    type: str
  expected_firewall:
    description:
      - Traffic the Expressway's active firewall rules must admit (EXP-FW), one entry per port range.
      - If not set, TCP 5061-5062 (PORT-SIG-OUT) and, on an Expressway-E, UDP 36000-59999 (PORT-MEDIA)
        from the Webex ranges are expected, and a box without active firewall rules is reported as V(skip).
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
        description:
          - Source network the traffic comes from (with O(expected_firewall[].prefix_length)).
          - If not set, the IPv4 ranges Cisco publishes for Webex signalling and media.
        type: str
      prefix_length:
        description:
          - Prefix length that goes with O(expected_firewall[].address), 0 to 32 for IPv4, 0 to 128 for IPv6.
        type: int
        default: 32
      action:
        description: What the firewall must do with this traffic (the action of the first rule it meets).
        type: str
        choices: [Allow, Drop, Reject]
        default: Allow
  firewall_interface:
    description:
      - Interface Webex traffic reaches the Expressway on; firewall rules bound to the other interface
        do not apply to it (EXP-FW).
      - V(LAN2) is the external interface of an Expressway-E with the Advanced Networking option.
    type: str
    choices: [LAN1, LAN2]
    default: LAN1
    version_added: 0.2.0
  sip_tls:
    description:
      - The Expressway-E's SIP TLS port, to judge the certificate it presents there (EXP-CERT), that is validity, the
        name, path validation, clientAuth and serverAuth, and when a public CA renewal loses clientAuth.
      - The certificate is read off the wire; no private key or file is needed. The version for the forecast
        is the one the API reports.
      - If not set, EXP-CERT is not checked and has no row.
    type: dict
    version_added: 0.2.0
    suboptions:
      host:
        description: Address or FQDN of the Expressway-E's SIP TLS listener (usually its public interface).
        type: str
        required: true
      port:
        description: SIP TLS port.
        type: int
        default: 5061
      server_name:
        description:
          - The Expressway's FQDN the certificate must carry; also sent as SNI.
          - If not set, O(sip_tls.host).
        type: str
      ca_bundle:
        description:
          - PEM file of the root CAs to validate the chain to.
          - If not set, Mozilla's roots as the certifi package ships them.
        type: path
      expiry_warning_days:
        description: Warn when the certificate expires within this many days.
        type: int
        default: 30
      timeout:
        description: Seconds to wait for the TLS connection.
        type: float
        default: 5.0
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

from ansible_collections.ucops.expressway.plugins.module_utils._checks import certificates, config, expressway_cert
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import FAIL_ON, exit_with_results
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.validate import (
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
        firewall_interface=dict(type='str', default='LAN1', choices=['LAN1', 'LAN2']),
        sip_tls=dict(type='dict', options=expressway_cert.sip_tls_spec()),
        fail_on=dict(type='str', default='must', choices=list(FAIL_ON)),
    )
    module = ExpresswayModule(argument_spec=argument_spec, supports_check_mode=True)
    if not certificates.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=certificates.CRYPTOGRAPHY_IMPORT_ERROR)
    exit_with_results(module, call_api(module, lambda client: config.run(client, check_config_params(module.params))))


if __name__ == '__main__':
    main()
