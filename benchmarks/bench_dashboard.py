"""Benchmark the dashboard: time from clicking Run to the charts updated, in a real browser.

Starts ``ketensim dashboard`` on a free port, opens it in headless Debian chromium
(Playwright, ``executable_path=shutil.which("chromium")``), and for each repetition types a
new seed (so every run is new and the page must update), clicks Run and stops the clock
when the "Last run: seed S" line and the Sankey of that run are on screen. Also reports
the simulation alone (``sim.dashboard.runs.simulate`` in this process) for the same settings,
so the page's own overhead is visible. A 10-year run (plus the 3-year warm-up) at the
dashboard's default scale; goal (issue #5): <= 5 s from click to charts.

Usage::

    .venv/bin/python benchmarks/bench_dashboard.py --reps 5 --json benchmarks/out/dashboard.json
    .venv/bin/python benchmarks/bench_dashboard.py --scale 0.005
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sim.dashboard.controls import DASHBOARD_SCALE, resolve
from sim.dashboard.runs import simulate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    end = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            if time.monotonic() > end or proc.poll() is not None:
                raise SystemExit("dashboard server did not start") from None
            time.sleep(0.5)


def browser_times(url: str, scale: float, years: int, reps: int) -> list[float]:
    """Seconds from clicking Run to the new run's charts on screen, one per repetition."""
    from playwright.sync_api import expect, sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        expect(page.get_by_text("Press Run")).to_be_visible(timeout=60_000)
        for name, value in (("run-scale", str(scale)), ("run-years", str(years))):
            page.locator(f".ctl-{name} input").fill(value)
            page.locator(f".ctl-{name} input").press("Enter")
        run = page.get_by_role("button", name="Run", exact=True)
        # one warm-up run: the first chart also loads plotly.js into the page (once per visit)
        for seed in range(reps + 1):
            box = page.locator(".ctl-run-seed input")
            box.fill(str(1000 + seed))
            box.press("Enter")
            expect(run).to_be_enabled()
            start = time.perf_counter()
            run.click()
            expect(page.get_by_text(f"seed {1000 + seed}, scale")).to_be_visible(timeout=300_000)
            expect(page.locator(".js-plotly-plot .sankey").first).to_be_visible(timeout=60_000)
            if seed:
                times.append(time.perf_counter() - start)
        browser.close()
    return times


def main() -> None:
    """Run the benchmark and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=DASHBOARD_SCALE)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    params = resolve("baseline", {"run.scale": args.scale, "run.years": args.years})
    sim_times = []
    for seed in range(3):
        start = time.perf_counter()
        simulate(params.with_overrides({"run": {"seed": seed}}))
        sim_times.append(time.perf_counter() - start)

    proc, url = _start_server()
    try:
        click_times = browser_times(url, args.scale, args.years, args.reps)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)

    result = {
        "scale": args.scale,
        "years": args.years,
        "click_to_charts_s": {"median": statistics.median(click_times), "min": min(click_times), "max": max(click_times)},
        "click_to_charts_all_s": [round(t, 3) for t in click_times],
        "simulation_only_s_median": statistics.median(sim_times),
        "load_average_1min": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
