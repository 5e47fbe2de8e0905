# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filter webex_b2b_objects: the profile's objects and gate for a host, unknown inputs refused."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.ucops.expressway.plugins.filter.webex_b2b_objects import webex_b2b_objects
from ansible_collections.ucops.expressway.plugins.module_utils import _webex

E = {'product': 'E', 'version': 'X14.3.2'}


def test_the_filter_returns_the_profile_objects_and_the_gate():
    inputs = {'org_sip_domains': ['acme.calls.webex.test'], 'generation': None}
    objects = webex_b2b_objects(inputs, E)
    assert objects['gate'] is None and objects['search_rules'] == _webex.host_objects(inputs, E)['search_rules']
    old = webex_b2b_objects({'generation': 'webex'}, dict(E, version='X8.10'))
    assert 'older than X8.11.4' in old['gate']
    assert 'Expressway-C' in webex_b2b_objects({'manage_zone': True}, {'product': 'C', 'version': 'X14.3'})['gate']


def test_unknown_inputs_and_non_dicts_are_refused():
    with pytest.raises(AnsibleFilterError, match='unknown input'):
        webex_b2b_objects({'zone': 'x'}, E)
    with pytest.raises(AnsibleFilterError, match='expects a dict'):
        webex_b2b_objects(['x'], E)
