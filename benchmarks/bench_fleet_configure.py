#!/usr/bin/env python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark playbooks/configure.yml and drift.yml across a fleet of emulated Expressway-E boxes.

Starts N emulated Expressways in one emulator process (loopback, free ports), then runs: the first
apply, a converged re-run, and drift.yml (check mode with diff). For each run it prints the wall time
and, counted exactly from the emulator's request log, the GETs and writes per host.

    .venv/bin/python benchmarks/bench_fleet_configure.py [--hosts 50] [--forks 25]
"""
from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from support.ansible_runner import AnsibleRunner  # noqa: E402
from support.emulator import Emulator  # noqa: E402

SEED = {"zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
        "dnsservers": [{"index": 1, "address": "192.0.2.53"}]}


def inventory(emu, path):
    hosts = {inst["name"]: {"ansible_host": emu.host(inst["name"]), "expressway_port": emu.port(inst["name"])}
             for inst in emu.ready["instances"]}
    group_vars = {"ansible_connection": "local", "expressway_username": emu.username,
                  "expressway_password": emu.password, "expressway_ca_path": emu.ca_path,
                  "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
                  "webex_b2b_org_sip_domains": ["acme.calls.webex.test"]}
    path.write_text(yaml.safe_dump({"expressway": {"hosts": hosts, "vars": group_vars}}))
    return path


def measure(runner, emu, inv, playbook, forks, ok_codes=(0,)):
    mark = emu.mark()
    start = time.monotonic()
    proc = runner.run_playbook(REPO / "playbooks" / playbook, inventory=inv, args=["--forks", str(forks)])
    wall = time.monotonic() - start
    if proc.returncode not in ok_codes:
        raise SystemExit(f"{playbook} exited {proc.returncode}:\n{proc.stdout[-4000:]}")
    per_host = collections.defaultdict(collections.Counter)
    for entry in emu.requests(since=mark):
        per_host[entry["name"]]["GET" if entry["method"] == "GET" else "write"] += 1
    return wall, per_host


def describe(name, hosts, wall, per_host):
    gets = [per_host[h]["GET"] for h in hosts]
    writes = [per_host[h]["write"] for h in hosts]
    print(f"{name:<28} {wall:7.1f} s  {len(hosts) / wall:6.2f} hosts/s  "
          f"GET/host {min(gets)}-{max(gets)} (mean {statistics.mean(gets):.1f})  "
          f"writes/host {min(writes)}-{max(writes)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--forks", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        specs = [{"name": f"expe{n:03d}", "seed": SEED} for n in range(1, args.hosts + 1)]
        with Emulator(tmp / "emulator", specs) as emu:
            runner = AnsibleRunner(tmp / "build", tmp)
            inv = inventory(emu, tmp / "inventory.yml")
            hosts = [spec["name"] for spec in specs]
            print(f"{args.hosts} emulated Expressway-E, forks {args.forks}")
            describe("configure (first apply)", hosts, *measure(runner, emu, inv, "configure.yml", args.forks))
            describe("configure (converged)", hosts, *measure(runner, emu, inv, "configure.yml", args.forks))
            describe("drift.yml (check + diff)", hosts, *measure(runner, emu, inv, "drift.yml", args.forks))


if __name__ == "__main__":
    main()
