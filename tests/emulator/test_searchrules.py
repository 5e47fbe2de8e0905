"""Search rules: defaults, references to zones, read-only SystemGenerated, limits on values."""

import pytest

from conftest import message

RULES = "common/searchrule"
DNS = "common/zone/dnszone"
DEFAULTS = {
    "Description": "",
    "Protocol": "Any",
    "Source": "Any",
    "SourceName": "",
    "MustAuthenticateRequest": "No",
    "Mode": "AliasPatternMatch",
    "PatternType": "Prefix",
    "PatternBehavior": "Leave",
    "ReplaceString": "",
    "OnSuccessfulMatch": "Continue",
    "SIPVariant": "Any",
    "State": "Enabled",
    "SystemGenerated": "No",
}


def _rule(**extra):
    return dict(
        {
            "Name": "To Webex",
            "Priority": 100,
            "TargetName": "Webex zone",
            "PatternType": "Regex",
            "PatternString": r".*@.*\.example\.test",
        },
        **extra,
    )


@pytest.fixture
def zoned(client):
    assert client.post(DNS, {"Name": "Webex zone"}).status_code == 201
    return client


def test_create_with_defaults_then_update_and_delete(zoned):
    assert zoned.post(RULES, _rule()).status_code == 201
    rule = zoned.get(RULES + "/name/To%20Webex").json()[0]
    assert rule == dict(
        DEFAULTS,
        Name="To Webex",
        Priority=100,
        TargetName="Webex zone",
        PatternType="Regex",
        PatternString=r".*@.*\.example\.test",
    )
    assert zoned.put(RULES, {"Name": "To Webex", "State": "Disabled", "Priority": 65534}).status_code == 200
    assert zoned.get(RULES).json()[0]["State"] == "Disabled"
    assert zoned.delete(RULES, {"Name": "To Webex"}).status_code == 200
    assert zoned.get(RULES).json() == []


def test_target_and_source_must_be_existing_zones(zoned):
    assert "TargetName" in message(zoned.post(RULES, _rule(TargetName="Nowhere")))
    assert "SourceName" in message(zoned.post(RULES, _rule(Source="Named")))
    assert "SourceName" in message(zoned.post(RULES, _rule(Source="Named", SourceName="Nowhere")))
    assert zoned.post(RULES, _rule(Source="Named", SourceName="Webex zone")).status_code == 201
    assert zoned.post(RULES, _rule(Name="local", TargetName="LocalZone")).status_code == 201
    assert zoned.put(RULES, {"Name": "local", "TargetName": "gone"}).status_code == 400


def test_deleting_a_referenced_zone_is_refused(zoned):
    zoned.post(RULES, _rule())
    response = zoned.delete(DNS, {"Name": "Webex zone"})
    assert response.status_code == 400 and "To Webex" in message(response)
    zoned.delete(RULES, {"Name": "To Webex"})
    assert zoned.delete(DNS, {"Name": "Webex zone"}).status_code == 200


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"Priority": 0}, "range"),
        ({"Priority": 65535}, "range"),
        ({"Priority": None}, "integer"),
        ({"SystemGenerated": "No"}, "read-only"),
        ({"Protocol": "SIPS"}, "Protocol"),
        ({"PatternString": ""}, "PatternString"),
        ({"PatternString": "(["}, "regular expression"),
        ({"PatternBehavior": "Replace"}, "ReplaceString"),
        ({"Colour": "blue"}, "Unknown key"),
        ({"Description": "d" * 65}, "length"),
    ],
)
def test_rule_validation(shared_client, extra, words):
    # The shared instance holds the target zone from the first case on; refused rules leave nothing.
    if not shared_client.get(DNS + "/name/Webex%20zone").json():
        assert shared_client.post(DNS, {"Name": "Webex zone"}).status_code == 201
    response = shared_client.post(RULES, _rule(**extra))
    assert response.status_code == 400 and words in message(response)
    assert shared_client.get(RULES).json() == []


def test_missing_priority_and_duplicates(zoned):
    body = _rule()
    del body["Priority"]
    assert "Priority" in message(zoned.post(RULES, body))
    assert zoned.post(RULES, _rule()).status_code == 201
    assert "already exists" in message(zoned.post(RULES, _rule()))
    assert zoned.put(RULES, {"Name": "To Webex", "SystemGenerated": "Yes"}).status_code == 400


def test_seeded_system_generated_rule_is_read_only(emulator_factory, client_for):
    seed = {"zones": {"dnszone": [{"Name": "z"}]}, "searchrules": [dict(_rule(TargetName="z"), SystemGenerated="Yes")]}
    client = client_for(emulator_factory([{"name": "s", "seed": seed}]))
    assert client.get(RULES).json()[0]["SystemGenerated"] == "Yes"
    assert client.put(RULES, {"Name": "To Webex", "State": "Disabled"}).status_code == 400
    assert client.delete(RULES, {"Name": "To Webex"}).status_code == 400
