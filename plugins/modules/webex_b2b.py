#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webex_b2b
short_description: Converge one Cisco Expressway for Webex B2B calling in one run
version_added: 0.2.0
description:
  - Reads the software version once, applies the version and product gate, then converges the DNS
    servers and DNS settings, the Webex DNS zone and the search rules that route Webex calls to it, the
    trusted CA certificates, and the firewall rules admitting Webex (activated when they changed), in one
    process and one HTTPS session.
  - The values come from the collection's Webex profile, the one M(ucops.expressway.webex_config_check)
    judges a box by. The filter P(ucops.expressway.webex_b2b_objects#filter) shows the objects it manages.
  - Each object goes through the same reconcile code as its per-object module
    (M(ucops.expressway.dns_server), M(ucops.expressway.dns_settings), M(ucops.expressway.dns_zone),
    M(ucops.expressway.search_rule), M(ucops.expressway.trusted_ca), M(ucops.expressway.firewall_rule)),
    with the same handling of lost answers. A converged run makes GET requests only, at most one per
    managed object.
  - Every input is checked before the first request, and the gate stops the host after the one read of
    the system information, before any write.
  - DNS servers and DNS settings are per peer; the zone, search rules, trusted CAs and firewall rules are
    written on the cluster primary only (O(cluster_primary)).
  - The module has an action plugin of the same name. With the C(local) connection, it runs the converge inside the
    Ansible worker process of the host, so no module process is started. The module's options, checks and result
    are unchanged. The Python that runs Ansible does the work, and C(ansible_python_interpreter) does not apply.
  - The task runs as a module process, as other modules do, when the connection is not C(local), or with
    C(become), C(async) or the C(environment) keyword. The same applies on ansible-core before 2.19 and when the
    Python running Ansible lacks C(requests) or C(cryptography). At C(-vvv) the output names the reason.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
attributes:
  action:
    description:
      - Indicates this has a corresponding action plugin so some parts of the options can be executed on the
        controller.
    support: full
    details:
      - With the C(local) connection the whole run happens in the controller's worker process, see the description.
options:
  generation:
    description:
      - Webex domain generation of the zone values and the outbound alias pattern.
      - V(ciscospark) are the Webex B2B article's values (C(callservice.ciscospark.com)); V(webex) the Hybrid
        Calling values (C(callservice.webex.com), TLS name C(sip.webex.com)), which need X8.11.4 or later.
    type: str
    choices: [ciscospark, webex]
    default: ciscospark
  zone_name:
    description: Name of the Webex DNS zone; the search rules are named after it.
    type: str
    default: Webex-B2B
  state:
    description:
      - V(present) creates or corrects the zone and its rules; V(absent) removes them (rules first).
      - DNS servers, DNS settings, trusted CAs and firewall rules are never removed by this option.
    type: str
    choices: [present, absent]
    default: present
  zone_overrides:
    description:
      - Options of M(ucops.expressway.dns_zone) set over the profile's zone values, checked against that
        module's types and choices.
    type: dict
    default: {}
  org_sip_domains:
    description: SIP domains of the organisation that Webex serves; one search rule each.
    type: list
    elements: str
    default: []
  rule_priority:
    description: Priority of the first search rule; later rules take the next numbers.
    type: int
    default: 100
  inbound_target_zone:
    description: Zone that calls arriving from Webex are routed to. Empty, no such rule.
    type: str
    default: ''
  extra_search_rules:
    description:
      - More search rules, each a dict of M(ucops.expressway.search_rule) options (V(name) required),
        checked against that module's types and choices.
    type: list
    elements: dict
    default: []
  dns_servers:
    description: Default DNS servers of this peer; position N is slot N. Empty, not managed.
    type: list
    elements: str
    default: []
  dns_servers_state:
    description: V(present) sets the listed slots; V(exact) also removes servers in other slots.
    type: str
    choices: [present, exact]
    default: present
  system_host_name:
    description: System host name of this peer. Empty, not managed.
    type: str
    default: ''
  domain_name:
    description: Domain name of this peer. Empty, not managed.
    type: str
    default: ''
  trusted_ca_files:
    description:
      - PEM files of CA certificates the Expressway must trust (EXP-TRUST), read on the control node.
        Added when missing, never removed; cluster primary only.
    type: list
    elements: path
    default: []
  manage_zone:
    description:
      - Manage the Webex zone and its search rules. Unset, yes on an Expressway-E and no on an
        Expressway-C; V(true) on an Expressway-C stops the host before any write.
    type: bool
  firewall_webex:
    description:
      - Firewall rules admitting Webex signalling (TCP 5061-5062, PORT-SIG-OUT) and, on an Expressway-E,
        media (UDP 36000-59999, PORT-MEDIA). Unset, yes on an Expressway-E from X8.10.
    type: bool
  firewall_webex_sources:
    description: Source ranges (V(192.0.2.0/24)) for the signalling rules; empty, see O(firewall_published_sources).
    type: list
    elements: str
    default: []
  firewall_published_sources:
    description:
      - V(true), the Webex rules admit each IPv4 range Cisco publishes for Webex; V(false), anywhere.
    type: bool
    default: false
  firewall_priority:
    description: Priority of the first firewall rule; later rules take the next numbers.
    type: int
    default: 30000
  firewall_extra_rules:
    description:
      - More firewall rules, each a dict of M(ucops.expressway.firewall_rule) rule options (V(priority)
        required), on any product.
    type: list
    elements: dict
    default: []
  management_port:
    description: Port of the management API the firewall must keep open. Unset, the connection's O(port).
    type: int
  cluster_primary:
    description: This peer is the cluster primary (or not clustered); cluster-wide objects are written only here.
    type: bool
    default: true
notes:
  - Check mode and diff work as in the per-object modules; O(ignore:diff) holds one entry per changed object kind.
seealso:
  - module: ucops.expressway.webex_config_check
  - module: ucops.expressway.firewall_rule
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Configure an Expressway-E for Webex B2B calling
  ucops.expressway.webex_b2b:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    org_sip_domains: [acme.calls.webex.com]
    inbound_target_zone: Traversal to Expressway-C
    dns_servers: [192.0.2.53, 198.51.100.53]
  register: webex

- name: Print what changed
  ansible.builtin.debug:
    msg: "{{ webex.changes | map(attribute='line') }}"
'''

RETURN = r'''
requests:
  description:
    - The write requests of the run, in the order they are sent (in check mode, would be sent); empty when nothing
      differs. The body is the REST body as sent (a trusted CA upload shows how many certificates it holds).
  returned: success
  type: list
  elements: dict
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
changes:
  description: One entry per changed field (in check mode, per field that differs).
  returned: success
  type: list
  elements: dict
  contains:
    object:
      description: The object, such as C(dns_zone Webex-B2B) or C(firewall_rule priority 30000).
      type: str
    field:
      description: The option that differs, or C((missing)) and C((removed)) for a whole object.
      type: str
    before:
      description: The value on the box before the run.
      type: raw
    after:
      description: The value after the run.
      type: raw
    line:
      description: The change in one line, as a drift report prints it.
      type: str
  sample:
    - object: dns_zone Webex-B2B
      field: tls_verify_subject_name
      before: wrong.example.test
      after: callservice.ciscospark.com
      line: "dns_zone Webex-B2B: tls_verify_subject_name 'wrong.example.test' -> 'callservice.ciscospark.com'"
system:
  description: Product, system type, software version and system name, from the one read of the system information.
  returned: success
  type: dict
managed:
  description: The object kinds this run managed on this host.
  returned: success
  type: list
  elements: str
  sample: [dns_server, dns_zone, firewall_rule, search_rule]
objects:
  description: The desired objects of this host, as P(ucops.expressway.webex_b2b_objects#filter) returns them.
  returned: success
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import converge
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import call_api


def main():
    module = AnsibleModule(argument_spec=converge.argument_spec(), supports_check_mode=True)
    result = call_api(module, lambda client: converge.run(client, module.params, module.check_mode, module._diff))
    for warning in result.pop('warnings', []):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
