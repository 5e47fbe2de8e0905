# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compact outbound results: one judgement per certificate chain, capped PTR lists, rows streamed to a file."""

from __future__ import annotations

import json
import os
import ssl

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks import (
    context as checks_context,
    resolver as checks_resolver,
    outbound,
    outbound_results,
)
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import count, module_result

TARGETS = 6


def _params(port, ca_bundle, **extra):
    params = dict(
        resolvers=['127.0.0.1'],
        resolver_port=port,
        ca_bundle=ca_bundle,
        expiry_warning_days=30,
        timeout=2.0,
        concurrency=4,
        sip_options_probe=False,
        fail_on='must',
    )
    params.update(extra)
    return params


@pytest.fixture
def shared_cert(pki, tmp_path, tls_server, dns_responder):
    """Three destinations, two SRV targets each, all six on one TLS server with one certificate chain.

    One address carries 12 PTR names: a hosting address, as in the loopback benchmark.
    """
    leaf, key = pki.leaf(sans=['*.example.test'])
    chain_file, key_file = pki.write(tmp_path, 'server', [leaf, pki.inter[0], pki.root[0]], key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain_file, key_file)
    server = tls_server(context)
    records = {
        ('1.0.0.127.in-addr.arpa', 'PTR'): ['t%d.example.test.' % n for n in range(TARGETS)]
        + ['other%02d.example.test.' % n for n in range(6)]
    }
    for n in range(TARGETS // 2):
        records[('_sips._tcp.d%d.example.test' % n, 'SRV')] = [
            '10 50 %d t%d.example.test.' % (server.port, 2 * n),
            '20 50 %d t%d.example.test.' % (server.port, 2 * n + 1),
        ]
    for n in range(TARGETS):
        records[('t%d.example.test' % n, 'A')] = ['127.0.0.1']
    dns = dns_responder(records)
    destinations = ['sips:x@d%d.example.test' % n for n in range(TARGETS // 2)]
    return dict(
        dns=dns,
        ca=pki.write(tmp_path, 'ca', [pki.root[0]])[0],
        destinations=destinations,
        sha256=[_sha(cert) for cert in (leaf, pki.inter[0], pki.root[0])],
    )


def _sha(cert):
    from cryptography.hazmat.primitives import hashes

    return cert.fingerprint(hashes.SHA256()).hex()


def _rows(rows, rule):
    return [row for row in rows if row['rule'] == rule]


def test_one_chain_presented_by_six_targets_is_judged_and_described_once(shared_cert):
    ctx = checks_context.CheckContext(_params(shared_cert['dns'].port, shared_cert['ca']))
    rows = outbound.run(ctx, shared_cert['destinations'])
    assert ctx.chains.judged == 1
    assert list(ctx.chains.described) == shared_cert['sha256']  # leaf, intermediate, root: once each
    assert ctx.chains.described[shared_cert['sha256'][0]]['san_dns'] == ['*.example.test']
    valid = _rows(rows, 'OUT-CERT-VALID')
    assert len(valid) == TARGETS and set(row['status'] for row in valid) == {'pass'}
    # Every row refers to the same evidence object; the row keeps what the report's calendar reads.
    assert len(set(id(row['evidence']) for row in valid)) == 1
    assert sorted(valid[0]['evidence']['certificate']) == ['not_after', 'serial', 'sha256', 'subject']
    names = _rows(rows, 'OUT-CERT-NAME')
    assert [row['evidence']['name'] for row in names] == ['t%d.example.test' % n for n in range(TARGETS)]
    assert set(row['evidence']['certificate'] for row in names) == {shared_cert['sha256'][0]}
    assert len(_rows(rows, 'OUT-CERT-TRUST')) == TARGETS
    assert set(row['status'] for row in _rows(rows, 'OUT-CERT-TRUST') + _rows(rows, 'OUT-CERT-CHAIN')) == {'pass'}


def test_ptr_evidence_lists_ten_names_and_counts_all(shared_cert):
    ctx = checks_context.CheckContext(_params(shared_cert['dns'].port, shared_cert['ca']))
    rows = outbound.run(ctx, shared_cert['destinations'])
    ptr = _rows(rows, 'OUT-PTR')
    assert [row['status'] for row in ptr] == ['pass'] * TARGETS
    for n, row in enumerate(ptr):
        assert row['evidence']['ptr_count'] == 12
        assert len(row['evidence']['ptr']) == checks_resolver.PTR_NAMES_SHOWN
        assert row['evidence']['ptr'][0] == 't%d.example.test' % n  # the name the target expects comes first
        assert row['summary'].endswith('and 2 more, which resolves back to it')


def test_dns_cache_keeps_the_most_recent_answers(shared_cert, monkeypatch):
    monkeypatch.setattr(checks_resolver, 'CACHE_ANSWERS', 2)
    resolver = checks_resolver.Dns(['127.0.0.1'], shared_cert['dns'].port, 2.0)
    for name in ('t0.example.test', 't1.example.test', 't0.example.test', 't2.example.test', 't1.example.test'):
        assert resolver.ipv4(name)[0] == ['127.0.0.1']
    # t0 again is a hit (2 cached); t2 evicts t1 (least recently used), so t1 is asked again: 4 queries, not 3.
    assert resolver.queries == 4


def test_results_file_holds_every_row_and_the_answer_only_what_to_act_on(shared_cert, tmp_path):
    ctx = checks_context.CheckContext(_params(shared_cert['dns'].port, shared_cert['ca']))
    expected = outbound.run(ctx, shared_cert['destinations'] + ['sip:not-sips@example.test'])
    (tmp_path / 'out').mkdir()
    path = str(tmp_path / 'out' / 'rows.jsonl')
    results = outbound_results.Results(path)
    outbound.run(ctx, shared_cert['destinations'] + ['sip:not-sips@example.test'], None, results.add)
    assert not os.path.exists(path)  # written beside it until the run is complete
    results.close(complete=True)
    with open(path, encoding='utf-8') as handle:
        written = [json.loads(line) for line in handle]
    assert [(r['subject'], r['rule'], r['target'], r['status']) for r in written] == [
        (r['subject'], r['rule'], r['target'], r['status']) for r in expected
    ]
    answer = results.result('must', dict(ctx.chains.described))
    whole = module_result(expected, 'must')
    assert answer['rules'] == whole['rules'] and answer['summary'] == whole['summary'] == count(written)
    assert (answer['failed'], answer['msg']) == (whole['failed'], whole['msg'])
    assert [r['rule'] for r in answer['results']] == ['OUT-URI']  # the one fail; 0 warn
    assert answer['results_written'] == len(expected) == 3 * 19 + 11
    assert os.listdir(str(tmp_path / 'out')) == ['rows.jsonl']


def test_results_file_of_a_failed_run_leaves_the_old_file(tmp_path):
    path = tmp_path / 'rows.jsonl'
    path.write_text('earlier run\n')
    results = outbound_results.Results(str(path))
    results.add([{'subject': 's', 'rule': 'OUT-URI', 'level': 'must', 'status': 'pass'}])
    results.close(complete=False)
    assert path.read_text() == 'earlier run\n' and os.listdir(str(tmp_path)) == ['rows.jsonl']


@pytest.mark.parametrize(
    'where, message',
    [
        ('missing/rows.jsonl', 'the directory'),
        ('.', 'is a directory'),
    ],
)
def test_results_path_refused_before_any_check(tmp_path, where, message):
    with pytest.raises(checks_context.CheckSetupError) as err:
        outbound_results.Results(str(tmp_path / where))
    assert str(err.value).startswith('results_path: ') and message in str(err.value)
