"""Run the collection through real ansible-playbook processes, the way users run it.

Integration tests call `run_module` for one task or `run_playbook` for a playbook file; both
use the collection staged under a temporary ``ansible_collections`` folder and the Python that
runs the tests (it has the collection's requirements).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def stage_collection(build_dir):
    """Copy the working tree into build_dir/ansible_collections/ucops/expressway."""
    env = dict(os.environ, UCOPS_BUILD=str(build_dir))
    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "stage-collection.sh")], env=env, check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


class AnsibleRunner:
    """Runs ansible-playbook against the staged collection; one instance per test session."""

    def __init__(self, build_dir, work_dir):
        self.build_dir = Path(build_dir)
        self.work_dir = Path(work_dir)
        self.collection = stage_collection(self.build_dir)
        self._count = 0

    def env(self, extra=None):
        env = dict(os.environ)
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(self.build_dir),
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_HOST_KEY_CHECKING": "False",
                "ANSIBLE_RETRY_FILES_ENABLED": "False",
                "ANSIBLE_LOCALHOST_WARNING": "False",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
                "PATH": f"{BIN}:{env.get('PATH', '')}",
            }
        )
        env.update(extra or {})
        return env

    def run_playbook(self, playbook, inventory=None, extra_vars=None, args=(), env=None, check=False):
        """Run a playbook file; returns the CompletedProcess (stdout and stderr as text)."""
        cmd = [str(BIN / "ansible-playbook"), str(playbook)]
        cmd += ["-i", str(inventory)] if inventory else ["-i", "localhost,", "-c", "local"]
        if extra_vars:
            self._count += 1
            vars_file = self.work_dir / f"extra-vars-{self._count}.json"
            vars_file.write_text(json.dumps(extra_vars))
            cmd += ["-e", f"@{vars_file}"]
        cmd += list(args)
        proc = subprocess.run(cmd, env=self.env(env), capture_output=True, text=True, timeout=900, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def run_module(self, module, module_args, check_mode=False, diff=False, env=None):
        """Run one task of `module` on localhost; returns the registered result as a dict."""
        self._count += 1
        out = self.work_dir / f"result-{self._count}.json"
        play = [
            {
                "hosts": "localhost",
                "gather_facts": False,
                "connection": "local",
                "tasks": [
                    {"name": "module under test", module: module_args, "register": "result", "ignore_errors": True},
                    {
                        "name": "save result",
                        "ansible.builtin.copy": {"content": "{{ result | to_nice_json }}", "dest": str(out)},
                        "check_mode": False,
                        "diff": False,
                    },
                ],
            }
        ]
        playbook = self.work_dir / f"play-{self._count}.yml"
        playbook.write_text(yaml.safe_dump(play, sort_keys=False))
        args = []
        if check_mode:
            args.append("--check")
        if diff:
            args.append("--diff")
        proc = self.run_playbook(playbook, args=args, env=env)
        if not out.exists():
            raise AssertionError(f"no result for {module}:\n{proc.stdout}\n{proc.stderr}")
        result = json.loads(out.read_text())
        result["_stdout"] = proc.stdout
        return result
