#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webex_outbound_check
short_description: Check that the Webex cloud can call SBCs at SIPS URIs
version_added: 0.1.0
description:
  - Checks every destination SIPS URI against the rules for calls from the Webex cloud to an SBC
    (OUT-URI, OUT-HOST, OUT-A, OUT-TLS, OUT-CERT-VALID, OUT-CERT-NAME, OUT-CERT-CHAIN, OUT-CERT-TRUST,
    OUT-SIP, OUT-PTR, OUT-VERSION), from the network, the way the cloud resolves and connects.
  - Resolves C(_sips._tcp.<host>) SRV records in RFC 2782 order, or the host's A record on port 5061,
    connects with TLS to every address with SNI set to the target name, captures the whole certificate
    chain the server sends, validates it the way a TLS client does (OUT-CERT-TRUST), sends one SIP OPTIONS
    over the connection (OUT-SIP), and checks PTR records with forward confirmation.
  - Never changes anything. Destinations and addresses are checked concurrently.
  - See C(docs/rules.md) for what each rule checks and how to fix it.
author:
  - ucops.expressway contributors (@ucops)
extends_documentation_fragment:
  - ucops.expressway._checks
  - ucops.expressway._attributes.info_module
options:
  destinations:
    description:
      - The SIPS URIs the Webex cloud would call, like V(sips:alice@example.com) or V(sips:bob@192.0.2.10).
      - An explicit port in the URI is used as is, without an SRV lookup (RFC 3263). Any port but 5061
        fails OUT-HOST, because Webex reaches only an SRV domain or an SBC on 5061; the other rules are
        still checked on that port.
    type: list
    elements: str
    required: true
    aliases: [destination]
  sbc_versions:
    description:
      - The software version of a destination's SBC when it is a Cisco VCS or Expressway, keyed by the URI as
        given in O(destinations), like V(X14.3.2).
      - Without it, the version is read from the C(Server) or C(User-Agent) header of the SIP OPTIONS answer
        when O(sip_options_probe) is on; otherwise OUT-VERSION is V(skip).
    type: dict
    default: {}
  results_path:
    description:
      - Write every result row to this file, one JSON object per line in the order of RV(results), as
        the rows are made, and return in RV(results) only the rows with status V(fail) or V(warn).
        RV(rules), RV(summary) and RV(certificates) stay complete, so the verdict and
        M(ucops.expressway.webex_report) are the same.
      - For long destination lists; the module then keeps in memory only the roll-up and the rows a person acts
        on, not every row with its evidence. See C(docs/performance.md).
      - The file is written on the host that runs the check, in the same directory under a temporary name,
        and moved to this path when the run ends; a run that fails before the end leaves an existing file
        as it was. It is written in check mode too, because it is the check's output.
    type: path
    version_added: 0.2.0
notes:
  - A server that only accepts TLS 1.3 fails OUT-TLS, because the rule asks that TLS 1.2 can be negotiated.
    The TLS 1.2 handshake runs at the same time as the main one. When it gets no answer within O(timeout)
    it is tried once more, and if that also gets no answer OUT-TLS warns and says so, because slow is not refused.
  - Every probe error keeps its reason in the row's evidence under C(error), one of V(timeout), V(refused),
    V(unreachable), V(reset), V(closed), V(alert) (with the alert's name in C(alert)) or V(protocol).
  - DNS answers are shared by all destinations and targets of one task (one cache per run), so a name
    asked twice costs one query.
  - For a very long destination list, split it across tasks (a loop over batches) or across inventory
    hosts, so Ansible's own output shows progress; see C(docs/performance.md).
  - Each distinct certificate chain is judged once per run. The rows of OUT-CERT-VALID and OUT-CERT-NAME
    name the leaf by its SHA-256 (with its subject, serial and expiry on OUT-CERT-VALID); the whole
    description of every certificate sent is in RV(certificates), once, however many targets present it.
  - PTR evidence lists at most 10 names of an answer and counts them all in C(ptr_count).
  - A server that completes TLS but does not answer the SIP OPTIONS request warns OUT-SIP;
    with O(sip_options_probe=false) OUT-SIP is V(skip).
'''

EXAMPLES = r'''
- name: Check two destinations against the local resolver of a test zone
  ucops.expressway.webex_outbound_check:
    destinations:
      - sips:alice@example.test
      - sips:bob@sbc1.example.test
    resolvers: [127.0.0.1]
    resolver_port: 5353
    ca_bundle: /etc/ssl/private-test/ca.pem
  register: outbound

- name: Report, but do not fail, on warnings of should rules
  ucops.expressway.webex_outbound_check:
    destination: sips:alice@example.com
    fail_on: never
  register: outbound

- name: Show the failing rules
  ansible.builtin.debug:
    msg: "{{ outbound.rules | selectattr('status', 'equalto', 'fail') | list }}"
'''

RETURN = r'''
results:
  description:
    - One row per destination, rule, target and address.
    - With O(results_path), only the rows with status V(fail) or V(warn); every row is in the file.
  returned: always
  type: list
  elements: dict
  contains:
    subject:
      description: The destination as given.
      type: str
      returned: always
    target:
      description: The SRV target or host the row is about, or null.
      type: str
      returned: always
    address:
      description: The IPv4 address the row is about, or null.
      type: str
      returned: always
    port:
      description: The port, or null.
      type: int
      returned: always
    rule:
      description: The rule ID from the requirements catalogue.
      type: str
      returned: always
      sample: OUT-TLS
    level:
      description: V(must), V(should) or V(info).
      type: str
      returned: always
    status:
      description: V(pass), V(fail), V(warn) or V(skip).
      type: str
      returned: always
    summary:
      description: One line a person reads.
      type: str
      returned: always
    evidence:
      description:
        - What was seen (records, certificate fields, TLS version and cipher).
        - OUT-CERT-VALID names the leaf certificate under C(certificate) by C(sha256), C(subject), C(serial)
          and C(not_after); OUT-CERT-NAME gives its SHA-256 under C(certificate); the rest is in RV(certificates).
        - Where the time went, in milliseconds, under C(timings) (V(dns) on OUT-HOST and OUT-PTR,
          V(connect), V(tls) and V(sip) on OUT-TLS); the report lists the slowest destinations from these.
      type: dict
      returned: always
    remedy:
      description: The fix when the status is V(fail) or V(warn), else null.
      type: str
      returned: always
rules:
  description: One entry per destination and rule with the worst status of its rows (fail > warn > pass > skip).
  returned: always
  type: list
  elements: dict
  sample: [{subject: "sips:alice@example.test", rule: OUT-TLS, level: must, status: pass}]
summary:
  description: The number of rows in RV(results) per status.
  returned: always
  type: dict
  sample: {pass: 12, fail: 1, warn: 2, skip: 0}
certificates:
  description:
    - Every certificate the servers sent, described once per run however many targets present it, keyed by
      the SHA-256 of its DER encoding (lower-case hex).
    - Each holds C(subject), C(issuer), C(common_name), C(san_dns), C(san_ip), C(eku), C(not_before),
      C(not_after), C(serial) and C(sha256).
  returned: always
  type: dict
  version_added: 0.2.0
results_path:
  description: The file every row was written to, when O(results_path) is set.
  returned: when O(results_path) is set
  type: str
  version_added: 0.2.0
results_written:
  description: The number of rows written to O(results_path).
  returned: when O(results_path) is set
  type: int
  version_added: 0.2.0
msg:
  description: The verdict under O(fail_on), naming failing destinations and rules.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ucops.expressway.plugins.module_utils._checks import context, outbound, outbound_results, tls


def main():
    argument_spec = context.check_argument_spec()
    argument_spec.update(
        destinations=dict(type='list', elements='str', required=True, aliases=['destination']),
        sbc_versions=dict(type='dict', default={}),
        results_path=dict(type='path'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    context.require_libraries(module, needs_certifi=not module.params['ca_bundle'])
    context.limit_malloc_arenas()
    results, complete = None, False
    try:
        ctx = context.CheckContext(module.params)
        results = outbound_results.Results(module.params['results_path'])
        outbound.run(ctx, module.params['destinations'], module.params['sbc_versions'], results.add)
        complete = True
    except context.CheckSetupError as err:
        module.fail_json(msg=str(err))
    finally:
        if results is not None:
            results.close(complete)
    result = results.result(module.params['fail_on'], dict(ctx.chains.described))
    # The run's caches (DNS answers, parsed certificates, the trust bundle) and its threads are not part
    # of the answer: free them before Ansible copies and serialises it, the peak of a long run.
    del ctx
    tls.stop_side_work()
    context.trim_malloc()
    if result.pop('failed'):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
