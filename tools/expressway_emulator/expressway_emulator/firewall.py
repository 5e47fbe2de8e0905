# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Firewall rules: edits go to a pending set; activation copies it to the active set."""

import copy

from expressway_emulator.errors import bad_request
from expressway_emulator.fields import apply_update, build_new
from expressway_emulator.named import CREATED, DELETED, UPDATED, _key_only
from expressway_emulator.schemas import FIREWALL_RULE
from expressway_emulator.validators import ip_version


def check_rule(state, rule):
    """Checks spanning several keys, applied to the whole rule after every create or update."""
    family = ip_version(rule["Address"])
    limit = 32 if family == 4 else 128
    if rule["PrefixLength"] > limit:
        raise bad_request(f"PrefixLength: {rule['PrefixLength']} is out of range 0-{limit} for IPv{family}")
    if rule["StartPort"] > rule["EndPort"]:
        raise bad_request("StartPort must not be greater than EndPort")
    if rule["Interface"] == "LAN2" and not state.config.advanced_networking:
        raise bad_request("Interface LAN2 requires the Advanced Networking option key")


class FirewallConfiguration:
    """The pending rule set; items carry their ``Index``, assigned on POST when absent."""

    schema = FIREWALL_RULE

    def get(self, state, name=None):
        return 200, [dict(rule) for _index, rule in sorted(state.fw_pending.items())]

    def post(self, state, body, seeding=False):
        rule = build_new(FIREWALL_RULE, body)
        if "Index" in rule:
            if rule["Index"] in state.fw_pending:
                raise bad_request(f"Firewall rule Index {rule['Index']} already exists")
        else:
            rule["Index"] = max(state.fw_pending, default=0) + 1
        check_rule(state, rule)
        state.fw_pending[rule["Index"]] = rule
        return 201, CREATED

    def put(self, state, body):
        current = self._find(state, body.get("Index"))
        rule = apply_update(FIREWALL_RULE, current, body)
        check_rule(state, rule)
        state.fw_pending[rule["Index"]] = rule
        return 200, UPDATED

    def delete(self, state, body):
        self._find(state, _key_only(body, "Index"))
        del state.fw_pending[body["Index"]]
        if state.config.switches["firewall_index"] == "compact":
            # The rules after the deleted one move up: Index is a position, not an identity.
            state.fw_pending = {
                number: dict(rule, Index=number)
                for number, (_index, rule) in enumerate(sorted(state.fw_pending.items()), start=1)
            }
        return 200, DELETED

    @staticmethod
    def _find(state, index):
        if index is None:
            raise bad_request("Missing required key: Index")
        FIREWALL_RULE["Index"].check("Index", index)
        if index not in state.fw_pending:
            raise bad_request(f"Firewall rule Index {index} does not exist")
        return state.fw_pending[index]


class FirewallActivation:
    """PUT activates the pending set, refusing (and keeping the active set) on a priority clash."""

    def put(self, state, body):
        if body:
            raise bad_request(f"Unknown key(s): {', '.join(sorted(body))}; activation takes no parameters")
        seen = {}
        for index, rule in sorted(state.fw_pending.items()):
            if rule["Priority"] in seen:
                raise bad_request(
                    f"Cannot activate firewall rules: rules {seen[rule['Priority']]} and {index} "
                    f"share priority {rule['Priority']}"
                )
            seen[rule["Priority"]] = index
        state.fw_active = [copy.deepcopy(rule) for _index, rule in sorted(state.fw_pending.items())]
        return 200, {"Message": "Firewall rules activated."}


class FirewallActive:
    def get(self, state, name=None):
        return 200, [dict(rule) for rule in state.fw_active]


def seed_active(state, rules):
    """The seed's active set goes through the same checks as a write, then straight to active."""
    active = []
    for number, body in enumerate(rules, start=1):
        rule = build_new(FIREWALL_RULE, body)
        rule.setdefault("Index", number)
        check_rule(state, rule)
        active.append(rule)
    state.fw_active = active
