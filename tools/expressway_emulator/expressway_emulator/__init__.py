# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in Cisco Expressway: HTTPS, Basic auth and the provisioning REST API, kept strict.

It reads the project's API contract on its own (nothing is imported from the collection), so a
wrong key or value in the collection's field tables shows up here as a 400, as on a real box.
"""

__version__ = "0.1.0"
