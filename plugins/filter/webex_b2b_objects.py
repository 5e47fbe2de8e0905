# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: webex_b2b_objects
short_description: The objects Webex B2B calling needs on one Expressway
version_added: 0.2.0
description:
  - Turns the inputs of M(ucops.expressway.webex_b2b) into the desired objects of one host, in the option
    names of the per-object modules (M(ucops.expressway.dns_zone), M(ucops.expressway.search_rule),
    M(ucops.expressway.firewall_rule), M(ucops.expressway.dns_server), M(ucops.expressway.dns_settings)).
  - The values come from the collection's Webex profile, the same one M(ucops.expressway.webex_config_check)
    judges a box by, so a playbook built from the per-object modules writes what the check expects.
  - Pure, no request is made. A key is V(null) where the inputs leave that object unmanaged on this host.
  - V(gate) is why the host must not be written to (a version below the profile's floor, Expressway-E
    objects asked for on an Expressway-C), or V(null); M(ucops.expressway.webex_b2b) stops the host with the
    same words.
options:
  _input:
    description:
      - The inputs, named as the options of M(ucops.expressway.webex_b2b) (V(generation), V(zone_name),
        V(org_sip_domains), V(rule_priority), V(inbound_target_zone), V(dns_servers), V(firewall_webex),
        and so on). Unset inputs take that module's defaults.
    type: dict
    required: true
  system:
    description:
      - What the box says of itself, as M(ucops.expressway.system_info) returns it; V(product) (V(C) or
        V(E)) and V(version) are used.
      - V(product) decides the defaults of the zone and of the Webex firewall rules (Expressway-E only);
        V(version) decides whether the firewall API exists (X8.10).
    type: dict
    default: {product: E, version: X14.3}
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: The zone, search rules and firewall rules of an Expressway-E
  ansible.builtin.set_fact:
    webex_objects: "{{ {'org_sip_domains': ['acme.calls.webex.com'], 'inbound_target_zone': 'Traversal'}
                       | ucops.expressway.webex_b2b_objects(system=expressway_system) }}"

- name: Create the zone with the per-object module
  ucops.expressway.dns_zone: "{{ webex_objects.zone }}"
'''

RETURN = r'''
_value:
  description:
    - V(zone), V(search_rules), V(firewall_rules), V(dns_servers), V(dns_settings), V(trusted_ca_files)
      and V(gate).
  type: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.ucops.expressway.plugins.module_utils import _webex


def webex_b2b_objects(inputs, system=None):
    if not isinstance(inputs, dict):
        raise AnsibleFilterError(f'webex_b2b_objects expects a dict of inputs, got {type(inputs).__name__}')
    unknown = sorted(set(inputs) - set(_webex.INPUTS))
    if unknown:
        raise AnsibleFilterError(
            f'webex_b2b_objects: unknown input(s) {", ".join(unknown)}; allowed: {", ".join(sorted(_webex.INPUTS))}'
        )
    system = system or {'product': 'E', 'version': 'X14.3'}
    given = {key: value for key, value in inputs.items() if value is not None}
    return dict(_webex.host_objects(inputs, system), gate=_webex.gate(dict(_webex.INPUTS, **given), system))


class FilterModule:
    def filters(self):
        return {'webex_b2b_objects': webex_b2b_objects}
