#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: dns_zone
short_description: Manage DNS zones on a Cisco Expressway
version_added: 0.1.0
description:
  - Create, update or delete a DNS zone (Configuration > Zones) through the Expressway REST API.
  - Only the options you set are managed. Options left out are never sent and never compared; when the
    module creates a zone, the Expressway applies its own defaults to them (shown in each option's
    description).
  - An update sends the zone name plus the changed settings only. A run where nothing differs makes
    a single GET request.
  - A name the Expressway does not hold reads as absent however the box answers the lookup (an empty list
    or object, HTTP 404, or HTTP 400 saying it does not exist; after a 404 or 400 the zone list is read
    once to confirm, so a 400 for another reason still fails the task).
  - When the answer to a write is lost (reset, timeout, HTTP 5xx), the module reads the zone again. As
    planned, the task succeeds; unchanged, the write is sent once more; anything else fails the task,
    saying what was found. A delete whose zone is already gone succeeds.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
options:
  name:
    description:
      - Name of the zone, the key of the object (1 to 50 characters).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the zone, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  hop_count:
    description:
      - Hop count, 1 to 255. Expressway default on create is V(15).
    type: int
  h323_mode:
    description:
      - Allow H.323 calls through the zone. Expressway default on create is V(true).
    type: bool
  sip_mode:
    description:
      - Allow SIP calls through the zone. Expressway default on create is V(true).
    type: bool
  tls_verify_mode:
    description:
      - Verify the TLS certificate of the remote side (TLS verify mode). Webex B2B needs V(true).
      - Expressway default on create is V(false).
    type: bool
  tls_verify_subject_name:
    description:
      - The name that must appear in the remote certificate when O(tls_verify_mode=true).
    type: str
  tls_verify_inbound_mapping:
    description:
      - Apply TLS verification to inbound classification as well. Expressway default on create is V(false).
    type: bool
  fallback_transport_protocol:
    description:
      - Transport used when DNS gives no hint. Expressway default on create is V(UDP).
    type: str
    choices: [UDP, TCP, TLS]
  media_encryption_mode:
    description:
      - Media encryption policy for calls through the zone. Expressway default on create is V(Auto).
    type: str
    choices: [ForceEncrypted, ForceUnencrypted, BestEffort, Auto]
  ice_support:
    description:
      - ICE support. Expressway default on create is V(false).
    type: bool
  preloaded_sip_routes_support:
    description:
      - Accept preloaded SIP routes (Route headers). Expressway default on create is V(false).
    type: bool
  modify_dns_request:
    description:
      - Search O(domain_to_search_for) instead of the domain of the dialled URI. Expressway default on
        create is V(false).
    type: bool
  domain_to_search_for:
    description:
      - Domain searched in DNS when O(modify_dns_request=true).
    type: str
  zone_profile:
    description:
      - Zone profile. Expressway default on create is V(Default).
    type: str
    choices: [Default, Custom]
  automatically_respond_to_sip_searches:
    description:
      - Answer SIP searches without forwarding them. Expressway default on create is V(false).
    type: bool
  include_address_record:
    description:
      - Look up A/AAAA records when no SRV/NAPTR record exists. Expressway default on create is V(false).
    type: bool
  sip_parameter_preservation:
    description:
      - Preserve SIP Request-URI and Contact parameters. Expressway default on create is V(false).
    type: bool
  sip_poison_mode:
    description:
      - Poison SIP requests so they are rejected if they loop back. Expressway default on create is V(false).
    type: bool
  sip_udp_bfcp_filter_mode:
    description:
      - Filter UDP/BFCP offers. Expressway default on create is V(false).
    type: bool
  sip_record_route_address_type:
    description:
      - Address type placed in Record-Route headers. Expressway default on create is V(IP).
    type: str
    choices: [IP, Hostname]
notes:
  - The option to REST key mapping lives in one table of the collection; see C(docs/design.md).
seealso:
  - module: ucops.expressway.dns_zone_info
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: DNS zone towards Webex for B2B calls
  ucops.expressway.dns_zone:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    name: Webex B2B DNS
    sip_mode: true
    h323_mode: false
    tls_verify_mode: true
    tls_verify_subject_name: callservice.ciscospark.com
    fallback_transport_protocol: TLS
    media_encryption_mode: ForceEncrypted
    modify_dns_request: true
    domain_to_search_for: callservice.ciscospark.com
    sip_record_route_address_type: Hostname

- name: Remove a zone
  ucops.expressway.dns_zone:
    host: expressway-e.example.test
    name: Old DNS zone
    state: absent
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
dns_zone:
  description:
    - The zone after the run, in option names. Empty after a delete.
    - After a create it holds the options that were sent; the Expressway defaults the rest.
  returned: success
  type: dict
  sample:
    name: Webex B2B DNS
    hop_count: 15
    tls_verify_mode: true
    fallback_transport_protocol: TLS
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import run_named


def main():
    resource = fields.DNS_ZONE
    module = AnsibleModule(
        argument_spec=fields.module_argument_spec(resource, connection_argument_spec()), supports_check_mode=True
    )
    result = call_api(
        module, lambda client: run_named(client, resource, module.params, module.check_mode, module._diff)
    )
    module.exit_json(**result)


if __name__ == '__main__':
    main()
