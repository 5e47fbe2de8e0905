# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render a saved Webex readiness report from a checkout of the collection.

The renderer imports itself as ``ansible_collections.ucops.expressway...``; a checkout is not laid out
that way, so this wrapper registers the checkout under that package name and runs the same CLI an
installed collection offers with ``python -m``. Arguments: see ``--help``.
"""

import sys
import types
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def _alias_checkout():
    for name, path in (
        ("ansible_collections", None),
        ("ansible_collections.ucops", None),
        ("ansible_collections.ucops.expressway", CHECKOUT),
    ):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(path)] if path else []
            sys.modules[name] = package


if __name__ == "__main__":
    _alias_checkout()
    from ansible_collections.ucops.expressway.plugins.module_utils._report.cli import main

    raise SystemExit(main())
