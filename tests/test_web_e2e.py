"""End to end in a real headless browser: Debian chromium driven by Playwright (issue 5).

Skips with a reason when Playwright or chromium is absent (CI installs chromium in .ci/run). The
browser is launched from /usr/bin/chromium; `playwright install` is never needed.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
uvicorn = pytest.importorskip("uvicorn")

CHROMIUM = os.environ.get("CALLUP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM or not Path(CHROMIUM).is_file():
    pytest.skip(f"chromium is not installed ({CHROMIUM or 'not on PATH'}; apt-get install -y chromium)",
                allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SHOTS = os.environ.get("CALLUP_SCREENSHOTS")  # a folder: save screenshots of the pages there


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from callup.web import Settings, create_app

    data = tmp_path_factory.mktemp("e2edata")
    port = _free_port()
    config = uvicorn.Config(create_app(Settings(data_dir=data)), host="127.0.0.1", port=port, access_log=False,
                            log_level="info", server_header=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    t0 = time.time()
    while not srv.started:
        if time.time() - t0 > 20:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", data
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def page():
    try:
        pw = sync_api.sync_playwright().start()
    except Exception as exc:  # pragma: no cover - a broken driver install
        pytest.skip(f"playwright driver cannot start: {exc}")
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    except Exception as exc:  # pragma: no cover - chromium present but unusable
        pw.stop()
        pytest.skip(f"chromium at {CHROMIUM} cannot be launched: {exc}")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    external: list[str] = []
    pg.on("request", lambda req: external.append(req.url) if not req.url.startswith("http://127.0.0.1") else None)
    yield pg
    context.close()
    browser.close()
    pw.stop()
    assert not external, f"requests left this computer: {external}"


def test_check_form_in_browser(server, page, capfd, caplog):
    base, data = server
    caplog.set_level(logging.DEBUG)
    page.goto(f"{base}/?lang=ru")
    assert "Дата рождения" in page.content()
    page.click("a.lang")  # switch to English (a GET with lang only)
    assert "Date of birth" in page.content()
    page.fill("#f-date", "2021-04-12")
    page.fill("#f-birth_date", "1998-06-06")
    page.fill("#f-child1", "2019-12-01")
    page.fill("#f-wife_pregnancy_weeks", "23")
    page.click("#submit")
    page.wait_for_selector("#status")
    assert page.url == f"{base}/check"  # the person's data went by POST, not in the URL
    assert page.get_attribute("#status", "data-status") == "deferred"
    assert page.inner_text("#status").strip() == "DEFERRED"
    assert "53-FZ" in page.inner_text("#reasons")
    assert "Not legal advice" in page.inner_text("#note")
    assert page.locator("#timeline tbody tr").count() >= 1
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "check-result.png"), full_page=True)
    out, err = capfd.readouterr()
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records) + out + err
    assert "POST /check 200" in logged  # the access log ran ...
    assert "lang=" not in logged  # ... without query strings (uvicorn's own access log is silenced)
    for mark in ("1998-06-06", "2019-12-01"):  # ... and holds nothing about him
        assert mark not in logged
        for p in Path(data).rglob("*"):
            assert not p.is_file() or mark.encode() not in p.read_bytes()


def test_explorer_in_browser(server, page):
    base, _ = server
    page.goto(f"{base}/explorer")
    page.check("input[name=scenario][value=no-mobilisation]")
    page.fill("#f-scale", "0.002")
    page.fill("#f-seed", "7")
    page.fill("#f-last", "2019-spring")
    assert page.is_checked("#f-report")  # charts by default: the report's PNGs are shown in the page
    page.click("#run")
    # the progress page refreshes itself by <meta refresh> (JavaScript is off in this browser)
    page.wait_for_selector("#campaigns", timeout=90_000)
    assert "2019-spring" in page.inner_text("#campaigns")
    assert "campaigns.csv" in page.inner_text("#downloads") and "report.html" in page.inner_text("#downloads")
    assert page.locator(".charts img").count() >= 1
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "explorer-result.png"), full_page=True)


def test_explorer_comparison_in_browser(server, page):
    base, _ = server
    page.goto(f"{base}/explorer")
    page.check("input[name=scenario][value=baseline]")
    page.check("input[name=scenario][value=no-mobilisation]")
    page.fill("#f-scale", "0.002")
    page.fill("#f-last", "2019-spring")
    page.uncheck("#f-report")  # tables only: quicker
    page.click("#run")
    page.wait_for_selector("#differences-1", timeout=90_000)
    assert "drafted" in page.inner_text("#differences-1")
    assert "no-mobilisation − baseline" in page.content()
    assert "comparison_summary_years.csv" in page.inner_text("#downloads")


def test_explorer_comparison_with_runs_in_browser(server, page):
    base, data = server
    page.goto(f"{base}/explorer")
    page.check("input[name=scenario][value=baseline]")
    page.check("input[name=scenario][value=no-war]")
    page.fill("#f-scale", "0.002")
    page.fill("#f-runs", "2")
    page.fill("#f-seed", "11")
    page.fill("#f-first", "2022-spring")
    page.fill("#f-last", "2022-autumn")
    page.click("#run")
    page.wait_for_selector("#differences-1", timeout=120_000)
    note = page.inner_text("#runs-note")
    assert "2 runs" in note and "11-12" in note and "90% interval" in note
    cells = page.locator("#differences-1 .interval")
    assert cells.count() >= 1 and cells.first.inner_text().startswith("[")
    assert page.locator(".charts img").count() >= 1  # the comparison report's charts, by default
    # the job and its files live in the data folder (kept across restarts)
    job_id = page.url.split("/")[-1].split("?")[0]
    assert (Path(data) / "jobs" / job_id / "job.json").is_file()
    assert (Path(data) / "jobs" / job_id / "out" / "comparison_summary_years.csv").is_file()
