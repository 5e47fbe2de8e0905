"""The JUnit file of the report is valid JUnit XML, checked against tests/integration/files/junit.xsd.

``validate_junit(path)`` is reusable: point it at the JUnit file ``make demo`` writes.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import xmlschema

from support.ansible_runner import REPO
from support.report_fixtures import fleet_results

XSD = Path(__file__).parent / "files" / "junit.xsd"


def validate_junit(path):
    xmlschema.XMLSchema(str(XSD)).validate(str(path))


@pytest.fixture(scope="module")
def junit_file(tmp_path_factory):
    import json

    work = tmp_path_factory.mktemp("junit")
    (work / "results.json").write_text(json.dumps(fleet_results()))
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--results",
            str(work / "results.json"),
            "-o",
            str(work),
            "-f",
            "junit",
        ],
        check=False,
        capture_output=True,
    )
    return work / "webex-report.junit.xml"


def test_report_junit_is_valid(junit_file):
    validate_junit(junit_file)


def test_schema_rejects_two_outcomes_in_one_testcase(junit_file, tmp_path):
    # The schema must be able to say no, or the test above proves nothing.
    text = junit_file.read_text()
    broken = text.replace("<skipped ", '<failure message="x" /><skipped ', 1)
    assert broken != text
    (tmp_path / "broken.xml").write_text(broken)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        validate_junit(tmp_path / "broken.xml")


def test_schema_rejects_missing_counts(junit_file, tmp_path):
    text = junit_file.read_text()
    broken = text.replace(' failures="', ' nofailures="', 2)
    (tmp_path / "broken.xml").write_text(broken)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        validate_junit(tmp_path / "broken.xml")
