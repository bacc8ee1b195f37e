"""Browser tests: a real `streamlit run` driven by Debian's Chromium through Playwright.

(1) a FAC_A manager who tampers with the URL and the filters never sees FAC_B; exports are
audited; (2) an idle tab is signed out and its data disappears; (3) a provider named
`<img onerror>` renders as plain text and fires nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboards import audit, users
from tests.dashboards import fixture
from tests.dashboards.conftest import PASSWORD, USERS

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAC_B_MARKERS = ("FAC_B", "South Community", fixture.FAC_B_ONLY_PROVIDER, "Orthopedics")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `streamlit run` subprocess against its own fixture folder."""

    def __init__(self, root: Path, extra_env: dict[str, str]) -> None:
        data = root / "data"
        published = fixture.build(data / "published" / "ops.duckdb")
        secrets = root / "secrets"
        for name, (role, facilities) in USERS.items():
            users.add_user(name, role, facilities, PASSWORD, secrets / "users.toml")
        self.audit_path = data / "audit" / "audit.duckdb"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "OPS_DATA_DIR": str(data),
            "OPS_PUBLISHED_PATH": str(published),
            "OPS_SECRETS_DIR": str(secrets),
            "OPS_AUDIT_PATH": str(self.audit_path),
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            **extra_env,
        }
        self.log = (root / "streamlit.log").open("w")
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "streamlit", "run", "dashboards/streamlit_app.py"),
                *("--server.headless", "true", "--server.port", str(self.port)),
                *("--server.address", "127.0.0.1"),
            ],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("streamlit did not start")

    def audit_actions(self) -> list[tuple[str, str | None]]:
        # The server holds the file only while appending; read_events retries around that.
        return [(e.action, e.query_id) for e in audit.read_events(self.audit_path)]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("browser"), {})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("browser_idle"), {"OPS_IDLE_TIMEOUT_SECONDS": "5"})
    yield s
    s.stop()


def _login(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stMetric").first.wait_for(timeout=20_000)


def _body(page) -> str:
    return page.inner_text("body")


def test_facility_manager_cannot_reach_other_facility(browser, server):
    page = browser.new_page(accept_downloads=True)
    # The tampered link is where the session starts: login keeps the query parameter.
    _login(page, f"{server.url}/?facility=FAC_B", "mgr_a")
    page.get_by_text("outside your access").wait_for()
    page.get_by_text("ED visits").first.wait_for()
    body = _body(page)
    for marker in FAC_B_MARKERS:
        assert marker not in body
    # The facility filter offers only the user's facility.
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.click()
    page.get_by_role("option").first.wait_for()
    options = page.get_by_role("option").all_inner_texts()
    assert options == ["North General"]
    page.keyboard.press("Escape")

    # A page with provider names (st.table renders them as DOM text).
    page.get_by_role("link", name="Throughput").click()
    page.get_by_text("ED providers").wait_for()
    page.get_by_text("Dr Alpha").first.wait_for()
    body = _body(page)
    for marker in FAC_B_MARKERS:
        assert marker not in body

    # Export is allowed for a facility manager and audited.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    csv = Path(download.value.path()).read_text()
    assert "FAC_A" in csv and "FAC_B" not in csv
    deadline = time.time() + 10
    while ("export", "ed_timeliness") not in server.audit_actions() and time.time() < deadline:
        time.sleep(0.2)
    actions = server.audit_actions()
    assert ("export", "ed_timeliness") in actions
    assert ("denied", "query_param:facility") in actions
    page.close()


def test_idle_tab_is_signed_out(browser, idle_server):
    page = browser.new_page()
    _login(page, idle_server.url, "mgr_a")
    assert page.get_by_test_id("stMetric").count() > 0
    # No interaction from here: only the idle timer fragment can end the session.
    page.get_by_role("textbox", name="Username").wait_for(timeout=30_000)
    assert page.get_by_test_id("stMetric").count() == 0
    assert "ED visits" not in _body(page)
    assert ("logout", None) in idle_server.audit_actions()
    page.close()


def test_provider_name_is_plain_text(browser, server):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.url, "exec")
    page.get_by_role("link", name="Throughput").click()
    page.get_by_text(fixture.XSS_NAME).first.wait_for(timeout=20_000)
    assert page.get_by_text(fixture.XSS_NAME).first.is_visible()
    assert page.locator('img[src="x"]').count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    page.close()
