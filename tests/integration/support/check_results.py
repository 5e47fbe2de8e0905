# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading check-module results in the scenario tests: one rule's status, its rows, good messages."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


def rule_status(result, subject, rule):
    """The rolled-up status of one rule for one subject; fails the test if the rule is absent."""
    found = [r["status"] for r in result["rules"] if r["subject"] == subject and r["rule"] == rule]
    assert len(found) == 1, f"{rule} for {subject}: {len(found)} roll-up entries\n{explain(result, subject)}"
    return found[0]


def rows(result, rule, **match):
    """Result rows of a rule, filtered by any row field (subject, target, address, port)."""
    return [row for row in result["results"] if row["rule"] == rule and all(row.get(k) == v for k, v in match.items())]


def explain(result, subject=None):
    """The rows of a subject (or all) as compact text, for assertion messages."""
    lines = [f"failed={result.get('failed')} msg={result.get('msg')!r} summary={result.get('summary')}"]
    for row in result.get("results", []):
        if subject is None or row["subject"] == subject:
            lines.append(
                f"  {row['rule']:<15} {row['status']:<5} {row.get('target')} {row.get('address')}:"
                f"{row.get('port')}  {row['summary']}"
            )
    if "results" not in result:
        lines.append(json.dumps({k: v for k, v in result.items() if k != "_stdout"}, indent=1)[:3000])
        lines.append(result.get("_stdout", "")[-3000:])
    return "\n".join(lines)


def expect(result, subject, expected):
    """Assert the exact status of each rule in ``expected`` ({rule: status}) for subject."""
    got = {rule: rule_status(result, subject, rule) for rule in expected}
    assert got == expected, f"{subject}: expected {expected}, got {got}\n{explain(result, subject)}"


def run_module_direct(ansible, fqcn, args, work_dir):
    """Run a module as the process Ansible would start (args file, no controller); (seconds, result).

    For timing a module's own behaviour: the controller's start-up varies by seconds on a busy
    machine, the module process alone by much less.
    """
    namespace, name, module = fqcn.split(".")
    args_file = Path(work_dir) / f"direct-{module}-{time.monotonic_ns()}.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", f"ansible_collections.{namespace}.{name}.plugins.modules.{module}", str(args_file)],
        env=ansible.env({"PYTHONPATH": str(ansible.build_dir)}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - start
    try:
        return elapsed, json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"{fqcn} printed no JSON (rc {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
