# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""User-space latency: TCP and UDP proxies that hold every packet for half a round trip each way.

The kernel here has no netem, so the delay lives in a process of its own (``python delay_proxy.py
--config C --ready R``; asyncio, one thread), in front of BIND named and Kamailio. Each listener in
the config forwards to one upstream:

- ``tcp``: a connection to the listener opens one to the upstream; every chunk read on either side
  is written on the other ``rtt / 2`` seconds later, in order (latency, not bandwidth). The kernel
  completes the client's TCP handshake at once, so that round trip is added to the first chunk the
  client sends (its first answer comes two round trips after connect() began, as on a real path);
- ``udp``: every datagram (a DNS query) is forwarded after ``rtt / 2`` from a socket of its own and
  the answer returned ``rtt / 2`` after it came back.

``tls12_delay`` (tcp only) holds a connection whose first bytes are a TLS ClientHello that does not
offer TLS 1.3 for that many extra seconds before forwarding it: a server that is slow only to a
TLS 1.2 handshake, so a test can tell "slow" from "refused".

The ready file lists every listener's actual port (``0`` in the config picks a free one) and
counts are written to ``--stats`` on SIGTERM: connections, datagrams, delayed ClientHellos.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CHUNK = 65536


def offers_tls13(hello):
    """True when a TLS ClientHello lists 0x0304 (supported_versions); a capped-at-1.2 hello does not."""
    return b"\x00\x2b" in hello and b"\x03\x04" in hello


def free_udp_tcp_port(host="127.0.0.1"):
    """A port free for both UDP and TCP: a DNS proxy answers on one port over both, as a resolver does."""
    for attempt in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = udp.getsockname()[1]
            with socket.socket() as tcp:
                try:
                    tcp.bind((host, port))
                except OSError:
                    continue
        return port
    raise RuntimeError("no port free for both UDP and TCP")


class Stats:
    def __init__(self):
        self.connections = 0
        self.datagrams = 0
        self.delayed_hellos = 0


async def _pump(reader, writer, delay, first_extra=None):
    """Copy reader to writer, each chunk delivered `delay` seconds after it was read (order kept)."""
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    sender = asyncio.ensure_future(deliver())
    first = True
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            extra = first_extra(data) if (first and first_extra) else 0.0
            first = False
            queue.put_nowait((time.monotonic() + delay + extra, data))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((0, None))
    try:
        await sender
    except (ConnectionError, OSError):
        pass


class TcpListener:
    def __init__(self, spec, stats):
        self.spec, self.stats = spec, stats
        self.half = spec.get("rtt", 0.0) / 2.0

    def _first_extra(self, data):
        # The client's TCP handshake round trip, charged to its first bytes; plus the TLS 1.2 hold.
        extra = 2 * self.half
        if self.spec.get("tls12_delay") and data[:1] == b"\x16" and not offers_tls13(data):
            self.stats.delayed_hellos += 1
            extra += self.spec["tls12_delay"]
        return extra

    async def handle(self, client_reader, client_writer):
        self.stats.connections += 1
        host, port = self.spec["upstream"]
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                _pump(client_reader, up_writer, self.half, self._first_extra),
                _pump(up_reader, client_writer, self.half),
            )
        finally:
            for writer in (up_writer, client_writer):
                writer.close()

    async def start(self):
        host, port = self.spec["listen"]
        server = await asyncio.start_server(self.handle, host, port, backlog=1024)
        return server.sockets[0].getsockname()[1]


class UdpListener(asyncio.DatagramProtocol):
    def __init__(self, spec, stats):
        self.spec, self.stats = spec, stats
        self.half = spec.get("rtt", 0.0) / 2.0
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.stats.datagrams += 1
        asyncio.ensure_future(self._relay(data, addr))

    async def _relay(self, data, addr):
        loop = asyncio.get_running_loop()
        await asyncio.sleep(self.half)
        answer = loop.create_future()

        class Upstream(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                if not answer.done():
                    answer.set_result(data)

        transport, dummy = await loop.create_datagram_endpoint(Upstream, remote_addr=tuple(self.spec["upstream"]))
        try:
            transport.sendto(data)
            reply = await asyncio.wait_for(answer, 10)
        except asyncio.TimeoutError:
            return
        finally:
            transport.close()
        await asyncio.sleep(self.half)
        self.transport.sendto(reply, addr)

    async def start(self):
        loop = asyncio.get_running_loop()
        transport, dummy = await loop.create_datagram_endpoint(lambda: self, local_addr=tuple(self.spec["listen"]))
        return transport.get_extra_info("sockname")[1]


async def serve(config, ready, stats_path):
    stats = Stats()
    ports = []
    for spec in config["listeners"]:
        listener = (TcpListener if spec["proto"] == "tcp" else UdpListener)(spec, stats)
        ports.append(await listener.start())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    Path(ready).write_text(json.dumps({"ports": ports}))
    await stop.wait()
    if stats_path:
        Path(stats_path).write_text(json.dumps(vars(stats)))


class DelayProxy:
    """The proxy as a child process: ``with DelayProxy(dir, listeners) as proxy: proxy.ports[i]``."""

    def __init__(self, directory, listeners):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.listeners = listeners
        self.proc = None
        self.ports = []

    def start(self):
        config, ready = self.dir / "delay.json", self.dir / "delay.ready"
        config.write_text(json.dumps({"listeners": self.listeners}))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--config",
                str(config),
                "--ready",
                str(ready),
                "--stats",
                str(self.dir / "delay.stats"),
            ],
            stderr=open(self.dir / "delay.log", "wb"),
        )  # pylint: disable=consider-using-with
        deadline = time.monotonic() + 15
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("delay proxy did not start:\n" + (self.dir / "delay.log").read_text())
            time.sleep(0.05)
        self.ports = json.loads(ready.read_text())["ports"]
        return self

    def stats(self):
        """Stop the proxy and return its counts (connections, datagrams, delayed_hellos)."""
        self.stop()
        path = self.dir / "delay.stats"
        return json.loads(path.read_text()) if path.exists() else {}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)

    def assert_alive(self):
        if self.proc is None or self.proc.poll() is not None:
            raise RuntimeError("delay proxy is not running:\n" + (self.dir / "delay.log").read_text())

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--stats")
    opts = parser.parse_args()
    config = json.loads(Path(opts.config).read_text())
    asyncio.run(serve(config, opts.ready, opts.stats))
    return os.EX_OK


if __name__ == "__main__":
    sys.exit(main())
