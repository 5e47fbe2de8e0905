"""DNS settings, default DNS servers (index 1-5) and the SIP configuration singleton."""

import pytest

from conftest import message

SERVERS = "common/dns/dnsserver"


def test_dns_settings_defaults_and_update(client):
    assert client.get("common/dns/dns").json() == {"SystemHostName": "expe", "DomainName": "example.test"}
    assert client.put("common/dns/dns", {"DomainName": "b2b.example.test"}).status_code == 200
    assert client.get("common/dns/dns").json()["DomainName"] == "b2b.example.test"
    assert client.put("common/dns/dns", {"SystemHostName": "exp e"}).status_code == 400
    # A trailing newline is not part of a DNS label (a `$` anchor would have let it through).
    assert client.put("common/dns/dns", {"SystemHostName": "expe\n"}).status_code == 400
    assert client.put("common/dns/dns", {"DomainName": "example.test\n"}).status_code == 400
    assert client.put("common/dns/dns", {"HostName": "x"}).status_code == 400
    assert client.post("common/dns/dns", {"DomainName": "x.example.test"}).status_code == 405


def test_dns_server_crud(client):
    body = {"DefaultDNSServers": {"index": 2, "address": "192.0.2.53"}}
    assert client.post(SERVERS, body).status_code == 201
    assert "already" in message(client.post(SERVERS, body))
    assert client.get(SERVERS).json() == [{"index": 2, "address": "192.0.2.53"}]
    assert client.put(SERVERS, {"DefaultDNSServers": {"index": 2, "address": "2001:db8::53"}}).status_code == 200
    assert client.get(SERVERS).json() == [{"index": 2, "address": "2001:db8::53"}]
    assert client.put(SERVERS, {"DefaultDNSServers": {"index": 3, "address": "192.0.2.1"}}).status_code == 400
    assert client.delete(SERVERS, {"index": 3}).status_code == 400
    assert client.delete(SERVERS, {"index": 2}).status_code == 200
    assert client.get(SERVERS).json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"DefaultDNSServers": {"index": 6, "address": "192.0.2.6"}},
        {"DefaultDNSServers": {"index": 0, "address": "192.0.2.6"}},
        {"DefaultDNSServers": {"index": 1, "address": "192.0.2.300"}},
        {"DefaultDNSServers": {"index": 1, "address": "dns.example.test"}},
        {"DefaultDNSServers": {"index": 1}},
        {"DefaultDNSServers": {"index": 1, "address": "192.0.2.6", "port": 53}},
        {"index": 1, "address": "192.0.2.6"},
    ],
)
def test_dns_server_validation(shared_client, body):
    assert shared_client.post(SERVERS, body).status_code == 400
    assert shared_client.get(SERVERS).json() == []


def test_five_servers_fill_every_index(client):
    for index in range(1, 6):
        body = {"DefaultDNSServers": {"index": index, "address": f"192.0.2.{index}"}}
        assert client.post(SERVERS, body).status_code == 201
    assert [s["index"] for s in client.get(SERVERS).json()] == [1, 2, 3, 4, 5]
    assert client.post(SERVERS, {"DefaultDNSServers": {"index": 6, "address": "192.0.2.6"}}).status_code == 400


def test_sip_configuration_is_a_one_element_array(client):
    sip = client.get("common/protocol/sip/configuration").json()
    assert isinstance(sip, list) and len(sip) == 1
    assert sip[0]["TLSMode"] == "On" and sip[0]["TLSPort"] == 5061
    assert client.put("common/protocol/sip/configuration", {"MutualTLSMode": "On"}).status_code == 200
    assert client.get("common/protocol/sip/configuration").json()[0]["MutualTLSMode"] == "On"
    assert client.put("common/protocol/sip/configuration", {"TLSPort": 80}).status_code == 400
    assert (
        client.put(
            "common/protocol/sip/configuration", {"TCPOutboundPortStart": 30000, "TCPOutboundPortEnd": 29000}
        ).status_code
        == 400
    )
