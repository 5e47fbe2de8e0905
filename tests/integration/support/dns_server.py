# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real authoritative BIND ``named`` on 127.0.0.1 and a free high port, owned by the test session.

Zones are plain record lists handed in by the caller; the server is authoritative only (no
recursion), so a name that is not in a zone gets NXDOMAIN instead of leaking to the internet.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rdatatype
import pytest

from support.peer_process import PeerProcess

NAMED = shutil.which("named") or "/usr/sbin/named"
HOST = "127.0.0.1"

NAMED_CONF = """\
options {{
    directory "{dir}";
    pid-file "{dir}/named.pid";
    session-keyfile "{dir}/session.key";
    managed-keys-directory "{dir}";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    allow-query {{ any; }};
    allow-transfer {{ none; }};
    dnssec-validation no;
    notify no;
}};
controls {{ }};
logging {{
    channel stderr_log {{ stderr; severity info; }};
    category default {{ stderr_log; }};
}};
"""

ZONE_HEAD = """\
$TTL 60
@ IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 60
@ IN NS ns.example.test.
"""


def free_port(host=HOST):
    """A port free for both UDP and TCP on host (DNS needs both)."""
    for attempt in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((host, port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free UDP+TCP port on loopback")


def closed_port(host=HOST):
    """A port where nothing answers DNS (bound and released; nobody listens there afterwards)."""
    return free_port(host)


class Zone:
    """Records of one zone as (relative or absolute name, type, rdata) lines."""

    def __init__(self, origin):
        self.origin = origin.rstrip(".") + "."
        self.records = []

    def add(self, name, rtype, rdata):
        self.records.append((name, rtype, rdata))
        return self

    def text(self):
        lines = [f"$ORIGIN {self.origin}", ZONE_HEAD]
        lines += [f"{name} IN {rtype} {rdata}" for name, rtype, rdata in self.records]
        return "\n".join(lines) + "\n"


class NamedServer(PeerProcess):
    """Start/stop one ``named -g`` with generated config; ``port`` is where it answers."""

    NAME = "named"

    def __init__(self, directory, zones, port=None):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.zones = list(zones)
        self.port = port or free_port()
        self.proc = None
        self.log = self.dir / "named.log"

    def write_config(self):
        conf = NAMED_CONF.format(dir=self.dir, port=self.port)
        for zone in self.zones:
            zone_file = self.dir / f"{zone.origin.rstrip('.')}.zone"
            zone_file.write_text(zone.text())
            conf += f'zone "{zone.origin}" {{ type primary; file "{zone_file}"; }};\n'
        path = self.dir / "named.conf"
        path.write_text(conf)
        return path

    def check_config(self, conf):
        # named-checkconf -z reports a broken zone line by line, which named -g would only log.
        checker = shutil.which("named-checkconf") or "/usr/bin/named-checkconf"
        if os.path.exists(checker):
            out = subprocess.run([checker, "-z", str(conf)], capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"named-checkconf rejected the fixture zones:\n{out.stdout}{out.stderr}")

    def start(self, wait=20.0):
        conf = self.write_config()
        self.check_config(conf)
        # -g: foreground, log to stderr; -4: IPv4 only; -n 1: one worker, the machine is shared.
        # No -u: the fixture runs as whoever runs the tests and named keeps that identity.
        cmd = [NAMED, "-g", "-4", "-n", "1", "-c", str(conf)]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        self.wait_ready(wait)
        return self

    def wait_ready(self, wait):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"named exited with {self.proc.returncode}:\n{self.log_text()}")
            if self.answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"named did not answer on {HOST}:{self.port} within {wait}s:\n{self.log_text()}")

    def answers(self):
        query = dns.message.make_query(self.zones[0].origin, dns.rdatatype.SOA)
        try:
            reply = dns.query.udp(query, HOST, port=self.port, timeout=0.5)
        except (OSError, dns.exception.Timeout):
            return False
        return bool(reply.answer)

    def log_text(self):
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        if "apparmor" in text.lower() or "permission denied" in text.lower():
            text += (
                "\n(named could not read its own files: an AppArmor profile for named may confine it "
                "to /etc/bind and /var/cache/bind; run the tests where that profile is not enforced)"
            )
        return text


@pytest.fixture(scope="session")
def named_server(peer_plan, tmp_path_factory):
    """One named for the session, serving every scenario's forward and reverse records."""
    server = NamedServer(tmp_path_factory.mktemp("named"), [peer_plan.zone, peer_plan.reverse])
    with server:
        yield server
