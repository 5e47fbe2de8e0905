#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: dns_settings
short_description: Manage the system host name and domain name of a Cisco Expressway
version_added: 0.1.0
description:
  - Set the system host name and the domain name (System > DNS) through the Expressway REST API.
  - Only the options you set are managed; an option left out is never sent and never compared.
  - An update sends the changed settings only. A run where nothing differs makes a single GET request.
  - Host name and domain are per-peer settings in a cluster (they are not replicated), so run this
    module against every peer. Available on Expressway-C and Expressway-E alike.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
options:
  system_host_name:
    description:
      - The system host name, one DNS label, 1 to 63 characters of letters, digits and hyphens, not starting
        or ending with a hyphen. The whole value must match; a trailing newline, space or dot is refused.
    type: str
  domain_name:
    description:
      - The domain name of the system, or an empty string for none.
      - Labels as for O(system_host_name) separated by dots, at most 253 characters, one trailing dot allowed;
        the whole value must match (a trailing newline or space is refused).
    type: str
notes:
  - Both values are checked before any request; a refused value fails the task with a message naming the
    option, the value and what is allowed.
seealso:
  - module: ucops.expressway.dns_server
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Host name and domain of an Expressway-E peer
  ucops.expressway.dns_settings:
    host: expe1.example.test
    username: admin
    password: "{{ expressway_password }}"
    system_host_name: expe1
    domain_name: example.test
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
dns_settings:
  description: The settings after the run, in option names.
  returned: success
  type: dict
  sample:
    system_host_name: expe1
    domain_name: example.test
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields, validate
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import run_singleton


def main():
    resource = fields.DNS_SETTINGS
    module = AnsibleModule(
        argument_spec=fields.module_argument_spec(resource, connection_argument_spec(), state=False),
        supports_check_mode=True,
    )
    result = call_api(
        module,
        lambda client: run_singleton(
            client, resource, module.params, module.check_mode, module._diff, prechecks=[validate.check_dns_settings]
        ),
    )
    module.exit_json(**result)


if __name__ == '__main__':
    main()
