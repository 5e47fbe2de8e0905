# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A TLS fault proxy in front of the emulated Expressway: forwards requests and breaks one on purpose.

Run as its own process (``python fault_proxy.py --config C --ready R --log L``) so a hung connection
never blocks the test process. The config names one listener per test case; each listener forwards to
one emulator instance over HTTPS and injects its fault at its position:

- ``first``: the first request (whatever its method) is not forwarded; the fault answers it;
- ``write_before``: the first POST/PUT/DELETE is not forwarded; the fault answers it;
- ``write_after``: the first POST/PUT/DELETE is forwarded and applied; its answer is replaced by the fault.

``count`` (default 1) is how many such requests get the fault; 0 means every one. Everything else is
forwarded unchanged. A plain-HTTP "sink" listener is the target of the injected redirects and records
whatever reaches it, so a test can prove that a client never followed one (nor sent credentials there).
Every request and every fault is one JSON line in the log; header values and passwords are never logged.
"""

import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import signal
import socket
import ssl
import struct
import sys
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

FAULTS = (
    "http500",
    "http502",
    "http503",
    "http429_retry_after",
    "http503_retry_after",
    "reset_before",
    "reset_mid_body",
    "truncated",
    "hang",
    "drip",
    "html200",
    "empty200",
    "badjson200",
    "redirect302",
    "http401",
    "http403",
)
POSITIONS = ("first", "write_before", "write_after")
WRITES = ("POST", "PUT", "DELETE")
DRIP_INTERVAL = 0.5
DRIP_BYTES = 40  # after this many bytes a client that is still waiting gets the rest at once
HANG_CAP = 120.0  # a hung connection is closed after this long even if the client waits on
MAX_HEAD = 64 * 1024
STATUS_TEXT = {
    "http500": (500, "Internal Server Error", "application/json", b'{"Message": "Injected fault: internal error."}'),
    "http502": (502, "Bad Gateway", "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "http503": (503, "Service Unavailable", "application/json", b'{"Message": "Injected fault: unavailable."}'),
    "http429_retry_after": (429, "Too Many Requests", "application/json", b'{"Message": "Injected fault: slow down."}'),
    "http503_retry_after": (503, "Service Unavailable", "application/json", b'{"Message": "Injected fault: busy."}'),
    "http401": (401, "Unauthorized", "application/json", b'{"Message": "Injected fault: authentication failed."}'),
    "http403": (403, "Forbidden", "application/json", b'{"Message": "Injected fault: access denied."}'),
    "html200": (200, "OK", "text/html", b"<!DOCTYPE html><html><body><form>Login</form></body></html>"),
    "empty200": (200, "OK", "application/json", b""),
    "badjson200": (200, "OK", "application/json", b'{"Name": "cut off'),
}


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")


# -- PKI: a CA of the proxy's own and a 127.0.0.1 certificate, for a CA bundle the client trusts ---------
def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ucops fault proxy"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject, issuer, key):
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
    )


def make_pki(directory):
    """Write ca.pem, proxy.pem and proxy-key.pem into `directory`; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        _builder(_name("Fault Proxy Test CA"), _name("Fault Proxy Test CA"), ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        _builder(_name("127.0.0.1"), ca.subject, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = {"ca": directory / "ca.pem", "cert": directory / "proxy.pem", "key": directory / "proxy-key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(pem))
    paths["cert"].write_bytes(leaf.public_bytes(pem))
    paths["key"].write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    paths["key"].chmod(0o600)
    return paths


# -- HTTP/1.1 framing --------------------------------------------------------------------------------------
class Message:
    """One request or response: first line, headers (in order), body."""

    def __init__(self, first_line, headers, body):
        self.first_line, self.headers, self.body = first_line, headers, body

    def header(self, name):
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


async def read_message(reader, until_eof=False):
    """A message from the stream, or None when the peer closed before sending one."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError as err:
        raise ValueError("header block too large") from err
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    message = Message(lines[0], headers, b"")
    length = message.header("Content-Length")
    if length is not None:
        message.body = await reader.readexactly(int(length))
    elif until_eof:
        message.body = await reader.read()
    return message


def serialize(status, reason, headers, body, content_length=None):
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{key}: {value}" for key, value in headers]
    lines.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


HOP_BY_HOP = {"connection", "keep-alive", "content-length", "transfer-encoding", "proxy-connection", "host"}


async def forward(upstream, context, request):
    """Send the request to the emulator on a fresh connection and return (status, reason, headers, body)."""
    host, port = upstream.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port), ssl=context, server_hostname=host)
    try:
        method, target = request.first_line.split(" ")[:2]
        headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP]
        headers += [("Host", upstream), ("Connection", "close"), ("Content-Length", str(len(request.body)))]
        head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        writer.write(head.encode("latin-1") + request.body)
        await writer.drain()
        answer = await read_message(reader, until_eof=True)
    finally:
        writer.close()
    if answer is None:
        raise ConnectionError("the emulator closed the connection without an answer")
    _version, status, reason = (answer.first_line.split(" ", 2) + [""])[:3]
    headers = [(k, v) for k, v in answer.headers if k.lower() not in HOP_BY_HOP]
    return int(status), reason, headers, answer.body


# -- the proxy ---------------------------------------------------------------------------------------------
class Log:
    def __init__(self, path):
        self.handle = open(path, "a", encoding="utf-8")  # pylint: disable=consider-using-with

    def write(self, **entry):
        self.handle.write(json.dumps(dict({"ts": now(), "t": time.monotonic()}, **entry)) + "\n")
        self.handle.flush()


def logged_body(request):
    """A write's JSON body for the log (passwords never travel in bodies here; redacted anyway)."""
    if not request.body:
        return None
    try:
        body = json.loads(request.body)
    except ValueError:
        return f"{len(request.body)} bytes, not JSON"  # a multipart upload
    if isinstance(body, dict):
        return {k: ("********" if "password" in k.lower() else v) for k, v in body.items()}
    return body


def abort(writer):
    """Close with a TCP reset (SO_LINGER 0), not an orderly TLS and TCP shutdown."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class Listener:
    """One test case: one port, one upstream emulator instance, one fault at one position."""

    def __init__(self, spec, proxy):
        self.id, self.upstream = spec["id"], spec["upstream"]
        self.fault, self.position = spec["fault"], spec["position"]
        self.count = int(spec.get("count", 1))
        if self.fault not in FAULTS or self.position not in POSITIONS:
            raise ValueError(f"listener {self.id}: unknown fault {self.fault!r} or position {self.position!r}")
        self.proxy = proxy
        self.seen = 0
        self.injected = 0

    def wants_fault(self, method):
        eligible = self.position == "first" or method in WRITES
        if not eligible or (self.count and self.injected >= self.count):
            return False
        self.injected += 1
        return True

    async def handle(self, reader, writer):
        try:
            while True:
                request = await read_message(reader)
                if request is None:
                    return
                if not await self.serve(request, reader, writer):
                    return
        except (OSError, asyncio.IncompleteReadError, ValueError) as err:
            self.proxy.log.write(listener=self.id, event="connection_error", error=type(err).__name__)
        except asyncio.CancelledError:
            return  # the proxy is stopping
        finally:
            if not writer.transport.is_closing():
                writer.close()

    async def serve(self, request, reader, writer):
        """Answer one request; False when the connection must end."""
        self.seen += 1
        method, target = request.first_line.split(" ")[:2]
        entry = {
            "listener": self.id,
            "n": self.seen,
            "t_in": time.monotonic(),
            "method": method,
            "path": target,
            "auth": request.header("Authorization") is not None,
        }
        if method in WRITES:
            entry["body"] = logged_body(request)
        if not self.wants_fault(method):
            status, reason, headers, body = await forward(self.upstream, self.proxy.upstream_context, request)
            self.proxy.log.write(action="forward", status=status, **entry)
            writer.write(serialize(status, reason, headers, body))
            await writer.drain()
            return True
        answer = None
        if self.position == "write_after":
            answer = await forward(self.upstream, self.proxy.upstream_context, request)
            entry["status"] = answer[0]
        self.proxy.log.write(action="fault", fault=self.fault, position=self.position, **entry)
        return await inject(self, answer, target, reader, writer)


async def inject(listener, answer, target, reader, writer):
    """Answer with the listener's fault; `answer` is the emulator's real one (write_after), else None."""
    fault = listener.fault
    if answer is None:
        answer = (200, "OK", [("Content-Type", "application/json")], b"[]")
    status, reason, headers, body = answer
    if fault in STATUS_TEXT:
        code, text, ctype, payload = STATUS_TEXT[fault]
        extra = [("Retry-After", "1")] if fault.endswith("retry_after") else []
        writer.write(serialize(code, text, [("Content-Type", ctype)] + extra, payload))
    elif fault == "redirect302":
        location = f"http://127.0.0.1:{listener.proxy.sink_port}/{listener.id}{target}"
        writer.write(serialize(302, "Found", [("Location", location)], b""))
    elif fault == "reset_before":
        abort(writer)
        return False
    elif fault == "reset_mid_body":
        writer.write(serialize(status, reason, headers, body[: len(body) // 2], content_length=max(len(body), 2)))
        await writer.drain()
        await asyncio.sleep(0.3)  # let the client read the head and part of the body before the reset
        abort(writer)
        return False
    elif fault == "truncated":
        writer.write(serialize(status, reason, headers, body, content_length=len(body) + 64))
        await writer.drain()
        writer.close()
        return False
    elif fault == "hang":
        await hang(listener, reader)
        abort(writer)
        return False
    elif fault == "drip":
        return await drip(listener, serialize(status, reason, headers, body), reader, writer)
    await writer.drain()
    return True


async def hang(listener, reader):
    started = time.monotonic()
    try:
        gone = await asyncio.wait_for(reader.read(), HANG_CAP) == b""
    except (asyncio.TimeoutError, ConnectionError, ssl.SSLError):
        gone = False
    listener.proxy.log.write(
        listener=listener.id, event="hang_end", client_gone=gone, waited=round(time.monotonic() - started, 2)
    )


async def stop_reading(task):
    """Cancel a pending read and wait for it, so the stream can be read again."""
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, OSError):
        pass


async def drip(listener, data, reader, writer):
    """One byte per DRIP_INTERVAL; stop when the client gives up, else send the rest after DRIP_BYTES.

    True when the whole answer went out and the connection can serve the next request."""
    eof = asyncio.ensure_future(reader.read())
    sent = 0
    try:
        while sent < min(DRIP_BYTES, len(data)) and not eof.done():
            writer.write(data[sent : sent + 1])
            await writer.drain()
            sent += 1
            await asyncio.wait([eof], timeout=DRIP_INTERVAL)
        gave_up = eof.done()
        if not gave_up:
            await stop_reading(eof)
            writer.write(data[sent:])
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        gave_up = True
    if gave_up:
        await stop_reading(eof)
        abort(writer)
    listener.proxy.log.write(listener=listener.id, event="drip_end", sent=sent, total=len(data), client_gave_up=gave_up)
    return not gave_up


class Proxy:
    def __init__(self, config, log_path):
        self.log = Log(log_path)
        self.server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_context.load_cert_chain(config["cert"], config["key"])
        self.upstream_context = ssl.create_default_context(cafile=config["upstream_ca"])
        self.listeners = [Listener(spec, self) for spec in config["listeners"]]
        self.sink_port = None
        self.ports = {}

    async def sink(self, reader, writer):
        """Plain HTTP: whatever arrives here followed a redirect it should not have followed."""
        request = await read_message(reader)
        if request is not None:
            method, target = request.first_line.split(" ")[:2]
            self.log.write(
                listener="sink",
                action="sink",
                method=method,
                path=target,
                auth=request.header("Authorization") is not None,
            )
            writer.write(
                serialize(404, "Not Found", [("Content-Type", "application/json")], b'{"Message": "redirect sink"}')
            )
            await writer.drain()
        writer.close()

    async def start(self):
        sink = await asyncio.start_server(self.sink, "127.0.0.1", 0)
        self.sink_port = sink.sockets[0].getsockname()[1]
        for listener in self.listeners:
            server = await asyncio.start_server(
                listener.handle, "127.0.0.1", 0, ssl=self.server_context, limit=MAX_HEAD
            )
            self.ports[listener.id] = server.sockets[0].getsockname()[1]


async def serve(config, log_path, ready_path):
    proxy = Proxy(config, log_path)
    await proxy.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tmp = Path(f"{ready_path}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "sink": proxy.sink_port, "listeners": proxy.ports}))
    tmp.replace(ready_path)  # atomic: the waiting test never reads half a file
    await stop.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="JSON: cert, key, upstream_ca, listeners")
    parser.add_argument("--log", required=True, help="append one JSON line per request and fault")
    parser.add_argument("--ready", required=True, help="written with the listening ports once ready")
    args = parser.parse_args(argv)
    config = json.loads(Path(args.config).read_text(encoding="utf-8"))
    asyncio.run(serve(config, args.log, args.ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
