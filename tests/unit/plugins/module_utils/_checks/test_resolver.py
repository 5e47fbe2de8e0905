# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The DNS back end against a real UDP responder on loopback started by the test."""

from __future__ import annotations

import socket
import threading
import time

import dns.message
import dns.rcode

import pytest

from ansible_collections.ucops.expressway.plugins.module_utils._checks.resolver import (
    Dns,
    ResolverUnreachable,
    SrvTarget,
    order_srv,
)

ZONE = {
    ('_sips._tcp.example.test', 'SRV'): [
        '20 5 5061 sbc3.example.test.',
        '10 10 5061 sbc2.example.test.',
        '10 60 5061 sbc1.example.test.',
    ],
    ('sbc1.example.test', 'A'): ['127.0.0.11'],
    ('sbc2.example.test', 'A'): ['127.0.0.12'],
    ('v6only.example.test', 'AAAA'): ['2001:db8::1'],
    ('11.0.0.127.in-addr.arpa', 'PTR'): ['sbc1.example.test.'],
    ('12.0.0.127.in-addr.arpa', 'PTR'): ['other.example.test.'],
    ('13.0.0.127.in-addr.arpa', 'PTR'): ['sbc3.example.test.'],
    ('sbc3.example.test', 'A'): ['127.0.0.99'],
}


@pytest.fixture
def zone(dns_responder):
    responder = dns_responder(ZONE)
    return Dns(['127.0.0.1'], responder.port, timeout=2)


def test_srv_order_is_priority_then_weight():
    targets = [
        SrvTarget(20, 5, 5061, 'c'),
        SrvTarget(10, 10, 5061, 'b'),
        SrvTarget(10, 60, 5061, 'a'),
        SrvTarget(10, 10, 5061, 'a2'),
    ]
    assert [t.target for t in order_srv(targets)] == ['a', 'a2', 'b', 'c']


def test_srv_lookup_is_ordered(zone):
    answer, srv = zone.srv('example.test')
    assert answer.rcode == 'NOERROR'
    assert [(rr.priority, rr.weight, rr.target) for rr in srv] == [
        (10, 60, 'sbc1.example.test'),
        (10, 10, 'sbc2.example.test'),
        (20, 5, 'sbc3.example.test'),
    ]


def test_no_srv_is_an_answer_not_an_error(zone):
    answer, srv = zone.srv('sbc1.example.test')
    assert srv == [] and answer.rcode == 'NXDOMAIN'


def test_a_records_and_aaaa_only(zone):
    assert zone.ipv4('sbc1.example.test')[0] == ['127.0.0.11']
    addresses, evidence = zone.ipv4('v6only.example.test')
    assert addresses == [] and evidence['aaaa'] == ['2001:db8::1'] and evidence['rcode'] == 'NOERROR'
    addresses, evidence = zone.ipv4('missing.example.test')
    assert addresses == [] and evidence['rcode'] == 'NXDOMAIN'


@pytest.mark.parametrize(
    'address, fqdn, outcome',
    [
        ('127.0.0.11', 'sbc1.example.test', 'ok'),
        ('127.0.0.11', None, 'ok'),
        ('127.0.0.12', 'sbc2.example.test', 'mismatch'),
        ('127.0.0.13', 'sbc3.example.test', 'unconfirmed'),
        ('127.0.0.14', 'sbc4.example.test', 'missing'),
    ],
)
def test_ptr_is_forward_confirmed(zone, address, fqdn, outcome):
    assert zone.ptr(address, fqdn)[0] == outcome


def test_resolver_that_does_not_answer_is_not_a_missing_record():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        dead = Dns(['127.0.0.1'], port, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ResolverUnreachable) as err:
            dead.srv('example.test')
        assert time.monotonic() - started < 2
        assert err.value.kind == 'timeout' and 'timeout' in str(err.value)
    assert '127.0.0.1:%d' % port in dead.describe()


def test_no_resolver_configured():
    empty = Dns([], 53, timeout=1)
    assert empty.describe() == 'none configured'
    with pytest.raises(ResolverUnreachable, match='no DNS resolver'):
        empty.ipv4('sbc1.example.test')


def test_answers_are_shared_within_a_run(zone):
    """The A query that confirms a PTR is the one OUT-A already asked: one round trip, not two."""
    assert zone.ipv4('sbc1.example.test')[0] == ['127.0.0.11']
    asked = zone.queries
    assert zone.ptr('127.0.0.11', 'sbc1.example.test')[0] == 'ok'
    assert zone.queries == asked + 1  # the PTR only
    assert zone.ipv4('SBC1.example.test.')[0] == ['127.0.0.11'] and zone.queries == asked + 1


def test_concurrent_identical_queries_are_asked_once(zone):
    results = []
    threads = [threading.Thread(target=lambda: results.append(zone.ipv4('sbc2.example.test')[0])) for dummy in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [['127.0.0.12']] * 8 and zone.queries == 1


def test_refusing_resolver_says_refused():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))

    def refuse():
        while True:
            try:
                wire, peer = sock.recvfrom(4096)
            except OSError:
                return
            response = dns.message.make_response(dns.message.from_wire(wire))
            response.set_rcode(dns.rcode.REFUSED)
            sock.sendto(response.to_wire(), peer)

    threading.Thread(target=refuse, daemon=True).start()
    try:
        with pytest.raises(ResolverUnreachable) as err:
            Dns(['127.0.0.1'], sock.getsockname()[1], timeout=1).ipv4('sbc1.example.test')
    finally:
        sock.close()
    assert err.value.kind == 'refused' and 'timeout' not in str(err.value)


def test_failures_are_not_cached():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(('127.0.0.1', 0))
        dead = Dns(['127.0.0.1'], sock.getsockname()[1], timeout=0.2)
        for dummy in range(2):
            with pytest.raises(ResolverUnreachable):
                dead.ipv4('sbc1.example.test')
    assert dead.queries == 2
