#!/usr/bin/python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webex_report
short_description: Write the Webex B2B readiness report of a fleet as JSON, JUnit XML and HTML
version_added: 0.1.0
description:
  - Fold the results of the check modules (M(ucops.expressway.webex_outbound_check),
    M(ucops.expressway.webex_inbound_check), M(ucops.expressway.webex_config_check)) of many hosts into
    one report with one status, the evidence and the fix for every host and rule.
  - Writes a schema-versioned JSON document, a JUnit XML file with one test case per host and rule, and a
    self-contained HTML page into O(report_dir), and returns a terminal summary.
  - Meant to run once on the controller (C(run_once) and C(delegate_to=localhost)); the
    C(ucops.expressway.webex_report) role does that for every host of a play.
  - The report format is described in C(docs/report.md) of the collection.
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - In check mode the report is built and rendered but no file is written.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
    support: none
    details:
      - The report records the time it was generated, so every run writes new files.
options:
  results:
    description:
      - The check module results, by host name. Each value is one registered check module result or a
        list of them.
      - A result without C(results) rows (a task that failed before checking anything) is reported as an
        error of that host; a skipped task is ignored.
    type: dict
    required: true
  report_dir:
    description:
      - The folder the report files are written to. It is created when missing.
    type: path
    required: true
  formats:
    description:
      - The files to write.
    type: list
    elements: str
    choices: [json, junit, html]
    default: [json, junit, html]
  title:
    description:
      - The report's title, also the name of the JUnit test suites.
    type: str
    default: Webex B2B readiness
  group_by:
    description:
      - V(host) makes one matrix row per key of O(results) (usually the inventory host).
      - V(subject) makes one row per checked subject (a SIPS URI, an SBC FQDN), useful when one host
        checked many SBCs.
    type: str
    choices: [host, subject]
    default: host
  resolvers:
    description:
      - The DNS resolvers to record in the report. By default those the check modules were given.
    type: list
    elements: str
  trust_bundles:
    description:
      - The trust bundles to record in the report. By default the C(ca_bundle) the check modules were given.
    type: list
    elements: str
  expiry_warning_days:
    description:
      - Certificates expiring sooner than this are marked in the report's expiry calendar.
    type: int
    default: 30
  merge_from:
    description:
      - Saved reports (C(webex-report.json) files on the host that runs the module) to merge with the
        report of O(results), for example the reports the job slices of an AWX / Automation Platform job
        wrote, or earlier runs over other parts of the fleet.
      - The written report holds the hosts of every one of them and of O(results); a host found in several
        keeps its entry from the last, and O(results) come last. The report's C(metadata.sources) lists
        the merged reports.
      - With O(results={}) the module only merges.
    type: list
    elements: path
    default: []
    version_added: 0.2.0
requirements:
  - jinja2 (for O(formats=html))
seealso:
  - module: ucops.expressway.webex_outbound_check
  - module: ucops.expressway.webex_inbound_check
author:
  - ucops.expressway contributors (@ucops)
'''

EXAMPLES = r'''
- name: Check every SBC of the play
  ucops.expressway.webex_outbound_check:
    destinations: "sips:b2b@{{ inventory_hostname }}"
    fail_on: never
  register: outbound

- name: Write one report for the whole play
  ucops.expressway.webex_report:
    results: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'outbound'))) }}"
    report_dir: "{{ playbook_dir }}/report"
  run_once: true
  delegate_to: localhost
  register: report

- name: Show the summary
  ansible.builtin.debug:
    msg: "{{ report.terminal.splitlines() }}"
  run_once: true

- name: Merge the reports the job slices wrote into one
  ucops.expressway.webex_report:
    results: {}
    merge_from:
      - /srv/reports/slice-1/webex-report.json
      - /srv/reports/slice-2/webex-report.json
    report_dir: /srv/reports/fleet
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
files:
  description: The files written (or that would be written in check mode), by format.
  returned: success
  type: dict
  sample:
    json: /srv/report/webex-report.json
    junit: /srv/report/webex-report.junit.xml
    html: /srv/report/webex-report.html
summary:
  description: Cell counts of the report (one cell per host and rule) per status and per level, and the verdict.
  returned: success
  type: dict
  sample:
    total: 20
    status: {pass: 15, fail: 2, warn: 2, skip: 1}
    level:
      must: {pass: 10, fail: 2, warn: 0, skip: 1}
      should: {pass: 5, fail: 0, warn: 2, skip: 0}
      info: {pass: 0, fail: 0, warn: 0, skip: 0}
    errors: 0
    verdict: fail
terminal:
  description: A few lines for a console, the verdict and every cell that is not a pass.
  returned: success
  type: str
'''

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.ucops.expressway.plugins.module_utils._report.document import ReportError, build_report
from ansible_collections.ucops.expressway.plugins.module_utils._report.merge import load_report, merge_reports
from ansible_collections.ucops.expressway.plugins.module_utils._report.render import (
    FILE_NAMES,
    FORMATS,
    HAS_JINJA2,
    JINJA2_IMPORT_ERROR,
    render_all,
    render_terminal,
    write_reports,
)


def run(module):
    params = module.params
    if "html" in params["formats"] and not HAS_JINJA2:
        module.fail_json(msg=missing_required_lib("jinja2"), exception=JINJA2_IMPORT_ERROR)
    try:
        report = build_report(
            params["results"],
            group_by=params["group_by"],
            title=params["title"],
            resolvers=params["resolvers"],
            trust_bundles=params["trust_bundles"],
            expiry_warning_days=params["expiry_warning_days"],
        )
        if params["merge_from"]:
            report = merge_reports(
                [load_report(path) for path in params["merge_from"]] + [report],
                title=params["title"],
                expiry_warning_days=params["expiry_warning_days"],
            )
    except ReportError as err:
        module.fail_json(msg="cannot build the report: %s" % err)
    rendered = render_all(report, params["formats"])
    report_dir = params["report_dir"]
    if module.check_mode:
        files = dict((fmt, os.path.join(report_dir, FILE_NAMES[fmt])) for fmt in rendered)
        changed = True
    else:
        try:
            os.makedirs(report_dir, exist_ok=True)
            files, changed = write_reports(rendered, report_dir)
        except OSError as err:
            module.fail_json(msg="cannot write the report to %s: %s" % (report_dir, err))
    return dict(changed=changed, files=files, summary=report["summary"], terminal=render_terminal(report))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            results=dict(type="dict", required=True),
            report_dir=dict(type="path", required=True),
            formats=dict(type="list", elements="str", choices=list(FORMATS), default=list(FORMATS)),
            title=dict(type="str", default="Webex B2B readiness"),
            group_by=dict(type="str", choices=["host", "subject"], default="host"),
            resolvers=dict(type="list", elements="str"),
            trust_bundles=dict(type="list", elements="str"),
            expiry_warning_days=dict(type="int", default=30),
            merge_from=dict(type="list", elements="path", default=[]),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run(module))


if __name__ == "__main__":
    main()
