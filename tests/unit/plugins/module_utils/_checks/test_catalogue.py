# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The catalogue, the generated rules page and the Webex root copy cannot drift from their sources."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks import inbound, outbound, catalogue
from ansible_collections.ucops.expressway.plugins.module_utils._webex_cas import WEBEX_CAS

COLLECTION = Path(__file__).resolve().parents[5]


def _script(name):
    spec = importlib.util.spec_from_file_location('ucops_' + name, str(COLLECTION / 'scripts' / ('%s.py' % name)))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shared(relative):
    """A file of the shared project folder beside the repository, when this checkout has one."""
    for parent in COLLECTION.parents:
        candidate = parent / 'shared' / relative
        if candidate.is_file():
            return candidate
    return None


def test_catalogue_is_well_formed():
    assert len(catalogue.RULES) == len(catalogue._RULES)
    for rule in catalogue.RULES.values():
        assert rule.level in catalogue.LEVELS and rule.section in catalogue.SECTIONS
        assert rule.text and rule.remedy and rule.check and rule.evidence and rule.source


def test_catalogue_matches_the_requirements_page():
    page = _shared('spec/webex-b2b-requirements.md')
    if page is None:
        pytest.skip('the requirements page is not beside this checkout')
    text = page.read_text(encoding='utf-8').split('## D.')[0]
    rows = re.findall(r'^\| ((?:OUT|IN|EXP)-[A-Z-]+) \| (must|should|info) \|', text, re.MULTILINE)
    assert rows and dict(rows) == dict((rule.id, rule.level) for rule in catalogue.RULES.values())


def test_rules_page_is_generated_from_the_catalogue():
    generator = _script('gen_rules_doc')
    committed = (COLLECTION / 'docs' / 'rules.md').read_text(encoding='utf-8')
    assert committed == generator.render(catalogue), 'docs/rules.md is stale: run scripts/gen_rules_doc.py'
    for rule_id in catalogue.RULES:
        assert '### %s (' % rule_id in committed


def test_webex_root_copy_matches_the_shared_data():
    source = _shared('data/webex-trusted-cas.json')
    if source is None:
        pytest.skip('webex-trusted-cas.json is not beside this checkout')
    data = json.loads(source.read_text(encoding='utf-8'))
    assert WEBEX_CAS == _script('gen_webex_cas').entries(data)


def test_every_rule_the_runners_emit_is_in_the_catalogue():
    others = {
        'OUT-URI',
        'OUT-HOST',
        'OUT-A',
        'OUT-VERSION',
        'IN-DNS',
        'IN-SRV',
        'IN-MTLS',
        'IN-PTR',
        'IN-CONTACT',
        'EXP-CERT',
    }
    emitted = set(outbound.ADDRESS_RULES) | set(inbound.CERT_RULES) | others
    assert emitted <= set(catalogue.RULES)
    assert {'OUT-SIP', 'IN-CERT-VALID', 'EXP-CERT'} <= emitted
