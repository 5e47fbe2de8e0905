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

# rcode is 'NOERROR' (records may still be empty: no record of that type) or 'NXDOMAIN'.
Answer = collections.namedtuple('Answer', 'name rdtype rcode records')
SrvTarget = collections.namedtuple('SrvTarget', 'priority weight port target')


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
        # ask the same question at once.
        self._cache = {}
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
            future = self._cache.get(key)
            owner = future is None
            if owner:
                future = self._cache[key] = concurrent.futures.Future()
                self.queries += 1
        if not owner:
            return future.result()
        try:
            answer = self._ask(qname, rdtype)
        except Exception as err:  # pylint: disable=broad-exception-caught  # waiters must never hang
            with self._lock:
                del self._cache[key]
            future.set_exception(err)
            raise
        future.set_result(answer)
        return answer

    def _ask(self, qname, rdtype):
        try:
            answer = self._resolver().resolve(qname, rdtype, search=False, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return Answer(qname.to_text(), rdtype, 'NXDOMAIN', [])
        except dns.exception.Timeout as err:
            raise ResolverUnreachable('%s %s: timeout, no answer from %s within %ss' % (
                qname.to_text(), rdtype, self.describe(), self.timeout), 'timeout') from err
        except dns.resolver.NoNameservers as err:
            kind = _failure_kind(err)
            raise ResolverUnreachable('%s %s: %s, %s refused or failed (%s)' % (
                qname.to_text(), rdtype, kind, self.describe(), err), kind) from err
        except dns.exception.DNSException as err:
            raise ResolverUnreachable('%s %s: protocol error from %s: %s' % (
                qname.to_text(), rdtype, self.describe(), err), 'protocol') from err
        records = list(answer.rrset) if answer.rrset is not None else []
        return Answer(qname.to_text(), rdtype, 'NOERROR', records)

    def srv(self, host):
        """(Answer, [SrvTarget] in RFC 2782 order) for _sips._tcp.<host>."""
        answer = self.query('_sips._tcp.%s.' % host.rstrip('.'), 'SRV')
        targets = [SrvTarget(rr.priority, rr.weight, rr.port, _plain(rr.target)) for rr in answer.records]
        return answer, order_srv(targets)

    def ipv4(self, name):
        """(addresses, evidence): the A records of name; evidence says why there are none."""
        answer = self.query(_absolute(name), 'A')
        addresses = sorted(set(rr.address for rr in answer.records), key=_address_key)
        evidence = {'name': _plain(name), 'rcode': answer.rcode, 'a': addresses}
        if not addresses and answer.rcode == 'NOERROR':
            aaaa = self.query(_absolute(name), 'AAAA')
            evidence['aaaa'] = sorted(set(rr.address for rr in aaaa.records))
        return addresses, evidence

    def ptr(self, address, fqdn=None):
        """(outcome, evidence), outcome one of ok, missing, mismatch, unconfirmed.

        With fqdn the PTR must name it and it must resolve back to the address; without (an IPv4
        literal destination) any name that resolves back to the address will do.
        """
        answer = self.query(dns.reversename.from_address(address), 'PTR')
        names = sorted(set(_plain(rr.target) for rr in answer.records))
        evidence = {'address': address, 'ptr': names, 'expected': fqdn, 'forward': {}}
        if not names:
            return 'missing', evidence
        wanted = [name for name in names if fqdn is None or name == _plain(fqdn)]
        if not wanted:
            return 'mismatch', evidence
        for name in wanted:
            evidence['forward'][name] = self.ipv4(name)[0]
        confirmed = any(address in addresses for addresses in evidence['forward'].values())
        return ('ok' if confirmed else 'unconfirmed'), evidence


def order_srv(targets):
    """RFC 2782 order, made deterministic for reports: priority ascending, then weight descending.

    The RFC picks among equal priorities at random in proportion to weight; the heaviest target
    is the most likely first pick, so that is the order a report shows. Name breaks the last ties.
    """
    return sorted(targets, key=lambda srv: (srv.priority, -srv.weight, srv.target, srv.port))


def _plain(name):
    """A DNS name as lower-case text without the trailing dot."""
    return str(name).rstrip('.').lower()


def _absolute(name):
    return _plain(name) + '.'


def _address_key(address):
    return tuple(int(part) for part in address.split('.'))
