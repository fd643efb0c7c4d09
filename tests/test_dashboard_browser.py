"""The dashboard in a real browser: `ketensim dashboard` served, opened in headless Debian chromium.

Playwright cannot download its own browsers on these machines, so it drives the system's
chromium (`apt-get install chromium`; `.ci/run` installs it). Without chromium the test is
skipped on a workstation but FAILS in CI (`CI` set), so CI can never pass by skipping it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.model.params import load_scenario

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    reason = "Debian chromium is not installed (apt-get install chromium); the real-browser dashboard test needs it"
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _served(*options: str, log_name: str = "dashboard-server.log"):
    """`ketensim dashboard` on a free port, stopped (with Solara's process) afterwards; yields (url, log path, pid)."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    log = open(log_path, "w")  # noqa: SIM115  (closed in finally)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port), *options],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: teardown stops Solara's child too
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        end = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert proc.poll() is None, f"ketensim dashboard exited; see tests/artifacts/{log_name}"
                assert time.monotonic() < end, "dashboard server did not start within 90 s"
                time.sleep(0.5)
        yield url, log_path, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def server():
    with _served() as (url, _log, _pid):
        yield url


def _type(page, control: str, value: str) -> None:
    box = page.locator(f".ctl-{control} input")
    box.fill(value)
    box.press("Enter")


def test_change_a_lever_run_compare_and_download_in_chromium(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        outside = []  # the page must work offline: no request may leave this machine
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith("http") and "127.0.0.1" not in r.url else None)
        page.goto(server)
        expect(page.get_by_text("Baseline: the defaults")).to_be_visible(timeout=60_000)
        run = page.get_by_role("button", name="Run", exact=True)

        # small run, and a lever: a fifth of the Raad's investigators
        _type(page, "run-scale", "0.002")
        _type(page, "run-years", "2")
        page.get_by_text("Capacities: staff and places (capaciteit)").click()
        _type(page, "raad-n_staff", "260")
        run.click()
        sankey = page.locator(".js-plotly-plot .sankey")
        # the progress bar shows while it runs; a fast machine may finish before the first look
        # (either may be on the page, or both at once: `.first` of the union, not a union of two `.first`s)
        expect(page.get_by_text("Simulating").or_(sankey).first).to_be_visible(timeout=30_000)
        expect(sankey.first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Last run")).to_be_visible()
        table = page.locator(".headline-table").first
        first = table.inner_text()

        # an invalid value is refused with a message naming key and range, and Run is disabled
        _type(page, "raad-n_staff", "0")
        expect(page.get_by_text("raad.n_staff")).to_be_visible(timeout=10_000)
        expect(run).to_be_disabled()

        # the lever the other way, re-run without reloading: the figures and numbers update
        _type(page, "raad-n_staff", "5000")
        expect(page.get_by_text("Settings changed since this run")).to_be_visible(timeout=10_000)
        run.click()
        expect(page.get_by_text("Settings changed since this run")).to_be_hidden(timeout=120_000)
        expect(sankey.first).to_be_visible()
        assert table.inner_text() != first

        # compare with the baseline (same seeds), shown in its tab
        page.get_by_role("button", name="Compare with baseline").click()  # opens its tab
        expect(page.get_by_text("B − A per outcome:")).to_be_visible(timeout=180_000)
        expect(page.locator(".compare-table")).to_contain_text("Placements started")

        # download the scenario: it loads and holds the lever as set
        with page.expect_download() as download:
            page.get_by_role("button", name="Scenario (TOML)").click()
        path = tmp_path / "scenario.toml"
        download.value.save_as(path)
        params = load_scenario(path)
        assert (params.raad.n_staff, params.run.scale, params.run.years) == (5000, 0.002, 2)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        browser.close()
    assert outside == [], f"the page fetched from outside this machine: {outside[:5]}"


def test_bad_input_is_refused_in_the_box_and_reset_restores_the_page_in_chromium(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []  # uncaught errors in the page's own scripts
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server)
        expect(page.get_by_text("Baseline: the defaults")).to_be_visible(timeout=60_000)
        run = page.get_by_role("button", name="Run", exact=True)
        message = page.locator(".settings-error")
        scale = page.locator(".ctl-run-scale input")

        # a number box: nan (it once sent the page into a render loop), text, a whole-number box
        for control, typed, why in (
            ("run-scale", "nan", "a finite number"),
            ("run-scale", "abc", "a finite number"),
            ("run-seed", "2.5", "a whole number"),
        ):
            _type(page, control, typed)
            expect(message).to_contain_text(why, timeout=10_000)
            expect(run).to_be_disabled()
            expect(page.locator(f".ctl-{control} input")).to_have_value(typed)  # what you typed stays, marked

        # Reset: the boxes show the preset's values again, the message goes, and Run is enabled
        page.get_by_role("button", name="Reset to preset").click()
        expect(scale).to_have_value("0.02", timeout=10_000)
        expect(page.locator(".ctl-run-seed input")).not_to_have_value("2.5")
        expect(message).to_be_hidden()
        expect(run).to_be_enabled()

        # hostile text in a TOML box: a short message naming the box, never a traceback
        page.get_by_text("Risk-rule reflex (regelreflex)").click()
        _type(page, "regelreflex-incidents", "[" * 3000 + "]" * 3000)
        expect(message).to_contain_text("regelreflex.incidents", timeout=10_000)
        expect(message).to_contain_text("nested too deeply")
        expect(run).to_be_disabled()
        assert "Traceback" not in page.inner_text("body")  # the text shown, not the CSS (which names a Traceback style)
        _type(page, "regelreflex-incidents", "[]")
        expect(message).to_be_hidden(timeout=10_000)
        expect(run).to_be_enabled()

        # a lever's start date: a month outside the run is refused with the allowed months
        expect(page.get_by_text("Start from the present (the baseline in January 2023)")).to_be_visible()
        _type(page, "levers-from", "2040-01")
        page.get_by_text("Capacities: staff and places (capaciteit)").click()
        _type(page, "raad-n_staff", "1000")  # the changed lever is dated: from a month the run does not have
        expect(message).to_contain_text("2040-01", timeout=10_000)
        expect(message).to_contain_text("allowed")
        expect(run).to_be_disabled()
        _type(page, "levers-from", "")  # from the start again
        expect(message).to_be_hidden(timeout=10_000)
        expect(run).to_be_enabled()
        page.screenshot(path=str(ARTIFACTS / "dashboard-bad-input.png"), full_page=True)
        browser.close()
    assert errors == [], f"errors in the page: {errors[:5]}"


VIEWS = (
    "The chain (de keten)",
    "Stocks and flows",
    "Bermuda triangle",
    "Children's outcomes",
    "Waiting lists and caseloads",
    "Equity (shock)",
    "Costs",
)


def test_opens_on_the_baseline_every_view_compare_invalid_value_and_dutch_in_chromium(server):
    """Opens on the baseline; each view draws; Compare before Run ends; a refused value; Dutch; no errors, nothing fetched outside."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        outside, failed, cdn = [], [], []
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith("http") and "127.0.0.1" not in r.url else None)
        page.on("request", lambda r: cdn.append(r.url) if "katex" in r.url or "mermaid" in r.url else None)
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(server)
        # it opens showing the baseline (computed once by the server), not "Press Run"
        expect(page.get_by_text("Baseline: the defaults")).to_be_visible(timeout=120_000)
        plots = page.locator(".js-plotly-plot")
        for view in VIEWS:
            page.get_by_role("tab", name=view).click()
            if view == "Equity (shock)":
                expect(page.get_by_text("No financial shock in these settings")).to_be_visible(timeout=30_000)
            else:
                expect(plots.first).to_be_visible(timeout=60_000)
        # slider values are shown
        page.get_by_text("Contradiction (tegenspraak)").click()
        expect(page.get_by_text("Voice of parents, child and network: ")).to_be_visible()

        # an invalid value: refused with the key and its allowed range, wrapped in the sidebar
        _type(page, "run-scale", "5")
        message = page.locator(".settings-error")
        expect(message).to_contain_text("run.scale", timeout=10_000)
        expect(page.get_by_role("button", name="Run", exact=True)).to_be_disabled()
        box, drawer = message.bounding_box(), page.locator("nav").first.bounding_box()
        assert box["x"] + box["width"] <= drawer["x"] + drawer["width"] + 1, "the message widened the sidebar"
        _type(page, "run-scale", "0.002")
        _type(page, "run-years", "2")
        expect(message).to_be_hidden(timeout=10_000)

        # Compare pressed while a run is still going: both finish, the comparison shows in its tab
        # (the Compare button stays where it is when the run's progress appears: a click there must land)
        # (measured from the Run button: clicking scrolls the sidebar)
        compare, run = (
            page.get_by_role("button", name="Compare with baseline"),
            page.get_by_role("button", name="Run", exact=True),
        )
        run.scroll_into_view_if_needed()
        where = compare.bounding_box()["y"] - run.bounding_box()["y"]
        run.click()
        moved = set()
        for _ in range(20):
            moved.add(round(compare.bounding_box()["y"] - run.bounding_box()["y"] - where))
            page.wait_for_timeout(50)
        assert moved == {0}, f"the Compare button moved by {sorted(moved)} px as the run started"
        compare.click()
        expect(page.get_by_text("B − A per outcome:")).to_be_visible(timeout=240_000)
        expect(page.locator(".compare-table")).to_contain_text("Placements started")
        assert "a_mean" not in page.locator(".compare-table").inner_text()

        # the Dutch switch: page text, field names and tables
        page.get_by_text("Nederlands").first.click()
        expect(page.get_by_text("Vergelijk met de basis")).to_be_visible(timeout=10_000)
        expect(page.locator(".compare-table")).to_contain_text("Gestarte uithuisplaatsingen")
        expect(page.get_by_text("Schaal (deel van de kinderen gesimuleerd)")).to_be_visible()
        page.get_by_role("tab", name="Wachtlijsten en caseload").click()
        expect(page.get_by_text("Wachtend op de Raad").first).to_be_visible(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "dashboard-views.png"), full_page=True)
        browser.close()
    assert outside == [], f"the page fetched from outside this machine: {outside[:5]}"
    assert cdn == [], f"the page asked for KaTeX or mermaid (solara.Markdown): {cdn[:5]}"
    assert failed == [], f"requests that failed: {failed[:5]}"
    # Known, reported: Solara's front end logs "no comm channel defined" when a chart widget the server has
    # already replaced (a new run, the language switch) still sends a message; every other console error fails
    known = "no comm channel defined"
    print(f"\nconsole: {errors.count(known)} x '{known}'")
    assert [e for e in errors if e != known] == [], f"console errors: {errors[:5]}"


def _rss_mb(root: int) -> float:
    """Resident memory of the Solara server process (the child of ``ketensim dashboard`` that holds the sessions)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == root and b"solara" in cmdline:  # ppid: the launcher
            status = (stat.parent / "status").read_text()
            return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024
    raise AssertionError("the Solara server process was not found")


SESSIONS = 10


def test_ten_concurrent_sessions_queue_for_one_slot_all_finish_and_are_freed(tmp_path):
    """Load test on 127.0.0.1: 10 tabs press Run at once on a pool of one slot."""
    from playwright.sync_api import expect, sync_playwright

    with _served("--run-slots", "1", "--session-timeout", "3s", log_name="dashboard-load.log") as (url, log, pid):
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(SESSIONS)]
            pages = [c.new_page() for c in contexts]
            for page in pages:
                page.goto(url)
            for page in pages:
                expect(page.get_by_text("Baseline: the defaults")).to_be_visible(timeout=120_000)
                _type(page, "run-scale", "0.002")
                _type(page, "run-years", "3")
            idle = _rss_mb(pid)
            start = time.monotonic()
            for page in pages:
                page.get_by_role("button", name="Run", exact=True).click()
            queued_seen, peak, finished = 0, idle, set()
            while len(finished) < SESSIONS:
                assert time.monotonic() - start < 300, f"{len(finished)} of {SESSIONS} sessions finished in 300 s"
                for i, page in enumerate(pages):
                    if i in finished:
                        continue
                    # the results reached the page (its table); the charts are checked below
                    if page.get_by_text("Last run").count():
                        finished.add(i)
                    elif page.get_by_text("ahead of yours").count():
                        queued_seen += 1
                peak = max(peak, _rss_mb(pid))
                time.sleep(0.5)
            elapsed = time.monotonic() - start
            assert queued_seen > 0, "no session ever showed its place in the queue"
            # every tab draws its chart, however late its browser builds the view (sim/dashboard/chart.py:
            # with Solara's FigurePlotly, 1 of 10 tabs kept an empty frame for good)
            for page in pages:
                expect(page.locator(".js-plotly-plot .sankey").first).to_be_visible(timeout=60_000)
            drawn = time.monotonic() - start
            for context in contexts:
                context.close()
            browser.close()
        end = time.monotonic() + 90
        while "memory released" not in log.read_text().splitlines()[-1] or "sessions open: 0;" not in log.read_text():
            assert time.monotonic() < end, "sessions were not ended within 90 s of closing their tabs"
            time.sleep(1)
        time.sleep(16)  # the second collection, 15 s after the last session ended
        after = _rss_mb(pid)
        held = [line for line in log.read_text().splitlines() if "results still held" in line][-1]
    print(f"\nafter all sessions ended: {held.split('; ')[1]}")
    # every tab's run is freed with its session (the pool's threads once kept the sessions that started them)
    assert "results still held: 0;" in held, held
    print(
        f"\n{SESSIONS} sessions, 1 slot: all finished in {elapsed:.0f} s, every chart drawn after {drawn:.0f} s; server RSS {idle:.0f} MB with the pages open, peak {peak:.0f} MB, {after:.0f} MB after they closed"
    )
    assert after <= peak  # reported, not held to a figure: what the allocator keeps is not ours to promise
