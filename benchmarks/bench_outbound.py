#!/usr/bin/env python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark webex_outbound_check: N destinations, each an SRV with two targets, on loopback peers.

Starts the same real peers as the integration tests (BIND named on 127.0.0.1 and a high port,
Kamailio with TLS on a few 127.x addresses), then runs the module twice over the same
destinations: once with its default concurrency and once with concurrency 1 (the same checks
one after another, in one process, so the only difference is the worker pool). Each run is a
fresh module process started the way Ansible starts it (an args file), so wall time and peak
RSS belong to the module alone.

    .venv/bin/python benchmarks/bench_outbound.py [--destinations 200] [--addresses 16]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from support.ansible_runner import stage_collection  # noqa: E402
from support.dns_server import NamedServer, Zone  # noqa: E402
from support.pki import FixturePKI  # noqa: E402
from support.sips_server import KamailioServer, TlsProfile, address_free  # noqa: E402

DOMAIN = "bench.example.test"
MODULE = "ansible_collections.ucops.expressway.plugins.modules.webex_outbound_check"


def pick_network(addresses):
    rng = random.Random(os.getpid())
    for attempt in range(20):
        net = f"127.{rng.randint(200, 250)}.{rng.randint(1, 254)}"
        if all(address_free(f"{net}.{i}", 5061) for i in range(1, addresses + 1)):
            return net
    raise RuntimeError("no free 127.N.M.0/24 for the benchmark peers")


def build_zones(net, destinations, addresses):
    """Each destination dN has an SRV with targets tNa and tNb, spread over the TLS addresses.

    Every target gets its own A record and a PTR naming it (an address carries many PTRs), so the
    full forward-confirmed PTR path runs for every target, as it would against distinct SBCs.
    """
    zone, reverse = Zone("example.test"), Zone("127.in-addr.arpa")
    zone.add("ns", "A", "127.0.0.1")
    uris = []
    for n in range(destinations):
        uris.append(f"sips:bench@d{n}.{DOMAIN}")
        for slot, (suffix, priority) in enumerate((("a", 10), ("b", 20))):
            target = f"t{n}{suffix}.{DOMAIN}"
            address = f"{net}.{1 + (2 * n + slot) % addresses}"
            zone.add(f"_sips._tcp.d{n}.{DOMAIN}.", "SRV", f"{priority} 10 5061 {target}.")
            zone.add(f"{target}.", "A", address)
            reverse.add(".".join(reversed(address.split(".")[1:])), "PTR", f"{target}.")
    return [zone, reverse], uris


# Runs the module as "python -m" would and, at exit, prints the process's own peak RSS (VmHWM, kB) to stderr.
# ru_maxrss from wait4 is no measure of it: a child started by fork or vfork inherits the parent's peak
# RSS at exec, so the figure was the benchmark's own size (it holds every earlier result) whenever that
# was larger than the module.
LAUNCHER = """
import atexit, runpy, sys
def peak():
    with open('/proc/self/status') as status:
        sys.stderr.write(''.join('\\n' + line for line in status if line.startswith('VmHWM:')))
atexit.register(peak)
module, sys.argv = sys.argv[1], sys.argv[1:]
runpy.run_module(module, run_name='__main__', alter_sys=True)
"""


def run_module(build, args, work):
    """One module process; returns (wall seconds, its own peak RSS in MiB, result dict)."""
    args_file = work / f"args-{time.monotonic_ns()}.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(os.environ, PYTHONPATH=str(build))
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, MODULE, str(args_file)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate()
    wall = time.monotonic() - start
    try:
        result = json.loads(out)
    except ValueError:
        raise SystemExit(f"module output is not JSON (rc {proc.returncode}):\n{out[-2000:]}\n{err[-2000:]}")
    peak = [line.split()[1] for line in err.decode(errors="replace").splitlines() if line.startswith("VmHWM:")]
    return wall, int(peak[-1]) / 1024.0, result


def report(label, wall, rss, result, targets):
    rows = result.get("results", [])
    print(
        f"{label}: wall {wall:.2f} s, {targets / wall:.1f} targets/s, {len(rows) / wall:.1f} result rows/s, "
        f"peak RSS {rss:.1f} MiB"
    )
    print(f"  summary {result.get('summary')}")
    # A benchmark of a check that silently failed would measure the wrong thing: show what did not pass.
    odd = collections.Counter(
        (row["rule"], row["status"], row["summary"][:70]) for row in rows if row["status"] in ("fail", "warn")
    )
    for (rule, status, summary), count in odd.most_common(5):
        print(f"  {count:4d} x {rule} {status}: {summary}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--destinations", type=int, default=200)
    parser.add_argument("--addresses", type=int, default=16, help="loopback addresses Kamailio listens on")
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument(
        "--tcp-children",
        type=int,
        default=1,
        help="Kamailio TCP workers (more than 1 may crash Kamailio 5.6 with OpenSSL 3)",
    )
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outbound-") as tmp:
        tmp = Path(tmp)
        pki = FixturePKI(tmp / "pki")
        leaf = pki.leaf("bench", sans=[f"*.{DOMAIN}"])
        net = pick_network(opts.addresses)
        zones, uris = build_zones(net, opts.destinations, opts.addresses)
        profiles = [
            TlsProfile(f"{net}.{i}", 5061, leaf.chain_file, leaf.key_file) for i in range(1, opts.addresses + 1)
        ]
        build = stage_collection(tmp / "build")
        build_root = build.parents[2]
        with (
            NamedServer(tmp / "named", zones) as named,
            KamailioServer(tmp / "kamailio", profiles, shm_mb=128, tcp_children=opts.tcp_children) as kamailio,
        ):
            base = {
                "destinations": uris,
                "resolvers": ["127.0.0.1"],
                "resolver_port": named.port,
                "ca_bundle": str(pki.ca_bundle),
                "timeout": opts.timeout,
                "fail_on": "never",
            }
            targets = 2 * opts.destinations
            print(
                f"{opts.destinations} destinations, {targets} SRV targets on {opts.addresses} Kamailio TLS "
                f"addresses ({opts.tcp_children} TCP worker(s)), named on 127.0.0.1:{named.port}; "
                f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
            )
            for label, extra in (
                ("one task, default concurrency", {}),
                ("one task, concurrency 1", {"concurrency": 1}),
            ):
                wall, rss, result = run_module(build_root, dict(base, **extra), tmp)
                report(label, wall, rss, result, targets)
                if kamailio.proc.poll() is not None:
                    raise SystemExit(f"kamailio died during the run:\n{kamailio.log_text()}")


if __name__ == "__main__":
    main()
