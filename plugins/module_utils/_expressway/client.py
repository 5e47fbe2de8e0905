# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Expressway REST client: every request of a module run goes out through ExpresswayClient._request."""

from __future__ import annotations

import base64
import json
import time
import traceback
import warnings
from urllib.parse import quote

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConnectionFailure,
    ExpresswayError,
    OutcomeUnknown,
)
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.transport import (
    INSECURE_WARNING,
    MAYBE_APPLIED,
    NOT_SENT,
    TRANSPORT_ERRORS,
    DeadlineAdapter,
    classify,
    excerpt,
    past,
    read_body,
    retry_after,
    set_deadline,
    validate_connection,
)

try:
    import requests
    from urllib3.util import Retry, Timeout
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

API_PREFIXES = ('/api/provisioning', '/api/v1/provisioning')
WRITE_METHODS = frozenset(('POST', 'PUT', 'DELETE'))
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
MAX_RETRIES = 3  # retries of one call, all causes together
CONNECT_RETRIES = 1  # of those, after the connection failed (refused, no answer to connect)
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
RETRY_AFTER_MAX = 30.0  # the longest single wait a Retry-After may ask for (never more than timeout)
WAIT_BUDGET = 60.0  # all waits of one call together
REDACTED = '********'
THROTTLED, SERVER_ERROR = 'throttled', 'server error'
# The retry policy per method (docs/design.md, "Retry policy"): which failures are retried. POST and DELETE
# are resent only when the box provably did not act on them: never connected, or 429.
RETRIED = {
    'GET': frozenset((NOT_SENT, MAYBE_APPLIED, THROTTLED, SERVER_ERROR)),
    'PUT': frozenset((NOT_SENT, MAYBE_APPLIED, THROTTLED, SERVER_ERROR)),
    'POST': frozenset((NOT_SENT, THROTTLED)),
    'DELETE': frozenset((NOT_SENT, THROTTLED)),
}


def connection_argument_spec():
    """Connection options shared by every module; documented in the ucops.expressway._connection fragment."""
    return {
        'host': {'type': 'str', 'required': True, 'fallback': (env_fallback, ['EXPRESSWAY_HOST'])},
        'port': {'type': 'int', 'default': 443},
        'username': {'type': 'str', 'fallback': (env_fallback, ['EXPRESSWAY_USERNAME'])},
        'password': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['EXPRESSWAY_PASSWORD'])},
        'validate_certs': {'type': 'bool', 'default': True},
        'ca_path': {'type': 'path'},
        'timeout': {'type': 'float', 'default': 30},
        'api_prefix': {'type': 'str', 'default': API_PREFIXES[0], 'choices': list(API_PREFIXES)},
    }


def ensure_requirements(module):
    """Fail the module cleanly when requests is missing (the only third-party import of the client)."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)


def call_api(module, operation):
    """Run operation(client) with the one client of this module run and return its result.

    The edge of every API module: an ExpresswayError raised inside (connection options included, which
    are checked before the first request) ends the run with fail_json, and the session is closed either way.
    """
    ensure_requirements(module)
    client = None
    try:
        client = ExpresswayClient.from_module(module)
        return operation(client)
    except ExpresswayError as err:
        module.fail_json(**err.fail_kwargs())
    finally:
        if client is not None:
            client.close()
    return None  # not reached: fail_json exits


def transport_adapter():
    """The adapter mounted on the session: urllib3 sends once and never redirects; _request decides retries.

    This is also the seam unit tests replace with an adapter that scripts the HTTP conversation.
    """
    return DeadlineAdapter(
        max_retries=Retry(total=0, read=False, redirect=False, raise_on_redirect=False, raise_on_status=False)
    )


def encode_name(name):
    """Percent-encode a name for a /name/<x> path: spaces, slashes and '%' must not change the path."""
    return quote(str(name), safe='')


def as_singleton(data):
    """Singletons come back as a bare object on some resources and a one-element list on others."""
    if isinstance(data, list):
        if len(data) > 1:
            raise ValueError(f'expected one object, got a list of {len(data)}')
        return data[0] if data else {}
    return data


def basic_authorization(username, password):
    """The Basic header from UTF-8 bytes (requests' own auth encodes Latin-1 and fails beyond it)."""
    token = base64.b64encode(f'{username}:{password}'.encode('utf-8')).decode('ascii')
    return f'Basic {token}'


class _AttemptFailed(Exception):
    """One attempt got no complete answer; kind is NOT_SENT, MAYBE_APPLIED or FINAL."""

    def __init__(self, kind, reason):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class _Retries:
    """The retry budget of one call: attempts, connection retries and seconds waited so far."""

    def __init__(self, method, timeout):
        self.allowed = RETRIED.get(method, frozenset())
        self.timeout = timeout
        self.done = 0
        self.not_sent = 0
        self.waited = 0.0
        self.refusal = None

    def wait(self, event, asked=None):
        """Seconds to wait before the next attempt, or None when event is not retried (any more)."""
        if event not in self.allowed or self.done >= MAX_RETRIES:
            return None
        if event == NOT_SENT and self.not_sent >= CONNECT_RETRIES:
            return None
        seconds = min(BACKOFF_CAP, BACKOFF_BASE * 2**self.done) if asked is None else asked
        # Our own backoff is small and bounded; a Retry-After may ask for anything, so it gets the caps.
        limit = min(RETRY_AFTER_MAX, self.timeout, WAIT_BUDGET - self.waited) if asked is not None else BACKOFF_CAP
        if seconds > limit:
            self.refusal = f'the server asked to retry after {seconds:g} s; this client waits at most {limit:g} s more'
            return None
        self.done += 1
        self.not_sent += event == NOT_SENT
        self.waited += seconds
        return seconds


class ExpresswayClient:
    """One client, one requests.Session, per module run (keep-alive between the read and the write)."""

    def __init__(
        self,
        host,
        port=443,
        username=None,
        password=None,
        validate_certs=True,
        ca_path=None,
        timeout=30,
        api_prefix=API_PREFIXES[0],
    ):
        self._password = password
        url_host = validate_connection(host, port, username, password, validate_certs, ca_path, timeout)
        self.authority = f'{url_host}:{port}'
        self.base_url = f'https://{self.authority}'
        self.prefix = api_prefix
        self.timeout = float(timeout)
        self.ca_path = ca_path if validate_certs else None
        self.session = requests.Session()
        self.session.mount('https://', transport_adapter())
        self.session.mount('http://', transport_adapter())
        # A CA file, when given, is the trust anchor; otherwise the system store or nothing. It is also
        # passed on every request: requests lets REQUESTS_CA_BUNDLE override a session-level setting.
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        self.session.verify = self.verify
        self.session.headers.update(
            {'Accept': 'application/json', 'Authorization': basic_authorization(username, password)}
        )

    @classmethod
    def from_module(cls, module):
        return cls.from_params(module.params)

    @classmethod
    def from_params(cls, params):
        """The client of validated connection options (connection_argument_spec)."""
        return cls(
            params['host'],
            params['port'],
            params['username'],
            params['password'],
            params['validate_certs'],
            params['ca_path'],
            params['timeout'],
            params['api_prefix'],
        )

    def url(self, path, prefixed=True):
        return f'{self.base_url}{self.prefix if prefixed else ""}{path}'

    def get(self, path):
        return self._request('GET', path)

    def get_by_name(self, path, name):
        """GET <path>/name/<name>: a (possibly empty) list; 404 raises, so callers can fall back to a list."""
        data = self._request('GET', f'{path}/name/{encode_name(name)}')
        return data if isinstance(data, list) else [data]

    def get_singleton(self, path):
        url = self.url(path)
        try:
            return as_singleton(self._request('GET', path))
        except ValueError as err:
            raise ApiError('GET', url, 200, None, str(err)) from err

    def get_text(self, path, prefixed=True):
        """GET a resource that answers text rather than JSON (the PEM of /certs/root, /api/raml unprefixed)."""
        return self._request('GET', path, text=True, prefixed=prefixed)

    def post(self, path, body):
        return self._request('POST', path, body)

    def post_file(self, path, field, filename, content):
        """POST multipart/form-data with one file field (certificate upload); never resent, like any POST."""
        return self._request('POST', path, files={field: (filename, content, 'application/x-pem-file')})

    def put(self, path, body):
        return self._request('PUT', path, body)

    def delete(self, path, body):
        return self._request('DELETE', path, body)

    def close(self):
        self.session.close()

    def _request(self, method, path, body=None, files=None, text=False, prefixed=True):
        """The one request loop: one attempt at a time, the retry policy per method, then decode or raise."""
        url = self.url(path, prefixed)
        # Required on some POSTs from X14.2 and harmless elsewhere, so every write carries it.
        headers = {'X-CSRF-Header': 'ucops.expressway'} if method in WRITE_METHODS else {}
        retries = _Retries(method, self.timeout)
        while True:
            try:
                response, content = self._attempt(method, url, body, files, headers)
            except _AttemptFailed as failed:
                seconds = retries.wait(failed.kind)
                if seconds is None:
                    raise self._failure(method, url, failed) from failed.__cause__
            else:
                status = response.status_code
                event = THROTTLED if status == 429 else SERVER_ERROR
                seconds = retries.wait(event, retry_after(response)) if status in RETRY_STATUSES else None
                if seconds is None:
                    return self._decode(method, url, response, content, text, retries.refusal)
            _sleep(seconds)

    def _attempt(self, method, url, body, files, headers):
        """Send once and read the whole answer within one deadline (connect, send, every read)."""
        deadline = time.monotonic() + self.timeout
        response = None
        set_deadline(deadline)
        try:
            with warnings.catch_warnings():
                if self.verify is False:
                    warnings.simplefilter('ignore', INSECURE_WARNING)
                response = self.session.request(
                    method,
                    url,
                    json=body,
                    files=files,
                    headers=headers,
                    verify=self.verify,
                    stream=True,
                    allow_redirects=False,
                    timeout=Timeout(connect=self.timeout, read=self.timeout, total=self.timeout),
                )
            return response, read_body(response, deadline)
        except TRANSPORT_ERRORS as err:
            if response is not None:
                response.close()
            kind, reason = classify(err, self.authority, self.ca_path, self.timeout, response is not None)
            if kind == MAYBE_APPLIED and response is None and past(deadline):
                # The deadline cut a status line or headers that were still dripping in.
                reason = f'no complete answer within {self.timeout:g} s (option timeout)'
            raise _AttemptFailed(kind, self._redact(reason)) from err
        finally:
            set_deadline(None)

    def _failure(self, method, url, failed):
        if failed.kind == MAYBE_APPLIED and method in WRITE_METHODS:
            return OutcomeUnknown(method, url, f'{failed.reason}; the change may or may not have been applied')
        return ConnectionFailure(method, url, failed.reason)

    def _decode(self, method, url, response, content, text=False, refusal=None):
        status = response.status_code
        body_text = content.decode(response.encoding or 'utf-8', errors='replace')
        payload, decode_error = _parse_json(content)
        message = self._redact(_server_message(payload, body_text))
        if 300 <= status < 400:
            raise ApiError(method, url, status, None, _redirect_detail(response))
        if status in (401, 403):
            raise AuthError(method, url, status, message or response.reason)
        if status >= 500 and method in WRITE_METHODS:
            raise OutcomeUnknown(
                method, url, f'HTTP {status}: {message or response.reason}; the change may or may not have been applied'
            )
        if not 200 <= status < 300:
            raise ApiError(method, url, status, message or response.reason, refusal)
        if method == 'POST' and status not in (200, 201):
            raise ApiError(method, url, status, message, 'expected 200 or 201 on create')
        if text:
            return body_text
        if decode_error and (method == 'GET' or content.strip()):
            raise ApiError(method, url, status, None, f'the answer is not JSON: {self._redact(excerpt(body_text))}')
        return payload

    def _redact(self, text):
        """The password must never reach a message, even if a server or library echoes it."""
        if text and self._password:
            text = text.replace(self._password, REDACTED)
        return text


def _sleep(seconds):
    # A module-level seam so unit tests can record the backoff instead of waiting it out.
    time.sleep(seconds)


def _redirect_detail(response):
    target = response.headers.get('Location') or '(no Location header)'
    return (
        f'redirected to {target}; redirects are never followed (a write would be resent elsewhere): '
        'check options host, port and api_prefix'
    )


def _parse_json(content):
    try:
        return json.loads(content), None
    except ValueError as err:
        return None, str(err)


def _server_message(payload, text):
    """The appliance explains errors in {"Message": ...}; fall back to a short piece of the body."""
    if isinstance(payload, dict):
        for key in ('Message', 'message', 'Error', 'error'):
            if payload.get(key):
                return str(payload[key])
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) and payload[0].get('Message'):
        return str(payload[0]['Message'])
    text = (text or '').strip()
    return text[:200] if text and payload is None else None
