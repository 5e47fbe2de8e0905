#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: api_fit_info
short_description: First contact with a Cisco Expressway, read-only - compare its REST answers with the collection's field table
version_added: 0.2.0
description:
  - Read every resource the collection manages (system information, DNS zones, search rules, DNS settings and
    servers, pending and active firewall rules, trusted CA and server certificates, the other zone collections)
    with GET requests only, and compare each answer with the collection's field table.
  - Reports, per resource, the answer shape (bare list, one object, one-element list, object wrapped in a key,
    text), the keys the box returns that the table does not know, the keys the table expects that the box never
    returns, and values outside the table's choices or tokens. It also asks for a zone name that does not
    exist, to learn how this box answers a by-name miss.
  - Run it once against every new software version before the first apply, and send the result (and the saved
    RAML) to the project so the field table can be corrected. The result holds key names, answer shapes and
    enumeration tokens only; names, addresses, descriptions and certificates of the box are left out.
  - An HTTP error on one resource is a finding (V(404) where the product or version does not serve it), not a
    failure; wrong credentials or an unreachable box fail the task.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes.info_module
  - ucops.expressway._attributes.actiongroup
options:
  resources:
    description:
      - Read only these resources (names as in RV(resources[].name)). Default is all of them.
    type: list
    elements: str
    choices:
      - sysinfo
      - dns_zone
      - dns_zone_by_name_miss
      - search_rule
      - dns_settings
      - dns_server
      - firewall_rule_pending
      - firewall_rule_active
      - trusted_ca
      - server_certificate
      - zones_common_zone_neighborzone
      - zones_edge_zone_traversalserver
      - zones_controller_zone_traversalclient
  raml_dest:
    description:
      - Save the box's own API description, C(GET /api/raml), to this file on the host that runs the module
        (the control node). The folder must exist. Nothing is saved when the box does not serve it.
    type: path
notes:
  - The RAML file is written even in check mode, since it is a copy of what the box serves, not a change to the box.
seealso:
  - module: ucops.expressway.system_info
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: First contact with a new Expressway (read-only)
  ucops.expressway.api_fit_info:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    raml_dest: "{{ playbook_dir }}/expressway-e.raml"
  register: fit

- name: Say whether the collection's field table fits this box
  ansible.builtin.debug:
    msg: "{{ 'fits' if fit.summary.fits else 'does not fit: send the result to the project' }}"
'''

RETURN = r'''
resources:
  description: One entry per resource read, in the order read.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The resource, for example V(dns_zone) or V(dns_zone_by_name_miss).
      type: str
    path:
      description: The path below the API prefix.
      type: str
    status:
      description: HTTP status of the answer.
      type: int
    shape:
      description: The answer's shape, for example V(list of 2 objects) or V(object wrapped in DefaultDNSServers (object)).
      type: str
    objects:
      description: How many objects (or certificates) the answer held.
      type: int
    unknown_keys:
      description: Keys the box returned that the field table does not know.
      type: list
      elements: str
    missing_keys:
      description: Keys the field table expects that no returned object held (only when objects were returned).
      type: list
      elements: str
    bad_values:
      description:
        - Values outside the table's choices or tokens, with the allowed values. A value is shown only when it
          looks like an enumeration token; anything else is shown by its type.
      type: list
      elements: dict
    error:
      description: The server's message, when the status was not 200.
      type: str
  sample:
    - name: dns_server
      path: /common/dns/dnsserver
      status: 200
      shape: object wrapped in DefaultDNSServers (list of 2 objects)
      objects: 2
      unknown_keys: []
      missing_keys: []
      bad_values: []
summary:
  description: Counts over all resources.
  returned: success
  type: dict
  contains:
    resources_read:
      description: Resources that answered 200.
      type: int
    not_served:
      description: Resources this product or version does not serve (HTTP 404).
      type: list
      elements: str
    errors:
      description: Resources that answered another error (the by-name miss probe never counts here).
      type: list
      elements: str
    unknown_keys:
      description: Unknown keys over all resources.
      type: int
    missing_keys:
      description: Never-returned keys over all resources.
      type: int
    bad_values:
      description: Values outside the table over all resources.
      type: int
    fits:
      description: True when nothing differs from the field table and no resource answered an error.
      type: bool
  sample:
    resources_read: 11
    not_served: [zones_controller_zone_traversalclient]
    errors: []
    unknown_keys: 0
    missing_keys: 0
    bad_values: 0
    fits: true
raml:
  description: Where the RAML was saved, its size in bytes, or the HTTP status when the box did not serve it.
  returned: when O(raml_dest) is set
  type: dict
  sample:
    path: /home/me/expressway-e.raml
    bytes: 48211
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.api_fit import (
    first_contact,
    probe_names,
    read_raml,
)
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError, ValidationError


def save_raml(client, dest):
    try:
        text = read_raml(client)
    except ApiError as err:
        if err.status in (401, 403):
            raise
        return {'status': err.status, 'error': err.message or str(err)}
    try:
        with open(dest, 'w', encoding='utf-8') as handle:
            handle.write(text)
    except OSError as err:
        raise ValidationError('raml_dest', dest, 'a writable file path', reason=err.strerror) from err
    return {'path': dest, 'bytes': len(text.encode('utf-8'))}


def run(client, params):
    result = first_contact(client, params['resources'])
    if params['raml_dest']:
        result['raml'] = save_raml(client, params['raml_dest'])
    return result


def main():
    spec = dict(
        connection_argument_spec(),
        resources={'type': 'list', 'elements': 'str', 'choices': probe_names()},
        raml_dest={'type': 'path'},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    dest = module.params['raml_dest']
    if dest and not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
        module.fail_json(
            msg=f'Invalid value {dest!r} for option raml_dest: its folder does not exist; '
            'allowed: a file path in an existing folder',
            option='raml_dest',
        )
    result = call_api(module, lambda client: run(client, module.params))
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
