#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: dns_server
short_description: Manage the default DNS servers of a Cisco Expressway
version_added: 0.1.0
description:
  - Set the default DNS servers (System > DNS) through the Expressway REST API.
  - The Expressway holds up to five servers in numbered slots 1 to 5. The position in O(servers) is the
    slot, so the first address goes to slot 1, the second to slot 2, and so on. To change only slot 3
    you must still list slots 1 and 2.
  - A run where nothing differs makes a single GET request. The list is read in every shape the API is
    known to use (a bare list of servers, or servers wrapped in C(DefaultDNSServers), one or a list).
  - When the answer to a write is lost (reset, timeout, HTTP 5xx), the module reads the list again. As
    planned, the task goes on; unchanged, the write is sent once more; anything else fails the task.
  - DNS servers are a per-peer setting in a cluster (they are not replicated), so run this module
    against every peer, not only the primary. Available on Expressway-C and Expressway-E alike.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
options:
  servers:
    description:
      - IPv4 or IPv6 addresses (no prefix, no port, no IPv6 scope such as V(%eth0)), at most five. Position N
        in the list is slot N. IPv4-mapped IPv6 addresses (V(::ffff:192.0.2.53)) are IPv6 addresses.
      - Addresses are compared in canonical form, so V(2001:DB8::0:53) matches V(2001:db8::53).
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) sets each listed address in its slot, adding or correcting it, and never removes
        a server in a slot beyond the list.
      - V(exact) also deletes the servers in slots beyond the list. An empty list is refused with
        V(exact), because it would delete every server.
    type: str
    default: present
    choices: [present, exact]
notes:
  - Input is checked before any request; a sixth address, an invalid address, or an empty list with
    O(state=exact) fail the task with a message naming the option, the value and what is allowed.
seealso:
  - module: ucops.expressway.dns_settings
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Two resolvers in slots 1 and 2, remove any others
  ucops.expressway.dns_server:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    servers:
      - 192.0.2.53
      - 2001:db8::53
    state: exact
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
servers:
  description:
    - Every DNS server on the Expressway after the run, sorted by slot.
  returned: success
  type: list
  elements: dict
  contains:
    index:
      description: The slot, 1 to 5.
      type: int
    address:
      description: The address, in canonical form.
      type: str
  sample:
    - index: 1
      address: 192.0.2.53
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields, validate
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import run_collection


def main():
    spec = dict(
        connection_argument_spec(),
        servers={'type': 'list', 'elements': 'str', 'required': True},
        state={'type': 'str', 'default': 'present', 'choices': ['present', 'exact']},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    params = module.params

    def operation(client):
        servers = validate.check_dns_servers(params['servers'], params['state'], fields.DNS_SERVER_MAX)
        items = [{'index': slot, 'address': address} for slot, address in enumerate(servers, start=1)]
        return run_collection(
            client,
            fields.DNS_SERVER,
            items,
            'index',
            params['state'],
            module.check_mode,
            module._diff,
            normalize=validate.canonical_address,
        )

    result = call_api(module, operation)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
