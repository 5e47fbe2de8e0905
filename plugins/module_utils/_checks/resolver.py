# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SIP-aware DNS for the checks (dnspython): SRV per RFC 2782/3263, A records, forward-confirmed PTR.

The checks must tell "the record does not exist" (a finding about the SBC) from "the resolver did
not answer" (a finding about the place the check runs from): the first is an Answer with an empty
record list, the second raises ResolverUnreachable and the callers report skip or IN-DNS.
"""

from __future__ import annotations

import collections
import concurrent.futures
import threading
import traceback

try:
    import dns.exception
    import dns.name
    import dns.rdatatype
    import dns.resolver
    import dns.reversename
except ImportError:
    HAS_DNSPYTHON = False
    DNSPYTHON_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_DNSPYTHON = True
    DNSPYTHON_IMPORT_ERROR = None

# rcode is 'NOERROR' (records may still be empty: no record of that type) or 'NXDOMAIN'. records are
# plain values: SrvTarget for SRV, the address text for A and AAAA, the name (no trailing dot) for PTR.
Answer = collections.namedtuple('Answer', 'name rdtype rcode records')
SrvTarget = collections.namedtuple('SrvTarget', 'priority weight port target')
PTR_NAMES_SHOWN = 10
CACHE_ANSWERS = 4096


class ResolverUnreachable(Exception):
    """No configured resolver gave an answer; kind is timeout, refused, servfail, protocol or unconfigured."""

    def __init__(self, message, kind='timeout'):
        super(ResolverUnreachable, self).__init__(message)
        self.kind = kind


def _failure_kind(err):
    """refused, servfail or protocol from the per-server errors of a NoNameservers."""
    text = ' '.join(str(error) for error in (err.kwargs or {}).get('errors') or []) or str(err)
    if 'REFUSED' in text or 'Connection refused' in text:
        return 'refused'
    if 'SERVFAIL' in text:
        return 'servfail'
    return 'protocol'


class Dns(object):
    """Queries one resolver set with one timeout; safe to share between worker threads."""

    def __init__(self, resolvers=None, port=53, timeout=5.0):
        self.port = port
        self.timeout = timeout
        # One cache per check run, shared by all destinations and targets: a name asked twice (an SRV
        # target's A record and the same name behind a PTR) costs one round trip. Answers only; a
        # resolver failure is asked again. In-flight queries are shared too, so two threads never
        # ask the same question at once. It keeps the CACHE_ANSWERS most recently used answers: far
        # more than the destinations in flight ask at once, so a check over thousands of names keeps
        # its memory while a name many destinations share stays cached.
        self._cache = collections.OrderedDict()
        self._lock = threading.Lock()
        self.queries = 0
        self.system = resolvers is None
        if self.system:
            resolvers = self._system_nameservers()
        self.nameservers = [str(server) for server in resolvers]

    @staticmethod
    def _system_nameservers():
        try:
            return list(dns.resolver.Resolver(configure=True).nameservers)
        except dns.resolver.NoResolverConfiguration:
            return []

    def describe(self):
        """The resolvers as evidence names them: 127.0.0.1:5353, or 'none configured'."""
        if not self.nameservers:
            return 'none configured'
        names = ['%s:%d' % (server, self.port) for server in self.nameservers]
        return ', '.join(names) + (' (system)' if self.system else '')

    def _resolver(self):
        # A fresh resolver per query: dnspython resolvers carry per-call state; dnspython's own cache
        # stays off (the run's cache in query() lives only as long as one check run).
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = list(self.nameservers)
        resolver.port = self.port
        resolver.timeout = self.timeout
        resolver.lifetime = self.timeout
        resolver.cache = None
        return resolver

    def query(self, name, rdtype):
        """An Answer; raises ResolverUnreachable when no resolver answered."""
        if not self.nameservers:
            raise ResolverUnreachable('no DNS resolver is configured', 'unconfigured')
        qname = name if isinstance(name, dns.name.Name) else dns.name.from_text(name)
        key = (qname.to_text().lower(), rdtype)
        with self._lock:
            entry = self._cache.get(key)
            if isinstance(entry, Answer):
                self._cache.move_to_end(key)
                return entry
            owner = entry is None
            if owner:
                entry = self._cache[key] = concurrent.futures.Future()
                self.queries += 1
        if not owner:
            return entry.result()
        try:
            answer = self._ask(qname, rdtype)
        except Exception as err:  # pylint: disable=broad-exception-caught  # waiters must never hang
            with self._lock:
                del self._cache[key]
            entry.set_exception(err)
            raise
        with self._lock:
            # The answer replaces its Future (a lock and a condition each): a run over thousands of
            # names keeps only the answers.
            self._cache[key] = answer
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ANSWERS and isinstance(next(iter(self._cache.values())), Answer):
                self._cache.popitem(last=False)
        entry.set_result(answer)
        return answer

    def _ask(self, qname, rdtype):
        try:
            answer = self._resolver().resolve(qname, rdtype, search=False, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return Answer(qname.to_text(), rdtype, 'NXDOMAIN', [])
        except dns.exception.Timeout as err:
            raise ResolverUnreachable(
                '%s %s: timeout, no answer from %s within %ss'
                % (qname.to_text(), rdtype, self.describe(), self.timeout),
                'timeout',
            ) from err
        except dns.resolver.NoNameservers as err:
            kind = _failure_kind(err)
            raise ResolverUnreachable(
                '%s %s: %s, %s refused or failed (%s)' % (qname.to_text(), rdtype, kind, self.describe(), err), kind
            ) from err
        except dns.exception.DNSException as err:
            raise ResolverUnreachable(
                '%s %s: protocol error from %s: %s' % (qname.to_text(), rdtype, self.describe(), err), 'protocol'
            ) from err
        records = [_value(rr) for rr in answer.rrset] if answer.rrset is not None else []
        return Answer(qname.to_text(), rdtype, 'NOERROR', records)

    def srv(self, host):
        """(Answer, [SrvTarget] in RFC 2782 order) for _sips._tcp.<host>."""
        answer = self.query('_sips._tcp.%s.' % host.rstrip('.'), 'SRV')
        return answer, order_srv(answer.records)

    def ipv4(self, name):
        """(addresses, evidence): the A records of name; evidence says why there are none."""
        answer = self.query(_absolute(name), 'A')
        addresses = sorted(set(answer.records), key=_address_key)
        evidence = {'name': _plain(name), 'rcode': answer.rcode, 'a': addresses}
        if not addresses and answer.rcode == 'NOERROR':
            aaaa = self.query(_absolute(name), 'AAAA')
            evidence['aaaa'] = sorted(set(aaaa.records))
        return addresses, evidence

    def ptr(self, address, fqdn=None):
        """(outcome, evidence), outcome one of ok, missing, mismatch, unconfirmed.

        With fqdn the PTR must name it and it must resolve back to the address; without (an IPv4
        literal destination) any name that resolves back to the address will do.
        """
        answer = self.query(dns.reversename.from_address(address), 'PTR')
        names = sorted(set(answer.records))
        wanted = [name for name in names if fqdn is None or name == _plain(fqdn)]
        evidence = {
            'address': address,
            'ptr': _shown(names, wanted),
            'ptr_count': len(names),
            'expected': fqdn,
            'forward': {},
        }
        if not names:
            return 'missing', evidence
        if not wanted:
            return 'mismatch', evidence
        for name in wanted:
            evidence['forward'][name] = self.ipv4(name)[0]
        confirmed = any(address in addresses for addresses in evidence['forward'].values())
        return ('ok' if confirmed else 'unconfirmed'), evidence


def _shown(names, wanted):
    """The PTR names evidence lists: all when few, else the wanted ones first, PTR_NAMES_SHOWN in all.

    An address shared by many names (a hosting address) answers with hundreds; repeating them in
    every row that looks at it made the evidence grow with the square of the destinations.
    """
    if len(names) <= PTR_NAMES_SHOWN:
        return names
    return (wanted + [name for name in names if name not in wanted])[:PTR_NAMES_SHOWN]


def ptr_names(evidence):
    """The PTR names of ptr() evidence as a summary shows them, with how many more were left out."""
    text = ', '.join(evidence['ptr'])
    more = evidence.get('ptr_count', len(evidence['ptr'])) - len(evidence['ptr'])
    return text + (' and %d more' % more if more > 0 else '')


def order_srv(targets):
    """RFC 2782 order, made deterministic for reports: priority ascending, then weight descending.

    The RFC picks among equal priorities at random in proportion to weight; the heaviest target
    is the most likely first pick, so that is the order a report shows. Name breaks the last ties.
    """
    return sorted(targets, key=lambda srv: (srv.priority, -srv.weight, srv.target, srv.port))


def _value(rr):
    """A record as the checks read it, without dnspython's objects (the run's cache keeps every answer)."""
    if rr.rdtype == dns.rdatatype.SRV:
        return SrvTarget(rr.priority, rr.weight, rr.port, _plain(rr.target))
    if rr.rdtype == dns.rdatatype.PTR:
        return _plain(rr.target)
    if rr.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        return rr.address
    return rr.to_text()


def _plain(name):
    """A DNS name as lower-case text without the trailing dot."""
    return str(name).rstrip('.').lower()


def _absolute(name):
    return _plain(name) + '.'


def _address_key(address):
    return tuple(int(part) for part in address.split('.'))
