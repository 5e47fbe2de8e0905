"""The HTML report in a real browser (headless Chromium): counts, filtering, and the fix of a failed cell.

Opened from a file:// URL with networking disabled, so it also proves the page needs no external asset.
The screenshot lands in tests/output/report-browser.png.
"""

import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.ansible_runner import REPO
from support.report_fixtures import fleet_results

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
OUTPUT = REPO / "tests" / "output"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    work = tmp_path_factory.mktemp("html")
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
            "json",
            "-f",
            "html",
        ],
        check=False,
        capture_output=True,
    )
    return json.loads((work / "webex-report.json").read_text()), work / "webex-report.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1700,1100",
        "--user-data-dir=%s" % tmp_path_factory.mktemp("chromium-profile"),
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _visible_rows(driver):
    return [row for row in driver.find_elements(By.CSS_SELECTOR, "tr.host-row") if row.is_displayed()]


def _click_filter(driver, status):
    driver.find_element(By.CSS_SELECTOR, 'button.filter[data-filter="%s"]' % status).click()


def test_matrix_shows_the_report_counts(browser, report):
    data, page = report
    browser.get(page.as_uri())
    assert browser.find_element(By.ID, "verdict").text == data["summary"]["verdict"].upper()
    for status, expected in data["summary"]["status"].items():
        assert int(browser.find_element(By.ID, "count-%s" % status).text) == expected
        cells = browser.find_elements(By.CSS_SELECTOR, 'td.cell[data-status="%s"]' % status)
        assert len(cells) == expected, status
    assert len(_visible_rows(browser)) == len(data["hosts"])
    assert browser.find_element(By.ID, "showing").text == "%d of %d hosts" % (len(data["hosts"]), len(data["hosts"]))


@pytest.mark.parametrize("status", ["fail", "warn", "skip"])
def test_filter_by_status(browser, report, status):
    data, page = report
    browser.get(page.as_uri())
    _click_filter(browser, status)
    expected_hosts = sorted(
        host["name"] for host in data["hosts"] if any(cell["status"] == status for cell in host["rules"])
    )
    assert sorted(row.get_attribute("data-host") for row in _visible_rows(browser)) == expected_hosts
    bright = [
        cell
        for cell in browser.find_elements(By.CSS_SELECTOR, "tr.host-row td.cell[data-host]")
        if cell.is_displayed() and "dim" not in cell.get_attribute("class")
    ]
    assert len(bright) == data["summary"]["status"][status]
    assert {cell.get_attribute("data-status") for cell in bright} == {status}
    _click_filter(browser, "all")
    assert len(_visible_rows(browser)) == len(data["hosts"])


def test_clicking_a_failed_cell_shows_its_fix(browser, report):
    data, page = report
    browser.get(page.as_uri())
    assert not browser.find_elements(By.CSS_SELECTOR, "section.detail.shown")
    host = next(h for h in data["hosts"] if h["name"] == "sbc-expired.example.test")
    cell = next(c for c in host["rules"] if c["rule"] == "OUT-CERT-VALID")
    assert cell["status"] == "fail" and cell["remedy"]
    browser.find_element(
        By.CSS_SELECTOR, 'td.cell[data-host="%s"][data-rule="%s"]' % (host["name"], cell["rule"])
    ).click()
    shown = browser.find_elements(By.CSS_SELECTOR, "section.detail.shown")
    assert len(shown) == 1 and shown[0].is_displayed()
    assert shown[0].find_element(By.CSS_SELECTOR, ".remedy").text == cell["remedy"]
    assert host["name"] in shown[0].text and "certificate expired" in shown[0].text
    OUTPUT.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(OUTPUT / "report-browser.png"))


def test_calendar_lists_certificates(browser, report):
    data, page = report
    browser.get(page.as_uri())
    entries = browser.find_elements(By.CSS_SELECTOR, "#calendar li")
    assert len(entries) == len(data["certificates"])
    assert len(browser.find_elements(By.CSS_SELECTOR, "#calendar li.cert-expired")) == 1
    assert len(browser.find_elements(By.CSS_SELECTOR, "#calendar li.cert-expiring")) == 1


def _catalogue():
    """Every rule ID of the collection's catalogue, read through the checkout wrapper's package alias."""
    spec = importlib.util.spec_from_file_location("render_report_tool", REPO / "tools" / "render_report.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool._alias_checkout()  # pylint: disable=protected-access
    return list(
        importlib.import_module("ansible_collections.ucops.expressway.plugins.module_utils._checks.catalogue").RULES
    )


@pytest.fixture(scope="module")
def full_matrix(tmp_path_factory):
    """A fleet checked for every rule of the catalogue, with long host names: the widest matrix there is."""
    work = tmp_path_factory.mktemp("wide")
    rules = _catalogue()
    results = dict(
        (
            "sbc%d.a-long-organisation-name.example.test" % index,
            [
                {
                    "results": [
                        {
                            "subject": "sips:b2b@sbc%d.example.test" % index,
                            "rule": rule,
                            "level": "must",
                            "status": ("pass", "fail", "warn", "skip")[(index + number) % 4],
                            "summary": "%s seen" % rule,
                            "evidence": {"seen": "x" * 300},
                            "remedy": "fix %s" % rule,
                        }
                        for number, rule in enumerate(rules)
                    ]
                }
            ],
        )
        for index in range(6)
    )
    (work / "results.json").write_text(json.dumps(results))
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "render_report.py"),
            "--results",
            str(work / "results.json"),
            "-o",
            str(work),
            "-f",
            "json",
            "-f",
            "html",
        ],
        check=False,
        capture_output=True,
    )
    return json.loads((work / "webex-report.json").read_text()), work / "webex-report.html", rules


def _sideways(driver, selector):
    return driver.execute_script(
        "var el = arguments[0] ? document.querySelector(arguments[0]) : document.documentElement;"
        "return [el.scrollWidth, el.clientWidth];",
        selector,
    )


def test_matrix_fits_a_laptop_screen_in_column_groups(browser, full_matrix):
    data, page, rules = full_matrix
    assert [rule["id"] for rule in data["rules"]] == rules  # every column of the catalogue is there
    browser.set_window_size(1366, 768)
    try:
        browser.get(page.as_uri())
        scroll, client = _sideways(browser, None)
        assert scroll <= client, "the page scrolls sideways: %d > %d" % (scroll, client)
        scroll, client = _sideways(browser, "#matrix-wrap")
        assert scroll <= client, "the matrix scrolls sideways: %d > %d" % (scroll, client)
        # Column groups: outbound, inbound, Expressway, spanning the rule columns of their prefix.
        groups = browser.find_elements(By.CSS_SELECTOR, "#matrix tr.groups th[data-group]")
        assert [(g.get_attribute("data-group"), int(g.get_attribute("colspan"))) for g in groups] == [
            ("outbound", sum(1 for r in rules if r.startswith("OUT-"))),
            ("inbound", sum(1 for r in rules if r.startswith("IN-"))),
            ("expressway", sum(1 for r in rules if r.startswith("EXP-"))),
        ]
        headers = browser.find_elements(By.CSS_SELECTOR, "#matrix tr.rules th")
        for group in groups:
            assert group.is_displayed() and group.text
        # Every rule header and cell lies inside the window, and under its group's header.
        width = browser.execute_script("return window.innerWidth")
        assert all(h.rect["x"] + h.rect["width"] <= width + 1 for h in headers)
        spans = [(g.rect["x"], g.rect["x"] + g.rect["width"], g.get_attribute("data-group")) for g in groups]
        prefix = {"outbound": "OUT-", "inbound": "IN-", "expressway": "EXP-"}
        for header in headers:
            middle = header.rect["x"] + header.rect["width"] / 2
            group = next(key for left, right, key in spans if left <= middle <= right)
            assert header.text.startswith(prefix[group]), (header.text, group)
        cell = browser.find_element(By.CSS_SELECTOR, 'td.cell[data-status="fail"]')
        cell.click()
        scroll, client = _sideways(browser, None)
        assert scroll <= client, "the detail panel makes the page scroll sideways"
        OUTPUT.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(OUTPUT / "report-browser-1366.png"))
    finally:
        browser.set_window_size(1700, 1100)
