#!/usr/bin/env python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark webex_outbound_check behind a simulated round trip: what the worker pool is for.

The peers are those of bench_outbound.py (BIND named, Kamailio with TLS on loopback addresses, N
destinations with two SRV targets each), reached through the user-space delay proxy of the
integration tests (tests/integration/support/delay_proxy.py: DNS over UDP and TCP, every SIPS
listener; half the round trip each way; this kernel has no netem). The same destinations are also
published under a second domain whose targets are Kamailio itself, for the direct run at RTT 0
that validates the proxy: its verdicts must equal the proxied runs' verdicts.

For each RTT it prints: wall time of the module with its default pool; round trips per
destination (measured: the extra time a sample of destinations takes one after another,
``concurrency: 1``, over the same sample at RTT 0, divided by sample size x RTT); the ideal
bound, max(wall at RTT 0 through the proxy, sequential time / pool size); peak RSS; and the proxy's exact counts of
DNS queries and TCP connections per destination. With --results-file the runs with the default pool
(the direct one too) write their rows to a file (results_path), as a long destination list should,
and the verdicts are read back from it.

    .venv/bin/python benchmarks/bench_outbound_latency.py [--destinations 200 2000] [--rtt 0 40 150] [--results-file]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_outbound import run_module  # noqa: E402  (it also puts tests/integration on sys.path)

from support.ansible_runner import stage_collection  # noqa: E402
from support.delay_proxy import DelayProxy, free_udp_tcp_port  # noqa: E402
from support.dns_server import NamedServer, Zone  # noqa: E402
from support.pki import FixturePKI  # noqa: E402
from support.sips_server import KamailioServer, TlsProfile, address_free  # noqa: E402

DOMAIN = "bench.example.test"
POOL = 16


def pick_networks(addresses, targets):
    """Kamailio's 127.N.M prefix, and a 127.B/16 with one address per target for the delay proxies."""
    rng = random.Random(os.getpid())
    for attempt in range(40):
        net = f"127.{rng.randint(200, 250)}.{rng.randint(1, 254)}"
        proxies = f"127.{rng.randint(150, 199)}"
        sample = [proxy_address(proxies, k) for k in range(0, targets, max(1, targets // 20))]
        if all(address_free(f"{net}.{i}", 5061) for i in range(1, addresses + 1)) and all(
            address_free(address, 5061) for address in sample
        ):
            return net, proxies
    raise RuntimeError("no free loopback prefixes for the benchmark peers")


def proxy_address(prefix, k):
    return f"{prefix}.{1 + k // 250}.{1 + k % 250}"


def build_zones(nets, destinations, addresses):
    """dN.direct.bench.example.test: targets on Kamailio's addresses; dN.lat...: one proxy address per target.

    Every target gets an A record and a PTR naming it. The proxied targets have an address each, as
    distinct SBCs would, so a PTR answer names one target; the direct ones share Kamailio's addresses,
    so their PTR answers name every target on that address (larger, but the same verdicts).
    """
    zone, reverse = Zone("example.test"), Zone("127.in-addr.arpa")
    zone.add("ns", "A", "127.0.0.1")
    uris = {"direct": [], "lat": []}
    for n in range(destinations):
        for label in uris:
            uris[label].append(f"sips:bench@d{n}.{label}.{DOMAIN}")
        for slot, (suffix, priority) in enumerate((("a", 10), ("b", 20))):
            k = 2 * n + slot
            for label, address in (("direct", f"{nets[0]}.{1 + k % addresses}"), ("lat", proxy_address(nets[1], k))):
                target = f"t{n}{suffix}.{label}.{DOMAIN}"
                zone.add(f"_sips._tcp.d{n}.{label}.{DOMAIN}.", "SRV", f"{priority} 10 5061 {target}.")
                zone.add(f"{target}.", "A", address)
                reverse.add(".".join(reversed(address.split(".")[1:])), "PTR", f"{target}.")
    return [zone, reverse], uris


class BenchNamed(NamedServer):
    """named without BIND 9.18's limit of 100 records per name and type (max-records-per-type).

    The direct targets share 16 addresses, so at 2,000 destinations each reverse name carries 250
    PTR records; over the limit BIND refuses to load the whole reverse zone and every PTR query
    (the proxied ones too) answers SERVFAIL.
    """

    def write_config(self):
        path = super().write_config()
        path.write_text(path.read_text().replace("recursion no;", "recursion no;\n    max-records-per-type 0;", 1))
        return path


def verdicts(result):
    """Counts of (rule, status) with the destination's label taken out: what must not change with latency."""
    return collections.Counter((row["rule"], row["status"]) for row in result.get("results", []))


class Bench:
    def __init__(self, opts, tmp, build_root, named, nets, base):
        self.opts, self.tmp, self.build_root, self.named, self.nets, self.base = (
            opts,
            tmp,
            build_root,
            named,
            nets,
            base,
        )
        self.dns_port = free_udp_tcp_port()
        self.count = 0

    def proxied(self, rtt_ms):
        seconds = rtt_ms / 1000.0
        listeners = [
            {
                "proto": proto,
                "listen": ["127.0.0.1", self.dns_port],
                "upstream": ["127.0.0.1", self.named.port],
                "rtt": seconds,
            }
            for proto in ("udp", "tcp")
        ]
        listeners += [
            {
                "proto": "tcp",
                "listen": [proxy_address(self.nets[1], k), 5061],
                "upstream": [f"{self.nets[0]}.{1 + k % self.opts.addresses}", 5061],
                "rtt": seconds,
            }
            for k in range(2 * self.count)
        ]
        return DelayProxy(self.tmp / f"proxy-{rtt_ms}-{os.urandom(3).hex()}", listeners)

    def run(self, uris, resolver_port, **extra):
        args = dict(self.base, destinations=uris, resolver_port=resolver_port, **extra)
        if self.opts.results_file and extra.get("concurrency") is None:
            path = self.tmp / f"rows-{os.urandom(3).hex()}.jsonl"
            args["results_path"] = str(path)
            wall, rss, result = run_module(self.build_root, args, self.tmp)
            # The verdicts are compared over every row, so they are read back from the file.
            with path.open(encoding="utf-8") as handle:
                result["results"] = [json.loads(line) for line in handle]
            path.unlink()
            return wall, rss, result
        return run_module(self.build_root, args, self.tmp)

    def through_proxy(self, rtt_ms, uris, **extra):
        with self.proxied(rtt_ms) as proxy:
            wall, rss, result = self.run(uris, self.dns_port, **extra)
            stats = proxy.stats()
        return wall, rss, result, stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--destinations", type=int, nargs="+", default=[200])
    parser.add_argument("--rtt", type=int, nargs="+", default=[0, 40, 150], help="round trip times in ms")
    parser.add_argument("--sample", type=int, default=10, help="destinations run one after another per RTT")
    parser.add_argument("--addresses", type=int, default=16, help="loopback addresses Kamailio listens on")
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument(
        "--results-file",
        action="store_true",
        help="runs with the default pool write their rows to a file (results_path): "
        "the peak RSS of a long list; the sequential samples return them as usual",
    )
    opts = parser.parse_args()
    most = max(opts.destinations)
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        tmp = Path(tmp)
        pki = FixturePKI(tmp / "pki")
        leaf = pki.leaf("bench", sans=[f"*.direct.{DOMAIN}", f"*.lat.{DOMAIN}"])
        nets = pick_networks(opts.addresses, 2 * most)
        zones, uris = build_zones(nets, most, opts.addresses)
        profiles = [
            TlsProfile(f"{nets[0]}.{i}", 5061, leaf.chain_file, leaf.key_file) for i in range(1, opts.addresses + 1)
        ]
        build_root = stage_collection(tmp / "build").parents[2]
        with (
            BenchNamed(tmp / "named", zones) as named,
            KamailioServer(tmp / "kamailio", profiles, shm_mb=256) as kamailio,
        ):
            base = {
                "resolvers": ["127.0.0.1"],
                "ca_bundle": str(pki.ca_bundle),
                "timeout": opts.timeout,
                "fail_on": "never",
            }
            bench = Bench(opts, tmp, build_root, named, nets, base)
            print(
                f"{opts.addresses} Kamailio TLS addresses, pool {POOL}, timeout {opts.timeout}s, "
                f"rows {'to a file' if opts.results_file else 'returned'}; "
                f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            for count in opts.destinations:
                run_count(bench, uris, count, opts, kamailio)


def run_count(bench, uris, count, opts, kamailio):
    direct_uris, lat_uris = uris["direct"][:count], uris["lat"][:count]
    bench.count = count
    sample = lat_uris[: opts.sample]
    bench.run(direct_uris[:2], bench.named.port)  # warm-up: byte-compiles the staged collection
    wall_direct, rss_direct, direct = bench.run(direct_uris, bench.named.port)
    expected = verdicts(direct)
    print(
        f"\n{count} destinations ({2 * count} targets); direct run (no proxy): wall {wall_direct:.1f} s, "
        f"peak RSS {rss_direct:.0f} MiB, {dict(direct.get('summary', {}))}",
        flush=True,
    )
    seq0 = bench.through_proxy(0, sample, concurrency=1)[0]
    print(
        "| RTT | wall (pool 16) | round trips / destination | sequential (est.) | ideal bound | peak RSS "
        "| DNS queries / dest | TCP connections / dest |"
    )
    print("|---|---|---|---|---|---|---|---|")
    wall0 = None
    for rtt in sorted(opts.rtt):
        wall, rss, result, stats = bench.through_proxy(rtt, lat_uris)
        if verdicts(result) != expected:
            diff = (verdicts(result) - expected) + (expected - verdicts(result))
            print(f"  RTT {rtt} ms: verdicts differ from the direct run: {dict(diff)}", flush=True)
        wall0 = wall if wall0 is None else wall0
        if rtt:
            seq = bench.through_proxy(rtt, sample, concurrency=1)[0]
            trips = (seq - seq0) / (len(sample) * rtt / 1000.0)
        else:
            seq, trips = seq0, 0.0
        sequential = seq / len(sample) * count
        ideal = max(wall0, sequential / POOL)
        print(
            f"| {rtt} ms | {wall:.1f} s | {trips:.1f} | {sequential:.0f} s | {ideal:.1f} s | {rss:.0f} MiB "
            f"| {stats.get('datagrams', 0) / count:.1f} | {stats.get('connections', 0) / count:.1f} |",
            flush=True,
        )
        if kamailio.proc.poll() is not None:
            raise SystemExit(f"kamailio died during the run:\n{kamailio.log_text()}")


if __name__ == "__main__":
    main()
