"""ucops.expressway.webex_config_check against the emulated Expressway, through real ansible-playbook runs."""

import certifi
import pytest
import requests
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from support.ansible_runner import REPO
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

MODULE = "ucops.expressway.webex_config_check"
IDENTRUST_SHA256 = "5d56499be4d2e08bcfcad08a3e38723d50503bde706948e42f55603019e528ae"


def certifi_pem(sha256):
    with open(certifi.where(), "rb") as handle:
        for cert in x509.load_pem_x509_certificates(handle.read()):
            if cert.fingerprint(hashes.SHA256()).hex() == sha256:
                return cert.public_bytes(serialization.Encoding.PEM).decode()
    raise LookupError(sha256)


ZONE = {
    "Name": "Webex",
    "ZoneProfile": "Custom",
    "SIPSearchAutoResponse": "On",
    "SIPTLSVerifyMode": "On",
    "SIPTLSVerifySubjectName": "sip.webex.com",
    "SIPDnsOverrideOverride": "On",
    "SIPDnsOverrideName": "callservice.webex.com",
    "SIPMode": "On",
    "SIPTLSVerifyInboundClassification": "On",
    "H323Mode": "Off",
}
INTERNAL = {"Name": "Internal", "Peer1Address": "192.0.2.10"}
TRAVERSAL = {"Name": "Traversal"}
RULES = [
    {
        "Name": "To Webex",
        "Priority": 100,
        "Mode": "AliasPatternMatch",
        "PatternType": "Regex",
        "PatternString": r".*@.*\.webex\.com.*",
        "OnSuccessfulMatch": "Stop",
        "TargetName": "Webex",
    },
    {
        "Name": "From Webex",
        "Priority": 101,
        "Source": "Named",
        "SourceName": "Webex",
        "Mode": "AnyAlias",
        "OnSuccessfulMatch": "Stop",
        "TargetName": "Internal",
    },
]
FIREWALL = [
    {
        "Priority": 10,
        "Address": "192.0.2.0",
        "PrefixLength": 24,
        "Transport": "TCP",
        "StartPort": 443,
        "EndPort": 443,
        "Action": "Allow",
    },
    {
        "Priority": 20,
        "Address": "0.0.0.0",
        "PrefixLength": 0,
        "Transport": "TCP",
        "StartPort": 5061,
        "EndPort": 5062,
        "Action": "Allow",
    },
    {
        "Priority": 21,
        "Address": "0.0.0.0",
        "PrefixLength": 0,
        "Transport": "UDP",
        "StartPort": 36000,
        "EndPort": 59999,
        "Action": "Allow",
    },
]


def seed(zone=None, rules=None, roots=True, firewall=None):
    firewall = FIREWALL if firewall is None else firewall
    data = {
        "zones": {"dnszone": [zone or ZONE], "neighborzone": [INTERNAL], "traversalserver": [TRAVERSAL]},
        "searchrules": rules or RULES,
        "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
        "firewall": {"pending": firewall, "active": firewall},
    }
    if roots:
        data["rootcas_pem"] = certifi_pem(IDENTRUST_SHA256)
    return data


def connection(emu, instance=None, **extra):
    return dict(
        {
            "host": emu.host(instance),
            "port": emu.port(instance),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
        },
        **extra,
    )


def statuses(result):
    return {rule["rule"]: rule["status"] for rule in result["rules"]}


def rows(result, rule_id):
    return [row for row in result["results"] if row["rule"] == rule_id]


@pytest.fixture
def box(emulator_factory):  # pylint: disable=redefined-outer-name
    def start(**kwargs):
        return emulator_factory(
            [{"name": "expe", "product": "expressway-e", "version": "X14.3.2", "seed": seed(**kwargs)}]
        )

    return start


ARGS = {"inbound_target_zone": "Internal", "sip_domains": ["acme.calls.webex.com"]}


def test_compliant_box_passes_with_reads_only(ansible, box):  # pylint: disable=redefined-outer-name
    emu = box()
    mark = emu.mark()
    result = ansible.run_module(MODULE, connection(emu, fail_on="should", **ARGS), check_mode=True)
    assert result.get("failed") is not True, result["msg"]
    assert statuses(result) == {
        "EXP-VERSION": "pass",
        "EXP-ZONE": "pass",
        "EXP-RULES": "pass",
        "EXP-DNS": "pass",
        "EXP-FW": "pass",
        "EXP-TRUST": "pass",
    }
    assert result["changed"] is False
    assert emu.writes(since=mark) == []
    assert len(emu.requests(since=mark)) == 6
    assert {row["subject"] for row in result["results"]} == {emu.host()}


def test_wrong_tls_verify_subject_name(ansible, box):  # pylint: disable=redefined-outer-name
    emu = box(zone=dict(ZONE, SIPTLSVerifySubjectName="sip.example.test"))
    result = ansible.run_module(MODULE, connection(emu, **ARGS))
    assert result["failed"] is True and "EXP-ZONE fail" in result["msg"]
    row = rows(result, "EXP-ZONE")[0]
    assert list(row["evidence"]["differs"]) == ["tls_verify_subject_name"]
    assert "sip.example.test" in row["summary"] and row["remedy"]
    assert statuses(result)["EXP-RULES"] == "pass"


def test_search_rule_to_the_wrong_zone(ansible, box):  # pylint: disable=redefined-outer-name
    emu = box(rules=[dict(RULES[0], TargetName="Internal"), RULES[1]])
    result = ansible.run_module(MODULE, connection(emu, **ARGS))
    assert result["failed"] is True and "EXP-RULES fail" in result["msg"]
    row = rows(result, "EXP-RULES")[0]
    assert row["status"] == "fail" and "To Webex" in row["summary"] and "Internal" in row["summary"]
    assert statuses(result)["EXP-ZONE"] == "pass"


def test_article_generation_passes_with_migration_advice(ansible, box):  # pylint: disable=redefined-outer-name
    zone = dict(
        ZONE, SIPTLSVerifySubjectName="callservice.ciscospark.com", SIPDnsOverrideName="callservice.ciscospark.com"
    )
    emu = box(zone=zone, rules=[dict(RULES[0], PatternString=r".*@.*\.ciscospark\.com.*"), RULES[1]])
    result = ansible.run_module(MODULE, connection(emu, inbound_target_zone="Internal", fail_on="should"))
    assert result.get("failed") is not True, result["msg"]
    assert statuses(result)["EXP-ZONE"] == "pass" and statuses(result)["EXP-RULES"] == "pass"
    row = rows(result, "EXP-ZONE")[0]
    assert "callservice.webex.com" in row["evidence"]["advice"] and "advice:" in row["summary"]


def test_missing_webex_root_then_appended_by_trusted_ca(ansible, box):  # pylint: disable=redefined-outer-name
    emu = box(roots=False)
    before = ansible.run_module(MODULE, connection(emu, **ARGS))
    assert before["failed"] is True and statuses(before)["EXP-TRUST"] == "fail"
    assert "IdenTrust Commercial Root CA 1" in rows(before, "EXP-TRUST")[0]["summary"]
    added = ansible.run_module(
        "ucops.expressway.trusted_ca", connection(emu, certificate=certifi_pem(IDENTRUST_SHA256))
    )
    assert added.get("failed") is not True and added["changed"] is True, added
    after = ansible.run_module(MODULE, connection(emu, **ARGS))
    assert after.get("failed") is not True, after["msg"]
    assert statuses(after)["EXP-TRUST"] == "pass"
    assert IDENTRUST_SHA256 in [root["sha256"] for root in rows(after, "EXP-TRUST")[0]["evidence"]["roots"]]


def test_expressway_c_without_dns_and_old_version(ansible, emulator_factory):  # pylint: disable=redefined-outer-name
    emu = emulator_factory([{"name": "expc", "product": "expressway-c", "version": "X8.5.2"}])
    result = ansible.run_module(MODULE, connection(emu, fail_on="never"))
    assert result.get("failed") is not True
    found = statuses(result)
    assert found["EXP-VERSION"] == "fail" and found["EXP-DNS"] == "fail" and found["EXP-FW"] == "skip"
    assert found["EXP-ZONE"] == "fail" and found["EXP-RULES"] == "fail"
    assert emu.requests(path="firewall") == []


def test_verify_playbook_keeps_results_and_writes_the_report(ansible, box, tmp_path):  # pylint: disable=redefined-outer-name
    good, bad = box(), box(roots=False)
    hosts = {
        name: {"expressway_port": emu.port(), "expressway_ca_path": emu.ca_path}
        for name, emu in (("good", good), ("bad", bad))
    }
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "expressway": {
                    "hosts": hosts,
                    "vars": {
                        "ansible_connection": "local",
                        "expressway_host": "127.0.0.1",
                        "expressway_username": good.username,
                        "expressway_password": good.password,
                        "webex_b2b_zone_name": "Webex",
                        "webex_b2b_inbound_target_zone": "Internal",
                    },
                }
            }
        )
    )
    report = tmp_path / "report"
    proc = ansible.run_playbook(
        REPO / "playbooks" / "verify.yml", inventory=inventory, extra_vars={"webex_report_dir": str(report)}
    )
    recap = {line.split()[0]: line for line in proc.stdout.splitlines() if line.startswith(("good ", "bad "))}
    assert "failed=0" in recap["good"] and "failed=1" in recap["bad"], proc.stdout
    assert "EXP-TRUST fail" in proc.stdout
    assert sorted(p.suffix for p in report.iterdir()) == [".html", ".json", ".xml"], list(report.iterdir())
    assert "EXP-TRUST" in (report / next(p.name for p in report.iterdir() if p.suffix == ".json")).read_text()
    assert good.writes() == [] and bad.writes() == []


# Scenario tests of the EXP-ZONE, EXP-RULES and EXP-FW verdicts: each configuration is seeded into a real
# emulator instance and judged by the real module; each asserts the exact status of the exact rule.
ARTICLE_ZONE = {
    "Name": "Webex",
    "ZoneProfile": "Custom",
    "SIPSearchAutoResponse": "On",
    "SIPTLSVerifyMode": "On",
    "SIPTLSVerifySubjectName": "callservice.ciscospark.com",
    "SIPDnsOverrideOverride": "On",
    "SIPDnsOverrideName": "callservice.ciscospark.com",
    "SIPMode": "On",
}
ARTICLE_RULES = [
    {
        "Name": "To Webex",
        "Priority": 100,
        "Source": "Any",
        "Mode": "AliasPatternMatch",
        "PatternType": "Regex",
        "PatternString": r".*@.*\.ciscospark\.com.*",
        "OnSuccessfulMatch": "Stop",
        "TargetName": "Webex",
    },
    # Without TLS verify inbound mapping (the article does not ask for it) calls from Webex arrive through
    # the Default Zone.
    {
        "Name": "From Webex",
        "Priority": 110,
        "Source": "Named",
        "SourceName": "DefaultZone",
        "Mode": "AnyAlias",
        "OnSuccessfulMatch": "Stop",
        "TargetName": "Traversal",
    },
]


def fw(priority, address, prefix, transport, first, last, action="Allow"):
    return {
        "Priority": priority,
        "Address": address,
        "PrefixLength": prefix,
        "Transport": transport,
        "StartPort": first,
        "EndPort": last,
        "Action": action,
    }


MGMT = fw(10, "192.0.2.0", 24, "TCP", 443, 443)
SIG = fw(30000, "0.0.0.0", 0, "TCP", 5061, 5062)
MEDIA = fw(30001, "0.0.0.0", 0, "UDP", 36000, 59999)
DROP_ALL = fw(65000, "0.0.0.0", 0, "TCPAndUDP", 1, 65535, action="Drop")
ARTICLE_FIREWALL = [MGMT, SIG, MEDIA, DROP_ALL]
WEBEX_RANGES = [
    "23.89.0.0/16",
    "62.109.192.0/18",
    "64.68.96.0/19",
    "66.114.160.0/20",
    "66.163.32.0/19",
    "69.26.160.0/19",
    "114.29.192.0/19",
    "144.196.0.0/16",
    "150.253.128.0/17",
    "163.129.0.0/16",
    "170.72.0.0/16",
    "170.133.128.0/18",
    "173.39.224.0/19",
    "173.243.0.0/20",
    "207.182.160.0/19",
    "209.197.192.0/19",
    "210.4.192.0/20",
    "216.151.128.0/19",
]


def fleet(emulator_factory, **seeds):  # pylint: disable=redefined-outer-name
    """One emulator process, one Expressway-E per named seed."""
    return emulator_factory(
        [{"name": name, "product": "expressway-e", "version": "X14.3.2", "seed": data} for name, data in seeds.items()]
    )


def check(ansible, emu, instance, **extra):
    return ansible.run_module(
        MODULE, connection(emu, instance, **dict({"inbound_target_zone": "Traversal", "fail_on": "never"}, **extra))
    )


def test_article_exact_configuration_fails_no_exp_rule(ansible, emulator_factory):  # pylint: disable=redefined-outer-name
    emu = fleet(emulator_factory, article=seed(zone=ARTICLE_ZONE, rules=ARTICLE_RULES, firewall=ARTICLE_FIREWALL))
    mark = emu.mark()
    result = check(ansible, emu, "article", fail_on="must")
    assert result.get("failed") is not True, result["msg"]
    assert statuses(result) == {
        "EXP-VERSION": "pass",
        "EXP-ZONE": "pass",
        "EXP-RULES": "pass",
        "EXP-DNS": "pass",
        "EXP-FW": "pass",
        "EXP-TRUST": "pass",
    }
    assert emu.writes(since=mark) == []


def test_zone_as_the_article_says_passes_and_recommendations_are_evidence(ansible, emulator_factory):  # pylint: disable=redefined-outer-name
    emu = fleet(
        emulator_factory,
        article=seed(zone=ARTICLE_ZONE, rules=ARTICLE_RULES),
        defect=seed(zone=dict(ARTICLE_ZONE, SIPDnsOverrideOverride="Off"), rules=ARTICLE_RULES),
    )
    article = check(ansible, emu, "article")
    row = rows(article, "EXP-ZONE")[0]
    assert statuses(article)["EXP-ZONE"] == "pass" and row["remedy"] is None, row
    recommended = {rec["option"]: rec for rec in row["evidence"]["recommendations"]}
    assert recommended["tls_verify_inbound_mapping"]["actual"] is False
    assert "Hybrid Calling" in recommended["tls_verify_inbound_mapping"]["source"]
    assert {"fallback_transport_protocol", "media_encryption_mode", "preloaded_sip_routes_support", "h323_mode"} <= set(
        recommended
    )
    defect = check(ansible, emu, "defect")
    row = rows(defect, "EXP-ZONE")[0]
    assert statuses(defect)["EXP-ZONE"] == "fail" and list(row["evidence"]["differs"]) == ["modify_dns_request"]


def test_hardened_rule_from_the_traversal_zone_counts_and_is_shadowed_by_an_earlier_stop(ansible, emulator_factory):  # pylint: disable=redefined-outer-name
    hardened = [dict(RULES[0], Source="Named", SourceName="Traversal"), dict(RULES[1], TargetName="Traversal")]
    shadow = {
        "Name": "Traversal to local",
        "Priority": 50,
        "Source": "Named",
        "SourceName": "Traversal",
        "Mode": "AnyAlias",
        "OnSuccessfulMatch": "Stop",
        "TargetName": "LocalZone",
    }
    emu = fleet(
        emulator_factory,
        hardened=seed(rules=hardened),
        shadowed=seed(rules=[shadow] + hardened),
        elsewhere=seed(rules=[dict(hardened[0], SourceName="Internal"), hardened[1]]),
    )
    result = check(ansible, emu, "hardened")
    assert statuses(result)["EXP-RULES"] == "pass", rows(result, "EXP-RULES")
    assert "from zone Traversal" in rows(result, "EXP-RULES")[0]["summary"]
    result = check(ansible, emu, "shadowed")
    row = rows(result, "EXP-RULES")[0]
    assert statuses(result)["EXP-RULES"] == "fail" and "Traversal to local (priority 50)" in row["summary"], row
    result = check(ansible, emu, "elsewhere")
    assert [r["status"] for r in rows(result, "EXP-RULES")] == ["fail", "pass"]


def test_firewall_judged_the_way_the_firewall_evaluates(ansible, emulator_factory):  # pylint: disable=redefined-outer-name
    published = [
        fw(100 + n, net.split("/")[0], int(net.split("/")[1]), transport, *ports)
        for transport, ports, base in (("TCP", (5061, 5062), 0), ("UDP", (36000, 59999), 50))
        for n, net in enumerate(WEBEX_RANGES, start=base)
    ]
    emu = fleet(
        emulator_factory,
        private=seed(firewall=[MGMT, SIG, dict(MEDIA, Address="10.0.0.0", PrefixLength=8), DROP_ALL]),
        shadowed=seed(firewall=[MGMT, fw(20, "0.0.0.0", 0, "UDP", 30000, 40000, action="Drop"), SIG, MEDIA]),
        published=seed(firewall=[MGMT] + published + [DROP_ALL]),
        anywhere=seed(firewall=ARTICLE_FIREWALL),
    )
    media = "UDP 36000-59999 from the Webex ranges"
    for name, status in (("private", "fail"), ("shadowed", "fail"), ("published", "pass"), ("anywhere", "pass")):
        result = check(ansible, emu, name)
        found = {row["target"]: row["status"] for row in rows(result, "EXP-FW")}
        assert found == {"TCP 5061-5062 from the Webex ranges": "pass", media: status}, (name, rows(result, "EXP-FW"))
        assert statuses(result)["EXP-FW"] == status
    row = next(r for r in rows(check(ansible, emu, "shadowed"), "EXP-FW") if r["target"] == media)
    assert "priority 20 (Drop 0.0.0.0/0" in row["summary"]


def test_the_role_default_configuration_passes_the_check(ansible, emulator_factory, tmp_path):  # pylint: disable=redefined-outer-name
    base = {
        "zones": {"traversalserver": [TRAVERSAL]},
        "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
        "rootcas_pem": certifi_pem(IDENTRUST_SHA256),
    }
    emu = fleet(emulator_factory, default=base, published=base)
    for name, extra in (("default", {}), ("published", {"webex_b2b_firewall_published_sources": True})):
        inventory = tmp_path / f"{name}.yml"
        inventory.write_text(
            yaml.safe_dump(
                {
                    "expressway": {
                        "hosts": {
                            name: {
                                "ansible_connection": "local",
                                "ansible_host": emu.host(name),
                                "expressway_port": emu.port(name),
                                "expressway_username": emu.username,
                                "expressway_password": emu.password,
                                "expressway_ca_path": emu.ca_path,
                                "webex_b2b_inbound_target_zone": "Traversal",
                            }
                        }
                    }
                }
            )
        )
        ansible.run_playbook(REPO / "playbooks" / "configure.yml", inventory=inventory, extra_vars=extra, check=True)
        result = check(ansible, emu, name, zone_name="Webex-B2B", fail_on="should")
        assert result.get("failed") is not True, (name, result["msg"], result["results"])
        assert set(statuses(result).values()) == {"pass"}, statuses(result)
        assert "callservice.webex.com" in rows(result, "EXP-ZONE")[0]["evidence"]["advice"]
    active = requests.get(
        emu.api("common/current/active/firewallrules", name="published"), auth=emu.auth, verify=emu.ca_path, timeout=10
    ).json()
    assert sorted(f"{r['Address']}/{r['PrefixLength']}" for r in active if r["Transport"] == "UDP") == sorted(
        WEBEX_RANGES
    )


@pytest.mark.parametrize("answer", ["html", "empty"])
def test_trusted_ca_list_that_is_not_pem_is_an_error_not_no_roots(ansible, emulator_factory, answer):  # pylint: disable=redefined-outer-name
    emu = emulator_factory([{"name": "expe", "seed": seed(), "certs_root_answer": answer}])
    result = ansible.run_module(MODULE, connection(emu, **ARGS))
    assert result["failed"] is True and "rules" not in result, result
    assert emu.api("certs/root") in result["msg"] and "PEM" in result["msg"], result["msg"]


@pytest.mark.parametrize("shape", ["wrapped", "wrapped-list", "list-of-wrappers"])
def test_dns_servers_read_in_every_answer_shape(ansible, emulator_factory, shape):  # pylint: disable=redefined-outer-name
    """Cisco's guide shows the DNS-server GET wrapped in DefaultDNSServers: EXP-DNS must see the servers."""
    emu = emulator_factory(
        [{"name": "expe", "product": "expressway-e", "version": "X14.3.2", "seed": seed(), "dns_server_shape": shape}]
    )
    result = ansible.run_module(MODULE, connection(emu, **ARGS), check_mode=True)
    assert statuses(result)["EXP-DNS"] == "pass", rows(result, "EXP-DNS")
