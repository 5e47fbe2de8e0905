"""Zones: CRUD status codes, defaults, strict validation, name filter, rename, product paths."""

import pytest

from conftest import message

DNS = "common/zone/dnszone"
DNS_DEFAULTS = {
    "HopCount": 15,
    "H323Mode": "On",
    "SIPMode": "On",
    "SIPTLSVerifyMode": "Off",
    "SIPTLSVerifySubjectName": "",
    "SIPTLSVerifyInboundClassification": "Off",
    "SIPDefaultTransport": "UDP",
    "SIPMediaEncryptionMode": "Auto",
    "SIPMediaICESupport": "Off",
    "SIPPreloadedSipRoutesSupport": "Off",
    "SIPDnsOverrideOverride": "Off",
    "SIPDnsOverrideName": "",
    "ZoneProfile": "Default",
    "SIPSearchAutoResponse": "Off",
    "IncludeAddressRecord": "Off",
    "SIPParameterPreservationMode": "Off",
    "SIPPoisonMode": "Off",
    "SIPUDPBFCPFilterMode": "Off",
    "SIPRecordRouteAddressType": "IP",
}


def test_crud_status_codes_and_defaults(client):
    assert client.get(DNS).json() == []
    created = client.post(DNS, {"Name": "Webex zone"})
    assert created.status_code == 201 and message(created)
    assert client.get(DNS).json() == [dict(Name="Webex zone", **DNS_DEFAULTS)]
    updated = client.put(
        DNS, {"Name": "Webex zone", "SIPTLSVerifyMode": "On", "SIPTLSVerifySubjectName": "callservice.example.test"}
    )
    assert updated.status_code == 200
    zone = client.get(DNS).json()[0]
    assert zone["SIPTLSVerifyMode"] == "On" and zone["SIPTLSVerifySubjectName"] == "callservice.example.test"
    assert zone["HopCount"] == 15
    assert client.delete(DNS, {"Name": "Webex zone"}).status_code == 200
    assert client.get(DNS).json() == []


@pytest.mark.parametrize(
    "body, words",
    [
        ({"Name": "z", "SIPMode": "on"}, "SIPMode"),
        ({"Name": "z", "ZoneProfile": "Webex"}, "ZoneProfile"),
        ({"Name": "z", "HopCount": 0}, "range"),
        ({"Name": "z", "HopCount": 256}, "range"),
        ({"Name": "z", "HopCount": "15"}, "integer"),
        ({"Name": "z", "HopCount": True}, "integer"),
        ({"Name": "z", "SIPMode": True}, "string"),
        ({"Name": "z", "TLSVerifyMode": "On"}, "Unknown key"),
        ({"Name": "z", "SIPTLSVerifySubjectName": "not a name"}, "FQDN"),
        ({"Name": "z", "SIPDnsOverrideName": "-bad-.example.test"}, "FQDN"),
        ({"Name": "x" * 51}, "length"),
        ({"Name": ""}, "length"),
        ({"HopCount": 15}, "Missing"),
    ],
)
def test_validation_errors_are_400(shared_client, body, words):
    response = shared_client.post(DNS, body)
    assert response.status_code == 400
    assert words in message(response)
    assert shared_client.get(DNS).json() == []


def test_duplicate_and_unknown_objects(client):
    assert client.post(DNS, {"Name": "z1"}).status_code == 201
    assert "already exists" in message(client.post(DNS, {"Name": "z1"}))
    # Names are unique across zone kinds and the built-in zones.
    assert client.post("common/zone/neighborzone", {"Name": "z1"}).status_code == 400
    assert client.post(DNS, {"Name": "LocalZone"}).status_code == 400
    for call in (client.put, client.delete):
        response = call(DNS, {"Name": "nope"})
        assert response.status_code == 400 and "does not exist" in message(response)
    assert client.delete(DNS, {"Name": "z1", "HopCount": 15}).status_code == 400
    assert client.delete(DNS).status_code == 400


def test_name_filter_with_space_and_slash(client):
    for name in ("Webex hybrid zone", "a/b zone", "other"):
        assert client.post(DNS, {"Name": name}).status_code == 201
    found = client.get(DNS + "/name/Webex%20hybrid%20zone")
    assert found.status_code == 200 and [z["Name"] for z in found.json()] == ["Webex hybrid zone"]
    assert [z["Name"] for z in client.get(DNS + "/name/a%2Fb%20zone").json()] == ["a/b zone"]
    missing = client.get(DNS + "/name/absent")
    assert missing.status_code == 200 and missing.json() == []
    assert client.put(DNS + "/name/other", {"Name": "other"}).status_code == 405


def test_name_filter_needs_x8_9_1(emulator_factory, client_for):
    old = client_for(emulator_factory([{"name": "old", "version": "X8.9"}]))
    assert old.post(DNS, {"Name": "z"}).status_code == 201
    assert old.get(DNS + "/name/z").status_code == 404
    new = client_for(emulator_factory([{"name": "new", "version": "X8.9.1"}]))
    assert new.post(DNS, {"Name": "z"}).status_code == 201
    assert new.get(DNS + "/name/z").json()[0]["Name"] == "z"


def test_rename_with_new_name_carries_rule_references(client):
    client.post(DNS, {"Name": "old"})
    client.post("common/searchrule", {"Name": "r", "Priority": 50, "TargetName": "old", "PatternString": ".*"})
    assert client.put(DNS, {"Name": "old", "New_Name": "new name", "HopCount": 20}).status_code == 200
    assert [(z["Name"], z["HopCount"]) for z in client.get(DNS).json()] == [("new name", 20)]
    assert client.get("common/searchrule").json()[0]["TargetName"] == "new name"
    client.post(DNS, {"Name": "taken"})
    assert client.put(DNS, {"Name": "taken", "New_Name": "new name"}).status_code == 400


def test_edge_and_controller_paths_follow_the_product(emulator_factory, client, client_for):
    assert client.post("edge/zone/traversalserver", {"Name": "ts", "SIPPort": 7003}).status_code == 201
    zone = client.get("edge/zone/traversalserver").json()[0]
    assert zone["SIPPort"] == 7003 and zone["SIPTransport"] == "TLS"
    assert client.get("controller/zone/traversalclient").status_code == 404
    expc = client_for(emulator_factory([{"name": "c", "product": "expressway-c"}]))
    assert expc.get("edge/zone/traversalserver").status_code == 404
    assert (
        expc.post("controller/zone/traversalclient", {"Name": "tc", "Peer1Address": "expe.example.test"}).status_code
        == 201
    )
    assert expc.post("controller/zone/traversalclient", {"Name": "tc2", "Peer1Address": "bad name"}).status_code == 400


def test_neighbor_zone_minimal_fields(client):
    assert (
        client.post(
            "common/zone/neighborzone",
            {"Name": "cucm", "Peer1Address": "192.0.2.10", "SIPTransport": "TCP", "SIPPort": 5060},
        ).status_code
        == 201
    )
    zone = client.get("common/zone/neighborzone").json()[0]
    assert (zone["H323Mode"], zone["SIPMode"], zone["HopCount"]) == ("On", "On", 15)
    assert client.post("common/zone/neighborzone", {"Name": "x", "SIPPort": 70000}).status_code == 400
