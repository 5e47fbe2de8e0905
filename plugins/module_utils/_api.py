# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Expressway REST client: every request of a module run goes out through ExpresswayClient._request."""

from __future__ import annotations

import time
import traceback
from urllib.parse import quote

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConnectionFailure,
    ExpresswayError,
)

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

API_PREFIXES = ('/api/provisioning', '/api/v1/provisioning')
IDEMPOTENT_METHODS = frozenset(('GET', 'PUT', 'DELETE'))
WRITE_METHODS = frozenset(('POST', 'PUT', 'DELETE'))
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
MAX_RETRIES = 3
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
REDACTED = '********'


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

    The edge of every API module: an ExpresswayError raised inside ends the run with fail_json (method,
    URL, status and the server's message), and the session is closed either way.
    """
    ensure_requirements(module)
    client = ExpresswayClient.from_module(module)
    try:
        return operation(client)
    except ExpresswayError as err:
        module.fail_json(**err.fail_kwargs())
    finally:
        client.close()
    return None  # not reached: fail_json exits


def transport_adapter():
    """The adapter mounted on the session. Retries are ours (see _request), so urllib3 must not retry.

    This is also the seam unit tests replace with an adapter that scripts the HTTP conversation.
    """
    return HTTPAdapter(max_retries=0)


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


class ExpresswayClient:
    """One client, one requests.Session, per module run (keep-alive between the read and the write)."""

    def __init__(self, host, port=443, username=None, password=None, validate_certs=True, ca_path=None,
                 timeout=30, api_prefix=API_PREFIXES[0]):
        self.base_url = f'https://{host}:{port}'
        self.prefix = api_prefix
        self.timeout = timeout
        self._password = password
        self.session = requests.Session()
        self.session.mount('https://', transport_adapter())
        self.session.mount('http://', transport_adapter())
        if username is not None or password is not None:
            self.session.auth = (username or '', password or '')
        # A CA file, when given, is the trust anchor; otherwise the system store or nothing. It is also
        # passed on every request: requests lets REQUESTS_CA_BUNDLE override a session-level setting.
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        self.session.verify = self.verify
        self.session.headers.update({'Accept': 'application/json'})

    @classmethod
    def from_module(cls, module):
        params = module.params
        return cls(params['host'], params['port'], params['username'], params['password'],
                   params['validate_certs'], params['ca_path'], params['timeout'], params['api_prefix'])

    def url(self, path, prefixed=True):
        """The full URL of path; prefixed=False for paths outside the provisioning API (/api/raml)."""
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
        """POST multipart/form-data with one file field (certificate upload); never retried, like any POST."""
        return self._request('POST', path, files={field: (filename, content, 'application/x-pem-file')})

    def put(self, path, body):
        return self._request('PUT', path, body)

    def delete(self, path, body):
        return self._request('DELETE', path, body)

    def close(self):
        self.session.close()

    def _request(self, method, path, body=None, files=None, text=False, prefixed=True):
        """The one request loop: retries, status check, JSON (or, with text=True, text) decode, error mapping."""
        url = self.url(path, prefixed)
        headers = {}
        if method in WRITE_METHODS:
            # Required on some POSTs from X14.2 and harmless elsewhere, so every write carries it.
            headers['X-CSRF-Header'] = 'ucops.expressway'
        retries = MAX_RETRIES if method in IDEMPOTENT_METHODS else 0
        attempt = 0
        while True:
            try:
                response = self.session.request(method, url, json=body, files=files, headers=headers,
                                                timeout=self.timeout, verify=self.verify)
            except requests.exceptions.RequestException as err:
                if attempt >= retries or not _retryable_exception(err):
                    raise ConnectionFailure(method, url, self._redact(str(err))) from err
            else:
                if attempt >= retries or response.status_code not in RETRY_STATUSES:
                    return self._decode(method, url, response, text)
            attempt += 1
            _sleep(min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))

    def _decode(self, method, url, response, text=False):
        status = response.status_code
        payload, decode_error = _parse_json(response)
        message = self._redact(_server_message(payload, response))
        if status in (401, 403):
            raise AuthError(method, url, status, message or response.reason)
        if not 200 <= status < 300:
            raise ApiError(method, url, status, message or response.reason)
        if method == 'POST' and status not in (200, 201):
            raise ApiError(method, url, status, message, 'expected 200 or 201 on create')
        if text:
            return response.text
        if decode_error and (method == 'GET' or response.content.strip()):
            raise ApiError(method, url, status, None, f'response is not JSON: {decode_error}')
        return payload

    def _redact(self, text):
        """The password must never reach a message, even if a server or library echoes it."""
        if text and self._password:
            text = text.replace(self._password, REDACTED)
        return text


def _sleep(seconds):
    # A module-level seam so unit tests can record the backoff instead of waiting it out.
    time.sleep(seconds)


def _retryable_exception(err):
    # Connection errors and timeouts are transient; TLS verification failures and bad URLs are not.
    if isinstance(err, requests.exceptions.SSLError):
        return False
    return isinstance(err, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))


def _parse_json(response):
    try:
        return response.json(), None
    except ValueError as err:
        return None, str(err)


def _server_message(payload, response):
    """The appliance explains errors in {"Message": ...}; fall back to a short piece of the body."""
    if isinstance(payload, dict):
        for key in ('Message', 'message', 'Error', 'error'):
            if payload.get(key):
                return str(payload[key])
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) and payload[0].get('Message'):
        return str(payload[0]['Message'])
    text = (response.text or '').strip()
    return text[:200] if text and payload is None else None
