# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pre-populate an instance from a seed document, through the same checks as API writes."""

import json
from pathlib import Path

from expressway_emulator.certs import split_pem
from expressway_emulator.errors import ApiError
from expressway_emulator.firewall import FirewallConfiguration, seed_active
from expressway_emulator.named import SearchRuleCollection, ZoneCollection
from expressway_emulator.schemas import ZONE_KINDS
from expressway_emulator.system import DnsServers, DnsSettings, SipConfiguration

SEED_KEYS = ("zones", "searchrules", "dnsservers", "dns", "sip", "firewall", "rootcas_pem")


def load_seed(value, base_dir=None):
    """A seed given inline (dict), as a file path, or not at all."""
    if not value:
        return {}
    if isinstance(value, dict):
        return value
    path = Path(value)
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    return json.loads(path.read_text(encoding="utf-8"))


def apply_seed(state, seed):
    """Raise ValueError naming the offending seed entry when anything in it would be refused."""
    unknown = sorted(set(seed) - set(SEED_KEYS))
    if unknown:
        raise ValueError(f"unknown seed key(s): {', '.join(unknown)}; allowed: {', '.join(SEED_KEYS)}")
    steps = []
    for kind, zones in seed.get("zones", {}).items():
        if kind not in ZONE_KINDS:
            raise ValueError(f"unknown zone kind in seed: {kind!r}")
        product = ZONE_KINDS[kind][2]
        if product and product != state.config.product:
            raise ValueError(f"zone kind {kind!r} does not exist on {state.config.product}")
        steps += [(f"zones.{kind}", ZoneCollection(kind).post, zone) for zone in zones]
    rules = SearchRuleCollection()
    steps += [
        ("searchrules", lambda st, body: rules.post(st, body, seeding=True), rule)
        for rule in seed.get("searchrules", [])
    ]
    steps += [("dnsservers", DnsServers().post, {"DefaultDNSServers": server}) for server in seed.get("dnsservers", [])]
    if "dns" in seed:
        steps.append(("dns", DnsSettings().put, seed["dns"]))
    if "sip" in seed:
        steps.append(("sip", SipConfiguration().put, seed["sip"]))
    firewall = seed.get("firewall", {})
    steps += [("firewall.pending", FirewallConfiguration().post, rule) for rule in firewall.get("pending", [])]
    for where, call, body in steps:
        try:
            call(state, body)
        except ApiError as err:
            raise ValueError(f"seed {where}: {body!r} refused: {err.message}") from err
    try:
        seed_active(state, firewall.get("active", []))
        if "rootcas_pem" in seed:
            state.root_pems = split_pem(seed["rootcas_pem"]) if seed["rootcas_pem"].strip() else []
    except ApiError as err:
        raise ValueError(f"seed firewall.active or rootcas_pem refused: {err.message}") from err
