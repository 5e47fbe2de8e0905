# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Value checks shared by the schemas: versions, host names, addresses."""

import ipaddress
import re

_VERSION = re.compile(r"X(\d+(?:\.\d+)*)\Z")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def parse_version(text):
    """'X14.3.2' -> (14, 3, 2); compared as tuples so that X8.10 > X8.9.1."""
    match = _VERSION.match(text or "")
    if not match:
        raise ValueError(f"not an Expressway version string: {text!r} (expected e.g. X14.3.2)")
    return tuple(int(part) for part in match.group(1).split("."))


def version_at_least(version, minimum):
    """True when `version` (a tuple) is `minimum` (a string like 'X8.9.1') or newer."""
    want = parse_version(minimum)
    width = max(len(version), len(want))
    return version + (0,) * (width - len(version)) >= want + (0,) * (width - len(want))


def is_fqdn(text):
    """A DNS name of one or more labels; a single trailing dot is accepted."""
    name = text[:-1] if text.endswith(".") else text
    if not name or len(name) > 253:
        return False
    return all(_LABEL.match(label) for label in name.split("."))


def is_hostname_label(text):
    return bool(_LABEL.match(text))


def ip_version(text):
    """4 or 6 for a literal IP address, None for anything else (names, prefixes, junk)."""
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None
