"""Synthetic check module results of a small fleet, in the shape of the check-results contract.

The report is tested against these instead of live checks so its tests do not depend on the DNS and
SIPS servers; dates are relative to now so the expiry calendar always shows an expired, an expiring
and a valid certificate.
"""

import datetime

STATUS_ORDER = ("fail", "warn", "pass", "skip")


def _when(days):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(subject, rule, level, status, summary, evidence=None, remedy=None, address=None, target=None, port=None):
    return {
        "subject": subject,
        "target": target,
        "address": address,
        "port": port,
        "rule": rule,
        "level": level,
        "status": status,
        "summary": summary,
        "evidence": evidence or {},
        "remedy": remedy if status in ("fail", "warn") else None,
    }


def _module_result(rows, failed=False, resolvers=("127.0.0.1",), resolver_port=5300, ca_bundle=None):
    rollup = {}
    for row in rows:
        key = (row["subject"], row["rule"])
        prev = rollup.get(key)
        if prev is None or STATUS_ORDER.index(row["status"]) < STATUS_ORDER.index(prev["status"]):
            rollup[key] = {
                "subject": row["subject"],
                "rule": row["rule"],
                "level": row["level"],
                "status": row["status"],
            }
    counts = dict((status, sum(1 for row in rows if row["status"] == status)) for status in STATUS_ORDER)
    return {
        "changed": False,
        "failed": failed,
        "results": rows,
        "rules": list(rollup.values()),
        "summary": counts,
        "invocation": {
            "module_args": {"resolvers": list(resolvers), "resolver_port": resolver_port, "ca_bundle": ca_bundle}
        },
    }


def _outbound(fqdn, address, cert_days, overrides):
    """Outbound rows for one SBC: every rule passes unless overrides say {rule: (status, summary, remedy)}."""
    subject = "sips:b2b@%s" % fqdn
    leaf = {
        "subject": "CN=%s" % fqdn,
        "serial": "%x" % sum(map(ord, fqdn)),
        "not_after": _when(cert_days),
        "issuer": "CN=Test Issuing CA",
    }
    rules = [
        ("OUT-URI", "must", None),
        ("OUT-HOST", "must", None),
        ("OUT-A", "must", None),
        ("OUT-TLS", "must", address),
        ("OUT-CERT-VALID", "must", address),
        ("OUT-VERSION", "must", address),
        ("OUT-CERT-NAME", "should", address),
        ("OUT-CERT-CHAIN", "should", address),
        ("OUT-CERT-TRUST", "should", address),
        ("OUT-PTR", "should", address),
    ]
    rows = []
    for rule, level, addr in rules:
        status, summary, remedy = overrides.get(rule, ("pass", "%s ok" % rule, None))
        seen_cert = rule.startswith("OUT-CERT") and status != "skip"
        evidence = {"leaf": leaf, "chain": [leaf]} if seen_cert else {"checked": rule}
        rows.append(
            _row(
                subject,
                rule,
                level,
                status,
                summary,
                evidence,
                remedy,
                address=addr,
                target=fqdn,
                port=5061 if addr else None,
            )
        )
    return _module_result(rows, failed=any(status == "fail" for status, dummy, dummy2 in overrides.values()))


def fleet_results():
    """{host: [check module results]} for four SBCs, one Expressway, and one host whose check crashed."""
    return {
        "sbc-good.example.test": [
            _outbound(
                "sbc-good.example.test",
                "127.0.0.11",
                300,
                {"OUT-VERSION": ("skip", "not a Cisco VCS/Expressway", None)},
            )
        ],
        "sbc-expired.example.test": [
            _outbound(
                "sbc-expired.example.test",
                "127.0.0.12",
                -30,
                {
                    "OUT-CERT-VALID": (
                        "fail",
                        "certificate expired 30 days ago",
                        "Install a renewed certificate from a public CA with the FQDN in SAN.",
                    ),
                    "OUT-CERT-CHAIN": ("warn", "root CA not sent", "Load the intermediate and root certificates."),
                    "OUT-PTR": (
                        "fail",
                        "no PTR record for 127.0.0.12",
                        "Publish a PTR record pointing at the SBC FQDN.",
                    ),
                },
            )
        ],
        "sbc-soon.example.test": [
            _outbound(
                "sbc-soon.example.test",
                "127.0.0.13",
                10,
                {
                    "OUT-CERT-VALID": (
                        "warn",
                        "certificate expires in 10 days",
                        "Renew the certificate before it expires.",
                    ),
                    "OUT-VERSION": ("skip", "not a Cisco VCS/Expressway", None),
                },
            )
        ],
        "sbc-nodns.example.test": [
            _outbound(
                "sbc-nodns.example.test",
                None,
                300,
                {
                    "OUT-A": (
                        "fail",
                        "no A record for sbc-nodns.example.test",
                        "Publish an A record for the SBC FQDN.",
                    ),
                    "OUT-TLS": ("skip", "no address to connect to", None),
                    "OUT-CERT-VALID": ("skip", "no address to connect to", None),
                    "OUT-VERSION": ("skip", "no address to connect to", None),
                    "OUT-CERT-NAME": ("skip", "no address to connect to", None),
                    "OUT-CERT-CHAIN": ("skip", "no address to connect to", None),
                    "OUT-CERT-TRUST": ("skip", "no address to connect to", None),
                    "OUT-PTR": ("skip", "no address to connect to", None),
                },
            )
        ],
        "expe1.example.test": [
            _module_result(
                [
                    _row(
                        "expe1.example.test",
                        "EXP-ZONE",
                        "must",
                        "fail",
                        "TLS verify subject name is sip.example.test",
                        {"tls_verify_subject_name": "sip.example.test"},
                        "Set the zone's TLS verify subject name to callservice.ciscospark.com.",
                    ),
                    _row("expe1.example.test", "EXP-RULES", "must", "pass", "search rules route to the Webex zone"),
                    _row("expe1.example.test", "EXP-VERSION", "must", "pass", "X15.0.2"),
                    _row(
                        "expe1.example.test",
                        "EXP-TRUST",
                        "must",
                        "warn",
                        "QuoVadis Root CA 2 only",
                        {"trusted": [{"subject": "CN=QuoVadis Root CA 2", "not_after": _when(2000)}]},
                        "Add IdenTrust Commercial Root CA 1 to the trusted CA list.",
                    ),
                ],
                resolvers=(),
                resolver_port=53,
            )
        ],
        "sbc-crashed.example.test": [
            {"failed": True, "msg": "Failed to import the required Python library (dnspython)"}
        ],
    }
