"""Session fixtures shared by every integration test: the staged collection and its runner."""

import pytest

from support.ansible_runner import AnsibleRunner

pytest_plugins = [
    "support.pki",
    "support.dns_server",
    "support.sips_server",
    "support.webex_peers",
]


@pytest.fixture(scope="session")
def ansible(tmp_path_factory):
    """An AnsibleRunner over a freshly staged copy of the collection."""
    return AnsibleRunner(tmp_path_factory.mktemp("build"), tmp_path_factory.mktemp("ansible-work"))
