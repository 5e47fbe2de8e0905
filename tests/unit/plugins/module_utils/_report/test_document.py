# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._report import document
from ansible_collections.ucops.expressway.plugins.module_utils._report.document import (
    ReportError,
    build_report,
    worst_status,
)
from ansible_collections.ucops.expressway.plugins.module_utils._report.cert_calendar import (
    find_certificates,
    parse_timestamp,
)

NOW = datetime.datetime(2026, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def row(rule, status, subject="sips:b2b@sbc1.example.test", level="must", remedy=None, evidence=None, address=None):
    return {
        "subject": subject,
        "target": "sbc1.example.test",
        "address": address,
        "port": 5061,
        "rule": rule,
        "level": level,
        "status": status,
        "summary": "%s %s" % (rule, status),
        "evidence": evidence or {},
        "remedy": remedy,
    }


def result(rows, rules=None, **args):
    return {"changed": False, "results": rows, "rules": rules or [], "summary": {}, "invocation": {"module_args": args}}


def cell(report, host, rule):
    entry = next(h for h in report["hosts"] if h["name"] == host)
    return next(c for c in entry["rules"] if c["rule"] == rule)


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["pass", "skip", "warn"], "warn"),
        (["pass", "fail", "warn"], "fail"),
        (["skip", "pass"], "pass"),
        ([], "skip"),
        (["skip"], "skip"),
    ],
)
def test_worst_status(statuses, expected):
    assert worst_status(statuses) == expected


def test_cell_is_the_worst_row_over_subjects_and_addresses():
    rows = [
        row("OUT-TLS", "pass", address="127.0.0.1"),
        row("OUT-TLS", "fail", address="127.0.0.2", remedy="open 5061"),
        row("OUT-TLS", "warn", subject="sips:x@sbc2.example.test", remedy="use TLS 1.2"),
        row("OUT-TLS", "fail", address="127.0.0.3", remedy="open 5061"),
    ]
    report = build_report({"h1": [result(rows)]}, now=NOW)
    tls = cell(report, "h1", "OUT-TLS")
    assert tls["status"] == "fail"
    assert [check["status"] for check in tls["checks"]] == ["fail", "fail", "warn", "pass"]
    assert tls["remedy"] == "open 5061\nuse TLS 1.2"
    assert tls["summary"] == "OUT-TLS fail"
    assert report["summary"]["total"] == 1 and report["summary"]["status"]["fail"] == 1


def test_roll_up_and_highest_level_count():
    # A roll-up worse than its rows wins, and a rule raised to must by mutual TLS stays must.
    rows = [row("IN-CERT-EKU", "pass", level="should"), row("IN-CERT-EKU", "pass", level="must")]
    rules = [{"subject": "x", "rule": "IN-CERT-EKU", "level": "must", "status": "warn"}]
    report = build_report({"h1": result(rows, rules)}, now=NOW)
    eku = cell(report, "h1", "IN-CERT-EKU")
    assert (eku["status"], eku["level"]) == ("warn", "must")
    assert report["rules"] == [{"id": "IN-CERT-EKU", "level": "must"}]
    assert report["summary"]["level"]["must"]["warn"] == 1
    assert report["summary"]["level"]["should"] == {"fail": 0, "warn": 0, "pass": 0, "skip": 0}


def test_hosts_rules_and_summary_over_a_fleet():
    fleet = {
        "sbc2.example.test": [result([row("OUT-PTR", "fail", level="should"), row("OUT-URI", "pass")])],
        "sbc1.example.test": [
            result([row("OUT-A", "pass"), row("OUT-URI", "pass")]),
            result([row("EXP-ZONE", "skip")]),
        ],
    }
    report = build_report(fleet, now=NOW)
    assert report["schema_version"] == document.SCHEMA_VERSION
    assert [h["name"] for h in report["hosts"]] == ["sbc1.example.test", "sbc2.example.test"]
    assert [r["id"] for r in report["rules"]] == ["OUT-URI", "OUT-A", "OUT-PTR", "EXP-ZONE"]
    assert [c["rule"] for c in report["hosts"][0]["rules"]] == ["OUT-URI", "OUT-A", "EXP-ZONE"]
    assert report["summary"]["status"] == {"fail": 1, "warn": 0, "pass": 3, "skip": 1}
    assert report["summary"]["verdict"] == "fail"
    assert report["hosts"][1]["summary"]["status"]["fail"] == 1
    assert report["metadata"]["hosts"] == ["sbc1.example.test", "sbc2.example.test"]


def test_errors_skips_and_empty_hosts():
    fleet = {
        "crashed": {"failed": True, "msg": "missing dnspython"},
        "nothing": [],
        "skipped": [{"skipped": True, "changed": False}],
        "ok": result([row("OUT-URI", "pass")]),
    }
    report = build_report(fleet, now=NOW)
    by_name = dict((h["name"], h) for h in report["hosts"])
    assert by_name["crashed"]["errors"] == ["missing dnspython"]
    assert "no check results" in by_name["nothing"]["errors"][0]
    assert by_name["skipped"]["errors"] == [] and by_name["skipped"]["rules"] == []
    assert report["summary"]["errors"] == 2
    assert report["summary"]["verdict"] == "error"


def test_loop_registration_is_unwrapped():
    looped = {
        "changed": False,
        "results": [
            dict(result([row("OUT-URI", "pass")]), ansible_loop_var="item"),
            dict(result([row("OUT-A", "fail")]), ansible_loop_var="item"),
        ],
    }
    report = build_report({"h1": looped}, now=NOW)
    assert [c["rule"] for c in report["hosts"][0]["rules"]] == ["OUT-URI", "OUT-A"]


def test_group_by_subject():
    rows = [
        row("OUT-URI", "pass", subject="sips:a@a.example.test"),
        row("OUT-URI", "fail", subject="sips:b@b.example.test"),
    ]
    report = build_report({"controller": result(rows)}, now=NOW, group_by="subject")
    assert [h["name"] for h in report["hosts"]] == ["sips:a@a.example.test", "sips:b@b.example.test"]
    assert cell(report, "sips:b@b.example.test", "OUT-URI")["status"] == "fail"


def test_metadata_records_resolvers_and_trust_bundles():
    fleet = {
        "h1": result([row("OUT-URI", "pass")], resolvers=["127.0.0.1"], resolver_port=5300, ca_bundle=None),
        "h2": result([row("OUT-URI", "pass")], resolvers=["127.0.0.2"], ca_bundle="/etc/webex-cas.pem"),
    }
    meta = build_report(fleet, now=NOW)["metadata"]
    assert meta["resolvers"] == ["127.0.0.1:5300", "127.0.0.2"]
    assert meta["trust_bundles"] == [document.DEFAULT_TRUST_BUNDLE, "/etc/webex-cas.pem"]
    assert meta["generated"] == "2026-06-01T12:00:00Z"
    assert (meta["collection"], meta["collection_version"]) == ("ucops.expressway", document.COLLECTION_VERSION)
    given = build_report(fleet, now=NOW, resolvers=["192.0.2.53"], trust_bundles=["custom"])["metadata"]
    assert (given["resolvers"], given["trust_bundles"]) == (["192.0.2.53"], ["custom"])


def test_collection_version_matches_galaxy_yml():
    galaxy = (Path(__file__).resolve().parents[5] / "galaxy.yml").read_text()
    assert re.search(r"^version:\s*(\S+)", galaxy, re.M).group(1) == document.COLLECTION_VERSION


@pytest.mark.parametrize(
    "bad, message",
    [
        ([], "mapping"),
        ({"h": "text"}, "expected a check module result"),
        ({"h": result([{"status": "pass"}])}, "missing 'rule'"),
        ({"h": result([row("OUT-URI", "ok")])}, "status 'ok'"),
        ({"h": result([], rules=[{"rule": "OUT-URI", "status": "bad"}])}, "rules\\[0\\]"),
    ],
)
def test_bad_input_is_refused(bad, message):
    with pytest.raises(ReportError, match=message):
        build_report(bad, now=NOW)


def test_certificate_calendar_states_and_dedup():
    def cert(name, days):
        return {
            "subject": "CN=%s" % name,
            "serial": "0a",
            "not_after": (NOW + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    old, soon, later = cert("old", -5), cert("soon", 12), cert("later", 400)
    rows = [
        row("OUT-CERT-VALID", "fail", evidence={"leaf": old}),
        row("OUT-CERT-NAME", "pass", evidence={"leaf": old}),
        row("OUT-CERT-CHAIN", "pass", evidence={"chain": [soon, {"not_after": "garbage"}]}),
        row("EXP-TRUST", "pass", evidence={"trusted": {"roots": [later]}}),
    ]
    certs = build_report({"h1": result(rows)}, now=NOW, expiry_warning_days=30)["certificates"]
    assert [(c["certificate"], c["state"], c["days_left"]) for c in certs] == [
        ("CN=old", "expired", -5),
        ("CN=soon", "expiring", 12),
        ("CN=later", "valid", 400),
    ]
    assert certs[0]["rules"] == ["OUT-CERT-VALID", "OUT-CERT-NAME"]
    assert certs[1]["month"] == "2026-06"


def test_calendar_days_left_agree_with_the_evidence():
    # Expired 2.5 days before the report: OUT-CERT-VALID's evidence counts -3 (whole days, rounded down).
    leaf = {"subject": "CN=expired", "not_after": (NOW - datetime.timedelta(days=2, hours=12)).isoformat()}
    measured = row("OUT-CERT-VALID", "fail", evidence={"certificate": leaf, "days_left": -3})
    chain = row("OUT-CERT-CHAIN", "pass", evidence={"chain": [dict(leaf)]})
    certs = build_report({"h1": result([chain, measured])}, now=NOW)["certificates"]
    assert [(c["days_left"], c["state"], c["rules"]) for c in certs] == [
        (-3, "expired", ["OUT-CERT-VALID", "OUT-CERT-CHAIN"])
    ]
    # Without a count in the evidence the calendar rounds the same way, on the report's clock.
    assert build_report({"h1": result([chain])}, now=NOW)["certificates"][0]["days_left"] == -3


def test_calendar_repeats_the_checks_count_when_rendered_later():
    # The check saw 9 days left; a report built from the saved results a day later still says 9,
    # as the evidence it shows beside the calendar does.
    leaf = {"subject": "CN=soon", "not_after": (NOW + datetime.timedelta(days=9, hours=1)).isoformat()}
    results = {"h1": result([row("OUT-CERT-VALID", "warn", evidence={"certificate": leaf, "days_left": 9})])}
    later = NOW + datetime.timedelta(days=1)
    entry = build_report(results, now=later, expiry_warning_days=30)["certificates"][0]
    assert (entry["days_left"], entry["state"]) == (9, "expiring")


def test_days_left_matches_the_outbound_check():
    from ansible_collections.ucops.expressway.plugins.module_utils._report.cert_calendar import days_left

    for hours in (-61, -60, -1, 0, 1, 23, 24, 25, 9 * 24 + 1):
        moment = NOW + datetime.timedelta(hours=hours)
        assert days_left(moment, NOW) == int((moment - NOW).total_seconds() // 86400), hours


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-01-02T03:04:05Z", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T05:04:05+02:00", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("2026-01-02T03:04:05", datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
        ("Jan 2 2026", None),
        (None, None),
    ],
)
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


def test_find_certificates_stops_at_depth():
    deep = {"not_after": "2026-01-01T00:00:00Z"}
    for dummy in range(20):
        deep = {"next": deep}
    assert find_certificates(deep) == []
    assert find_certificates([{"a": {"not_after": "x"}}]) == [{"not_after": "x"}]


def test_slowest_destinations_sum_the_timings_of_their_rows():
    slow, fast = "sips:b2b@slow.example.test", "sips:b2b@fast.example.test"
    rows = [
        row("OUT-HOST", "pass", subject=slow, evidence={"timings": {"dns": 80.0}}),
        row("OUT-TLS", "pass", subject=slow, evidence={"timings": {"connect": 40.0, "tls": 200.5, "sip": 40.0}}),
        row("OUT-PTR", "pass", subject=slow, evidence={"timings": {"dns": 40.0}}),
        row("OUT-TLS", "pass", subject=fast, evidence={"timings": {"connect": 1.0, "tls": 2.0}}),
        row("OUT-URI", "pass", subject=fast),
    ]
    report = build_report({"edge": result(rows)}, now=NOW)
    assert report["slowest"] == [
        {
            "host": "edge",
            "subject": slow,
            "total_ms": 400.5,
            "timings_ms": {"dns": 120.0, "connect": 40.0, "tls": 200.5, "sip": 40.0},
        },
        {"host": "edge", "subject": fast, "total_ms": 3.0, "timings_ms": {"connect": 1.0, "tls": 2.0}},
    ]
    assert build_report({"edge": result([row("OUT-URI", "pass")])}, now=NOW)["slowest"] == []
    assert len(document.slowest_destinations(report["hosts"], limit=1)) == 1
