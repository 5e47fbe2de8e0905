# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real SIPS peer (Kamailio with its TLS module) on loopback addresses, plus a TCP black hole.

Every listening socket gets its own TLS profile, so one Kamailio process serves one certificate per
scenario. Ports 5061 are plain server TLS; a profile with ``mutual=True`` demands a client
certificate that chains to the given CA list, the way the Webex cloud's 5062 does.

Two kinds of scenario need another peer, ``openssl s_server``: a TLS service that never speaks SIP
(s_server reads the OPTIONS request and never answers it), and certificates that OpenSSL 3 refuses
to load at Debian's default security level (RSA-1024 keys, SHA-1 signatures); s_server runs those
at ``SECLEVEL=0`` the way an old SBC would.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from support.peer_process import PeerProcess

KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"

# Answers OPTIONS with 200 (what a probe wants to see) and anything else with 403, statelessly.
# The Server header is chosen per local address, so a scenario can pose as a given Expressway release.
ROUTING = """\
request_route {{
    if (method == "OPTIONS") {{
{servers}        sl_send_reply("200", "OK");
        exit;
    }}
    sl_send_reply("403", "Fixture accepts OPTIONS only");
    exit;
}}
"""
DEFAULT_SERVER = "kamailio fixture"


def _server_headers(servers):
    branches = "".join(
        f'        {"if" if i == 0 else "else if"} ($Ri == "{address}") {{\n'
        f'            append_to_reply("Server: {product}\\r\\n");\n        }}\n'
        for i, (address, product) in enumerate(sorted(servers.items()))
    )
    fallback = f'append_to_reply("Server: {DEFAULT_SERVER}\\r\\n");'
    if not branches:
        return f"        {fallback}\n"
    return branches + f"        else {{\n            {fallback}\n        }}\n"


@dataclass
class TlsProfile:
    """One TLS listener: address, port, certificate chain file, key and protocol settings.

    method: Kamailio's TLS method (``TLSv1.2`` = exactly 1.2, ``TLSv1.2+`` = 1.2 or newer).
    cipher_list: OpenSSL cipher list for TLS <= 1.2 (TLS 1.3 suites are unaffected by it).
    """

    address: str
    port: int
    certificate: Path
    private_key: Path
    method: str = "TLSv1.2+"
    mutual: bool = False
    ca_list: Path | None = None
    cipher_list: str | None = None

    def stanza(self):
        lines = [
            f"[server:{self.address}:{self.port}]",
            f"method = {self.method}",
            f"certificate = {self.certificate}",
            f"private_key = {self.private_key}",
        ]
        if self.ca_list:
            lines.append(f"ca_list = {self.ca_list}")
        if self.cipher_list:
            lines.append(f"cipher_list = {self.cipher_list}")
        if self.mutual:
            lines += ["verify_client = on", "require_certificate = yes", "verify_depth = 4"]
        else:
            lines += ["verify_client = off", "require_certificate = no"]
        return "\n".join(lines) + "\n"


class KamailioServer(PeerProcess):
    """Start/stop one foreground Kamailio serving every profile given."""

    NAME = "kamailio"
    STOP_WAIT = 15

    def __init__(self, directory, profiles, shm_mb=32, pkg_mb=8, servers=None, tcp_children=1):
        """servers: {local address: Server header value} for OPTIONS answers on that address.

        tcp_children: Kamailio 5.6 with OpenSSL 3 (Debian 12) can crash in libcrypto when several TCP
        worker processes handshake at once (kamailio/kamailio#3791 and relatives); one worker keeps
        the peer stable, and a crash is reported by assert_alive() instead of showing up as refusals.
        """
        self.dir = Path(directory)
        self.tcp_children = tcp_children
        self.servers = dict(servers or {})
        self.dir.mkdir(parents=True, exist_ok=True)
        self.profiles = list(profiles)
        self.shm_mb, self.pkg_mb = shm_mb, pkg_mb
        self.proc = None
        self.log = self.dir / "kamailio.log"

    def write_config(self):
        tls_cfg = self.dir / "tls.cfg"
        # Kamailio also builds default server and client domains and loads cert.pem for them unless
        # told otherwise; point them at the first profile's files (no scenario is served by them).
        first = self.profiles[0]
        defaults = "".join(
            f"[{side}:default]\nmethod = TLSv1.2+\ncertificate = {first.certificate}\n"
            f"private_key = {first.private_key}\nverify_certificate = no\n\n"
            for side in ("server", "client")
        )
        tls_cfg.write_text(defaults + "\n".join(p.stanza() for p in self.profiles))
        listens = "\n".join(f"listen=tls:{p.address}:{p.port}" for p in self.profiles)
        cfg = "\n".join(
            [
                "#!KAMAILIO",
                "debug=2",
                "log_stderror=yes",
                "auto_aliases=no",
                "children=1",
                f"tcp_children={self.tcp_children}",
                "enable_tls=yes",
                "disable_tcp=no",
                "dns=no",
                "rev_dns=no",
                "tcp_connection_lifetime=30",
                "tls_max_connections=4096",
                "server_signature=no",
                listens,
                'loadmodule "sl.so"',
                'loadmodule "tls.so"',
                'loadmodule "pv.so"',
                'loadmodule "textops.so"',
                f'modparam("tls", "config", "{tls_cfg}")',
                ROUTING.format(servers=_server_headers(self.servers)),
            ]
        )
        path = self.dir / "kamailio.cfg"
        path.write_text(cfg)
        return path

    def start(self, wait=30.0):
        cfg = self.write_config()
        check = subprocess.run([KAMAILIO, "-c", "-f", str(cfg)], capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"kamailio -c rejected the fixture config:\n{check.stdout}{check.stderr}")
        # -DD: stay in the foreground with children; -E: log to stderr; -Y: runtime dir (FIFO, pid)
        # inside our temp dir; -m/-M: small shared and private memory, the machine is shared.
        cmd = [
            KAMAILIO,
            "-DD",
            "-E",
            "-f",
            str(cfg),
            "-Y",
            str(self.dir),
            "-P",
            str(self.dir / "kamailio.pid"),
            "-m",
            str(self.shm_mb),
            "-M",
            str(self.pkg_mb),
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        self.wait_ready(wait)
        return self

    def wait_ready(self, wait):
        deadline = time.monotonic() + wait
        pending = {(p.address, p.port) for p in self.profiles}
        while pending and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kamailio exited with {self.proc.returncode}:\n{self.log_text()}")
            pending = {ap for ap in pending if not tcp_accepts(*ap)}
            if pending:
                time.sleep(0.1)
        if pending:
            self.stop()
            raise RuntimeError(f"kamailio did not listen on {sorted(pending)} within {wait}s:\n{self.log_text()}")

    def log_text(self):
        return self.log.read_text(errors="replace")[-8000:] if self.log.exists() else ""


class OpenSslServer(PeerProcess):
    """One ``openssl s_server`` listener: TLS with any certificate, and no SIP at all."""

    NAME = "openssl s_server"
    STOP_WAIT = 5

    def __init__(self, directory, address, port, leaf):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.address, self.port, self.leaf = address, port, leaf
        self.log = self.dir / f"s_server-{address}-{port}.log"
        self.proc = None

    def start(self, wait=15.0):
        above = x509.load_pem_x509_certificates(self.leaf.chain_file.read_bytes())[1:]
        chain = self.dir / f"s_server-{self.address}-{self.port}.chain.pem"
        chain.write_bytes(b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in above))
        cmd = [
            "openssl",
            "s_server",
            "-accept",
            f"{self.address}:{self.port}",
            "-cert",
            str(self.leaf.cert_file),
            "-key",
            str(self.leaf.key_file),
            "-cipher",
            "DEFAULT@SECLEVEL=0",
            "-quiet",
        ]
        if above:
            cmd += ["-cert_chain", str(chain)]
        with open(self.log, "wb") as log:
            # stdin is a pipe that never speaks: at end of file s_server would spin on it.
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while not tcp_accepts(self.address, self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"openssl s_server did not listen on {self.address}:{self.port}:\n{self.log_text()}")
            time.sleep(0.1)
        return self

    def stop(self):
        if self.proc and self.proc.stdin:
            self.proc.stdin.close()
        super().stop()

    def log_text(self):
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def tcp_accepts(address, port, timeout=0.5):
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def address_free(address, port):
    """True when nothing holds address:port (so our peer can bind it, or it stays 'nothing listening')."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


class SilentListener:
    """Accepts TCP connections and never says a word: a firewall-eaten or wedged TLS service.

    Connections are held open until stop(), so the client sees neither a reset nor a handshake and
    must rely on its own timeout.
    """

    def __init__(self, address, port):
        self.address, self.port = address, port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.held = []
        self.thread = None
        self.running = False

    def start(self):
        self.sock.bind((self.address, self.port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, name=f"silent-{self.address}", daemon=True)
        self.thread.start()
        return self

    def _serve(self):
        while self.running:
            try:
                conn = self.sock.accept()[0]
            except socket.timeout:
                continue
            except OSError:
                return
            self.held.append(conn)

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def tls_client(
    address, port, server_name, cafile=None, cert=None, key=None, min_version=None, max_version=None, timeout=3.0
):
    """An open TLS socket to address:port, handshaken the way a check would (SNI = server_name).

    Used by the fixture self-tests; it verifies the server only when cafile is given.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED if cafile else ssl.CERT_NONE
    if cafile:
        ctx.load_verify_locations(cafile)
    if cert:
        ctx.load_cert_chain(cert, key)
    if min_version:
        ctx.minimum_version = min_version
    if max_version:
        ctx.maximum_version = max_version
    raw = socket.create_connection((address, port), timeout=timeout)
    try:
        return ctx.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


def options_request(tls_sock, target):
    """One SIP OPTIONS request (bytes) from the socket's local address to sips:target."""
    local = tls_sock.getsockname()
    return (
        f"OPTIONS sips:{target} SIP/2.0\r\n"
        f"Via: SIP/2.0/TLS {local[0]}:{local[1]};branch=z9hG4bK-fixture-{time.monotonic_ns()};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sips:probe@{local[0]}>;tag=fixture\r\nTo: <sips:{target}>\r\n"
        f"Call-ID: fixture-{time.monotonic_ns()}@{local[0]}\r\nCSeq: 1 OPTIONS\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def sip_options(tls_sock, target, timeout=3.0):
    """Send one SIP OPTIONS over an open TLS socket and return the status line of the answer."""
    tls_sock.settimeout(timeout)
    tls_sock.sendall(options_request(tls_sock, target))
    data = b""
    while b"\r\n" not in data:
        chunk = tls_sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


@pytest.fixture(scope="session")
def sips_server(peer_plan, tmp_path_factory):
    """One Kamailio for the session with every scenario's TLS profile, the silent listeners and the
    openssl s_server peers (``peer_plan.openssl_servers``, kept there for assert_alive)."""
    silent = [SilentListener(address, port) for address, port in peer_plan.silent]
    work = tmp_path_factory.mktemp("s_server")
    peer_plan.openssl_servers = [OpenSslServer(work, address, port, leaf) for address, port, leaf in peer_plan.openssl]
    with KamailioServer(tmp_path_factory.mktemp("kamailio"), peer_plan.profiles, servers=peer_plan.servers) as server:
        started = []
        try:
            for listener in silent:
                listener.start()
            for peer in peer_plan.openssl_servers:
                started.append(peer.start())
            yield server
        finally:
            for peer in started:
                peer.stop()
            for listener in silent:
                listener.stop()
