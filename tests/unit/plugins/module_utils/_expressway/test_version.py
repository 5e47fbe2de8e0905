# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._expressway.version import (
    compare_versions,
    parse_version,
    version_at_least,
)


@pytest.mark.parametrize(
    'text, expected',
    [
        ('X14.3.2', (14, 3, 2)),
        ('X8.10', (8, 10)),
        ('x8.5.3', (8, 5, 3)),
        ('14.2', (14, 2)),
        (' X15.0.1 RC2', (15, 0, 1)),
    ],
)
def test_parse(text, expected):
    assert parse_version(text) == expected


@pytest.mark.parametrize('text', ['', None, 'Expressway', 'X'])
def test_parse_rejects(text):
    with pytest.raises(ValueError):
        parse_version(text)


def test_numeric_order_not_string_order():
    ordered = ['X8.5.3', 'X8.9.1', 'X8.10', 'X8.11.4', 'X12.5', 'X14.0.1', 'X14.3.2', 'X15.0']
    for low, high in zip(ordered, ordered[1:]):
        assert compare_versions(low, high) == -1
        assert compare_versions(high, low) == 1


def test_missing_parts_are_zero():
    assert compare_versions('X14.3', 'X14.3.0') == 0
    assert compare_versions((14, 3), 'X14.3.0') == 0


def test_at_least():
    assert version_at_least('X14.3.2', 'X8.10')
    assert version_at_least('X8.10', 'X8.10')
    assert not version_at_least('X8.9.1', 'X8.10')
