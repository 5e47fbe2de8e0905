# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed fields and the strict body check every write goes through."""

from expressway_emulator.errors import bad_request
from expressway_emulator.validators import ip_version, is_fqdn, is_hostname_label

ON_OFF = ("On", "Off")


class Field:
    """One body key: its JSON type, allowed values and default (None = no default)."""

    def __init__(
        self,
        kind,
        default=None,
        choices=None,
        low=None,
        high=None,
        required=False,
        readonly=False,
        max_len=None,
        min_len=0,
    ):
        self.kind = kind  # enum | int | str | fqdn | label | ip | host
        self.default = default
        self.choices = choices
        self.low, self.high = low, high
        self.required = required
        self.readonly = readonly
        self.max_len, self.min_len = max_len, min_len

    def check(self, key, value):
        """Raise a 400 unless `value` is acceptable for this field."""
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad_request(f"{key}: expected an integer, got {type(value).__name__}")
            if not self.low <= value <= self.high:
                raise bad_request(f"{key}: {value} is out of range {self.low}-{self.high}")
            return
        if not isinstance(value, str):
            raise bad_request(f"{key}: expected a string, got {type(value).__name__}")
        if self.kind == "enum":
            if value not in self.choices:
                raise bad_request(f"{key}: '{value}' is not one of {', '.join(self.choices)}")
            return
        self._check_text(key, value)

    def _check_text(self, key, value):
        if self.max_len is not None and not self.min_len <= len(value) <= self.max_len:
            raise bad_request(f"{key}: length must be {self.min_len}-{self.max_len} characters")
        if value == "" and self.kind != "label":
            return
        if self.kind == "fqdn" and not is_fqdn(value):
            raise bad_request(f"{key}: '{value}' is not a valid FQDN")
        if self.kind == "label" and not is_hostname_label(value):
            raise bad_request(f"{key}: '{value}' is not a valid host name (one DNS label)")
        if self.kind == "ip" and ip_version(value) is None:
            raise bad_request(f"{key}: '{value}' is not a valid IPv4 or IPv6 address")
        if self.kind == "host" and ip_version(value) is None and not is_fqdn(value):
            raise bad_request(f"{key}: '{value}' is neither an IP address nor an FQDN")


def enum(choices, default, **kw):
    return Field("enum", default=default, choices=tuple(choices), **kw)


def on_off(default):
    return enum(ON_OFF, default)


def integer(low, high, default=None, **kw):
    return Field("int", default=default, low=low, high=high, **kw)


def text(max_len, default="", min_len=0, kind="str", **kw):
    return Field(kind, default=default, max_len=max_len, min_len=min_len, **kw)


def json_schema(schema):
    """A JSON Schema draft 4 text for `schema`, as the box's RAML carries one per resource."""
    props = {}
    for key, field in schema.items():
        if field.kind == "int":
            props[key] = {"type": "integer", "minimum": field.low, "maximum": field.high}
        elif field.kind == "enum":
            props[key] = {"type": "string", "enum": list(field.choices)}
        else:
            props[key] = {"type": "string", "maxLength": field.max_len}
        if field.default is not None:
            props[key]["default"] = field.default
        if field.readonly:
            props[key]["readOnly"] = True
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "additionalProperties": False,
        "properties": props,
        "required": [key for key, field in schema.items() if field.required],
    }


def _check_known(schema, body, allow_readonly):
    for key, value in body.items():
        field = schema.get(key)
        if field is None:
            raise bad_request(f"Unknown key '{key}': allowed keys are {', '.join(sorted(schema))}")
        if field.readonly and not allow_readonly:
            raise bad_request(f"{key} is read-only and cannot be set")
        field.check(key, value)


def build_new(schema, body, allow_readonly=False):
    """A complete object for a create: checked keys plus defaults; 400 on anything wrong."""
    _check_known(schema, body, allow_readonly)
    missing = [key for key, field in schema.items() if field.required and key not in body]
    if missing:
        raise bad_request(f"Missing required key(s): {', '.join(missing)}")
    # Keys come back in schema order, like a real box renders its own objects.
    return {
        key: body.get(key, field.default) for key, field in schema.items() if key in body or field.default is not None
    }


def apply_update(schema, current, body):
    """A copy of `current` with the checked keys of `body` applied (partial update)."""
    _check_known(schema, body, allow_readonly=False)
    obj = dict(current)
    obj.update(body)
    return obj
