#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: dns_zone_info
short_description: Read DNS zones from a Cisco Expressway
version_added: 0.1.0
description:
  - Return all DNS zones, or the one called O(name), with the option names of M(ucops.expressway.dns_zone).
  - With O(name), a zone the Expressway does not hold returns an empty list however the box answers the
    lookup (an empty list or object, HTTP 404, or HTTP 400 saying it does not exist, confirmed by
    reading the zone list once); a 400 for another reason fails the task.
  - The output can be fed back to M(ucops.expressway.dns_zone) as its options.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes.info_module
  - ucops.expressway._attributes.actiongroup
options:
  name:
    description:
      - Return only the object with this name. An empty list when it does not exist.
    type: str
seealso:
  - module: ucops.expressway.dns_zone
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Read all DNS zones
  ucops.expressway.dns_zone_info:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
  register: result

- name: Read one
  ucops.expressway.dns_zone_info:
    host: expressway-e.example.test
    name: Webex B2B
  register: one
'''

RETURN = r'''
dns_zones:
  description:
    - The DNS zones, in option names. Settings the collection does not manage are left out.
  returned: success
  type: list
  elements: dict
  sample:
    - name: Webex B2B DNS
      hop_count: 15
      sip_mode: true
      h323_mode: false
      tls_verify_mode: true
      fallback_transport_protocol: TLS
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import list_named


def main():
    resource = fields.DNS_ZONE
    module = AnsibleModule(
        argument_spec=fields.info_argument_spec(resource, connection_argument_spec()), supports_check_mode=True
    )
    objects = call_api(module, lambda client: list_named(client, resource, module.params['name']))
    module.exit_json(changed=False, dns_zones=objects)


if __name__ == '__main__':
    main()
