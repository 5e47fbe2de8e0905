"""Fixtures for the emulator's own tests: the process helpers plus a small API client."""

import pytest
import requests

pytest_plugins = ["support.emulator"]

JSON = {"Content-Type": "application/json"}


class Client:
    """requests against one emulator instance, verifying TLS with the emulator's CA."""

    def __init__(self, emu, name=None, v1=False):
        self.emu, self.name, self.v1 = emu, name, v1
        self.session = requests.Session()
        self.session.auth = emu.auth

    def request(self, method, path, **kw):
        # Per-request verify: a session-level one loses against REQUESTS_CA_BUNDLE in the environment.
        return self.session.request(method, self.url(path), verify=self.emu.ca_path, timeout=10, **kw)

    def url(self, path):
        return self.emu.api(path, name=self.name, v1=self.v1)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, json=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, json=body, **kw)

    def delete(self, path, body=None, **kw):
        return self.request("DELETE", path, json=body, **kw)


@pytest.fixture
def client(emulator):
    return Client(emulator)


@pytest.fixture(scope="module")
def shared_emulator(tmp_path_factory, emulator_state_dir):
    """One instance for a module's tests that only send refused writes (they leave no state)."""
    from support.emulator import Emulator  # pylint: disable=import-outside-toplevel  # after pytest_plugins

    with Emulator(tmp_path_factory.mktemp("shared"), [{"name": "shared"}], state_dir=emulator_state_dir) as emu:
        yield emu


@pytest.fixture
def shared_client(shared_emulator):
    return Client(shared_emulator)


@pytest.fixture
def client_for():
    """Build a client for another emulator or instance: client_for(emu, name=..., v1=...)."""
    return Client


def message(response):
    """The server's Message, asserting the error body shape on the way."""
    body = response.json()
    assert set(body) == {"Message"}, body
    return body["Message"]
