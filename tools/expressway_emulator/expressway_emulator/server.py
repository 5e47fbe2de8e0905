# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTPS server: parse, authenticate, route, answer, log."""

import json
import socket
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from expressway_emulator.errors import ApiError, bad_request, not_found
from expressway_emulator.routes import CSRF_SINCE, raml, resolve
from expressway_emulator.validators import version_at_least

PREFIXES = ("/api/provisioning/", "/api/v1/provisioning/")
MAX_BODY = 1024 * 1024
RESET = 0  # logged status of a request answered by closing the connection


class Answer:
    """Status, payload (dict/list for JSON, PemText/str for text) and extra headers."""

    def __init__(self, status, payload, headers=None, content_type=None):
        self.status, self.payload = status, payload
        self.headers = headers or {}
        self.content_type = content_type


def shaped(switches, route, name, answer):
    """A GET answer in the shape the switches pick (the defaults leave it as the handler made it)."""
    if name is not None and answer.payload == []:
        miss = switches["name_miss"]
        if miss == "empty-object":
            answer.payload = {}
        elif miss == "404":
            raise not_found(f"No object named '{name}' in {route.path}.")
        elif miss == "400":
            raise bad_request(f"{route.description.rstrip('s')} '{name}' does not exist")
    if getattr(route.handler, "singleton", False):
        shape, payload = switches["singleton_shape"], answer.payload
        if shape == "object" and isinstance(payload, list) and len(payload) == 1:
            answer.payload = payload[0]
        elif shape == "array" and isinstance(payload, dict):
            answer.payload = [payload]
    return answer


def _faulted(fault, answer):
    """A write that was applied, answered as the fault switch says: unchanged, 500, or not at all."""
    if fault == "500":
        return Answer(500, {"Message": "Internal server error."})
    if fault == "reset":
        return Answer(RESET, None)
    return answer


class EmulatorServer(ThreadingHTTPServer):
    """One emulated box. TLS is negotiated in the request thread, so a stalled client blocks nobody."""

    daemon_threads = True

    def __init__(self, state, auth, reqlog, ssl_context):
        self.state, self.auth, self.reqlog = state, auth, reqlog
        self.ssl_context = ssl_context
        config = state.config
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self.address_family = family
        super().__init__((config.host, config.port), Handler)
        config.port = self.server_address[1]
        self.instance = f"{config.host}:{config.port}" if family == socket.AF_INET else f"[{config.host}]:{config.port}"
        config.name = config.name or self.instance

    def finish_request(self, request, client_address):
        request.settimeout(30)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a client that does not speak TLS (or does not trust us) gets nothing
        try:
            Handler(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The head and the body go out as two writes; with Nagle's algorithm the body then waits for the
    # client's delayed ACK (40 ms a request on Linux), a delay no real box adds.
    disable_nagle_algorithm = True
    server_version = "ExpresswayEmulator"
    sys_version = ""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # the JSON request log replaces the default stderr chatter

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _handle(self):
        raw = self._read_body()
        logged_body = None
        try:
            logged_body = self._parse_json(raw, strict=False)
        except ApiError:
            pass
        try:
            answer = self._dispatch(raw)
        except ApiError as err:
            answer = Answer(err.status, {"Message": err.message}, err.headers)
        self.server.reqlog.write(
            self.server.instance, self.server.state.config.name, self.command, self.path, answer.status, logged_body
        )
        if answer.status == RESET:
            self.close_connection = True  # the write stays applied; the client never hears of it
            return
        self._send(answer)

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return b""
        try:
            length = int(length or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            self.close_connection = True
            return b""
        return self.rfile.read(length) if length else b""

    def _dispatch(self, raw):
        state = self.server.state
        self.server.auth.require(self.headers.get("Authorization"))
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(411, "Chunked request bodies are not supported; send Content-Length.")
        if "?" in self.path:
            raise bad_request("Query parameters are not supported by this API.")
        if self.path == "/api/raml":
            self._allow(("GET",))
            return Answer(200, raml(state.config), content_type="application/raml+yaml")
        prefix = next((p for p in PREFIXES if self.path.startswith(p)), None)
        if prefix is None:
            raise not_found()
        segments = [unquote(part) for part in self.path[len(prefix) :].split("/")]
        found = resolve(state.config, segments)
        if found is None:
            raise not_found()
        route, name = found
        self._allow(("GET",) if name is not None else route.methods)
        if self.command != "GET" and route.cluster_wide and state.config.cluster_role == "peer":
            raise bad_request(
                "This system is a cluster peer: configuration is replicated from the "
                "cluster primary. Make this change on the primary."
            )
        with state.lock:
            return self._call(route, name, raw)

    def _allow(self, methods):
        if self.command not in methods:
            raise ApiError(405, f"Method {self.command} is not allowed here.", {"Allow": ", ".join(methods)})

    def _call(self, route, name, raw):
        state = self.server.state
        if self.command == "GET":
            return shaped(state.config.switches, route, name, Answer(*route.handler.get(state, name)))
        if route.path == "certs/root":
            if version_at_least(state.config.version_tuple, CSRF_SINCE) and "X-CSRF-Header" not in self.headers:
                raise ApiError(403, "The X-CSRF-Header header is required for this request.")
            answer = Answer(*route.handler.upload(state, self.headers.get("Content-Type", ""), raw))
        else:
            body = self._parse_json(raw, strict=True)
            answer = Answer(*getattr(route.handler, self.command.lower())(state, body))
        if self.command == "POST" and answer.status == 201 and state.config.switches["create_status"] == "200":
            answer.status = 200
        return _faulted(state.faults.after_apply(self.command), answer)

    def _parse_json(self, raw, strict):
        """The body as a JSON object ({} when empty); strict mode insists on the JSON media type."""
        if not raw:
            return {} if strict else None
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ApiError(415, "Request bodies must be JSON (Content-Type: application/json).")
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as err:
            raise bad_request(f"The request body is not valid JSON: {err}") from err
        if strict and not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return body

    def _send(self, answer):
        if isinstance(answer.payload, str):
            data = answer.payload.encode()
            content_type = answer.content_type or "text/plain; charset=utf-8"
        else:
            data = json.dumps(answer.payload).encode()
            content_type = "application/json"
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in answer.headers.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
