"""The dashboard in a real browser: ``streamlit run`` on a free port, headless Chromium.

Skipped, with the reason, when Debian's chromium or chromedriver is missing.
"""
import time
from pathlib import Path

import pytest

from tests import _browser
from tests._dashboard import store_copy

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not _browser.available():
    pytest.skip(f"needs {_browser.CHROMIUM} and {_browser.CHROMEDRIVER} "
                "(apt-get install chromium chromium-driver)", allow_module_level=True)
pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard served on a free local port from a seeded store with a hostile document."""
    folder = tmp_path_factory.mktemp("browser")
    try:
        with _browser.dashboard(store_copy(folder, hostile=True), folder / "streamlit.log") as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def browser(tmp_path):
    driver = _browser.chromium(tmp_path / "profile")
    yield driver
    driver.quit()


def _open_map(driver, url: str, shot: Path) -> None:
    """Load ``url``, switch into the streamlit-folium iframe, wait for Leaflet's drawings."""
    driver.get(url)
    wait = WebDriverWait(driver, 60)
    frame = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "iframe[title*='streamlit_folium']"))[0]
    driver.switch_to.frame(frame)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-container path.cm-site"))
    driver.switch_to.default_content()
    time.sleep(0.5)
    driver.save_screenshot(str(shot))
    driver.switch_to.frame(frame)


def test_overview_draws_sites_and_flows(server, browser, tmp_path):
    _open_map(browser, server, tmp_path / "overview.png")
    sites = browser.find_elements(By.CSS_SELECTOR, "path.cm-site")
    flows = browser.find_elements(By.CSS_SELECTOR, "path.cm-flow")
    assert len(sites) >= 3 and len(flows) >= 3
    # inside the map's container, so the fullscreen view (that container alone) keeps it
    assert browser.find_elements(By.CSS_SELECTOR, ".leaflet-container .cm-legend")
    assert (tmp_path / "overview.png").stat().st_size > 20_000


def test_shared_url_reproduces_the_view(server, browser, tmp_path):
    _open_map(browser, server + "/?admin2=Peshawar&layers=sites%7Cflows&lat=34&lon=71.5&zoom=8",
              tmp_path / "shared.png")
    assert len(browser.find_elements(By.CSS_SELECTOR, "path.cm-site")) == 1
    assert not browser.find_elements(By.CSS_SELECTOR, "path.cm-area")
    zoom = browser.execute_script(
        "for (const k in window) { const v = window[k]; "
        "if (v && v instanceof L.Map) return v.getZoom(); } return null;")
    assert zoom == 8
    browser.switch_to.default_content()
    assert "admin2=Peshawar" in browser.current_url


def test_hostile_text_shows_as_text_and_runs_nothing(server, browser, tmp_path):
    _open_map(browser, server + "/?admin2=Quetta", tmp_path / "hostile.png")
    site = browser.find_elements(By.CSS_SELECTOR, "path.cm-site")[0]
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", site)
    popup = WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content"))
    text = popup[0].get_attribute("textContent")
    assert "<script>window.__pwned=1</script>" in text and "onerror" in text
    assert not popup[0].find_elements(By.TAG_NAME, "img") and not popup[0].find_elements(By.TAG_NAME, "script")
    assert browser.execute_script("return window.__pwned === undefined")
    browser.switch_to.default_content()
    table = browser.find_elements(By.CSS_SELECTOR, "table.cm-events")[0]
    assert "<script>window.__pwned=1</script>" in table.get_attribute("textContent")
    assert not table.find_elements(By.TAG_NAME, "img") and not table.find_elements(By.TAG_NAME, "script")
    assert browser.execute_script("return window.__pwned === undefined")
    browser.save_screenshot(str(tmp_path / "hostile-popup.png"))


def _map_zoom(driver) -> int:
    return driver.execute_script("for (const k in window) { const v = window[k]; "
                                 "if (v && v instanceof L.Map) return v.getZoom(); } return null;")


def _settled_url(driver, quiet_s: float = 2.0, timeout_s: float = 30.0) -> str:
    """The page's URL once it has not changed for ``quiet_s`` seconds."""
    url, since, deadline = driver.current_url, time.monotonic(), time.monotonic() + timeout_s
    while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
        time.sleep(0.2)
        if driver.current_url != url:
            url, since = driver.current_url, time.monotonic()
    return url


def test_click_on_a_marker_filters_the_table(server, browser, tmp_path):
    _open_map(browser, server, tmp_path / "click.png")
    site = browser.find_elements(By.CSS_SELECTOR, "path.cm-site")[0]
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", site)
    browser.switch_to.default_content()
    WebDriverWait(browser, 30).until(lambda d: "Showing the event clicked on the map" in d.page_source)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.cm-events tbody tr")
    assert len(rows) == 1 and rows[0].text
    url = _settled_url(browser)         # the popup's pan, written to the URL once it ends
    next(b for b in browser.find_elements(By.TAG_NAME, "button") if b.text == "Show all events").click()
    WebDriverWait(browser, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.cm-events tbody tr")) > 1)
    assert _settled_url(browser) == url     # the map did not move, and its last click stays forgotten
    assert "clicked on the map" not in browser.page_source


def test_share_link_holds_the_view_on_screen(server, browser, tmp_path):
    _open_map(browser, server + "/Attack_sites", tmp_path / "share.png")
    time.sleep(2)
    browser.switch_to.default_content()
    assert "zoom=" not in browser.current_url          # the map's own fit is no move of the user's
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe[title*='streamlit_folium']"))
    browser.find_element(By.CSS_SELECTOR, "a.leaflet-control-zoom-in").click()
    time.sleep(1)
    zoom = _map_zoom(browser)
    browser.switch_to.default_content()
    WebDriverWait(browser, 30).until(lambda d: f"zoom={zoom}" in d.current_url)
    share = next(e for e in browser.find_elements(By.CSS_SELECTOR, "[data-testid=stSidebar] details")
                 if "Share this view" in e.text)
    share.find_element(By.TAG_NAME, "summary").click()
    link = WebDriverWait(browser, 10).until(lambda d: share.find_element(By.TAG_NAME, "code").text)
    assert f"zoom={zoom}" in link and "lat=" in link
