"""Fault injection: every API module through a TLS proxy that breaks one request, judged on the real box.

One emulator process serves one instance per case and one proxy process (support/fault_proxy.py) has one
listener per case, so every case starts from its own seeded box. The cases run as tasks of a few
ansible-playbook processes at -vvv (in parallel), then a clean run straight to the emulator converges and
a third run must change nothing. Each case then asserts:

- the faulted task succeeded (after retries) or failed with a clear message, never a traceback; faults
  that a client must heal (a lost GET or PUT answer) must succeed, refusals must fail;
- nothing but the declared object changed on the box (state read over HTTPS before and after);
- a POST or DELETE whose answer was lost was not sent again; Retry-After was honoured; a dripping answer
  was abandoned; no redirect was followed;
- the clean re-run converges, the third run is unchanged with zero writes;
- the password appears nowhere in the -vvv output.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from support import fault_matrix as fm
from support.ansible_runner import BIN
from support.emulator import Emulator
from support.fault_proxy import make_pki

pytestmark = pytest.mark.slow

PASSWORD = "Fault-Inj3ction-Pw-q7Zr"
PROXY = Path(__file__).parent / "support" / "fault_proxy.py"
SNAP_PATHS = (
    "common/zone/dnszone",
    "common/zone/neighborzone",
    "common/searchrule",
    "common/dns/dns",
    "common/dns/dnsserver",
    "common/protocol/sip/configuration",
    fm.PENDING,
    fm.ACTIVE,
    "certs/root",
)
CASES = fm.matrix()
JOBS = int(os.environ.get("UCOPS_FAULT_JOBS", "4"))
CLEAR = re.compile(r"\b(GET|POST|PUT|DELETE) https://127\.0\.0\.1:\d+/|re-?run|run (it )?again", re.I)
PEM_RE = re.compile(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)


# -- processes -------------------------------------------------------------------------------------------
class FaultProxy:
    """The proxy process: one listener per case, a JSON log, stopped at the end."""

    def __init__(self, work, config):
        self.work = Path(work)
        self.config_path, self.log_path = self.work / "proxy.json", self.work / "proxy-log.jsonl"
        self.ready_path = self.work / "proxy-ready.json"
        self.config_path.write_text(json.dumps(config))
        # pylint: disable-next=consider-using-with
        self.stderr = open(self.work / "proxy-stderr.txt", "w+", encoding="utf-8")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(PROXY),
                "--config",
                str(self.config_path),
                "--log",
                str(self.log_path),
                "--ready",
                str(self.ready_path),
            ],
            stderr=self.stderr,
        )
        deadline = time.monotonic() + 60
        while not self.ready_path.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                self.stderr.seek(0)
                raise RuntimeError(f"fault proxy did not start: {self.stderr.read()}")
            time.sleep(0.05)
        self.ready = json.loads(self.ready_path.read_text())

    def port(self, case_id):
        return self.ready["listeners"][case_id]

    def entries(self):
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


def snapshot(emu, name):
    """Everything the box holds that any module of the matrix could touch, read over HTTPS."""
    base = emu.url(name) + "/api/provisioning/"
    snap = {}
    with requests.Session() as session:
        for path in SNAP_PATHS:
            resp = session.get(base + path, auth=emu.auth, verify=emu.ca_path, timeout=30)
            resp.raise_for_status()
            if path == "certs/root":
                snap[path] = [
                    hashlib.sha256(
                        x509.load_pem_x509_certificate(block).public_bytes(serialization.Encoding.DER)
                    ).hexdigest()
                    for block in PEM_RE.findall(resp.content)
                ]
            else:
                snap[path] = resp.json()
    return snap


def snapshots(emu, case_ids):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(case_ids, pool.map(lambda case_id: snapshot(emu, case_id), case_ids)))


# -- playbooks -------------------------------------------------------------------------------------------
def task(name, module, args, register):
    return {"name": name, module: args, "register": register, "ignore_errors": True, "timeout": 90}


def save(dest, registers):
    content = "{{ {" + ", ".join(f"{json.dumps(key)}: {var}" for key, var in registers.items()) + "} | to_json }}"
    return {
        "name": "save results",
        "ansible.builtin.copy": {"content": content, "dest": str(dest)},
        "check_mode": False,
        "diff": False,
    }


def play(tasks):
    return [
        {"name": "fault matrix", "hosts": "localhost", "gather_facts": False, "connection": "local", "tasks": tasks}
    ]


def slices(case_ids):
    """Round-robin over JOBS playbooks, slow cases first, so each playbook waits about as long."""
    weight = {case_id: (fm.parse(case_id)[2] in fm.SLOW) * 2 + (fm.parse(case_id)[3] == 0) for case_id in case_ids}
    ordered = sorted(case_ids, key=lambda case_id: -weight[case_id])
    return [ordered[number::JOBS] for number in range(JOBS) if ordered[number::JOBS]]


def run_parallel(ansible, work, phase, plays, verbose=False):
    """Run the playbooks at once; returns [(stdout, stderr, results)] in order."""
    procs = []
    for number, (tasks, out) in enumerate(plays):
        path = work / f"{phase}-{number}.yml"
        path.write_text(yaml.safe_dump(play(tasks), sort_keys=False))
        cmd = [str(BIN / "ansible-playbook"), str(path), "-i", "localhost,", "-c", "local"]
        cmd += ["-vvv"] if verbose else []
        logs = (
            open(work / f"{phase}-{number}.out", "w+", encoding="utf-8"),  # pylint: disable=consider-using-with
            open(work / f"{phase}-{number}.err", "w+", encoding="utf-8"),
        )  # pylint: disable=consider-using-with
        # Pipelining: one process per task instead of five, on a machine where every process counts.
        env = ansible.env({"ANSIBLE_PIPELINING": "True"})
        procs.append((subprocess.Popen(cmd, env=env, stdout=logs[0], stderr=logs[1]), logs, out))
    done = []
    for proc, logs, out in procs:
        proc.wait(timeout=1500)
        texts = []
        for handle in logs:
            handle.seek(0)
            texts.append(handle.read())
            handle.close()
        if not out.exists():
            raise AssertionError(
                f"{phase} playbook wrote no results ({proc.returncode}):\n{texts[0][-4000:]}\n{texts[1][-4000:]}"
            )
        done.append((texts[0], texts[1], json.loads(out.read_text())))
    return done


def sections(stdout):
    """-vvv output split per task name."""
    found = {}
    for part in re.split(r"^TASK \[", stdout, flags=re.M)[1:]:
        name, _sep, rest = part.partition("]")
        found[name] = found.get(name, "") + rest
    return found


# -- the suite -------------------------------------------------------------------------------------------
@dataclass
class Suite:
    emu: Emulator
    modules: dict
    ctx: dict
    before: dict = field(default_factory=dict)
    faulted: dict = field(default_factory=dict)
    final: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    output: dict = field(default_factory=dict)
    full_output: str = ""
    proxy_log: list = field(default_factory=list)
    emu_log: list = field(default_factory=list)
    marks: dict = field(default_factory=dict)
    reference: dict = field(default_factory=dict)  # read-only module -> the case whose clean run stands for all


class Clock:
    """Where the time went, written to phases.txt in the work folder (for people; never asserted)."""

    def __init__(self, work):
        self.path, self.last = Path(work) / "phases.txt", time.monotonic()

    def lap(self, what):
        now = time.monotonic()
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(f"{what}: {now - self.last:.1f} s\n")
        self.last = now


def connection(host, port, bundle, fault=None):
    return {
        "host": host,
        "port": port,
        "username": "admin",
        "password": PASSWORD,
        "ca_path": str(bundle),
        "validate_certs": True,
        "timeout": 3 if fault in fm.SLOW else 15,
    }


def fault_plays(suite, proxy, bundle, case_ids, work):
    plays = []
    for number, chunk in enumerate(slices(case_ids)):
        tasks, registers = [], {}
        for index, case_id in enumerate(chunk):
            key, _position, fault, _count = fm.parse(case_id)
            spec = suite.modules[key]
            args = dict(spec.args, **connection("127.0.0.1", proxy.port(case_id), bundle, fault))
            tasks.append(task(f"case {case_id}", spec.module, args, f"r{index}"))
            registers[f"case {case_id}"] = f"r{index}"
        out = work / f"fault-results-{number}.json"
        plays.append((tasks + [save(out, registers)], out))
    return plays


def clean_cases(suite, case_ids):
    """Every write case; for a read-only module one case stands for all (its box is unchanged, checked)."""
    chosen = []
    for case_id in case_ids:
        key = fm.parse(case_id)[0]
        if not suite.modules[key].read_only:
            chosen.append(case_id)
        elif key not in suite.reference:
            suite.reference[key] = case_id
            chosen.append(case_id)
    return chosen


def clean_plays(suite, bundle, case_ids, work):
    plays = []
    for number, chunk in enumerate(slices(clean_cases(suite, case_ids))):
        first, again, registers = [], [], {}
        for index, case_id in enumerate(chunk):
            spec = suite.modules[fm.parse(case_id)[0]]
            args = dict(spec.args, **connection(suite.emu.host(case_id), suite.emu.port(case_id), bundle))
            if not spec.read_only:
                first.append(task(f"converge {case_id}", spec.module, args, f"c{index}"))
                registers[f"converge {case_id}"] = f"c{index}"
            third = task(f"again {case_id}", spec.module, args, f"a{index}")
            if not spec.read_only:  # a re-run that changed nothing already was the no-op run
                third["when"] = f"c{index} is changed or c{index} is failed"
            again.append(third)
            registers[f"again {case_id}"] = f"a{index}"
        marker = {
            "name": "mark",
            "ansible.builtin.set_fact": {"marker": "{{ now(utc=true, fmt='%Y-%m-%dT%H:%M:%S.%f') }}"},
        }
        registers["marker"] = "marker"
        out = work / f"clean-results-{number}.json"
        plays.append((first + [marker] + again + [save(out, registers)], out))
    return plays


def collect(suite, ran):
    for stdout, stderr, results in ran:
        suite.full_output += stdout + stderr
        suite.output.update(sections(stdout))
        marker = results.pop("marker", None)
        for name, result in results.items():
            suite.results[name] = result
            if marker and name.startswith("again "):
                suite.marks[name.split(" ", 1)[1]] = marker


def start(work, case_ids, modules):
    specs = [
        dict(
            {
                "name": case_id,
                "product": "expressway-e",
                "version": "X14.3.2",
                "system_name": "exp-fault",
                "seed": modules[fm.parse(case_id)[0]].seed,
            },
            **modules[fm.parse(case_id)[0]].instance,
        )
        for case_id in case_ids
    ]
    emu = Emulator(work / "emulator", specs, extra_args=["--password", PASSWORD], timeout=180)
    emu.password = PASSWORD
    return emu.start()


def selected_cases(request):
    chosen = [
        item.callspec.params["case_id"]
        for item in request.session.items
        if getattr(item, "callspec", None)
        and "case_id" in item.callspec.params
        and item.module.__name__ == request.module.__name__
    ]
    return chosen or list(CASES)


@pytest.fixture(scope="module")
def suite(ansible, tmp_path_factory, request):
    work = tmp_path_factory.mktemp("faults")
    case_ids = selected_cases(request)
    new_ca = make_pki(work / "new-ca")["ca"]
    modules = fm.module_cases(new_ca)
    ctx = {
        "new_ca_sha256": hashlib.sha256(
            x509.load_pem_x509_certificate(new_ca.read_bytes()).public_bytes(serialization.Encoding.DER)
        ).hexdigest()
    }
    emu = start(work, case_ids, modules)
    proxy_pki = make_pki(work / "proxy-pki")
    bundle = work / "ca-bundle.pem"
    bundle.write_text(Path(emu.ca_path).read_text() + proxy_pki["ca"].read_text())
    listeners = [
        {
            "id": case_id,
            "upstream": emu.instance(case_id)["instance"],
            "fault": fm.parse(case_id)[2],
            "position": fm.parse(case_id)[1],
            "count": fm.parse(case_id)[3],
        }
        for case_id in case_ids
    ]
    proxy = FaultProxy(
        work,
        {
            "cert": str(proxy_pki["cert"]),
            "key": str(proxy_pki["key"]),
            "upstream_ca": emu.ca_path,
            "listeners": listeners,
        },
    )
    try:
        data = Suite(emu, modules, ctx)
        clock = Clock(work)
        data.before = snapshots(emu, case_ids)
        clock.lap("start and first snapshot")
        data.marks["fault"] = emu.mark()
        collect(
            data, run_parallel(ansible, work, "fault", fault_plays(data, proxy, bundle, case_ids, work), verbose=True)
        )
        clock.lap("faulted runs")
        data.faulted = snapshots(emu, case_ids)
        data.marks["clean"] = emu.mark()
        collect(data, run_parallel(ansible, work, "clean", clean_plays(data, bundle, case_ids, work)))
        clock.lap("clean re-runs")
        data.final = snapshots(emu, case_ids)
        data.proxy_log, data.emu_log = proxy.entries(), emu._lines()  # pylint: disable=protected-access
        yield data
    finally:
        proxy.stop()
        emu.stop()


# -- judging one case ------------------------------------------------------------------------------------
WRITES = ("POST", "PUT", "DELETE")


def expectation(fault, count, method):
    """'succeed' where a client must heal the fault, 'fail' where it must refuse, else 'either'."""
    if fault in fm.REFUSAL or count == 0:
        return "fail"
    if fault == "http429_retry_after" or (fault in fm.RETRY_STATUS + fm.CONNECTION and method in ("GET", "PUT")):
        return "succeed"  # 429: the box refused without acting, so even a POST may be sent again
    return "either"


def outcome(result, text, fault, count, method):
    failed, msg = bool(result.get("failed")), str(result.get("msg", ""))
    problems = []
    # ansible-core 2.19 puts "(traceback unavailable)" into every failed result; a real one says Traceback.
    if (
        "Traceback" in text
        or "MODULE FAILURE" in text
        or result.get("module_stderr")
        or "Traceback" in str(result.get("exception", ""))
    ):
        problems.append(f"traceback or MODULE FAILURE in the output: {msg[:200]!r}")
    if result.get("timedout"):
        problems.append("Ansible's task timeout had to stop the module: the client never gave up")
    elif failed and not CLEAR.search(msg):
        problems.append(f"unclear error (names no method and URL, nor what to do): {msg[:300]!r}")
    wanted = expectation(fault, count, method)
    if wanted == "succeed" and failed:
        problems.append(f"one {fault} on a {method} must be healed by a retry, but the task failed: {msg[:300]!r}")
    if wanted == "fail" and not failed:
        problems.append(f"{fault} must fail the task, but it succeeded (changed={result.get('changed')})")
    words = {"http401": ("401",), "http403": ("403",), "redirect302": ("302", "redirect")}.get(fault, ())
    if failed and words and not any(word in msg.lower() for word in words):
        problems.append(f"the error does not say {' or '.join(words)}: {msg[:300]!r}")
    return problems


def emulator_entries(suite, case_id, phase):
    bounds = {"fault": (suite.marks["fault"], suite.marks["clean"]), "clean": (suite.marks["clean"], None)}
    start_at, end_at = bounds[phase]
    return [entry for entry in suite.emu_log[start_at:end_at] if entry.get("name") == case_id]


def transport(suite, case_id, entries, injected, position):
    """Retry-After honoured, drip abandoned, no redirect followed, no lost POST/DELETE sent again."""
    problems, first = [], injected[0]
    if first["fault"].endswith("retry_after"):
        retry = [e for e in entries if e.get("n") == first["n"] + 1]
        if retry and (retry[0]["method"], retry[0]["path"]) == (first["method"], first["path"]):
            gap = retry[0]["t_in"] - first["t_in"]
            if gap < 0.95:
                problems.append(f"{first['method']} retried {gap:.2f} s after 'Retry-After: 1'")
    # The first 40 bytes of every emulator answer are its status line and headers.
    problems += [
        f"the client waited out {e['sent']} dripped bytes of the answer's head at 0.5 s each: the "
        "per-request deadline does not cover the status line and headers"
        for e in entries
        if e.get("event") == "drip_end" and not e["client_gave_up"]
    ]
    problems += [
        f"followed the redirect to plain HTTP {e['path']} (credentials sent: {e['auth']})"
        for e in suite.proxy_log
        if e.get("action") == "sink" and e["path"].startswith(f"/{case_id}/")
    ]
    if position == "write_after" and first["method"] in ("POST", "DELETE"):
        json_body = isinstance(first.get("body"), dict)
        same = [
            e
            for e in emulator_entries(suite, case_id, "fault")
            if (e["method"], e["path"]) == (first["method"], first["path"])
            and (not json_body or e["body"] == first["body"])
        ]
        if len(same) != 1:
            problems.append(f"the {first['method']} whose answer was lost reached the box {len(same)} times")
    return problems


def change(old, new):
    """A short account of how one snapshot path changed: the list items gone and added, or old -> new."""
    if isinstance(old, list) and isinstance(new, list):
        gone = [item for item in old if item not in new]
        added = [item for item in new if item not in old]
        if gone or added:
            return f"removed {gone}, added {added}"
        return f"reordered {old} -> {new}"
    return f"{old!r} -> {new!r}"


def differences(before, after, when):
    return [
        f"{when} changed what it does not manage: {path}: {change(before.get(path), after.get(path))}"
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]


def state(suite, case_id, spec, result):
    before, after = suite.before[case_id], suite.faulted[case_id]
    problems = differences(spec.unmanaged(before, suite.ctx), spec.unmanaged(after, suite.ctx), "the faulted run")
    problems += spec.slots(before, after, suite.ctx)
    if not result.get("failed") and not spec.read_only:
        problems += [f"the task reported success, but {p}" for p in spec.declared(after, suite.ctx)]
    writes = [e for e in emulator_entries(suite, case_id, "fault") if e["method"] in WRITES]
    if spec.read_only:
        problems += [f"a read-only module wrote: {e['method']} {e['path']}" for e in writes]
    else:
        problems += [f"the faulted run sent {reason}" for reason in map(spec.foreign, writes) if reason]
    return problems


def converged(suite, case_id, spec):
    """The clean re-run straight to the box succeeds and leaves the declared state and nothing else."""
    converge = suite.results.get(f"converge {case_id}", {})
    problems = [f"the clean re-run failed: {str(converge.get('msg'))[:300]!r}"] if converge.get("failed") else []
    problems += [f"after the clean re-run, {p}" for p in spec.declared(suite.final[case_id], suite.ctx)]
    return problems + differences(
        spec.unmanaged(suite.before[case_id], suite.ctx),
        spec.unmanaged(suite.final[case_id], suite.ctx),
        "the clean re-run",
    )


def clean(suite, case_id, spec, result):
    """After the clean re-run, a run changes nothing and writes nothing."""
    problems = [] if spec.read_only else converged(suite, case_id, spec)
    again = suite.results.get(f"again {suite.reference.get(fm.parse(case_id)[0], case_id)}", {})
    marker = suite.marks.get(case_id, "9999")
    if again.get("skipped"):  # the clean re-run changed nothing, so it was the no-op run
        again, marker = suite.results.get(f"converge {case_id}", {}), ""
    if again.get("failed") or again.get("changed"):
        problems.append(
            f"the no-op run is not one: changed={again.get('changed')} msg={str(again.get('msg', ''))[:200]!r}"
        )
    writes = [
        f"{e['method']} {e['path']}"
        for e in emulator_entries(suite, case_id, "clean")
        if e["method"] in WRITES and e["ts"][:26] >= marker
    ]
    if writes:
        problems.append(f"the no-op run wrote {writes}")
    if spec.read_only and not result.get("failed") and spec.view(result) != spec.view(again):
        problems.append(
            f"the faulted run returned other data than a clean run: {spec.view(result)!r} != {spec.view(again)!r}"
        )
    return problems


def secrets(suite, case_id):
    text = "".join(suite.output.get(f"{phase} {case_id}", "") for phase in ("case", "converge", "again"))
    text += json.dumps([suite.results.get(f"{phase} {case_id}") for phase in ("case", "converge", "again")])
    return ["the password appears in the -vvv output or the task result"] if PASSWORD in text else []


def judge(suite, case_id):
    key, position, _fault, count = fm.parse(case_id)
    spec = suite.modules[key]
    result = suite.results.get(f"case {case_id}")
    if result is None:
        return ["no result was recorded for the faulted task"]
    entries = [e for e in suite.proxy_log if e.get("listener") == case_id]
    injected = [e for e in entries if e.get("action") == "fault"]
    if not injected:
        return [f"the fault was never injected: no request reached position {position}"]
    problems = outcome(
        result, suite.output.get(f"case {case_id}", ""), injected[0]["fault"], count, injected[0]["method"]
    )
    problems += transport(suite, case_id, entries, injected, position)
    problems += state(suite, case_id, spec, result)
    problems += clean(suite, case_id, spec, result)
    return problems + secrets(suite, case_id)


@pytest.mark.parametrize("case_id", CASES)
def test_fault(suite, case_id):  # pylint: disable=redefined-outer-name
    problems = judge(suite, case_id)
    assert not problems, f"{case_id}:\n- " + "\n- ".join(problems)


def test_password_in_no_output_at_all(suite):  # pylint: disable=redefined-outer-name
    assert suite.full_output, "no ansible-playbook output was captured"
    assert PASSWORD not in suite.full_output
    assert PASSWORD not in json.dumps(suite.proxy_log) and PASSWORD not in json.dumps(suite.emu_log)


# -- the proxy itself ------------------------------------------------------------------------------------
PROXY_PLAN = {
    "truncated": "first",
    "reset_before": "first",
    "http429_retry_after": "first",
    "redirect302": "first",
    "hang": "first",
    "http500": "write_after",
    "http503": "write_before",
}


@pytest.fixture
def lone_proxy(tmp_path):
    """One emulator instance behind a proxy with one listener per PROXY_PLAN entry; yields (emu, proxy, bundle)."""
    emu = Emulator(tmp_path / "emulator", [{"name": "box"}], extra_args=["--password", PASSWORD]).start()
    emu.password = PASSWORD
    pki = make_pki(tmp_path / "pki")
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(Path(emu.ca_path).read_text() + pki["ca"].read_text())
    listeners = [
        {"id": fault, "upstream": emu.instance()["instance"], "fault": fault, "position": position}
        for fault, position in PROXY_PLAN.items()
    ]
    proxy = FaultProxy(
        tmp_path, {"cert": str(pki["cert"]), "key": str(pki["key"]), "upstream_ca": emu.ca_path, "listeners": listeners}
    )
    yield emu, proxy, bundle
    proxy.stop()
    emu.stop()


def test_proxy_breaks_exactly_what_it_is_told(lone_proxy):  # pylint: disable=redefined-outer-name
    """The harness's own check: each fault looks on the wire as documented, and only once."""
    emu, proxy, bundle = lone_proxy

    def call(fault, method="GET", body=None, timeout=10):
        url = f"https://127.0.0.1:{proxy.port(fault)}/api/provisioning/common/zone/dnszone"
        return requests.request(
            method,
            url,
            json=body,
            auth=emu.auth,
            verify=str(bundle),
            timeout=timeout,
            allow_redirects=False,
            headers={"X-CSRF-Header": "test"},
        )

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        call("truncated")
    with pytest.raises(requests.exceptions.ConnectionError):
        call("reset_before")
    limited = call("http429_retry_after")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "1")
    moved = call("redirect302")
    assert moved.status_code == 302
    assert moved.headers["Location"] == (
        f"http://127.0.0.1:{proxy.ready['sink']}/redirect302/api/provisioning/common/zone/dnszone"
    )
    with pytest.raises(requests.exceptions.ReadTimeout):
        call("hang", timeout=1)
    assert call("http500", "POST", {"Name": "Applied"}).status_code == 500
    assert call("http503", "POST", {"Name": "Never sent"}).status_code == 503
    for fault in PROXY_PLAN:  # one-shot: the next request goes through
        assert call(fault).status_code == 200
    assert [zone["Name"] for zone in call("http500").json()] == ["Applied"]
    assert [(e["method"], e["status"]) for e in emu.writes()] == [("POST", 201)]
    log = proxy.entries()
    assert [e["fault"] for e in log if e.get("action") == "fault"] == list(PROXY_PLAN)
    assert PASSWORD not in proxy.log_path.read_text() and all(e["auth"] for e in log if "auth" in e)
    assert [e["client_gone"] for e in log if e.get("event") == "hang_end"] == [True]
