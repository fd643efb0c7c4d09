"""Start the dashboard: Solara's server on ``dashboards/app.py`` (or the installed page module).

Solara's front-end files come from the ``solara-assets`` package, which installs them into
Solara's asset cache (``<venv>/share/solara/cdn``); the server serves that cache, so the page
loads without internet. We run Solara's own command line in a child process rather than
its internals: its options and shutdown handling are the supported interface.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from sim.dashboard.pool import SLOTS_ENV
from sim.locations import DASHBOARDS

APP_FILE = DASHBOARDS / "app.py"
APP_MODULE = "sim.dashboard.app"  # used when the package is installed without the repository


def app_target() -> str:
    """What ``solara run`` should serve: the repository's app file, else the page module."""
    return str(APP_FILE) if APP_FILE.exists() else APP_MODULE


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for ``host:port``."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        app_target(),
        "--host",
        host,
        "--port",
        str(port),
        "--production",  # no hot reload or dev tooling: faster, and no file watcher on a shared machine
        "--no-open",
    ]


def environment(run_slots: int | None, session_timeout: str) -> dict[str, str]:
    """The server's environment: the pool's size, and how long a closed tab's session is kept.

    Solara keeps a disconnected session (its results, its state) for 24 hours by default, so
    on a shared server memory only grew; a short timeout frees it soon after the tab closes,
    while a brief network drop (a laptop lid, a Wi-Fi change) still reconnects to its results.
    """
    env = dict(os.environ)
    env["SOLARA_KERNEL_CULL_TIMEOUT"] = session_timeout
    if run_slots is not None:
        env[SLOTS_ENV] = str(run_slots)
    return env


def serve(host: str, port: int, run_slots: int | None = None, session_timeout: str = "2m") -> int:
    """Run the dashboard server until it stops or Ctrl-C; returns its exit code."""
    print(f"Ketensim dashboard: http://{host}:{port}  (Ctrl-C stops it)", file=sys.stderr)
    proc = subprocess.Popen(command(host, port), env=environment(run_slots, session_timeout))

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM as Ctrl-C: never leave Solara's server running without us

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=10)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
