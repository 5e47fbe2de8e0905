# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import email.utils
import socket
import ssl
import time

import pytest
import requests
from urllib3 import HTTPResponse
from urllib3 import exceptions as u3

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import client as expressway_client
from ansible_collections.ucops.expressway.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConnectionFailure,
    OutcomeUnknown,
    ValidationError,
)
from ansible_collections.ucops.expressway.plugins.modules import system_info
from ansible_collections.ucops.expressway.tests.unit.plugins.modules.utils import Call, ScriptedAdapter, run_module

PASSWORD = 'S3cret-Pa55'
URL = 'https://expressway.example.test:443/api/provisioning/x'


class Answer(Call):
    """A scripted call whose answer also carries headers, or a body stream that misbehaves."""

    def __init__(self, method, path, headers=None, stream=None, **kwargs):
        super().__init__(method, path, **kwargs)
        self.headers = headers or {}
        self.stream = stream


class Body:
    """A socket-like body: hands out the given pieces (pausing before each), then raises `error` if set."""

    def __init__(self, pieces, error=None, pause=0.0):
        self.pieces, self.error, self.pause = list(pieces), error, pause
        self.closed = False

    def read1(self, amt):  # pylint: disable=unused-argument
        time.sleep(self.pause)
        if self.pieces:
            return self.pieces.pop(0)
        if self.error is not None:
            raise self.error
        return b''

    read = read1

    def close(self):
        self.closed = True


def streamed(pieces, error=None, pause=0.0, headers=None):
    """A streamed urllib3 response over Body, as the client gets it from a real connection."""
    return HTTPResponse(Body(pieces, error, pause), headers=headers, preload_content=False)


class Adapter(ScriptedAdapter):
    def __init__(self, calls, prefix='/api/provisioning'):
        super().__init__(calls, prefix)
        self.timeouts = []

    def send(self, request, **kwargs):
        self.timeouts.append(kwargs.get('timeout'))
        return super().send(request, **kwargs)

    @staticmethod
    def _response(request, call):
        response = ScriptedAdapter._response(request, call)
        response.headers.update(getattr(call, 'headers', {}))
        if getattr(call, 'stream', None) is not None:
            response.raw = call.stream
        return response


@pytest.fixture
def client_for(monkeypatch):
    """Build a client whose session talks to a scripted adapter; records backoff delays."""
    delays = []
    monkeypatch.setattr(expressway_client, '_sleep', delays.append)

    def build(calls, prefix='/api/provisioning', **kwargs):
        adapter = Adapter(calls, prefix)
        monkeypatch.setattr(expressway_client, 'transport_adapter', lambda: adapter)
        kwargs.setdefault('password', PASSWORD)
        client = expressway_client.ExpresswayClient('expressway.example.test', username='admin', **kwargs)
        return client, adapter, delays

    return build


@pytest.fixture
def ca_file(tmp_path):
    path = tmp_path / 'ca.pem'
    path.write_text('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    return str(path)


def reset():
    cause = ConnectionResetError(104, 'Connection reset by peer')
    return requests.exceptions.ConnectionError(u3.ProtocolError('Connection aborted.', cause))


def refused():
    err = u3.NewConnectionError(None, 'Failed to establish a new connection: [Errno 111] Connection refused')
    err.__cause__ = ConnectionRefusedError(111, 'Connection refused')
    return requests.exceptions.ConnectionError(u3.MaxRetryError(None, URL, err))


def unresolvable():
    err = u3.NameResolutionError('expressway.example.test', None, socket.gaierror(-2, 'Name or service not known'))
    return requests.exceptions.ConnectionError(u3.MaxRetryError(None, URL, err))


def untrusted(message):
    verify = ssl.SSLCertVerificationError(1, f'[SSL: CERTIFICATE_VERIFY_FAILED] {message}')
    verify.verify_message = message
    return requests.exceptions.SSLError(u3.MaxRetryError(None, URL, u3.SSLError(verify)))


# -- retries of reads ------------------------------------------------------------------------------


def test_get_retries_5xx_and_429_with_exponential_backoff(client_for):
    client, adapter, delays = client_for(
        [
            Call('GET', '/x', status=503),
            Call('GET', '/x', status=429),
            Call('GET', '/x', status=502),
            Call('GET', '/x', answer=[{'Name': 'a'}]),
        ]
    )
    assert client.get('/x') == [{'Name': 'a'}]
    assert delays == [0.5, 1.0, 2.0]
    adapter.assert_done()


def test_a_short_timeout_does_not_shorten_the_backoff(client_for):
    client, adapter, delays = client_for(
        [Call('GET', '/x', raises=reset())] * 3 + [Call('GET', '/x', answer=[])], timeout=1
    )
    assert client.get('/x') == []
    assert delays == [0.5, 1.0, 2.0]


def test_retries_are_bounded(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', status=500)] * 4)
    with pytest.raises(ApiError) as exc:
        client.get('/x')
    assert exc.value.status == 500
    assert len(delays) == 3
    adapter.assert_done()


def test_get_retries_resets_and_gives_up_with_a_connection_failure(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', raises=reset())] * 4)
    with pytest.raises(ConnectionFailure, match='connection broke') as exc:
        client.get('/x')
    assert not isinstance(exc.value, OutcomeUnknown)
    assert delays == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(
    'broken',
    [
        Answer('GET', '/x', stream=streamed([b'[{"Na'], ConnectionResetError(104, 'Connection reset by peer'))),
        Answer(
            'GET',
            '/x',
            headers={'Content-Length': '400'},
            stream=streamed([b'[{"Name": "a"}]'], headers={'Content-Length': '400'}),
        ),
        Answer('GET', '/x', headers={'Content-Length': '400'}, stream=streamed([b'[{"Name": "a"}]'])),
    ],
    ids=['reset', 'short-content-length', 'length-checked-by-the-client'],
)
def test_get_retries_a_truncated_body(client_for, broken):
    client, adapter, delays = client_for([broken, Call('GET', '/x', answer=[{'Name': 'a'}])])
    assert client.get('/x') == [{'Name': 'a'}]
    assert delays == [0.5]
    adapter.assert_done()


def test_a_dripping_answer_ends_at_the_deadline(client_for):
    drip = streamed([b'['] + [b' '] * 50, pause=0.05)
    client, adapter, delays = client_for([Answer('POST', '/x', stream=drip)], timeout=0.5)
    with pytest.raises(OutcomeUnknown, match='not complete within the timeout'):
        client.post('/x', {'Name': 'a'})
    assert delays == []


def test_every_attempt_gets_the_overall_timeout(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', answer=[])], timeout=7)
    client.get('/x')
    timeout = adapter.timeouts[0]
    assert (timeout.connect_timeout, timeout.total) == (7, 7)


# -- Retry-After -----------------------------------------------------------------------------------


@pytest.mark.parametrize('status', [429, 503])
def test_retry_after_seconds_replaces_the_backoff(client_for, status):
    client, adapter, delays = client_for(
        [Answer('GET', '/x', status=status, headers={'Retry-After': '4'}), Call('GET', '/x', answer=[])]
    )
    assert client.get('/x') == []
    assert delays == [4]


def test_retry_after_http_date(client_for):
    when = email.utils.formatdate(time.time() + 6, usegmt=True)
    client, adapter, delays = client_for(
        [Answer('GET', '/x', status=503, headers={'Retry-After': when}), Call('GET', '/x', answer=[])]
    )
    client.get('/x')
    assert 3 < delays[0] <= 6


def test_retry_after_beyond_the_cap_is_not_waited(client_for):
    client, adapter, delays = client_for([Answer('GET', '/x', status=429, headers={'Retry-After': '120'})])
    with pytest.raises(ApiError, match='asked to retry after 120 s; this client waits at most 30 s') as exc:
        client.get('/x')
    assert exc.value.status == 429
    assert delays == []


def test_retry_after_is_bounded_by_the_timeout(client_for):
    client, adapter, delays = client_for([Answer('GET', '/x', status=503, headers={'Retry-After': '10'})], timeout=5)
    with pytest.raises(ApiError, match='at most 5 s'):
        client.get('/x')
    assert delays == []


def test_retry_after_waits_share_one_budget(client_for):
    busy = Answer('GET', '/x', status=503, headers={'Retry-After': '25'})
    client, adapter, delays = client_for([busy, busy, busy])
    with pytest.raises(ApiError, match='at most 10 s more'):
        client.get('/x')
    assert delays == [25, 25]


def test_unparsable_retry_after_falls_back_to_the_backoff(client_for):
    client, adapter, delays = client_for(
        [Answer('GET', '/x', status=503, headers={'Retry-After': 'soon'}), Call('GET', '/x', answer=[])]
    )
    client.get('/x')
    assert delays == [0.5]


# -- writes: never resent once they may have reached the box -----------------------------------------


@pytest.mark.parametrize('method', ['POST', 'DELETE'])
@pytest.mark.parametrize(
    'call',
    [
        {'raises': reset()},
        {'raises': requests.exceptions.ReadTimeout('read timed out')},
        {'status': 500},
        {'status': 503, 'answer': {'Message': 'busy'}},
    ],
    ids=['reset', 'read-timeout', '500', '503'],
)
def test_ambiguous_write_failures_raise_outcome_unknown_without_resending(client_for, method, call):
    client, adapter, delays = client_for([Call(method, '/x', **call)])
    with pytest.raises(OutcomeUnknown) as exc:
        getattr(client, method.lower())('/x', {'Name': 'a'})
    assert (exc.value.method, exc.value.url) == (method, URL)
    assert 'may or may not have been applied' in exc.value.reason
    assert delays == []
    adapter.assert_done()


def test_truncated_answer_to_a_post_is_outcome_unknown(client_for):
    cut = Answer('POST', '/x', status=201, stream=streamed([b'{"Me'], ConnectionResetError(104, 'reset')))
    client, adapter, delays = client_for([cut])
    with pytest.raises(OutcomeUnknown, match='cut short'):
        client.post('/x', {'Name': 'a'})
    assert delays == []


@pytest.mark.parametrize('method', ['POST', 'DELETE', 'PUT', 'GET'])
def test_refused_connection_is_retried_once_for_every_method(client_for, method):
    client, adapter, delays = client_for([Call(method, '/x', raises=refused())] * 2)
    body = None if method == 'GET' else {'Name': 'a'}
    with pytest.raises(ConnectionFailure) as exc:
        client._request(method, '/x', body)  # pylint: disable=protected-access
    assert not isinstance(exc.value, OutcomeUnknown)
    assert 'expressway.example.test:443 refused: check option port and that the API is reachable' in str(exc.value)
    assert delays == [0.5]
    adapter.assert_done()


def test_refused_post_then_created(client_for):
    client, adapter, delays = client_for([Call('POST', '/x', raises=refused()), Call('POST', '/x', status=201)])
    client.post('/x', {'Name': 'a'})
    adapter.assert_done()


def test_throttled_post_is_resent_after_retry_after(client_for):
    client, adapter, delays = client_for(
        [Answer('POST', '/x', status=429, headers={'Retry-After': '2'}), Call('POST', '/x', status=201)]
    )
    client.post('/x', {'Name': 'a'})
    assert delays == [2]
    adapter.assert_done()


def test_put_is_retried_like_a_read_then_outcome_unknown(client_for):
    client, adapter, delays = client_for([Call('PUT', '/x', raises=reset())] + [Call('PUT', '/x', status=502)] * 3)
    with pytest.raises(OutcomeUnknown, match='HTTP 502'):
        client.put('/x', {'Name': 'a'})
    assert delays == [0.5, 1.0, 2.0]


def test_put_reset_then_applied(client_for):
    client, adapter, delays = client_for([Call('PUT', '/x', raises=reset()), Call('PUT', '/x', text='')])
    assert client.put('/x', {'Name': 'a'}) is None
    adapter.assert_done()


# -- failures that are never retried, with a message that says what to do ----------------------------


def test_name_resolution_failure(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', raises=unresolvable())])
    with pytest.raises(ConnectionFailure, match='could not resolve host expressway.example.test: check option host'):
        client.get('/x')
    assert delays == []


@pytest.mark.parametrize(
    'with_ca, expected',
    [
        (
            False,
            'not trusted by the system trust store (unable to get local issuer certificate): give the CA '
            'that issued it in option ca_path, or set validate_certs=false',
        ),
        (True, 'was not verified by the CA file {ca} (unable to get local issuer certificate)'),
    ],
)
def test_untrusted_certificate(client_for, ca_file, with_ca, expected):
    kwargs = {'ca_path': ca_file} if with_ca else {}
    client, adapter, delays = client_for(
        [Call('GET', '/x', raises=untrusted('unable to get local issuer certificate'))], **kwargs
    )
    with pytest.raises(ConnectionFailure) as exc:
        client.get('/x')
    assert expected.format(ca=ca_file) in str(exc.value)
    assert 'object at 0x' not in str(exc.value)
    assert delays == []


def test_certificate_for_another_name(client_for):
    err = untrusted("Hostname mismatch, certificate is not valid for 'expressway.example.test'.")
    client, adapter, delays = client_for([Call('GET', '/x', raises=err)])
    with pytest.raises(ConnectionFailure, match='does not name the host'):
        client.get('/x')
    assert delays == []


def test_auth_error_keeps_server_message_and_redacts_password(client_for):
    client, adapter, delays = client_for(
        [Call('GET', '/x', status=401, answer={'Message': f'Bad password {PASSWORD}'})]
    )
    with pytest.raises(AuthError) as exc:
        client.get('/x')
    assert 'Bad password ********' in str(exc.value)
    assert PASSWORD not in str(exc.value)
    assert delays == []


def test_library_error_text_is_redacted(client_for):
    err = requests.exceptions.ConnectionError(u3.ProtocolError(f'Connection aborted: {PASSWORD}'))
    client, adapter, delays = client_for([Call('POST', '/x', raises=err)])
    with pytest.raises(OutcomeUnknown) as exc:
        client.post('/x', {})
    assert PASSWORD not in str(exc.value) and '********' in str(exc.value)


def test_forbidden_is_auth_error(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', status=403, answer={'Message': 'No API access'})])
    with pytest.raises(AuthError, match='HTTP 403: No API access'):
        client.get('/x')


@pytest.mark.parametrize('location', ['http://expressway.example.test/api/provisioning/x', '/login'])
def test_redirect_is_an_error_naming_the_target(client_for, location):
    client, adapter, delays = client_for([Answer('POST', '/x', status=301, headers={'Location': location})])
    with pytest.raises(ApiError, match=f'redirected to {location}; redirects are never followed') as exc:
        client.post('/x', {'Name': 'a'})
    assert exc.value.status == 301
    assert len(adapter.sent) == 1
    assert delays == []


# -- answers that are not what the resource returns ------------------------------------------------


@pytest.mark.parametrize(
    'text, shown',
    [
        ('<html>\n  <body>Login</body></html>', "'<html> <body>Login</body></html>'"),
        ('', 'an empty body'),
        ('{"Name": ', '\'{"Name":\''),
        ('x' * 200, "'" + 'x' * 80 + "...'"),
    ],
)
def test_get_that_is_not_json_names_url_and_excerpt(client_for, text, shown):
    client, adapter, delays = client_for([Call('GET', '/x', text=text)])
    with pytest.raises(ApiError) as exc:
        client.get('/x')
    assert str(exc.value) == f'GET {URL} returned HTTP 200 (the answer is not JSON: {shown})'


def test_excerpt_of_a_bad_answer_is_redacted(client_for):
    client, adapter, delays = client_for([Call('GET', '/x', text=f'<p>{PASSWORD}</p>')])
    with pytest.raises(ApiError) as exc:
        client.get('/x')
    assert PASSWORD not in str(exc.value)


def test_write_with_empty_body_is_accepted(client_for):
    client, adapter, delays = client_for([Call('DELETE', '/x', text='')])
    assert client.delete('/x', {'Name': 'a'}) is None
    assert adapter.sent[0][3]['X-CSRF-Header']


def test_post_201_and_200_accepted_202_is_not(client_for):
    client, adapter, delays = client_for(
        [Call('POST', '/x', status=201), Call('POST', '/x', status=200), Call('POST', '/x', status=202)]
    )
    client.post('/x', {})
    client.post('/x', {})
    with pytest.raises(ApiError, match='200 or 201'):
        client.post('/x', {})


def test_get_text_without_prefix(client_for):
    client, adapter, delays = client_for([Call('GET', '/api/raml', text='#%RAML 0.8')], prefix='')
    assert client.get_text('/api/raml', prefixed=False) == '#%RAML 0.8'


# -- request shape -----------------------------------------------------------------------------------


def test_name_is_percent_encoded(client_for):
    client, adapter, delays = client_for([Call('GET', '/z/name/A%20b%2Fc%25d%3F', answer=[])])
    assert client.get_by_name('/z', 'A b/c%d?') == []
    adapter.assert_done()


def test_get_by_name_wraps_a_bare_object(client_for):
    client, adapter, delays = client_for([Call('GET', '/z/name/a', answer={'Name': 'a'})])
    assert client.get_by_name('/z', 'a') == [{'Name': 'a'}]


@pytest.mark.parametrize(
    'answer, expected',
    [
        ({'A': 1}, {'A': 1}),
        ([{'A': 1}], {'A': 1}),
        ([], {}),
    ],
)
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


@pytest.mark.parametrize('password', ['Pässwörd', 'пароль-€'])
def test_password_is_sent_as_utf8(client_for, password):
    client, adapter, delays = client_for([Call('GET', '/x', answer=[])], password=password)
    client.get('/x')
    token = adapter.sent[0][3]['Authorization'].split(' ', 1)[1]
    assert base64.b64decode(token) == f'admin:{password}'.encode('utf-8')


@pytest.mark.parametrize(
    'with_ca, validate, verify',
    [
        (False, True, True),
        (False, False, False),
        (True, True, 'CA'),
        (True, False, False),
    ],
)
def test_tls_verification_setting(client_for, ca_file, with_ca, validate, verify):
    kwargs = {'ca_path': ca_file} if with_ca else {}
    client, adapter, delays = client_for([], validate_certs=validate, **kwargs)
    assert client.session.verify == (ca_file if verify == 'CA' else verify)


def test_ca_path_wins_over_requests_ca_bundle_environment(client_for, ca_file, monkeypatch, tmp_path):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'system.pem'))
    client, adapter, delays = client_for([Call('GET', '/x', answer=[])], ca_path=ca_file)
    client.get('/x')
    assert adapter.verify == [ca_file]


def test_adapter_never_retries_or_redirects_itself():
    retry = expressway_client.transport_adapter().max_retries
    assert (retry.total, retry.redirect, retry.raise_on_redirect) == (0, False, False)


# -- connection options: checked before the first request --------------------------------------------


def test_connection_spec_defaults_and_secrets():
    spec = expressway_client.connection_argument_spec()
    assert spec['validate_certs']['default'] is True
    assert spec['password']['no_log'] is True
    assert spec['port']['default'] == 443
    assert spec['api_prefix']['choices'] == ['/api/provisioning', '/api/v1/provisioning']


@pytest.mark.parametrize(
    'host, base',
    [
        ('::1', 'https://[::1]:8443'),
        ('[::1]', 'https://[::1]:8443'),
        ('127.0.0.1', 'https://127.0.0.1:8443'),
        ('exp-1.example.test', 'https://exp-1.example.test:8443'),
        ('box', 'https://box:8443'),
    ],
)
def test_base_url(host, base):
    client = expressway_client.ExpresswayClient(host, 8443, 'admin', PASSWORD)
    assert client.base_url == base


@pytest.mark.parametrize(
    'args, option, text',
    [
        ({'timeout': 0}, 'timeout', 'greater than 0'),
        ({'port': 0}, 'port', '1 to 65535'),
        ({'host': 'https://box.example.test'}, 'host', 'without scheme or path'),
        ({'host': 'box.example.test:8443'}, 'host', 'port in option port (port: 8443)'),
        ({'ca_path': '/nonexistent/ca.pem'}, 'ca_path', 'no such file'),
        ({'username': 'admin', 'password': None}, 'password', 'username is set but password is not'),
    ],
)
def test_module_fails_on_bad_connection_options_before_any_request(args, option, text):
    result, adapter = run_module(system_info, args, [])
    assert result['failed'] is True
    assert result['option'] == option
    assert text in result['msg']
    assert adapter.sent == []


def test_negative_timeout_is_refused():
    with pytest.raises(ValidationError):
        expressway_client.ExpresswayClient('box', 443, 'admin', PASSWORD, timeout=-1)
