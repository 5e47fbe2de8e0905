# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which resources exist under ``/api/provisioning`` on which product and version, and the RAML."""

import json
from dataclasses import dataclass

from expressway_emulator.certs import RootCerts, ServerCert
from expressway_emulator.fields import json_schema
from expressway_emulator.firewall import FirewallActivation, FirewallActive, FirewallConfiguration
from expressway_emulator.named import SearchRuleCollection, ZoneCollection
from expressway_emulator.system import DnsServers, DnsSettings, SipConfiguration, SysInfo
from expressway_emulator.validators import version_at_least

NAME_FILTER_SINCE = "X8.9.1"
FIREWALL_SINCE = "X8.10"
CSRF_SINCE = "X14.2"


@dataclass
class Route:
    path: str  # relative to /api/provisioning, no leading slash
    handler: object
    methods: tuple
    description: str
    product: str = None  # None: both products
    since: str = None  # first version that serves it
    cluster_wide: bool = False  # replicated config: a peer refuses writes
    named: bool = False  # supports GET <path>/name/<Name>

    def served_by(self, config):
        if self.product and self.product != config.product:
            return False
        return self.since is None or version_at_least(config.version_tuple, self.since)


def _zone(kind, path, label, product=None):
    return Route(
        path,
        ZoneCollection(kind),
        ("GET", "POST", "PUT", "DELETE"),
        label,
        product=product,
        cluster_wide=True,
        named=True,
    )


ROUTES = [
    Route("sysinfo", SysInfo(), ("GET",), "System information"),
    _zone("dnszone", "common/zone/dnszone", "DNS zones"),
    _zone("neighborzone", "common/zone/neighborzone", "Neighbor zones"),
    _zone("traversalserver", "edge/zone/traversalserver", "Traversal server zones", "expressway-e"),
    _zone("traversalclient", "controller/zone/traversalclient", "Traversal client zones", "expressway-c"),
    Route(
        "common/searchrule",
        SearchRuleCollection(),
        ("GET", "POST", "PUT", "DELETE"),
        "Search rules",
        cluster_wide=True,
        named=True,
    ),
    Route("common/dns/dns", DnsSettings(), ("GET", "PUT"), "DNS settings (per peer)"),
    Route("common/dns/dnsserver", DnsServers(), ("GET", "POST", "PUT", "DELETE"), "Default DNS servers (per peer)"),
    Route(
        "common/protocol/sip/configuration",
        SipConfiguration(),
        ("GET", "PUT"),
        "SIP protocol settings",
        cluster_wide=True,
    ),
    Route(
        "common/firewallrules/configuration",
        FirewallConfiguration(),
        ("GET", "POST", "PUT", "DELETE"),
        "Firewall rules, pending set",
        since=FIREWALL_SINCE,
        cluster_wide=True,
    ),
    Route(
        "common/firewallrules/activation",
        FirewallActivation(),
        ("PUT",),
        "Activate pending firewall rules",
        since=FIREWALL_SINCE,
        cluster_wide=True,
    ),
    Route(
        "common/current/active/firewallrules",
        FirewallActive(),
        ("GET",),
        "Firewall rules, active set",
        since=FIREWALL_SINCE,
    ),
    Route("certs/root", RootCerts(), ("GET", "POST"), "Trusted CA certificates (PEM)", cluster_wide=True),
    Route("certs/server", ServerCert(), ("GET",), "Server certificate (PEM)"),
]


def resolve(config, segments):
    """(route, name filter or None) for path segments below the prefix, or None when not served."""
    path = "/".join(segments)
    for route in ROUTES:
        if not route.served_by(config):
            continue
        if path == route.path:
            return route, None
        parts = route.path.count("/") + 1
        if (
            route.named
            and len(segments) == parts + 2
            and "/".join(segments[:parts]) == route.path
            and segments[parts] == "name"
            and version_at_least(config.version_tuple, NAME_FILTER_SINCE)
        ):
            return route, segments[parts + 1]
    return None


def raml(config):
    """A RAML 0.8 description of what this instance serves."""
    lines = [
        "#%RAML 0.8",
        f"title: {config.system_type} provisioning API (emulated)",
        f"version: {config.version}",
        "baseUri: https://{host}/api/provisioning",
        "mediaType: application/json",
        "securitySchemes:",
        "  - basic:",
        "      type: Basic Authentication",
        "securedBy: [basic]",
    ]
    for route in ROUTES:
        if not route.served_by(config):
            continue
        lines.append(f"/{route.path}:")
        lines.append(f"  displayName: {route.description}")
        schema = getattr(route.handler, "schema", None)
        for method in route.methods:
            lines.append(f"  {method.lower()}:")
            lines.append(f"    description: {method} {route.description}")
            if schema and method in ("POST", "PUT"):
                text = json.dumps(json_schema(schema), indent=2).replace("\n", "\n            ")
                lines += ["    body:", "      application/json:", "        schema: |", f"            {text}"]
        if route.named and version_at_least(config.version_tuple, NAME_FILTER_SINCE):
            lines += ["  /name/{Name}:", "    get:", "      description: Filter by Name"]
    return "\n".join(lines) + "\n"
