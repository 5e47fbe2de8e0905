#!/usr/bin/env python
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a converged webex_b2b run spends its CPU, outside Ansible: what one host costs beyond a no-op module.

Starts one emulated Expressway-E, converges it once, then runs the module as its own process (an args file,
as Ansible hands it over) --repeat times and reports the median CPU time (user + system of the child), next
to: a Python that only imports ansible.module_utils.basic (what every module, ping included, pays), the same
plus the import of requests (the HTTP stack), of cryptography.x509, and of the collection's module_utils
that webex_b2b loads. The differences say what the module adds and which part of it is imports.

    .venv/bin/python benchmarks/bench_module_cpu.py [--repeat 9]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from support.ansible_runner import stage_collection  # noqa: E402
from support.emulator import Emulator  # noqa: E402
from support.pki import make_root, pem  # noqa: E402

SEED = {
    "zones": {"traversalserver": [{"Name": "Traversal to Expressway-C"}]},
    "dnsservers": [{"index": 1, "address": "192.0.2.53"}],
}
MU = "ansible_collections.ucops.expressway.plugins.module_utils"
IMPORTS = {
    "import basic (every module)": "import ansible.module_utils.basic",
    "+ requests": "import ansible.module_utils.basic, requests",
    "+ requests, cryptography.x509": "import ansible.module_utils.basic, requests, cryptography.x509",
    "+ the module's module_utils": (
        f"import ansible.module_utils.basic, {MU}._expressway.client, {MU}._expressway.converge, "
        f"{MU}._expressway.truststore"
    ),
}


def cpu_of(cmd, env):
    before = os.times()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return (after.children_user + after.children_system) - (before.children_user + before.children_system), proc


def median_cpu(cmd, env, repeat):
    return statistics.median(cpu_of(cmd, env)[0] for dummy in range(repeat))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        collection = stage_collection(tmp / "build")
        env = dict(os.environ, PYTHONPATH=str(collection.parents[2]))
        ca_file = tmp / "partner-root.pem"
        ca_file.write_bytes(pem(make_root("ucops benchmark partner root CA").cert))
        with Emulator(tmp / "emulator", [{"name": "expe001", "seed": SEED}]) as emu:
            module_args = {
                "host": emu.host(),
                "port": emu.port(),
                "username": emu.username,
                "password": emu.password,
                "ca_path": emu.ca_path,
                "org_sip_domains": ["acme.calls.webex.test"],
                "inbound_target_zone": "Traversal to Expressway-C",
                "dns_servers": ["192.0.2.53", "198.51.100.53"],
                "system_host_name": "expe001",
                "trusted_ca_files": [str(ca_file)],
            }
            args_file = tmp / "args.json"
            args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
            module = [python, "-m", "ansible_collections.ucops.expressway.plugins.modules.webex_b2b", str(args_file)]
            dummy, first = cpu_of(module, env)
            if json.loads(first.stdout).get("failed"):
                raise SystemExit(first.stdout)
            mark = emu.mark()
            converged = median_cpu(module, env, args.repeat)
            runs = args.repeat
            gets = len(emu.requests(method="GET", since=mark)) // runs
            writes = len(emu.writes(since=mark))
        print(f"median CPU of {args.repeat} runs each (user + system of the child process)")
        floor = None
        for label, code in IMPORTS.items():
            value = median_cpu([python, "-c", code], env, args.repeat)
            floor = value if floor is None else floor
            print(f"  {label:<34} {value:6.3f} s   (+{value - floor:.3f} s)")
        print(
            f"  {'webex_b2b, converged run':<34} {converged:6.3f} s   (+{converged - floor:.3f} s); "
            f"{gets} GETs and {writes} writes per run (emulator log)"
        )


if __name__ == "__main__":
    main()
