"""Firewall rules: pending edits, activation (refused on a priority clash), version gate."""

import pytest

from conftest import message

PENDING = "common/firewallrules/configuration"
ACTIVATE = "common/firewallrules/activation"
ACTIVE = "common/current/active/firewallrules"


def _fw(**extra):
    return dict(
        {
            "Priority": 10,
            "Address": "192.0.2.0",
            "PrefixLength": 24,
            "Transport": "TCP",
            "StartPort": 5061,
            "EndPort": 5062,
            "Action": "Allow",
        },
        **extra,
    )


def test_pending_then_activation(client):
    assert client.post(PENDING, _fw()).status_code == 201
    assert (
        client.post(
            PENDING, _fw(Priority=20, Address="2001:db8::", PrefixLength=32, Action="Drop", Description="v6")
        ).status_code
        == 201
    )
    pending = client.get(PENDING).json()
    assert [(r["Index"], r["Priority"]) for r in pending] == [(1, 10), (2, 20)]
    assert pending[0]["Interface"] == "LAN1" and pending[0]["Service"] == "Custom"
    assert client.get(ACTIVE).json() == []
    assert client.put(ACTIVATE).status_code == 200
    assert client.get(ACTIVE).json() == pending
    assert client.put(PENDING, {"Index": 1, "EndPort": 5065}).status_code == 200
    assert client.get(ACTIVE).json()[0]["EndPort"] == 5062
    assert client.delete(PENDING, {"Index": 2}).status_code == 200
    assert [r["Index"] for r in client.get(PENDING).json()] == [1]


def test_activation_clash_keeps_the_active_set(client):
    client.post(PENDING, _fw())
    client.put(ACTIVATE)
    active = client.get(ACTIVE).json()
    assert client.post(PENDING, _fw(Address="198.51.100.0")).status_code == 201
    response = client.put(ACTIVATE)
    assert response.status_code == 400 and "priority 10" in message(response)
    assert client.get(ACTIVE).json() == active
    assert client.put(ACTIVATE, {"Force": True}).status_code == 400


def test_explicit_index_and_unknown_index(client):
    assert client.post(PENDING, _fw(Index=7)).status_code == 201
    assert client.post(PENDING, _fw(Index=7, Priority=11)).status_code == 400
    assert client.post(PENDING, _fw(Priority=12)).status_code == 201
    assert [r["Index"] for r in client.get(PENDING).json()] == [7, 8]
    assert client.put(PENDING, {"Index": 3, "Priority": 5}).status_code == 400
    assert client.delete(PENDING, {"Index": 3}).status_code == 400


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"PrefixLength": 33}, "0-32"),
        ({"Address": "2001:db8::", "PrefixLength": 129}, "range"),
        ({"Address": "192.0.2.0/24"}, "IPv4 or IPv6"),
        ({"Transport": "SCTP"}, "Transport"),
        ({"StartPort": 6000, "EndPort": 5000}, "StartPort"),
        ({"EndPort": 65536}, "range"),
        ({"Action": "Deny"}, "Action"),
        ({"Interface": "LAN3"}, "Interface"),
        ({"Interface": "LAN2"}, "Advanced Networking"),
        ({"Priority": "10"}, "integer"),
        ({"Protocol": "TCP"}, "Unknown key"),
    ],
)
def test_rule_validation(shared_client, extra, words):
    response = shared_client.post(PENDING, _fw(**extra))
    assert response.status_code == 400 and words in message(response)
    assert shared_client.get(PENDING).json() == []


def test_lan2_with_advanced_networking(emulator_factory, client_for):
    client = client_for(emulator_factory([{"name": "adv", "advanced_networking": True}]))
    assert client.post(PENDING, _fw(Interface="LAN2")).status_code == 201


def test_firewall_api_needs_x8_10(emulator_factory, client_for):
    emu = emulator_factory([{"name": "x89", "version": "X8.9.3"}, {"name": "x810", "version": "X8.10"}])
    old, new = client_for(emu, name="x89"), client_for(emu, name="x810")
    for path in (PENDING, ACTIVE):
        assert old.get(path).status_code == 404
        assert new.get(path).status_code == 200
    assert old.put(ACTIVATE).status_code == 404
