"""The REST client's transport policy against real local servers: the emulator, and a small scripted
HTTPS server (started by each test on 127.0.0.1) that redirects, resets, truncates, drips or throttles.

Modules run through real ansible-playbook processes; the write cases that need no module around them run
the client in a separate Python process. Request counts come from the servers' own logs and are exact.
"""

import json
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

import pytest

from support.emulator import emulator, emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

SYSINFO = {
    "SystemName": "exp1",
    "ProductType": "Expressway",
    "SystemType": "Expressway-E",
    "SoftwareVersion": "X14.3.2",
    "SerialNumber": "0A1B2C3D",
    "Uptime": 1,
}
PASSWORD = "Scripted-Pa55"


class ScriptedServer:
    """One thread per connection, one request per connection; `script` is consumed in order, then 200 JSON."""

    def __init__(self, cert_chain, key, script, tls=True):
        self.script = list(script)
        self.seen = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.context = None
        if tls:
            self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.context.load_cert_chain(cert_chain, key)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            method, path = self._read_request(conn)
            with self.lock:
                self.seen.append((method, path))
                step = self.script.pop(0) if self.script else ("answer", 200, {}, json.dumps(SYSINFO))
            getattr(self, "_" + step[0])(conn, *step[1:])
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    @staticmethod
    def _read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                raise ValueError("closed before the request head")
            data += chunk
        head, _sep, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0)
        while len(body) < length:
            body += conn.recv(4096)
        method, path, _version = lines[0].split(" ", 2)
        return method, path

    @staticmethod
    def _head(status, headers, length):
        lines = [
            f"HTTP/1.1 {status} Scripted",
            f"Content-Length: {length}",
            "Content-Type: application/json",
            "Connection: close",
        ] + [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def _answer(self, conn, status, headers, body):
        conn.sendall(self._head(status, headers, len(body.encode())) + body.encode())

    def _truncate(self, conn, body, declared):
        conn.sendall(self._head(200, {}, declared) + body.encode())

    def _drip(self, conn, body, interval):
        conn.sendall(self._head(200, {}, len(body)))
        for byte in body.encode():
            conn.sendall(bytes([byte]))
            time.sleep(interval)

    def _drip_head(self, conn, body, interval):
        # The status line and headers themselves, one byte at a time: each read is quick, the whole is not.
        for byte in self._head(200, {}, len(body)) + body.encode():
            conn.sendall(bytes([byte]))
            time.sleep(interval)

    @staticmethod
    def _reset(conn):
        # SO_LINGER 0: the close that follows sends a TCP RST, after the request has been read.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def close(self):
        self.listener.close()


@pytest.fixture
def scripted(pki):
    leaf = pki.leaf("transport-server", sans=["127.0.0.1", "localhost"])
    servers = []

    def start(script, tls=True):
        server = ScriptedServer(str(leaf.chain_file), str(leaf.key_file), script, tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def scripted_connection(pki, server, **extra):
    return dict(
        {
            "host": "127.0.0.1",
            "port": server.port,
            "username": "admin",
            "password": PASSWORD,
            "ca_path": str(pki.ca_bundle),
        },
        **extra,
    )


def emulator_connection(emu, **extra):
    return dict(
        {
            "host": emu.host(),
            "port": emu.port(),
            "username": emu.username,
            "password": emu.password,
            "ca_path": emu.ca_path,
        },
        **extra,
    )


CLIENT = """
import json, sys
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.client import ExpresswayClient
args, method, path, body = json.loads(sys.argv[1])
client = ExpresswayClient(**args)
try:
    result = {'result': getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)}
except Exception as err:
    result = {'error': type(err).__name__, 'msg': str(err), 'method': getattr(err, 'method', None),
              'url': getattr(err, 'url', None), 'reason': getattr(err, 'reason', None)}
print(json.dumps(result))
"""


def run_client(ansible, args, method, path, body=None):
    """Call one ExpresswayClient method in a separate Python process over the staged collection."""
    proc = subprocess.run(
        [sys.executable, "-c", CLIENT, json.dumps([args, method, path, body])],
        cwd=str(ansible.build_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout)


# -- reads through a module ------------------------------------------------------------------------------


def test_redirect_to_plain_http_is_not_followed(ansible, pki, scripted):
    sink = scripted([], tls=False)
    target = f"http://127.0.0.1:{sink.port}/api/provisioning/sysinfo"
    box = scripted([("answer", 302, {"Location": target}, "")])
    result = ansible.run_module("ucops.expressway.system_info", scripted_connection(pki, box))
    assert result["failed"] is True
    assert f"redirected to {target}; redirects are never followed" in result["msg"]
    assert box.seen == [("GET", "/api/provisioning/sysinfo")]
    assert sink.seen == []


def test_retry_after_then_answer(ansible, pki, scripted):
    box = scripted([("answer", 503, {"Retry-After": "1"}, '{"Message": "busy"}')])
    result = ansible.run_module("ucops.expressway.system_info", scripted_connection(pki, box))
    assert result.get("failed") is not True, result
    assert result["version"] == "X14.3.2"
    assert len(box.seen) == 2


def test_truncated_body_is_read_again(ansible, pki, scripted):
    box = scripted([("truncate", json.dumps(SYSINFO)[:20], 400)])
    result = ansible.run_module("ucops.expressway.system_info", scripted_connection(pki, box))
    assert result.get("failed") is not True, result
    assert result["product"] == "E"
    assert len(box.seen) == 2


def test_dripping_answer_ends_at_the_timeout_and_is_retried_a_bounded_number_of_times(ansible, pki, scripted):
    drip = ("drip", json.dumps(SYSINFO), 0.2)
    box = scripted([drip] * 4)
    result = ansible.run_module("ucops.expressway.system_info", scripted_connection(pki, box, timeout=1))
    assert result["failed"] is True
    assert "the answer was not complete within" in result["msg"]
    assert len(box.seen) == 4


def test_dripping_status_line_and_headers_end_at_the_timeout_too(ansible, pki, scripted):
    drip = ("drip_head", json.dumps(SYSINFO), 0.2)
    box = scripted([drip] * 4)
    result = ansible.run_module("ucops.expressway.system_info", scripted_connection(pki, box, timeout=1))
    # Without a deadline on the head, each attempt would drip for ~24 s and then succeed.
    assert result["failed"] is True
    assert "no complete answer within 1 s (option timeout)" in result["msg"]
    assert len(box.seen) == 4


def test_html_answer_names_the_url_and_what_came_back(ansible, pki, scripted):
    box = scripted([("answer", 200, {}, "<html><body><form>Login</form></body></html>")])
    result = ansible.run_module("ucops.expressway.system_info", scripted_connection(pki, box))
    assert result["failed"] is True
    assert f"GET https://127.0.0.1:{box.port}/api/provisioning/sysinfo returned HTTP 200" in result["msg"]
    assert "'<html><body><form>Login</form></body></html>'" in result["msg"]
    assert len(box.seen) == 1


# -- writes through the client, in a process of its own ------------------------------------------------


@pytest.mark.parametrize(
    "step, reason",
    [
        (("reset",), "connection broke"),
        (("answer", 503, {}, '{"Message": "busy"}'), "HTTP 503: busy"),
        (("truncate", '{"Message": "Cre', 200), "cut short"),
    ],
    ids=["reset", "503", "truncated"],
)
def test_ambiguous_post_is_sent_once_and_reported_as_outcome_unknown(ansible, pki, scripted, step, reason):
    box = scripted([step])
    result = run_client(ansible, scripted_connection(pki, box), "post", "/common/zone/dnszone", {"Name": "z"})
    assert result["error"] == "OutcomeUnknown", result
    assert result["method"] == "POST"
    assert result["url"] == f"https://127.0.0.1:{box.port}/api/provisioning/common/zone/dnszone"
    assert reason in result["reason"] and "may or may not have been applied" in result["reason"]
    assert box.seen == [("POST", "/api/provisioning/common/zone/dnszone")]


def test_throttled_post_is_sent_again_after_retry_after(ansible, pki, scripted):
    box = scripted(
        [
            ("answer", 429, {"Retry-After": "1"}, '{"Message": "slow down"}'),
            ("answer", 201, {}, '{"Message": "Created"}'),
        ]
    )
    result = run_client(ansible, scripted_connection(pki, box), "post", "/common/zone/dnszone", {"Name": "z"})
    assert result == {"result": {"Message": "Created"}}
    assert [seen[0] for seen in box.seen] == ["POST", "POST"]


def test_refused_connection_names_host_and_port(ansible):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_client(
        ansible,
        {"host": "127.0.0.1", "port": port, "username": "admin", "password": PASSWORD},
        "post",
        "/common/zone/dnszone",
        {"Name": "z"},
    )
    assert result["error"] == "ConnectionFailure"
    assert f"connection to 127.0.0.1:{port} refused: check option port and that the API is reachable" in result["msg"]


# -- the emulator: names, certificates, credentials, options -------------------------------------------


def test_unresolvable_host(ansible):
    result = ansible.run_module(
        "ucops.expressway.system_info", {"host": "nxdomain.example.test", "username": "admin", "password": PASSWORD}
    )
    assert result["failed"] is True
    assert "could not resolve host nxdomain.example.test: check option host" in result["msg"]


def test_untrusted_certificate_hints_at_ca_path(ansible, emulator, pki):
    system = ansible.run_module("ucops.expressway.system_info", emulator_connection(emulator, ca_path=None))
    assert system["failed"] is True
    assert "is not trusted by the system trust store" in system["msg"] and "option ca_path" in system["msg"]
    other = ansible.run_module(
        "ucops.expressway.system_info", emulator_connection(emulator, ca_path=str(pki.outside_bundle))
    )
    assert other["failed"] is True
    assert f"was not verified by the CA file {pki.outside_bundle}" in other["msg"]
    assert emulator.requests() == []


def test_utf8_password(ansible, emulator_factory):
    password = "Pässwörd-€-Ω"
    emu = emulator_factory([{"name": "exp1"}], extra_args=["--password", password])
    emu.password = password
    mark = emu.mark()
    result = ansible.run_module("ucops.expressway.system_info", emulator_connection(emu))
    assert result.get("failed") is not True, result
    assert [entry["status"] for entry in emu.requests(since=mark)] == [200]


@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_ipv6_host_with_or_without_brackets(ansible, emulator_factory, host):
    emu = emulator_factory([{"name": "exp6", "listen": "[::1]:0"}])
    result = ansible.run_module("ucops.expressway.system_info", emulator_connection(emu, host=host))
    assert result.get("failed") is not True, result
    assert result["version"] == "X14.3.2"


@pytest.mark.parametrize(
    "bad, option, words",
    [
        ({"timeout": 0}, "timeout", "greater than 0"),
        ({"host": "https://127.0.0.1"}, "host", "without scheme or path"),
        ({"ca_path": "/nonexistent/ca.pem"}, "ca_path", "no such file"),
        ({"password": None}, "password", "username is set but password is not"),
    ],
)
def test_bad_connection_options_fail_before_any_request(ansible, emulator, bad, option, words):
    args = {k: v for k, v in dict(emulator_connection(emulator), **bad).items() if v is not None}
    result = ansible.run_module("ucops.expressway.system_info", args)
    assert result["failed"] is True
    assert f"for option {option}" in result["msg"] and words in result["msg"]
    assert "Traceback" not in result["msg"]
    assert emulator.requests() == []
