#!/usr/bin/env python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Converged Webex configuration across a fleet of emulated Expressway-E boxes: role, per-object, uri, floor.

For each fleet size N it starts N emulated Expressway-E boxes in one emulator process (loopback, free
ports), converges them with playbooks/configure.yml (the first apply, reported) and runs drift.yml once
(check mode with diff). Then it times converged re-runs of four paths over the same boxes, interleaved,
--repeat times each:

  role        playbooks/configure.yml (ucops.expressway.webex_b2b, whatever it is in the working tree)
  per-object  examples/per_object_configure.yml (one task per object kind, the per-object modules)
  uri         benchmarks/uri_configure.yml (hand-written ansible.builtin.uri, GETs only when converged)
  floor       one no-op ansible.builtin.ping task per host (connection local)

and prints, per N, the median wall time, its ratio to the floor and to the role, and the GETs and writes
per host counted exactly from the emulator's request log. --markdown prints the same tables in Markdown.

    .venv/bin/python benchmarks/bench_fleet_configure.py [--hosts 20 100] [--forks 25] [--repeat 3] [--markdown]
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from support.ansible_runner import AnsibleRunner  # noqa: E402
from support.emulator import Emulator  # noqa: E402
from support.pki import make_root, pem  # noqa: E402

SEED = {
    "zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
    "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
}
PATHS = {
    "role": REPO / "playbooks" / "configure.yml",
    "per-object": REPO / "examples" / "per_object_configure.yml",
    "uri": REPO / "benchmarks" / "uri_configure.yml",
}
FLOOR = [
    {
        "name": "One no-op task per host",
        "hosts": "expressway",
        "gather_facts": False,
        "tasks": [{"name": "No-op", "ansible.builtin.ping": None}],
    }
]


def inventory(emu, path, ca_file):
    """Every path reads the same variables: the role's inputs and the expressway_* connection."""
    hosts = {
        inst["name"]: {
            "ansible_host": emu.host(inst["name"]),
            "expressway_port": emu.port(inst["name"]),
            "webex_b2b_system_host_name": inst["name"],
        }
        for inst in emu.ready["instances"]
    }
    group_vars = {
        "ansible_connection": "local",
        "expressway_username": emu.username,
        "expressway_password": emu.password,
        "expressway_ca_path": emu.ca_path,
        "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
        "webex_b2b_org_sip_domains": ["acme.calls.webex.test"],
        "webex_b2b_dns_servers": ["192.0.2.53", "198.51.100.53"],
        "webex_b2b_trusted_ca_files": [str(ca_file)],
    }
    path.write_text(yaml.safe_dump({"expressway": {"hosts": hosts, "vars": group_vars}}))
    return path


def measure(runner, emu, inv, playbook, forks, ok_codes=(0,)):
    """Wall time of one ansible-playbook run and, per host, its GETs and writes from the request log."""
    mark = emu.mark()
    start = time.monotonic()
    proc = runner.run_playbook(playbook, inventory=inv, args=["--forks", str(forks)])
    wall = time.monotonic() - start
    if proc.returncode not in ok_codes:
        raise SystemExit(f"{playbook} exited {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    per_host = collections.defaultdict(collections.Counter)
    for entry in emu.requests(since=mark):
        per_host[entry["name"]]["GET" if entry["method"] == "GET" else "write"] += 1
    return wall, per_host


def span(values):
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def describe(name, hosts, wall, per_host):
    gets = [per_host[h]["GET"] for h in hosts]
    writes = [per_host[h]["write"] for h in hosts]
    print(
        f"{name:<28} {wall:7.1f} s  {len(hosts) / wall:6.2f} hosts/s  "
        f"GET/host {span(gets)} (mean {statistics.mean(gets):.1f})  writes/host {span(writes)}",
        flush=True,
    )


def converged_runs(runner, emu, inv, playbooks, hosts, args):
    """--repeat rounds, each running every path once (interleaved, so a busy moment hits all paths alike)."""
    runs = {name: {"walls": [], "gets": [], "writes": []} for name in playbooks}
    for round_no in range(1, args.repeat + 1):
        for name, playbook in playbooks.items():
            wall, per_host = measure(runner, emu, inv, playbook, args.forks)
            runs[name]["walls"].append(wall)
            runs[name]["gets"] += [per_host[h]["GET"] for h in hosts]
            runs[name]["writes"] += [per_host[h]["write"] for h in hosts]
            # Progress; on stderr with --markdown, so stdout stays pasteable.
            print(
                f"  round {round_no} {name:<11} {wall:6.1f} s",
                flush=True,
                file=sys.stderr if args.markdown else sys.stdout,
            )
    return runs


def rows(runs):
    """One row per path: median wall, ratio to the floor and to the role, GETs and writes per host."""
    median = {name: statistics.median(run["walls"]) for name, run in runs.items()}
    table = []
    for name, run in runs.items():
        table.append(
            {
                "path": name,
                "median": median[name],
                "walls": run["walls"],
                "floor": median[name] / median["floor"],
                "role": median[name] / median["role"] if name in ("per-object", "uri") and "role" in median else None,
                "gets": span(run["gets"]),
                "writes": span(run["writes"]),
            }
        )
    return table


def print_table(n_hosts, table, args):
    if args.markdown:
        print(
            f"\n| N = {n_hosts}, forks {args.forks}, {args.repeat} runs | median wall | runs | × floor "
            "| × role | GET per host | writes per host |"
        )
        print("|---|---|---|---|---|---|---|")
        for row in table:
            ratio = f"{row['role']:.2f}" if row["role"] is not None else "—"
            runs = ", ".join(f"{wall:.1f}" for wall in row["walls"])
            print(
                f"| {row['path']} | {row['median']:.1f} s | {runs} | {row['floor']:.2f} | {ratio} "
                f"| {row['gets']} | {row['writes']} |"
            )
        return
    print(f"\nN = {n_hosts}, forks {args.forks}, median of {args.repeat} converged runs")
    print(f"{'path':<11} {'median':>8} {'x floor':>8} {'x role':>7} {'GET/host':>9} {'writes/host':>12}")
    for row in table:
        ratio = f"{row['role']:.2f}" if row["role"] is not None else "-"
        print(
            f"{row['path']:<11} {row['median']:7.1f}s {row['floor']:8.2f} {ratio:>7} {row['gets']:>9} "
            f"{row['writes']:>12}"
        )


def bench(n_hosts, args, tmp):
    specs = [{"name": f"expe{n:03d}", "seed": SEED} for n in range(1, n_hosts + 1)]
    work = tmp / f"n{n_hosts}"
    work.mkdir()
    ca_file = work / "partner-root.pem"
    ca_file.write_bytes(pem(make_root("ucops benchmark partner root CA").cert))
    floor = work / "floor.yml"
    floor.write_text(yaml.safe_dump(FLOOR, sort_keys=False))
    playbooks = {name: playbook for name, playbook in dict(PATHS, floor=floor).items() if name in args.paths}
    with Emulator(work / "emulator", specs, state_dir=tmp / "emulator-state") as emu:
        runner = AnsibleRunner(work / "build", work)
        inv = inventory(emu, work / "inventory.yml", ca_file)
        hosts = [spec["name"] for spec in specs]
        print(f"\n{n_hosts} emulated Expressway-E, forks {args.forks}", flush=True)
        describe("configure (first apply)", hosts, *measure(runner, emu, inv, PATHS["role"], args.forks))
        if not args.skip_drift:
            describe(
                "drift.yml (check + diff)",
                hosts,
                *measure(runner, emu, inv, REPO / "playbooks" / "drift.yml", args.forks),
            )
        runs = converged_runs(runner, emu, inv, playbooks, hosts, args)
    print_table(n_hosts, rows(runs), args)


def machine():
    model = "unknown CPU"
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name"))
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
            if line.startswith("MemTotal")
        )
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} CPUs, {model}{memory}, Python {platform.python_version()}"


def revision():
    """The commit the role was measured at; '-dirty' when the working tree differs from it."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty", "--abbrev=7"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[20, 100], help="fleet sizes, one run each")
    # 25 forks keep two CPUs saturated without queueing most hosts behind the emulator (see docs/performance.md).
    parser.add_argument("--forks", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3, help="converged runs of each path (median reported)")
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown")
    parser.add_argument("--skip-drift", action="store_true", help="do not run drift.yml after the first apply")
    parser.add_argument(
        "--paths",
        nargs="+",
        choices=list(PATHS) + ["floor"],
        default=list(PATHS) + ["floor"],
        help="the paths to time (the floor is always timed: every ratio is taken against it)",
    )
    args = parser.parse_args()
    args.paths = set(args.paths) | {"floor"}
    print(f"{machine()}; commit {revision()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n_hosts in args.hosts:
            bench(n_hosts, args, Path(tmp))


if __name__ == "__main__":
    main()
