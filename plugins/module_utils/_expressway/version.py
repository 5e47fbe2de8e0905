# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Expressway software versions ("X14.3.2") parsed into tuples that compare numerically.

String comparison gets "X8.10" < "X8.5" wrong; tuples get X8.5.3 < X8.10 < X14.3.2 right. Missing
trailing parts count as zero, so X14.3 == X14.3.0.
"""

from __future__ import annotations

import re

_VERSION_RE = re.compile(r'^\s*[Xx]?(\d+(?:\.\d+)*)')


def parse_version(text):
    """'X14.3.2' -> (14, 3, 2). Suffixes after the numbers ('X14.3.2 RC1') are ignored."""
    match = _VERSION_RE.match(str(text or ''))
    if not match:
        raise ValueError(f'not an Expressway version: {text!r}')
    return tuple(int(part) for part in match.group(1).split('.'))


def _padded(version, width):
    return tuple(version) + (0,) * (width - len(version))


def compare_versions(left, right):
    """-1, 0 or 1, like the old cmp(); accepts strings or tuples."""
    left = parse_version(left) if isinstance(left, str) else tuple(left)
    right = parse_version(right) if isinstance(right, str) else tuple(right)
    width = max(len(left), len(right))
    left, right = _padded(left, width), _padded(right, width)
    return (left > right) - (left < right)


def version_at_least(version, minimum):
    """True when version >= minimum, e.g. version_at_least('X14.3.2', 'X8.10')."""
    return compare_versions(version, minimum) >= 0
