#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: firewall_rule
short_description: Manage the firewall rules of a Cisco Expressway, with activation and lock-out protection
version_added: 0.1.0
description:
  - Declare firewall rules (System > Protection > Firewall rules) through the Expressway REST API.
    Edits go to the pending rule set; the module then activates it.
  - A rule is identified by its O(rules[].priority). Declaring a priority hands that slot to the task, so
    a rule already holding it on the box is corrected to the declared values; the diff shows what it
    held before. Run with C(--check --diff) first where a priority may already be used for something else.
  - Rules whose priority is not declared are never changed or deleted. The API addresses a rule by an index
    the Expressway may renumber after a delete, so once a delete went out every further delete or update
    first reads the pending set again and finds its rule by priority and contents; a rule changed on the
    box during the run is not touched and the task fails.
  - When the answer to a write is lost (reset, timeout, HTTP 5xx), the module reads the pending set again.
    As planned, the task goes on; a delete or update found unchanged is sent once more (to the rule's index
    as read again); a create is not resent, and anything else fails the task, saying what was found.
  - Every rule of the task is checked before the first request (ranges, addresses, description length,
    two rules sharing a priority) and, once the sets are read, as it would be written (a declared
    O(rules[].start_port) against the end port the rule already has). One refused rule fails the task
    with nothing written, never a task that wrote some of its rules.
  - Requires Expressway X8.10 or later. On an older box the task fails with a message saying so, before
    any write; the software version is read (from C(/sysinfo)) only on that error path.
  - A run where nothing differs reads the pending and the active set (two GET requests) and writes nothing.
  - Available on Expressway-C and Expressway-E alike. Firewall rules are replicated in a cluster, so run the
    module against the primary only.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
options:
  rules:
    description:
      - The rules to manage. Options left out of a rule are never sent and never compared; on create the
        Expressway applies its own defaults to them.
      - Every item must be a dictionary; anything else fails the task before any request.
    type: list
    elements: dict
    required: true
    suboptions:
      priority:
        description:
          - Priority, 1 (evaluated first) to 65534, and the identity of the rule. Two declared rules may not
            share one.
        type: int
        required: true
      address:
        description:
          - Source IPv4 or IPv6 address, without prefix (see O(rules[].prefix_length)), port or IPv6 scope
            (V(fe80::1%eth0) is refused).
          - Required with O(state=present). With O(state=absent) it is optional; when given, the rule on the
            box must have this address or the task fails instead of deleting it.
        type: str
      prefix_length:
        description:
          - Prefix length of the source range, 0 to 32 for IPv4, 0 to 128 for IPv6. Required to create a rule.
        type: int
      transport:
        description:
          - Transport the rule applies to.
        type: str
        choices: [TCP, UDP, TCPAndUDP]
      start_port:
        description:
          - First destination port, 1 to 65535; not above O(rules[].end_port), the declared one or, when only
            this end is declared, the one the rule has on the box.
        type: int
      end_port:
        description:
          - Last destination port, 1 to 65535.
        type: int
      action:
        description:
          - What happens to matching traffic. Required to create a rule.
        type: str
        choices: [Allow, Drop, Reject]
      service:
        description:
          - Service as the Expressway spells it, for example V(Custom) (ports given by the rule) or V(HTTPS).
        type: str
      interface:
        description:
          - Interface the rule applies to; V(LAN2) needs the Advanced Networking option.
        type: str
        choices: [LAN1, LAN2]
      description:
        description:
          - Free text description, at most 64 characters.
        type: str
  state:
    description:
      - V(present) creates or corrects the listed rules.
      - V(absent) deletes the rules holding the listed priorities (only O(rules[].priority) is needed; any
        other option given must match the rule on the box).
    type: str
    default: present
    choices: [present, absent]
  activate:
    description:
      - Activate the pending set when this run changed it, or when a managed rule differs between the
        pending and the active set (for example after an earlier run with O(activate=false)). A converged
        run whose rules are active does not activate.
      - Activation makes the whole pending set active, including changes to other rules that someone staged;
        the module warns when that happens.
      - Before activating, the module refuses (with no write) a pending set in which two rules would share a
        priority, because the Expressway refuses to activate it.
      - V(false) only stages the changes.
    type: bool
    default: true
  lockout_protection:
    description:
      - Refuse, before any write, a change after which no Allow rule would admit TCP O(management_port)
        while such a rule exists now (in the pending or the active set). That rule is how this module, and
        every other API client, reaches the box.
      - A rule admits the port when its action is V(Allow) and either its service is V(Custom) (or not set),
        its transport is V(TCP) or V(TCPAndUDP) and its port range holds the port, or its service implies the
        port (V(HTTPS) 443, V(HTTP) 80, V(SSH) 22). The source address is not considered.
    type: bool
    default: true
  management_port:
    description:
      - TCP port protected by O(lockout_protection), 1 to 65535. Defaults to O(port).
    type: int
notes:
  - Lock-out protection only knows about the firewall rules; it cannot tell whether the address range of the
    remaining Allow rule contains the machine running Ansible.
seealso:
  - module: ucops.expressway.system_info
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Webex SIP signalling and media, keep the management API reachable
  ucops.expressway.firewall_rule:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    rules:
      - priority: 10
        address: 192.0.2.0
        prefix_length: 24
        transport: TCP
        start_port: 443
        end_port: 443
        action: Allow
        description: Management API
      - priority: 100
        address: 0.0.0.0
        prefix_length: 0
        transport: TCP
        start_port: 5061
        end_port: 5062
        action: Allow
        description: Webex SIP TLS
      - priority: 110
        address: 0.0.0.0
        prefix_length: 0
        transport: UDP
        start_port: 36000
        end_port: 59999
        action: Allow
        description: Webex media

- name: Remove a rule by priority
  ucops.expressway.firewall_rule:
    host: expressway-e.example.test
    rules:
      - priority: 200
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
rules:
  description:
    - The managed rules (the declared priorities) in the pending set after the run, in option names and
      priority order, without their index. A new rule holds the options that were sent.
  returned: success
  type: list
  elements: dict
  sample:
    - priority: 100
      address: 0.0.0.0
      prefix_length: 0
      transport: TCP
      start_port: 5061
      end_port: 5062
      action: Allow
activated:
  description: Whether the pending set was activated (in check mode, whether it would be).
  returned: success
  type: bool
  sample: true
'''

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.firewall import run_firewall
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.validate import (
    ExpresswayModule,
    check_firewall_params,
)


def argument_spec():
    options = {f.option: f.argspec() for f in fields.FIREWALL_RULE.fields if f.option != 'index'}
    options['priority']['required'] = True
    return dict(
        connection_argument_spec(),
        rules={'type': 'list', 'elements': 'dict', 'required': True, 'options': options},
        state={'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
        activate={'type': 'bool', 'default': True},
        lockout_protection={'type': 'bool', 'default': True},
        management_port={'type': 'int'},
    )


def main():
    module = ExpresswayModule(argument_spec=argument_spec(), supports_check_mode=True)
    result = call_api(
        module,
        lambda client: run_firewall(client, check_firewall_params(module.params), module.check_mode, module._diff),
    )
    for warning in result.pop('warnings', []):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
