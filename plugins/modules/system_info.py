#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: system_info
short_description: Read product type, software version and system name of a Cisco Expressway
version_added: 0.1.0
description:
  - Read C(/sysinfo) and return the product (V(E) for Expressway-E, V(C) for Expressway-C), the software
    version both as the string the box reports and as a list of integers that compares correctly
    (X8.5.3 < X8.10 < X14.3.2), and the system name.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes.info_module
  - ucops.expressway._attributes.actiongroup
options: {}
seealso:
  - module: ucops.expressway.dns_zone
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Read the software version
  ucops.expressway.system_info:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
  register: expressway

- name: Require X14.2 or later
  ansible.builtin.assert:
    that: expressway.version_tuple[:2] >= [14, 2]
    fail_msg: "{{ expressway.version }} is too old"
'''

RETURN = r'''
product:
  description: V(E) for an Expressway-E, V(C) for an Expressway-C, V(null) when the system type is unknown.
  returned: success
  type: str
  sample: E
system_type:
  description: The system type as the Expressway reports it.
  returned: success
  type: str
  sample: Expressway-E
product_type:
  description: The product type as the Expressway reports it.
  returned: success
  type: str
  sample: Expressway
version:
  description: Software version as reported.
  returned: success
  type: str
  sample: X14.3.2
version_tuple:
  description: The numbers of RV(version), for comparisons; missing parts are not padded.
  returned: success
  type: list
  elements: int
  sample: [14, 3, 2]
system_name:
  description: System name of the Expressway.
  returned: success
  type: str
  sample: expressway-e1
serial_number:
  description: Serial number, when reported.
  returned: success
  type: str
uptime:
  description: Uptime as reported by the Expressway.
  returned: success
  type: raw
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.version import parse_version


def main():
    module = AnsibleModule(argument_spec=connection_argument_spec(), supports_check_mode=True)
    info = call_api(module, lambda client: fields.sysinfo_to_options(client.get_singleton(fields.SYSINFO_PATH)))
    try:
        info['version_tuple'] = list(parse_version(info['version']))
    except ValueError as err:
        module.fail_json(msg=f'Cannot parse the software version: {err}', **info)
    module.exit_json(changed=False, **info)


if __name__ == '__main__':
    main()
