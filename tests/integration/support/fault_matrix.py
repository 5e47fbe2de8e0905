"""The fault-injection matrix: which module meets which fault at which position, and what each module owns.

Each module case names the emulator seed it starts from, the task arguments, how to check that the box
holds the declared state, and which part of the box it must never touch (``unmanaged``). The matrix is
not the full cartesian product: ``dns_zone`` meets every fault at every position, every other module
meets every class of fault (retryable status, broken connection, broken body, refusal) at each position
it has, rotating through the members of the class; the read-only modules meet every broken body.
``UCOPS_FAULTS_FULL=1`` runs the full product.
"""

import os
from dataclasses import dataclass, field

FAULTS = (
    "http500",
    "http502",
    "http503",
    "http429_retry_after",
    "http503_retry_after",
    "reset_before",
    "reset_mid_body",
    "truncated",
    "hang",
    "drip",
    "html200",
    "empty200",
    "badjson200",
    "redirect302",
    "http401",
    "http403",
)
RETRY_STATUS = FAULTS[:5]
CONNECTION = FAULTS[5:10]
BODY = FAULTS[10:13]
REFUSAL = FAULTS[13:]
# Before a write is forwarded, a fault that answers "200" would be the box lying that it did the write;
# no client can tell that apart from success, so those faults only run where the write really happened.
WRITE_BEFORE = RETRY_STATUS + ("reset_before", "reset_mid_body", "truncated", "hang") + REFUSAL
# 429 says the box refused without acting (a client may resend even a POST), so a box that applied the
# write never answers it: no 429 after a forwarded write.
WRITE_AFTER = tuple(fault for fault in FAULTS if fault != "http429_retry_after")
SLOW = ("hang", "drip")

ZONE = "Webex B2B DNS"
RULE = "To Webex"
FW_KEYS = {
    "priority": "Priority",
    "address": "Address",
    "prefix_length": "PrefixLength",
    "transport": "Transport",
    "start_port": "StartPort",
    "end_port": "EndPort",
    "action": "Action",
    "description": "Description",
}
MGMT = {
    "Priority": 10,
    "Address": "0.0.0.0",
    "PrefixLength": 0,
    "Transport": "TCP",
    "StartPort": 443,
    "EndPort": 443,
    "Action": "Allow",
    "Description": "Management",
}
OTHER = {
    "Priority": 500,
    "Address": "198.51.100.0",
    "PrefixLength": 24,
    "Transport": "UDP",
    "StartPort": 161,
    "EndPort": 161,
    "Action": "Drop",
    "Description": "Not managed here",
}
SIP = {
    "priority": 100,
    "address": "0.0.0.0",
    "prefix_length": 0,
    "transport": "TCP",
    "start_port": 5061,
    "end_port": 5062,
    "action": "Allow",
    "description": "Webex SIP TLS",
}
MEDIA = {
    "priority": 110,
    "address": "0.0.0.0",
    "prefix_length": 0,
    "transport": "UDP",
    "start_port": 36000,
    "end_port": 59999,
    "action": "Allow",
    "description": "Webex media",
}


WRITE_PATHS = {
    "dns_zone": ("common/zone/dnszone",),
    "search_rule": ("common/searchrule",),
    "dns_server": ("common/dns/dnsserver",),
    "dns_settings": ("common/dns/dns",),
    "firewall_present": ("common/firewallrules/configuration", "common/firewallrules/activation"),
    "firewall_absent": ("common/firewallrules/configuration", "common/firewallrules/activation"),
    "trusted_ca": ("certs/root",),
    "webex_b2b": (
        "common/dns/dnsserver",
        "common/dns/dns",
        "common/zone/dnszone",
        "common/searchrule",
        "certs/root",
        "common/firewallrules/configuration",
        "common/firewallrules/activation",
    ),
}
OWNER = {"dns_zone": ZONE, "search_rule": RULE}


def rest_rule(rule):
    return {FW_KEYS[key]: value for key, value in rule.items()}


def strip_index(rules, skip=()):
    return sorted(
        ({k: v for k, v in rule.items() if k != "Index"} for rule in rules if rule["Priority"] not in skip),
        key=lambda rule: rule["Priority"],
    )


def without(snap, **drop):
    """A copy of a snapshot with some paths replaced (a path mapped to None is left out)."""
    copy = {path: value for path, value in snap.items() if path not in drop or drop[path] is not None}
    copy.update({path: value for path, value in drop.items() if value is not None})
    return copy


def named(items, name):
    return [item for item in items if item.get("Name") == name]


def singleton(data):
    return data[0] if isinstance(data, list) and data else data


@dataclass
class ModuleCase:
    """One module as the matrix drives it."""

    key: str
    module: str
    args: dict
    seed: dict = field(default_factory=dict)
    read_only: bool = False
    instance: dict = field(default_factory=dict)

    def declared(self, snap, ctx):  # pylint: disable=unused-argument
        """Problems with the declared state in `snap` (empty: the box holds it)."""
        return []

    def unmanaged(self, snap, ctx):  # pylint: disable=unused-argument
        """What the task must never change."""
        return snap

    def slots(self, before, after, ctx):  # pylint: disable=unused-argument
        """Problems with managed values that are neither what they were nor what was declared."""
        return []

    def view(self, result):  # pylint: disable=unused-argument
        """For read-only modules: the part of the result a fault must not change."""
        return None

    def foreign(self, entry):
        """Why a logged write is not one this module may make, or None."""
        path = entry["path"].split("/provisioning/", 1)[-1]
        if path not in WRITE_PATHS.get(self.key, ()):
            return f"{entry['method']} {entry['path']} is outside what {self.module} manages"
        owner = OWNER.get(self.key)
        if owner and isinstance(entry.get("body"), dict) and entry["body"].get("Name") != owner:
            return f"{entry['method']} {entry['path']} names {entry['body'].get('Name')!r}, not {owner!r}"
        return None


class DnsZone(ModuleCase):
    def declared(self, snap, ctx):
        zones = named(snap["common/zone/dnszone"], ZONE)
        if len(zones) != 1:
            return [f"{len(zones)} zones named {ZONE!r} on the box, declared one"]
        zone = zones[0]
        wanted = {"HopCount": 20, "SIPTLSVerifyMode": "On", "SIPTLSVerifySubjectName": "callservice.example.test"}
        return [
            f"zone {key}={zone.get(key)!r}, declared {value!r}"
            for key, value in wanted.items()
            if zone.get(key) != value
        ]

    def unmanaged(self, snap, ctx):
        return without(snap, **{"common/zone/dnszone": [z for z in snap["common/zone/dnszone"] if z["Name"] != ZONE]})


class SearchRule(ModuleCase):
    def declared(self, snap, ctx):
        rules = named(snap["common/searchrule"], RULE)
        if len(rules) != 1:
            return [f"{len(rules)} search rules named {RULE!r} on the box, declared one"]
        rule = rules[0]
        wanted = {"Priority": 100, "TargetName": ZONE, "Mode": "AliasPatternMatch", "PatternType": "Regex"}
        return [
            f"rule {key}={rule.get(key)!r}, declared {value!r}"
            for key, value in wanted.items()
            if rule.get(key) != value
        ]

    def unmanaged(self, snap, ctx):
        return without(snap, **{"common/searchrule": [r for r in snap["common/searchrule"] if r["Name"] != RULE]})


DNS_DECLARED = {1: "192.0.2.1", 2: "198.51.100.53"}


def dns_servers(snap):
    return {entry["index"]: entry["address"] for entry in snap["common/dns/dnsserver"]}


class DnsServer(ModuleCase):
    def declared(self, snap, ctx):
        found = dns_servers(snap)
        return [] if found == DNS_DECLARED else [f"DNS servers {found}, declared exactly {DNS_DECLARED}"]

    def unmanaged(self, snap, ctx):
        return without(snap, **{"common/dns/dnsserver": None})

    def slots(self, before, after, ctx):
        old, new = dns_servers(before), dns_servers(after)
        return [
            f"DNS server slot {index} holds {new.get(index)!r}: neither the old {old.get(index)!r} "
            f"nor the declared {DNS_DECLARED.get(index)!r}"
            for index in range(1, 6)
            if new.get(index) not in (old.get(index), DNS_DECLARED.get(index))
        ]


DNS_SETTINGS = {"SystemHostName": "expe9", "DomainName": "example.test"}


class DnsSettings(ModuleCase):
    def declared(self, snap, ctx):
        dns = singleton(snap["common/dns/dns"])
        return [
            f"DNS {key}={dns.get(key)!r}, declared {value!r}"
            for key, value in DNS_SETTINGS.items()
            if dns.get(key) != value
        ]

    def unmanaged(self, snap, ctx):
        dns = singleton(snap["common/dns/dns"])
        return without(snap, **{"common/dns/dns": {k: v for k, v in dns.items() if k not in DNS_SETTINGS}})

    def slots(self, before, after, ctx):
        old, new = singleton(before["common/dns/dns"]), singleton(after["common/dns/dns"])
        return [
            f"DNS {key}={new.get(key)!r}: neither the old {old.get(key)!r} nor the declared {value!r}"
            for key, value in DNS_SETTINGS.items()
            if new.get(key) not in (old.get(key), value)
        ]


PENDING, ACTIVE = "common/firewallrules/configuration", "common/current/active/firewallrules"


class FirewallPresent(ModuleCase):
    managed = (100, 110)

    def declared(self, snap, ctx):
        problems = []
        for rule in (SIP, MEDIA):
            wanted = rest_rule(rule)
            found = [r for r in strip_index(snap[PENDING]) if r["Priority"] == rule["priority"]]
            if len(found) != 1 or any(found[0].get(key) != value for key, value in wanted.items()):
                problems.append(f"pending rules at priority {rule['priority']}: {found}, declared {wanted}")
        if strip_index(snap[ACTIVE]) != strip_index(snap[PENDING]):
            problems.append("the active firewall set differs from the pending set (not activated)")
        return problems

    def unmanaged(self, snap, ctx):
        return without(
            snap, **{PENDING: strip_index(snap[PENDING], self.managed), ACTIVE: strip_index(snap[ACTIVE], self.managed)}
        )


class FirewallAbsent(FirewallPresent):
    managed = (100,)

    def declared(self, snap, ctx):
        problems = [
            f"a rule at priority 100 is still in the {where} set"
            for where, path in (("pending", PENDING), ("active", ACTIVE))
            if any(r["Priority"] == 100 for r in snap[path])
        ]
        if strip_index(snap[ACTIVE]) != strip_index(snap[PENDING]):
            problems.append("the active firewall set differs from the pending set (not activated)")
        return problems


class TrustedCa(ModuleCase):
    def declared(self, snap, ctx):
        count = snap["certs/root"].count(ctx["new_ca_sha256"])
        return [] if count == 1 else [f"the new CA is {count} times in the trusted CA store, declared once"]

    def unmanaged(self, snap, ctx):
        return without(snap, **{"certs/root": [fp for fp in snap["certs/root"] if fp != ctx["new_ca_sha256"]]})


# webex_b2b: every object kind at once on an Expressway-E. The declared values are the Webex profile's
# (plugins/module_utils/_webex.py, generation ciscospark, zone name Webex-B2B) in REST names.
B2B_ZONE = "Webex-B2B"
B2B_ZONE_VALUES = {
    "ZoneProfile": "Custom",
    "SIPSearchAutoResponse": "On",
    "SIPTLSVerifyMode": "On",
    "SIPDnsOverrideOverride": "On",
    "SIPMode": "On",
    "SIPTLSVerifySubjectName": "callservice.ciscospark.com",
    "SIPDnsOverrideName": "callservice.ciscospark.com",
    "SIPTLSVerifyInboundClassification": "On",
    "H323Mode": "Off",
}
B2B_RULES = {
    f"{B2B_ZONE} outbound": {
        "Priority": 100,
        "Mode": "AliasPatternMatch",
        "PatternType": "Regex",
        "PatternString": r".*@.*\.ciscospark\.com.*",
        "TargetName": B2B_ZONE,
    },
    f"{B2B_ZONE} to acme.calls.webex.com": {
        "Priority": 101,
        "Mode": "AliasPatternMatch",
        "PatternType": "Regex",
        "PatternString": r".*@acme\.calls\.webex\.com.*",
        "TargetName": B2B_ZONE,
    },
    f"{B2B_ZONE} inbound": {
        "Priority": 102,
        "Mode": "AnyAlias",
        "Source": "Named",
        "SourceName": B2B_ZONE,
        "TargetName": "Internal",
    },
}
B2B_DNS = {1: "192.0.2.1", 2: "198.51.100.53"}
B2B_SETTINGS = {"SystemHostName": "expe9", "DomainName": "example.test"}
B2B_FIREWALL = {
    30000: rest_rule(dict(SIP, priority=30000, description="Webex B2B signalling (PORT-SIG-OUT)")),
    30001: rest_rule(dict(MEDIA, priority=30001, description="Webex B2B media (PORT-MEDIA)")),
}


class WebexB2b(ModuleCase):
    """One converge of every kind: DNS servers and settings, zone, search rules, trusted CA, firewall."""

    def declared(self, snap, ctx):
        found = dns_servers(snap)
        problems = [
            f"DNS server slot {index} holds {found.get(index)!r}, declared {address!r}"
            for index, address in B2B_DNS.items()
            if found.get(index) != address
        ]
        dns = singleton(snap["common/dns/dns"])
        problems += [
            f"DNS {key}={dns.get(key)!r}, declared {value!r}"
            for key, value in B2B_SETTINGS.items()
            if dns.get(key) != value
        ]
        zones = named(snap["common/zone/dnszone"], B2B_ZONE)
        if len(zones) != 1:
            problems.append(f"{len(zones)} zones named {B2B_ZONE!r} on the box, declared one")
        else:
            problems += [
                f"zone {key}={zones[0].get(key)!r}, declared {value!r}"
                for key, value in B2B_ZONE_VALUES.items()
                if zones[0].get(key) != value
            ]
        for name, wanted in B2B_RULES.items():
            rules = named(snap["common/searchrule"], name)
            if len(rules) != 1:
                problems.append(f"{len(rules)} search rules named {name!r} on the box, declared one")
                continue
            problems += [
                f"rule {name!r} {key}={rules[0].get(key)!r}, declared {value!r}"
                for key, value in wanted.items()
                if rules[0].get(key) != value
            ]
        count = snap["certs/root"].count(ctx["new_ca_sha256"])
        if count != 1:
            problems.append(f"the new CA is {count} times in the trusted CA store, declared once")
        pending = strip_index(snap[PENDING])
        for priority, wanted in B2B_FIREWALL.items():
            rules = [r for r in pending if r["Priority"] == priority]
            if len(rules) != 1 or any(rules[0].get(key) != value for key, value in wanted.items()):
                problems.append(f"pending rules at priority {priority}: {rules}, declared {wanted}")
        if strip_index(snap[ACTIVE]) != pending:
            problems.append("the active firewall set differs from the pending set (not activated)")
        return problems

    def unmanaged(self, snap, ctx):
        dns = singleton(snap["common/dns/dns"])
        return without(
            snap,
            **{
                "common/dns/dnsserver": [e for e in snap["common/dns/dnsserver"] if e["index"] not in B2B_DNS],
                "common/dns/dns": {k: v for k, v in dns.items() if k not in B2B_SETTINGS},
                "common/zone/dnszone": [z for z in snap["common/zone/dnszone"] if z["Name"] != B2B_ZONE],
                "common/searchrule": [r for r in snap["common/searchrule"] if r["Name"] not in B2B_RULES],
                "certs/root": [fp for fp in snap["certs/root"] if fp != ctx["new_ca_sha256"]],
                PENDING: strip_index(snap[PENDING], tuple(B2B_FIREWALL)),
                ACTIVE: strip_index(snap[ACTIVE], tuple(B2B_FIREWALL)),
            },
        )

    def slots(self, before, after, ctx):
        old, new = dns_servers(before), dns_servers(after)
        problems = [
            f"DNS server slot {index} holds {new.get(index)!r}: neither the old {old.get(index)!r} "
            f"nor the declared {address!r}"
            for index, address in B2B_DNS.items()
            if new.get(index) not in (old.get(index), address)
        ]
        old, new = singleton(before["common/dns/dns"]), singleton(after["common/dns/dns"])
        return problems + [
            f"DNS {key}={new.get(key)!r}: neither the old {old.get(key)!r} nor the declared {value!r}"
            for key, value in B2B_SETTINGS.items()
            if new.get(key) not in (old.get(key), value)
        ]

    def foreign(self, entry):
        reason = super().foreign(entry)
        if reason:
            return reason
        path = entry["path"].split("/provisioning/", 1)[-1]
        owned = {"common/zone/dnszone": {B2B_ZONE}, "common/searchrule": set(B2B_RULES)}.get(path)
        body = entry.get("body")
        if owned and isinstance(body, dict) and body.get("Name") not in owned:
            return f"{entry['method']} {entry['path']} names {body.get('Name')!r}, not one of {sorted(owned)}"
        return None


class ReadOnly(ModuleCase):
    def __init__(self, key, module, args, seed=None, result_keys=(), **kw):
        super().__init__(key, module, args, seed or {}, True, **kw)
        self.result_keys = result_keys

    def view(self, result):
        if self.key == "webex_config_check":
            return {rule["rule"]: rule["status"] for rule in result.get("rules", [])}
        return {key: result.get(key) for key in self.result_keys}


def _fw_seed(rules):
    return {"firewall": {"pending": rules, "active": rules}}


WEBEX_SEED = {
    "zones": {
        "dnszone": [
            {
                "Name": "Webex",
                "ZoneProfile": "Custom",
                "SIPTLSVerifyMode": "On",
                "SIPTLSVerifySubjectName": "sip.webex.com",
                "SIPDnsOverrideOverride": "On",
                "SIPDnsOverrideName": "callservice.webex.com",
            }
        ],
        "neighborzone": [{"Name": "Internal", "Peer1Address": "192.0.2.10"}],
    },
    "searchrules": [
        {
            "Name": "To Webex",
            "Priority": 100,
            "Mode": "AliasPatternMatch",
            "PatternType": "Regex",
            "PatternString": r".*@.*\.webex\.com.*",
            "OnSuccessfulMatch": "Stop",
            "TargetName": "Webex",
        }
    ],
    "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
}
KEEP_ZONE = {"zones": {"dnszone": [{"Name": "Keep Zone", "HopCount": 7}]}}
B2B_SEED = {
    "zones": {
        "dnszone": [{"Name": "Keep Zone", "HopCount": 7}],
        "neighborzone": [{"Name": "Internal", "Peer1Address": "192.0.2.10"}],
    },
    "searchrules": [{"Name": "Keep Rule", "Priority": 50, "TargetName": "Keep Zone", "Mode": "AnyAlias"}],
    # Slot 1 holds the declared server already: the first write is the POST of slot 2, an answer that
    # must not be retried when lost. Slot 4 is not managed.
    "dnsservers": [{"index": 1, "address": "192.0.2.1"}, {"index": 4, "address": "192.0.2.4"}],
    "dns": {"SystemHostName": "expe1", "DomainName": "old.example.test"},
    **_fw_seed([MGMT, OTHER]),
}
RULE_SEED = {
    "zones": {"dnszone": [{"Name": ZONE}]},
    "searchrules": [{"Name": "Keep Rule", "Priority": 50, "TargetName": ZONE, "Mode": "AnyAlias"}],
}


def module_cases(new_ca_path):
    """Every module of the matrix, keyed by its short name."""
    # Renumbering after a DELETE: a DELETE by Index sent twice would remove the rule that moved up.
    absent = {"firewall_index": "compact"}
    cases = [
        DnsZone(
            "dns_zone",
            "ucops.expressway.dns_zone",
            {
                "name": ZONE,
                "hop_count": 20,
                "tls_verify_mode": True,
                "tls_verify_subject_name": "callservice.example.test",
            },
            KEEP_ZONE,
        ),
        SearchRule(
            "search_rule",
            "ucops.expressway.search_rule",
            {
                "name": RULE,
                "priority": 100,
                "protocol": "SIP",
                "mode": "AliasPatternMatch",
                "pattern_type": "Regex",
                "pattern_string": r".*@partner\.example\.test",
                "pattern_behavior": "Leave",
                "on_successful_match": "Stop",
                "target_name": ZONE,
                "enabled": True,
            },
            RULE_SEED,
        ),
        DnsServer(
            "dns_server",
            "ucops.expressway.dns_server",
            {"servers": list(DNS_DECLARED.values()), "state": "exact"},
            {
                "dnsservers": [
                    {"index": 1, "address": "192.0.2.1"},
                    {"index": 2, "address": "192.0.2.2"},
                    {"index": 4, "address": "192.0.2.4"},
                ]
            },
        ),
        DnsSettings(
            "dns_settings",
            "ucops.expressway.dns_settings",
            {"system_host_name": "expe9", "domain_name": "example.test"},
            {"dns": {"SystemHostName": "expe1", "DomainName": "old.example.test"}},
        ),
        FirewallPresent(
            "firewall_present",
            "ucops.expressway.firewall_rule",
            {"rules": [SIP, MEDIA], "management_port": 443},
            _fw_seed([MGMT, OTHER]),
        ),
        FirewallAbsent(
            "firewall_absent",
            "ucops.expressway.firewall_rule",
            {"rules": [{"priority": 100}], "state": "absent", "management_port": 443},
            _fw_seed([MGMT, rest_rule(SIP), rest_rule(MEDIA), OTHER]),
            instance=absent,
        ),
        TrustedCa("trusted_ca", "ucops.expressway.trusted_ca", {"path": str(new_ca_path)}),
        WebexB2b(
            "webex_b2b",
            "ucops.expressway.webex_b2b",
            {
                "dns_servers": list(B2B_DNS.values()),
                "system_host_name": B2B_SETTINGS["SystemHostName"],
                "domain_name": B2B_SETTINGS["DomainName"],
                "org_sip_domains": ["acme.calls.webex.com"],
                "inbound_target_zone": "Internal",
                "trusted_ca_files": [str(new_ca_path)],
                "firewall_webex": True,
                "management_port": 443,
            },
            B2B_SEED,
        ),
        ReadOnly("dns_zone_info", "ucops.expressway.dns_zone_info", {}, KEEP_ZONE, ("dns_zones",)),
        ReadOnly(
            "search_rule_info", "ucops.expressway.search_rule_info", {"name": "Keep Rule"}, RULE_SEED, ("search_rules",)
        ),
        ReadOnly("system_info", "ucops.expressway.system_info", {}, None, ("product", "version", "system_name")),
        ReadOnly(
            "webex_config_check",
            "ucops.expressway.webex_config_check",
            {"inbound_target_zone": "Internal", "sip_domains": ["acme.calls.webex.com"], "fail_on": "never"},
            WEBEX_SEED,
        ),
    ]
    return {case.key: case for case in cases}


WRITE_MODULES = (
    "dns_zone",
    "search_rule",
    "dns_server",
    "dns_settings",
    "firewall_present",
    "firewall_absent",
    "trusted_ca",
    "webex_b2b",
)
READ_MODULES = ("dns_zone_info", "search_rule_info", "system_info", "webex_config_check")
# The order modules joined the matrix: a module's place picks its members of each fault class, so a
# newcomer goes last and every earlier module keeps its cases.
ROTATION = WRITE_MODULES[:-1] + READ_MODULES + ("webex_b2b",)


def _pick(members, number, count=1):
    """`count` members of a fault class, starting at a different one for each module number."""
    return [members[(number + step) % len(members)] for step in range(count)]


def _rotation(number, position):
    if position == "first":
        return _pick(RETRY_STATUS, number) + _pick(CONNECTION, number) + _pick(BODY, number) + _pick(REFUSAL, number)
    if position == "write_before":
        return _pick(RETRY_STATUS, number + 1) + _pick(WRITE_BEFORE[5:9], number) + _pick(REFUSAL, number + 1)
    return (
        _pick(WRITE_AFTER[:4], number + 2, 2)
        + _pick(CONNECTION, number + 2, 2)
        + _pick(BODY, number + 1)
        + _pick(REFUSAL, number + 2)
    )


def matrix(full=None):
    """Case ids: MODULE-POSITION-FAULT[-always]."""
    full = os.environ.get("UCOPS_FAULTS_FULL") == "1" if full is None else full
    cases = []
    for number, key in enumerate(ROTATION):
        positions = ("first",) if key in READ_MODULES else ("first", "write_before", "write_after")
        for position in positions:
            if full or key == "dns_zone":
                faults = {"first": FAULTS, "write_before": WRITE_BEFORE, "write_after": WRITE_AFTER}[position]
            elif key in READ_MODULES:  # every body fault: each module parses its answer its own way
                faults = _rotation(number, position) + [fault for fault in BODY if fault != _pick(BODY, number)[0]]
            else:
                faults = _rotation(number, position)
            cases += [f"{key}-{position}-{fault}" for fault in faults]
    # A fault that does not heal: the run must end with a clear error after its retries.
    cases += [
        "dns_zone-first-http503-always",
        "dns_zone-first-reset_before-always",
        "dns_settings-write_before-http503-always",
        "system_info-first-truncated-always",
    ]
    return cases


def parse(case_id):
    """(module key, position, fault, count) of a case id; count 0 means every matching request."""
    parts = case_id.split("-")
    count = 0 if parts[-1] == "always" else 1
    return parts[0], parts[1], parts[2], count
