# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-instance configuration (what the box is) and state (what is configured on it).

State lives in memory only: a restart of the process starts from the seed again.
"""

import hashlib
import threading
import time
from dataclasses import dataclass, field

from expressway_emulator.schemas import SIP_CONFIGURATION, ZONE_KINDS
from expressway_emulator.switches import Faults, check, defaults, parse_faults
from expressway_emulator.validators import parse_version

PRODUCTS = {"expressway-e": "Expressway-E", "expressway-c": "Expressway-C"}
CLUSTER_ROLES = ("standalone", "primary", "peer")


@dataclass
class InstanceConfig:
    """What the emulated box is: product, version, role, address."""

    name: str
    host: str
    port: int
    product: str = "expressway-e"
    version: str = "X14.3.2"
    cluster_role: str = "standalone"
    system_name: str = ""
    advanced_networking: bool = False
    seed: dict = field(default_factory=dict)
    switches: dict = field(default_factory=dict)  # answer shapes, see switches.py; missing: default
    fail_after_apply: str = ""

    def __post_init__(self):
        if self.product not in PRODUCTS:
            raise ValueError(f"product must be one of {', '.join(PRODUCTS)}, not {self.product!r}")
        if self.cluster_role not in CLUSTER_ROLES:
            raise ValueError(f"cluster_role must be one of {', '.join(CLUSTER_ROLES)}")
        self.version_tuple = parse_version(self.version)
        self.switches = dict(defaults(), **{name: check(name, value) for name, value in self.switches.items()})
        self.faults = parse_faults(self.fail_after_apply)
        if not self.system_name:
            self.system_name = self.name or self.default_host_name

    @property
    def system_type(self):
        return PRODUCTS[self.product]

    @property
    def default_host_name(self):
        return "expe" if self.product == "expressway-e" else "expc"

    @property
    def serial_number(self):
        # Stable per instance name, so tests and logs can rely on it across restarts.
        return "0EMU" + hashlib.sha256(self.name.encode()).hexdigest()[:8].upper()


class InstanceState:
    """Everything an emulated box has configured; one lock serialises all requests to it."""

    def __init__(self, config, root_pems=(), server_pem=""):
        self.config = config
        self.lock = threading.RLock()
        self.started = time.monotonic()
        self.zones = {kind: {} for kind in ZONE_KINDS}
        self.rules = {}
        self.dns = {"SystemHostName": config.default_host_name, "DomainName": "example.test"}
        self.dns_servers = {}
        self.sip = {key: spec.default for key, spec in SIP_CONFIGURATION.items()}
        self.fw_pending = {}
        self.fw_active = []
        self.root_pems = list(root_pems)
        self.server_pem = server_pem
        self.faults = Faults(config.faults)

    def uptime(self):
        return int(time.monotonic() - self.started)

    def zone_kind_of(self, name):
        """The kind of the user zone called `name`, or None."""
        for kind, zones in self.zones.items():
            if name in zones:
                return kind
        return None

    def zone_count(self):
        return sum(len(zones) for zones in self.zones.values())

    def rules_referencing(self, zone_name):
        return [
            rule["Name"]
            for rule in self.rules.values()
            if zone_name in (rule.get("TargetName"), rule.get("SourceName"))
        ]
