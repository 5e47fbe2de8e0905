# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's own reading of the API contract: every key, value set and default per resource.

Keys the contract marks as confidence L are spelled as the contract spells them; keys the contract
does not list at all (other zone types, SIP settings) are documented in docs/emulator.md.
"""

from expressway_emulator.fields import enum, integer, on_off, text

ZONE_NAME = text(50, default=None, min_len=1, required=True)
ENCRYPTION = ("ForceEncrypted", "ForceUnencrypted", "BestEffort", "Auto")

DNS_ZONE = {
    "Name": ZONE_NAME,
    "HopCount": integer(1, 255, 15),
    "H323Mode": on_off("On"),
    "SIPMode": on_off("On"),
    "SIPTLSVerifyMode": on_off("Off"),
    "SIPTLSVerifySubjectName": text(253, kind="fqdn"),
    "SIPTLSVerifyInboundClassification": on_off("Off"),
    "SIPDefaultTransport": enum(("UDP", "TCP", "TLS"), "UDP"),
    "SIPMediaEncryptionMode": enum(ENCRYPTION, "Auto"),
    "SIPMediaICESupport": on_off("Off"),
    "SIPPreloadedSipRoutesSupport": on_off("Off"),
    "SIPDnsOverrideOverride": on_off("Off"),
    "SIPDnsOverrideName": text(253, kind="fqdn"),
    "ZoneProfile": enum(("Default", "Custom"), "Default"),
    "SIPSearchAutoResponse": on_off("Off"),
    "IncludeAddressRecord": on_off("Off"),
    "SIPParameterPreservationMode": on_off("Off"),
    "SIPPoisonMode": on_off("Off"),
    "SIPUDPBFCPFilterMode": on_off("Off"),
    "SIPRecordRouteAddressType": enum(("IP", "Hostname"), "IP"),
}


def _peer_zone(transport_default, port_default, peers):
    """The shared minimal shape of neighbor and traversal zones (contract lists no fields)."""
    schema = {
        "Name": ZONE_NAME,
        "HopCount": integer(1, 255, 15),
        "H323Mode": on_off("On"),
        "SIPMode": on_off("On"),
        "SIPTransport": enum(("UDP", "TCP", "TLS"), transport_default),
        "SIPPort": integer(1, 65535, port_default),
        "SIPTLSVerifyMode": on_off("Off"),
        "SIPMediaEncryptionMode": enum(ENCRYPTION, "Auto"),
        "SIPMediaICESupport": on_off("Off"),
        "SIPPoisonMode": on_off("Off"),
    }
    for number in range(1, peers + 1):
        schema[f"Peer{number}Address"] = text(253, kind="host")
    return schema


NEIGHBOR_ZONE = _peer_zone("TLS", 5061, peers=6)
TRAVERSAL_SERVER_ZONE = dict(
    _peer_zone("TLS", 7001, peers=0), SIPTLSVerifySubjectName=text(253, kind="fqdn"), AuthenticationUserName=text(128)
)
TRAVERSAL_CLIENT_ZONE = dict(_peer_zone("TLS", 7001, peers=6), AuthenticationUserName=text(128))

SEARCH_RULE = {
    "Name": text(50, default=None, min_len=1, required=True),
    "Description": text(64),
    "Priority": integer(1, 65534, 100, required=True),
    "Protocol": enum(("Any", "H323", "SIP"), "Any"),
    "Source": enum(("Any", "AllZones", "LocalZone", "Named"), "Any"),
    "SourceName": text(50),
    "MustAuthenticateRequest": enum(("Yes", "No"), "No"),
    "Mode": enum(("AliasPatternMatch", "AnyAlias", "AnyIPAddress"), "AliasPatternMatch"),
    "PatternType": enum(("Exact", "Prefix", "Suffix", "Regex"), "Prefix"),
    "PatternString": text(1024),
    "PatternBehavior": enum(("Strip", "Leave", "Replace"), "Leave"),
    "ReplaceString": text(1024),
    "OnSuccessfulMatch": enum(("Continue", "Stop"), "Continue"),
    "TargetName": text(50, default=None, min_len=1, required=True),
    "SIPVariant": enum(("Any",), "Any"),
    "State": enum(("Enabled", "Disabled"), "Enabled"),
    "SystemGenerated": enum(("Yes", "No"), "No", readonly=True),
}

DNS_SETTINGS = {
    "SystemHostName": text(63, kind="label"),
    "DomainName": text(253, kind="fqdn"),
}

DNS_SERVER = {
    "index": integer(1, 5, required=True),
    "address": text(45, default=None, min_len=1, kind="ip", required=True),
}

SIP_CONFIGURATION = {
    "Mode": on_off("On"),
    "UDPMode": on_off("Off"),
    "UDPPort": integer(1024, 65533, 5060),
    "TCPMode": on_off("Off"),
    "TCPPort": integer(1024, 65533, 5060),
    "TLSMode": on_off("On"),
    "TLSPort": integer(1024, 65533, 5061),
    "MutualTLSMode": on_off("Off"),
    "MutualTLSPort": integer(1024, 65533, 5062),
    "TCPOutboundPortStart": integer(1024, 65533, 25000),
    "TCPOutboundPortEnd": integer(1024, 65533, 29999),
    "SessionRefreshInterval": integer(90, 7200, 1800),
    "MinimumSessionRefreshInterval": integer(90, 7200, 500),
}

FIREWALL_SERVICES = ("Custom", "SSH", "HTTP", "HTTPS", "SNMP", "NTP", "DNS")
FIREWALL_RULE = {
    "Index": integer(1, 10000),
    "Priority": integer(1, 65534, required=True),
    "Address": text(45, default=None, min_len=1, kind="ip", required=True),
    "PrefixLength": integer(0, 128, required=True),
    "Interface": enum(("LAN1", "LAN2"), "LAN1"),
    "Service": enum(FIREWALL_SERVICES, "Custom"),
    "Transport": enum(("TCP", "UDP", "TCPAndUDP"), "TCP"),
    "StartPort": integer(1, 65535, 1),
    "EndPort": integer(1, 65535, 65535),
    "Action": enum(("Allow", "Drop", "Reject"), None, required=True),
    "Description": text(64),
}

# Zone kinds: collection path under /api/provisioning -> (schema, product that serves it).
ZONE_KINDS = {
    "dnszone": ("common/zone/dnszone", DNS_ZONE, None),
    "neighborzone": ("common/zone/neighborzone", NEIGHBOR_ZONE, None),
    "traversalserver": ("edge/zone/traversalserver", TRAVERSAL_SERVER_ZONE, "expressway-e"),
    "traversalclient": ("controller/zone/traversalclient", TRAVERSAL_CLIENT_ZONE, "expressway-c"),
}

# Zones every system has; rules may target them, nobody may create or delete them.
BUILTIN_ZONES = ("LocalZone", "DefaultZone")
MAX_ZONES = 1000
MAX_RULES = 2000
