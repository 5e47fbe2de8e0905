# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a module's real main() against a scripted HTTP conversation.

The script is a list of Call objects, in order. The adapter fails the test on a request that differs
from the next expected one (method, path, JSON body) and on any request beyond the script;
``run_module`` fails it when expected requests were never made.
"""

from __future__ import annotations

import io
import json
from unittest import mock
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from urllib3 import HTTPResponse

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import client

PREFIX = '/api/provisioning'
ANY = object()
CONNECTION = {'host': 'expressway.example.test', 'username': 'admin', 'password': 'S3cret-Pa55'}


class Call:
    """One expected request and the canned answer (or exception) it gets."""

    def __init__(self, method, path, body=ANY, status=200, answer=None, text=None, raises=None):
        self.method = method
        self.path = path
        self.body = body
        self.status = status
        self.answer = answer
        self.text = text
        self.raises = raises

    def __repr__(self):
        return f'{self.method} {self.path}'


def _body(request):
    """The JSON body, or the raw bytes of a body that is not JSON (multipart uploads)."""
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return request.body if isinstance(request.body, bytes) else request.body.encode()


class ScriptedAdapter(BaseAdapter):
    """A requests transport adapter that plays a scripted conversation and records what was sent."""

    def __init__(self, calls, prefix=PREFIX):
        super().__init__()
        self.expected = list(calls)
        self.prefix = prefix
        self.sent = []
        self.verify = []

    def send(self, request, **kwargs):
        path = urlsplit(request.url).path
        body = _body(request)
        self.sent.append((request.method, path, body, dict(request.headers)))
        self.verify.append(kwargs.get('verify'))
        assert self.expected, f'unexpected extra request: {request.method} {path} {body}'
        call = self.expected.pop(0)
        assert (request.method, path) == (call.method, self.prefix + call.path), (
            f'expected {call.method} {self.prefix + call.path}, got {request.method} {path}'
        )
        if call.body is not ANY:
            assert body == call.body, f'{call}: body {body!r} != expected {call.body!r}'
        assert request.headers.get('Authorization', '').startswith('Basic ')
        if request.method in ('POST', 'PUT', 'DELETE'):
            assert request.headers.get('X-CSRF-Header'), 'write without X-CSRF-Header'
        if call.raises is not None:
            raise call.raises
        return self._response(request, call)

    @staticmethod
    def _response(request, call):
        response = requests.Response()
        response.status_code = call.status
        response.reason = 'scripted'
        response.url = request.url
        response.request = request
        if call.text is not None:
            response._content = call.text.encode()
            response.headers['Content-Type'] = 'text/plain'
        else:
            response._content = json.dumps(call.answer if call.answer is not None else {'Message': 'OK'}).encode()
            response.headers['Content-Type'] = 'application/json'
        # The client streams every answer (stream=True) and reads it from raw, as from a real connection.
        response.raw = HTTPResponse(io.BytesIO(response._content), preload_content=False)
        return response

    def close(self):
        pass

    def assert_done(self):
        assert not self.expected, f'expected requests never made: {self.expected}'


class ModuleExit(Exception):
    """exit_json or fail_json was called; args[0] is the result."""


def _exit_json(self, **kwargs):
    kwargs.setdefault('changed', False)
    raise ModuleExit(kwargs)


def _fail_json(self, msg, **kwargs):
    kwargs['failed'] = True
    kwargs['msg'] = msg
    raise ModuleExit(kwargs)


def set_module_args(args, check_mode=False, diff=False):
    """The context that exposes args to AnsibleModule (ansible-core 2.19 patch_module_args)."""
    args = dict(args)
    if check_mode:
        args['_ansible_check_mode'] = True
    if diff:
        args['_ansible_diff'] = True
    return patch_module_args(args)


def run_module(module, args, calls, check_mode=False, diff=False, connection=True):
    """Run module.main() with args; returns (result, adapter). Fails on unmet or extra requests."""
    adapter = ScriptedAdapter(calls, args.get('api_prefix', PREFIX))
    full_args = dict(CONNECTION, **args) if connection else dict(args)
    with (
        set_module_args(full_args, check_mode, diff),
        mock.patch.object(basic.AnsibleModule, 'exit_json', _exit_json),
        mock.patch.object(basic.AnsibleModule, 'fail_json', _fail_json),
        mock.patch.object(client, 'transport_adapter', lambda: adapter),
        mock.patch.object(client, '_sleep', lambda seconds: None),
    ):
        result = None
        try:
            module.main()
        except ModuleExit as exc:
            result = exc.args[0]
    assert result is not None, 'module returned without exit_json or fail_json'
    adapter.assert_done()
    return result, adapter


def writes(adapter):
    return [s for s in adapter.sent if s[0] != 'GET']
