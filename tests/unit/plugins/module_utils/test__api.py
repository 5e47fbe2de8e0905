# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import requests

from ansible_collections.ucops.expressway.plugins.module_utils import _api
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ApiError, AuthError, ConnectionFailure
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, ScriptedAdapter

PASSWORD = 'S3cret-Pa55'


@pytest.fixture
def client_for(monkeypatch):
    """Build a client whose session talks to a scripted adapter; records backoff delays."""
    delays = []
    monkeypatch.setattr(_api, '_sleep', delays.append)

    def build(calls, **kwargs):
        adapter = ScriptedAdapter(calls)
        monkeypatch.setattr(_api, 'transport_adapter', lambda: adapter)
        client = _api.ExpresswayClient('expressway.example.test', username='admin', password=PASSWORD, **kwargs)
        return client, adapter, delays
    return build


def test_get_retries_5xx_and_429_with_exponential_backoff(client_for):
    client, adapter, delays = client_for([
        Call('GET', '/x', status=503), Call('GET', '/x', status=429), Call('GET', '/x', status=502),
        Call('GET', '/x', answer=[{'Name': 'a'}]),
    ])
    assert client.get('/x') == [{'Name': 'a'}]
    assert delays == [0.5, 1.0, 2.0]
    adapter.assert_done()


def test_retries_are_bounded(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', status=500)] * 4)
    with pytest.raises(ApiError) as exc:
        client.get('/x')
    assert exc.value.status == 500
    assert len(delays) == 3
    adapter.assert_done()


def test_post_is_never_retried(client_for):
    client, adapter, delays = client_for([Call('POST', '/x', status=503, answer={'Message': 'busy'})])
    with pytest.raises(ApiError, match='busy'):
        client.post('/x', {'Name': 'a'})
    assert delays == []


def test_post_connection_error_is_not_retried(client_for):
    client, adapter, delays = client_for([Call('POST', '/x', raises=requests.exceptions.ConnectionError('reset'))])
    with pytest.raises(ConnectionFailure):
        client.post('/x', {'Name': 'a'})
    assert delays == []


def test_connection_errors_retry_then_fail_with_cause(client_for):
    err = requests.exceptions.ConnectionError('connection refused')
    client, adapter, delays = client_for([Call('PUT', '/x', raises=err)] * 4)
    with pytest.raises(ConnectionFailure, match='connection refused') as exc:
        client.put('/x', {'Name': 'a'})
    assert exc.value.__cause__ is err
    assert len(delays) == 3


def test_tls_failure_is_not_retried(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', raises=requests.exceptions.SSLError('bad cert'))])
    with pytest.raises(ConnectionFailure, match='bad cert'):
        client.get('/x')
    assert delays == []


def test_auth_error_keeps_server_message_and_redacts_password(client_for):
    client, adapter, delays = client_for([
        Call('GET', '/x', status=401, answer={'Message': f'Bad password {PASSWORD}'})])
    with pytest.raises(AuthError) as exc:
        client.get('/x')
    assert 'Bad password ********' in str(exc.value)
    assert PASSWORD not in str(exc.value)
    assert delays == []


def test_forbidden_is_auth_error(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', status=403, answer={'Message': 'No API access'})])
    with pytest.raises(AuthError, match='HTTP 403: No API access'):
        client.get('/x')


def test_non_json_get_is_an_error(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', text='<html/>')])
    with pytest.raises(ApiError, match='not JSON'):
        client.get('/x')


def test_write_with_empty_body_is_accepted(client_for):
    client, adapter, delays = client_for([Call('DELETE', '/x', text='')])
    assert client.delete('/x', {'Name': 'a'}) is None
    assert adapter.sent[0][3]['X-CSRF-Header']


def test_post_201_and_200_accepted_202_is_not(client_for):
    client, adapter, delays = client_for([
        Call('POST', '/x', status=201), Call('POST', '/x', status=200), Call('POST', '/x', status=202)])
    client.post('/x', {})
    client.post('/x', {})
    with pytest.raises(ApiError, match='200 or 201'):
        client.post('/x', {})


def test_name_is_percent_encoded(client_for):
    client, adapter, delays = client_for([Call('GET', '/z/name/A%20b%2Fc%25d%3F', answer=[])])
    assert client.get_by_name('/z', 'A b/c%d?') == []
    adapter.assert_done()


def test_get_by_name_wraps_a_bare_object(client_for):
    client, adapter, delays = client_for([Call('GET', '/z/name/a', answer={'Name': 'a'})])
    assert client.get_by_name('/z', 'a') == [{'Name': 'a'}]


@pytest.mark.parametrize('answer, expected', [
    ({'A': 1}, {'A': 1}), ([{'A': 1}], {'A': 1}), ([], {}),
])
def test_singleton_shapes(client_for, answer, expected):
    client, adapter, delays = client_for([Call('GET', '/s', answer=answer)])
    assert client.get_singleton('/s') == expected


def test_singleton_with_many_objects_is_an_error(client_for):
    client, adapter, delays = client_for([Call('GET', '/s', answer=[{}, {}])])
    with pytest.raises(ApiError, match='expected one object'):
        client.get_singleton('/s')


def test_reads_carry_no_csrf_header(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', answer=[])])
    client.get('/x')
    assert 'X-CSRF-Header' not in adapter.sent[0][3]


@pytest.mark.parametrize('kwargs, verify', [
    ({}, True), ({'validate_certs': False}, False), ({'ca_path': '/etc/ca.pem'}, '/etc/ca.pem'),
    ({'ca_path': '/etc/ca.pem', 'validate_certs': False}, False),
])
def test_tls_verification_setting(client_for, kwargs, verify):
    client, adapter, delays = client_for([], **kwargs)
    assert client.session.verify == verify


def test_ca_path_wins_over_requests_ca_bundle_environment(client_for, monkeypatch, tmp_path):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'system.pem'))
    client, adapter, delays = client_for([Call('GET', '/x', answer=[])], ca_path='/etc/ca.pem')
    client.get('/x')
    assert adapter.verify == ['/etc/ca.pem']


def test_connection_spec_defaults_and_secrets():
    spec = _api.connection_argument_spec()
    assert spec['validate_certs']['default'] is True
    assert spec['password']['no_log'] is True
    assert spec['port']['default'] == 443
    assert spec['api_prefix']['choices'] == ['/api/provisioning', '/api/v1/provisioning']
