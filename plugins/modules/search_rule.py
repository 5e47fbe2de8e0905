#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: search_rule
short_description: Manage search rules on a Cisco Expressway
version_added: 0.1.0
description:
  - Create, update or delete a search rule (Configuration > Dial plan > Search rules) through the
    Expressway REST API.
  - Only the options you set are managed. Options left out are never sent and never compared; when the
    module creates a rule, the Expressway applies its own defaults to them (shown in each option's
    description). Creating a rule requires O(priority) and O(target_name).
  - An update sends the rule name plus the changed settings only. A run where nothing differs makes a
    single GET request.
  - A name the Expressway does not hold reads as absent however the box answers the lookup (an empty list
    or object, HTTP 404, or HTTP 400 saying it does not exist; after a 404 or 400 the rule list is read
    once to confirm, so a 400 for another reason still fails the task).
  - When the answer to a write is lost (reset, timeout, HTTP 5xx), the module reads the rule again. As
    planned, the task succeeds; unchanged, the write is sent once more; anything else fails the task,
    saying what was found. A delete whose rule is already gone succeeds.
  - When O(source_name) or O(target_name) is set and differs from the current rule, the module first
    checks, with read-only requests, that a zone of that name exists (DNS, neighbor, traversal server and
    traversal client zones, in that order, stopping at the first match). A name no zone has fails the
    task before anything is written.
  - In check mode a name no zone has is a warning instead (the zone is assumed to be created by an earlier
    task of the same run, as the ucops.expressway.webex_b2b_zone role does), so a check run plans the rules
    of a zone it also plans; the real run still refuses the name before writing.
extends_documentation_fragment:
  - ucops.expressway._connection
  - ucops.expressway._attributes
  - ucops.expressway._attributes.actiongroup
options:
  name:
    description:
      - Name of the search rule, the key of the object (1 to 50 characters).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the rule, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  description:
    description:
      - Free text description, up to 64 characters.
    type: str
  priority:
    description:
      - Priority, 1 (first) to 65534. Required to create a rule.
    type: int
  protocol:
    description:
      - Protocol of the searches the rule applies to. Expressway default on create is V(Any).
    type: str
    choices: [Any, H323, SIP]
  source:
    description:
      - Sources of the searches the rule applies to; V(Named) uses O(source_name).
      - Expressway default on create is V(Any).
    type: str
    choices: [Any, AllZones, LocalZone, Named]
  source_name:
    description:
      - Zone the searches must come from when O(source=Named). Must name an existing zone.
    type: str
  must_authenticate_request:
    description:
      - Apply the rule only to authenticated requests. Expressway default on create is V(false).
    type: bool
  mode:
    description:
      - What the rule matches. Expressway default on create is V(AliasPatternMatch).
    type: str
    choices: [AliasPatternMatch, AnyAlias, AnyIPAddress]
  pattern_type:
    description:
      - How O(pattern_string) is matched when O(mode=AliasPatternMatch).
    type: str
    choices: [Exact, Prefix, Suffix, Regex]
  pattern_string:
    description:
      - The pattern. With O(pattern_type=Regex) it must be a valid regular expression; the module
        refuses one that does not compile.
    type: str
  pattern_behavior:
    description:
      - What happens to the matched part of the alias. Expressway default on create is V(Leave).
    type: str
    choices: [Strip, Leave, Replace]
  replace_string:
    description:
      - Replacement when O(pattern_behavior=Replace).
    type: str
  on_successful_match:
    description:
      - Stop or continue searching after a match. Expressway default on create is V(Continue).
    type: str
    choices: [Continue, Stop]
  target_name:
    description:
      - Zone (or policy service) the search is sent to. Must name an existing zone. Required to create a rule.
    type: str
  sip_variant:
    description:
      - SIP variant the rule applies to, as the Expressway spells it. Expressway default on create is V(Any).
    type: str
  enabled:
    description:
      - Whether the rule is enabled. Expressway default on create is V(true).
    type: bool
seealso:
  - module: ucops.expressway.search_rule_info
  - module: ucops.expressway.dns_zone
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Send calls for the partner domain to the Webex DNS zone
  ucops.expressway.search_rule:
    host: expressway-e.example.test
    username: admin
    password: "{{ expressway_password }}"
    name: Webex B2B outbound
    priority: 100
    protocol: SIP
    source: Any
    mode: AliasPatternMatch
    pattern_type: Regex
    pattern_string: '.*@(?!example\.test).*'
    pattern_behavior: Leave
    on_successful_match: Stop
    target_name: Webex B2B DNS
    enabled: true

- name: Disable a rule without touching anything else
  ucops.expressway.search_rule:
    host: expressway-e.example.test
    name: Webex B2B outbound
    enabled: false
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
search_rule:
  description:
    - The rule after the run, in option names. Empty after a delete.
    - After a create it holds the options that were sent; the Expressway defaults the rest.
  returned: success
  type: dict
  sample:
    name: Webex B2B outbound
    priority: 100
    target_name: Webex B2B DNS
    enabled: true
'''

from functools import partial

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import fields, validate
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import (
    call_api,
    connection_argument_spec,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.reconcile import run_named


def main():
    resource = fields.SEARCH_RULE
    module = AnsibleModule(
        argument_spec=fields.module_argument_spec(resource, connection_argument_spec()), supports_check_mode=True
    )
    result = call_api(
        module,
        lambda client: run_named(
            client,
            resource,
            module.params,
            module.check_mode,
            module._diff,
            prechecks=[validate.check_regex],
            refchecks=[
                validate.check_regex_with_current,
                partial(validate.check_zone_references, check_mode=module.check_mode, warn=module.warn),
            ],
        ),
    )
    module.exit_json(**result)


if __name__ == '__main__':
    main()
