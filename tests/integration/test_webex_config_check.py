"""ucops.expressway.webex_config_check against the emulated Expressway, through real ansible-playbook runs."""
import certifi
import pytest
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


ZONE = {"Name": "Webex", "ZoneProfile": "Custom", "SIPSearchAutoResponse": "On", "SIPTLSVerifyMode": "On",
        "SIPTLSVerifySubjectName": "sip.webex.com", "SIPDnsOverrideOverride": "On",
        "SIPDnsOverrideName": "callservice.webex.com", "SIPMode": "On", "SIPTLSVerifyInboundClassification": "On",
        "H323Mode": "Off"}
INTERNAL = {"Name": "Internal", "Peer1Address": "192.0.2.10"}
RULES = [
    {"Name": "To Webex", "Priority": 100, "Mode": "AliasPatternMatch", "PatternType": "Regex",
     "PatternString": r".*@.*\.webex\.com.*", "OnSuccessfulMatch": "Stop", "TargetName": "Webex"},
    {"Name": "From Webex", "Priority": 101, "Source": "Named", "SourceName": "Webex", "Mode": "AnyAlias",
     "OnSuccessfulMatch": "Stop", "TargetName": "Internal"},
]
FIREWALL = [
    {"Priority": 10, "Address": "192.0.2.0", "PrefixLength": 24, "Transport": "TCP", "StartPort": 443,
     "EndPort": 443, "Action": "Allow"},
    {"Priority": 20, "Address": "0.0.0.0", "PrefixLength": 0, "Transport": "TCP", "StartPort": 5061,
     "EndPort": 5062, "Action": "Allow"},
    {"Priority": 21, "Address": "0.0.0.0", "PrefixLength": 0, "Transport": "UDP", "StartPort": 36000,
     "EndPort": 59999, "Action": "Allow"},
]


def seed(zone=None, rules=None, roots=True):
    data = {"zones": {"dnszone": [zone or ZONE], "neighborzone": [INTERNAL]}, "searchrules": rules or RULES,
            "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
            "firewall": {"pending": FIREWALL, "active": FIREWALL}}
    if roots:
        data["rootcas_pem"] = certifi_pem(IDENTRUST_SHA256)
    return data


def connection(emu, **extra):
    return dict({"host": emu.host(), "port": emu.port(), "username": emu.username, "password": emu.password,
                 "ca_path": emu.ca_path}, **extra)


def statuses(result):
    return {rule["rule"]: rule["status"] for rule in result["rules"]}


def rows(result, rule_id):
    return [row for row in result["results"] if row["rule"] == rule_id]


@pytest.fixture
def box(emulator_factory):  # pylint: disable=redefined-outer-name
    def start(**kwargs):
        return emulator_factory([{"name": "expe", "product": "expressway-e", "version": "X14.3.2",
                                  "seed": seed(**kwargs)}])
    return start


ARGS = {"inbound_target_zone": "Internal", "sip_domains": ["acme.calls.webex.com"]}


def test_compliant_box_passes_with_reads_only(ansible, box):  # pylint: disable=redefined-outer-name
    emu = box()
    mark = emu.mark()
    result = ansible.run_module(MODULE, connection(emu, fail_on="should", **ARGS), check_mode=True)
    assert result.get("failed") is not True, result["msg"]
    assert statuses(result) == {"EXP-VERSION": "pass", "EXP-ZONE": "pass", "EXP-RULES": "pass", "EXP-DNS": "pass",
                                "EXP-FW": "pass", "EXP-TRUST": "pass"}
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


def test_legacy_generation_warns(ansible, box):  # pylint: disable=redefined-outer-name
    zone = dict(ZONE, SIPTLSVerifySubjectName="callservice.ciscospark.com",
                SIPDnsOverrideName="callservice.ciscospark.com")
    emu = box(zone=zone, rules=[dict(RULES[0], PatternString=r".*@.*\.ciscospark\.com.*"), RULES[1]])
    result = ansible.run_module(MODULE, connection(emu, inbound_target_zone="Internal"))
    assert result.get("failed") is not True
    assert statuses(result)["EXP-ZONE"] == "warn" and statuses(result)["EXP-RULES"] == "pass"
    strict = ansible.run_module(MODULE, connection(emu, inbound_target_zone="Internal", fail_on="should"))
    assert strict["failed"] is True and "EXP-ZONE warn" in strict["msg"]


def test_missing_webex_root_then_appended_by_trusted_ca(ansible, box):  # pylint: disable=redefined-outer-name
    emu = box(roots=False)
    before = ansible.run_module(MODULE, connection(emu, **ARGS))
    assert before["failed"] is True and statuses(before)["EXP-TRUST"] == "fail"
    assert "IdenTrust Commercial Root CA 1" in rows(before, "EXP-TRUST")[0]["summary"]
    added = ansible.run_module("ucops.expressway.trusted_ca",
                               connection(emu, certificate=certifi_pem(IDENTRUST_SHA256)))
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
    hosts = {name: {"expressway_port": emu.port(), "expressway_ca_path": emu.ca_path}
             for name, emu in (("good", good), ("bad", bad))}
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"expressway": {"hosts": hosts, "vars": {
        "ansible_connection": "local", "expressway_host": "127.0.0.1", "expressway_username": good.username,
        "expressway_password": good.password, "webex_b2b_zone_name": "Webex",
        "webex_b2b_inbound_target_zone": "Internal"}}}))
    report = tmp_path / "report"
    proc = ansible.run_playbook(REPO / "playbooks" / "verify.yml", inventory=inventory,
                                extra_vars={"webex_report_dir": str(report)})
    recap = {line.split()[0]: line for line in proc.stdout.splitlines() if line.startswith(("good ", "bad "))}
    assert "failed=0" in recap["good"] and "failed=1" in recap["bad"], proc.stdout
    assert "EXP-TRUST fail" in proc.stdout
    assert sorted(p.suffix for p in report.iterdir()) == [".html", ".json", ".xml"], list(report.iterdir())
    assert "EXP-TRUST" in (report / next(p.name for p in report.iterdir() if p.suffix == ".json")).read_text()
    assert good.writes() == [] and bad.writes() == []
