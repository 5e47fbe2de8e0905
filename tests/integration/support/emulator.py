"""Start the Expressway emulator as a real process and read its request log.

`Emulator` runs one process serving one or several instances on free loopback ports (port 0,
so two test runs never race for a port), waits for the ready file and exposes URLs, the CA path,
credentials and the parsed request log. The fixtures below are meant for `pytest_plugins`.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EMULATOR_PATH = REPO / "tools" / "expressway_emulator"
USERNAME = "admin"
PASSWORD = "Expressway-Emul4tor"


class EmulatorError(RuntimeError):
    pass


class Emulator:
    """One emulator process. `instances` are fleet entries; `listen` defaults to 127.0.0.1:0."""

    def __init__(self, work_dir, instances=None, state_dir=None, extra_args=(), timeout=20):
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir = Path(state_dir) if state_dir else self.work_dir / "state"
        self.log_path = self.work_dir / "requests.jsonl"
        self.ready_path = self.work_dir / "ready.json"
        self.username, self.password = USERNAME, PASSWORD
        specs = instances or [{"name": "exp1"}]
        self.specs = [dict({"listen": "127.0.0.1:0"}, **spec) for spec in specs]
        self.extra_args = list(extra_args)
        self.timeout = timeout
        self.proc = None
        self.ready = None

    # -- process ---------------------------------------------------------------------------
    def start(self):
        fleet = self.work_dir / "fleet.json"
        fleet.write_text(json.dumps({"instances": self.specs}))
        for path in (self.ready_path, self.log_path):
            path.unlink(missing_ok=True)
        self.log_path.touch()
        cmd = [
            sys.executable,
            "-m",
            "expressway_emulator",
            "--fleet",
            str(fleet),
            "--state-dir",
            str(self.state_dir),
            "--log",
            str(self.log_path),
            "--ready-file",
            str(self.ready_path),
            *self.extra_args,
        ]
        env = dict(os.environ, PYTHONPATH=str(EMULATOR_PATH))
        self.stderr = open(self.work_dir / "stderr.txt", "w+", encoding="utf-8")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self.stderr)
        self._wait_ready()
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.timeout
        while not self.ready_path.exists():
            if self.proc.poll() is not None:
                self.stderr.seek(0)
                raise EmulatorError(f"emulator exited with {self.proc.returncode}: {self.stderr.read()}")
            if time.monotonic() > deadline:
                self.stop()
                raise EmulatorError("emulator did not become ready in time")
            time.sleep(0.05)
        self.ready = json.loads(self.ready_path.read_text())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- addresses and credentials --------------------------------------------------------
    @property
    def ca_path(self):
        return self.ready["ca"]

    @property
    def auth(self):
        return (self.username, self.password)

    def instance(self, name=None):
        """The ready-file entry of `name` (default: the first instance)."""
        entries = self.ready["instances"]
        if name is None:
            return entries[0]
        for entry in entries:
            if name in (entry["name"], entry["instance"]):
                return entry
        raise KeyError(name)

    def url(self, name=None):
        """https://127.0.0.1:PORT of an instance."""
        return self.instance(name)["url"]

    def host(self, name=None):
        return self.instance(name)["instance"].rsplit(":", 1)[0]

    def port(self, name=None):
        return int(self.instance(name)["instance"].rsplit(":", 1)[1])

    def api(self, path="", name=None, v1=False):
        """Full URL of an API path such as 'common/zone/dnszone'."""
        prefix = "/api/v1/provisioning/" if v1 else "/api/provisioning/"
        return self.url(name) + prefix + path.lstrip("/")

    @property
    def urls(self):
        return {entry["name"]: entry["url"] for entry in self.ready["instances"]}

    # -- request log ----------------------------------------------------------------------
    def _lines(self):
        with open(self.log_path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def mark(self):
        """A position in the request log; pass it as `since` to see only later requests."""
        return len(self._lines())

    def requests(self, instance=None, method=None, since=0, path=None):
        """Logged requests, oldest first; `instance` is a name or HOST:PORT, `path` a substring."""
        found = []
        for entry in self._lines()[since:]:
            if instance is not None and instance not in (entry.get("name"), entry["instance"]):
                continue
            if method is not None and entry["method"] != method.upper():
                continue
            if path is not None and path not in entry["path"]:
                continue
            found.append(entry)
        return found

    def writes(self, instance=None, since=0):
        """Logged POST/PUT/DELETE requests: what an idempotence check expects to be empty."""
        return [
            entry
            for entry in self.requests(instance=instance, since=since)
            if entry["method"] in ("POST", "PUT", "DELETE")
        ]


@pytest.fixture(scope="session")
def emulator_state_dir(tmp_path_factory):
    """One CA for the whole session, so key generation happens once."""
    return tmp_path_factory.mktemp("emulator-state")


@pytest.fixture
def emulator_factory(tmp_path, emulator_state_dir):
    """Start custom emulators: `emulator_factory([{"name": ..., "product": ...}, ...])`."""
    started = []

    def start(instances=None, **kwargs):
        work = tmp_path / f"emulator-{len(started)}"
        emu = Emulator(work, instances, state_dir=kwargs.pop("state_dir", emulator_state_dir), **kwargs)
        started.append(emu)
        return emu.start()

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory):
    """A fresh single Expressway-E X14.3.2 instance called 'exp1'."""
    return emulator_factory([{"name": "exp1", "product": "expressway-e", "version": "X14.3.2"}])
