# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Collections keyed by ``Name``: the zone kinds and search rules, with their cross references."""

import re

from expressway_emulator.errors import bad_request
from expressway_emulator.fields import apply_update, build_new
from expressway_emulator.schemas import (
    BUILTIN_ZONES,
    MAX_RULES,
    MAX_ZONES,
    SEARCH_RULE,
    ZONE_KINDS,
    ZONE_NAME,
)

CREATED = {"Message": "The item was created successfully."}
UPDATED = {"Message": "The item was updated successfully."}
DELETED = {"Message": "The item was deleted successfully."}


def _key_only(body, key):
    """DELETE bodies carry the key and nothing else."""
    extra = sorted(set(body) - {key})
    if extra:
        raise bad_request(f"Unknown key(s) in delete request: {', '.join(extra)}")
    if key not in body:
        raise bad_request(f"Missing required key: {key}")
    return body[key]


def _pop_new_name(body):
    """Split a PUT body into (body without New_Name, new name or None)."""
    body = dict(body)
    new_name = body.pop("New_Name", None)
    if new_name is not None:
        ZONE_NAME.check("New_Name", new_name)
    return body, new_name


def _filtered(objects, name):
    if name is None:
        return [dict(obj) for obj in objects.values()]
    return [dict(objects[name])] if name in objects else []


class ZoneCollection:
    """One zone kind (dnszone, neighborzone, ...); names are unique across every kind."""

    def __init__(self, kind):
        self.kind = kind
        self.schema = ZONE_KINDS[kind][1]

    def get(self, state, name=None):
        return 200, _filtered(state.zones[self.kind], name)

    def post(self, state, body, seeding=False):
        obj = build_new(self.schema, body)
        self._check_name_free(state, obj["Name"])
        if state.zone_count() >= MAX_ZONES:
            raise bad_request(f"Cannot create zone: the limit of {MAX_ZONES} zones is reached")
        state.zones[self.kind][obj["Name"]] = obj
        return 201, CREATED

    def put(self, state, body):
        body, new_name = _pop_new_name(body)
        current = self._find(state, body)
        obj = apply_update(self.schema, current, body)
        zones = state.zones[self.kind]
        if new_name is not None and new_name != current["Name"]:
            self._check_name_free(state, new_name)
            obj["Name"] = new_name
            # Rules point at zones, so a rename carries over to them like on the box.
            for rule in state.rules.values():
                for key in ("TargetName", "SourceName"):
                    if rule.get(key) == current["Name"]:
                        rule[key] = new_name
            zones.pop(current["Name"])
        zones[obj["Name"]] = obj
        return 200, UPDATED

    def delete(self, state, body):
        name = _key_only(body, "Name")
        self._find(state, {"Name": name})
        users = state.rules_referencing(name)
        if users:
            raise bad_request(f"Cannot delete zone '{name}': it is used by search rule(s) {', '.join(users)}")
        del state.zones[self.kind][name]
        return 200, DELETED

    def _find(self, state, body):
        if "Name" not in body:
            raise bad_request("Missing required key: Name")
        ZONE_NAME.check("Name", body["Name"])
        obj = state.zones[self.kind].get(body["Name"])
        if obj is None:
            raise bad_request(f"Zone '{body['Name']}' does not exist")
        return obj

    @staticmethod
    def _check_name_free(state, name):
        if name in BUILTIN_ZONES or state.zone_kind_of(name):
            raise bad_request(f"A zone named '{name}' already exists")


class SearchRuleCollection:
    """Search rules; their TargetName and SourceName must name existing zones."""

    schema = SEARCH_RULE

    def get(self, state, name=None):
        return 200, _filtered(state.rules, name)

    def post(self, state, body, seeding=False):
        obj = build_new(self.schema, body, allow_readonly=seeding)
        if obj["Name"] in state.rules:
            raise bad_request(f"A search rule named '{obj['Name']}' already exists")
        if len(state.rules) >= MAX_RULES:
            raise bad_request(f"Cannot create search rule: the limit of {MAX_RULES} rules is reached")
        _check_rule(state, obj)
        state.rules[obj["Name"]] = obj
        return 201, CREATED

    def put(self, state, body):
        body, new_name = _pop_new_name(body)
        current = self._find(state, body)
        obj = apply_update(self.schema, current, body)
        _check_rule(state, obj)
        if new_name is not None and new_name != current["Name"]:
            if new_name in state.rules:
                raise bad_request(f"A search rule named '{new_name}' already exists")
            obj["Name"] = new_name
        # Rebuild to keep the rule order while replacing (or renaming) one entry in place.
        state.rules = {
            (obj["Name"] if key == current["Name"] else key): (obj if key == current["Name"] else rule)
            for key, rule in state.rules.items()
        }
        return 200, UPDATED

    def delete(self, state, body):
        self._find(state, {"Name": _key_only(body, "Name")})
        del state.rules[body["Name"]]
        return 200, DELETED

    def _find(self, state, body):
        if "Name" not in body:
            raise bad_request("Missing required key: Name")
        SEARCH_RULE["Name"].check("Name", body["Name"])
        obj = state.rules.get(body["Name"])
        if obj is None:
            raise bad_request(f"Search rule '{body['Name']}' does not exist")
        if obj.get("SystemGenerated") == "Yes":
            raise bad_request(f"Search rule '{body['Name']}' is system generated and cannot be changed")
        return obj


def _zone_exists(state, name):
    return name in BUILTIN_ZONES or state.zone_kind_of(name) is not None


def _check_rule(state, rule):
    """The checks that span several keys of a rule, applied after every create or update."""
    if not _zone_exists(state, rule["TargetName"]):
        raise bad_request(f"TargetName: zone '{rule['TargetName']}' does not exist")
    if rule.get("Source") == "Named" and not rule.get("SourceName"):
        raise bad_request("SourceName is required when Source is Named")
    if rule.get("SourceName") and not _zone_exists(state, rule["SourceName"]):
        raise bad_request(f"SourceName: zone '{rule['SourceName']}' does not exist")
    if rule.get("Mode") != "AliasPatternMatch":
        return
    if not rule.get("PatternString"):
        raise bad_request("PatternString is required when Mode is AliasPatternMatch")
    if rule.get("PatternType") == "Regex":
        try:
            re.compile(rule["PatternString"])
        except re.error as err:
            raise bad_request(f"PatternString: invalid regular expression ({err})") from err
    if rule.get("PatternBehavior") == "Replace" and not rule.get("ReplaceString"):
        raise bad_request("ReplaceString is required when PatternBehavior is Replace")
