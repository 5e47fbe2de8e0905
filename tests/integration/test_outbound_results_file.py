# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""webex_outbound_check with results_path against the real peers: every row in the file, the same verdicts.

The module returns only the rows that fail or warn; the roll-up, the summary, the verdict and the
report's matrix must be exactly those of the same check returning every row.
"""

import json
import sys

import pytest

from test_webex_outbound_check import DEFECTS, MODULE

SCENARIOS = sorted(DEFECTS) + ["clean"]


def _key(row):
    return (row["subject"], row["rule"], row["target"], row["address"], row["port"], row["status"], row["summary"])


@pytest.fixture(scope="module")
def both(ansible, webex_peers, tmp_path_factory):
    uris = [webex_peers.scenarios[name].uri for name in SCENARIOS]
    args = dict(webex_peers.common_args, destinations=uris, fail_on="never")
    whole = ansible.run_module(MODULE, args)
    path = tmp_path_factory.mktemp("results") / "outbound.jsonl"
    compact = ansible.run_module(MODULE, dict(args, results_path=str(path)))
    webex_peers.assert_alive()
    with path.open(encoding="utf-8") as handle:
        written = [json.loads(line) for line in handle]
    return whole, compact, written, path


def test_file_holds_every_row_in_order(both):
    whole, compact, written, path = both
    assert [_key(row) for row in written] == [_key(row) for row in whole["results"]]
    assert compact["results_path"] == str(path) and compact["results_written"] == len(whole["results"])


def test_answer_keeps_the_verdict_and_only_the_rows_to_act_on(both):
    whole, compact, written, dummy = both
    assert compact["rules"] == whole["rules"] and compact["summary"] == whole["summary"]
    assert (compact["failed"], compact["msg"]) == (whole["failed"], whole["msg"])
    acted_on = [_key(row) for row in whole["results"] if row["status"] in ("fail", "warn")]
    assert acted_on and [_key(row) for row in compact["results"]] == acted_on
    assert len(compact["results"]) == whole["summary"]["fail"] + whole["summary"]["warn"]


def test_certificates_are_described_once_and_rows_refer_to_them(both):
    whole, compact, written, dummy = both
    assert compact["certificates"] == whole["certificates"]
    leaves = [
        row["evidence"]["certificate"]["sha256"]
        for row in written
        if row["rule"] == "OUT-CERT-VALID" and row["evidence"].get("certificate")
    ]
    assert leaves and set(leaves) <= set(whole["certificates"])
    for sha256 in leaves:
        assert whole["certificates"][sha256]["sha256"] == sha256 and "san_dns" in whole["certificates"][sha256]
    names = [
        row["evidence"]["certificate"]
        for row in written
        if row["rule"] == "OUT-CERT-NAME" and "matched_by" in row["evidence"]
    ]
    assert names and set(names) <= set(leaves)


def test_report_matrix_is_the_same(ansible, both):
    whole, compact, dummy, dummy2 = both
    sys.path.insert(0, str(ansible.build_dir))
    try:
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.ucops.expressway.plugins.module_utils._report.document import build_report
    finally:
        sys.path.remove(str(ansible.build_dir))

    def matrix(result):
        report = build_report({"checker": result})
        return [(cell["rule"], cell["status"]) for host in report["hosts"] for cell in host["rules"]]

    assert matrix(compact) == matrix(whole)
