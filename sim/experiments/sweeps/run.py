"""Running a sweep: one code path for every executor, resumable, with a progress bar.

The executor is a ``concurrent.futures.Executor``: this process itself (``workers=1``), a
local process pool (``ProcessPoolExecutor`` with an explicit ``forkserver``/``spawn``
context, never the global start method), or Dask distributed (``client.get_executor()``),
for a ``LocalCluster`` (``dask="local:N"``) or a running scheduler (``dask="tcp://host:8786"``).
Tasks are chunks of runs; parameters travel as plain dicts. Each worker writes every run
it finishes as ``runs/<run_id>.parquet`` itself, so results never depend on this process
staying alive. A run that raises is written with status ``failed`` and its error.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim.experiments.snapshots import prepare_start
from sim.experiments.sweeps import store
from sim.experiments.sweeps.design import check_points, make_design, n_points, point_overrides
from sim.experiments.sweeps.spec import Sweep, load_sweep
from sim.experiments.sweeps.worker import run_chunk
from sim.model.params import ScenarioError
from sim.model.params.scenario import short
from sim.model.rng import replication_seeds

TASKS_PER_WORKER = 20  # enough chunks per worker that the last ones balance out
# Runs (design points x replications, base point included) a sweep may have without
# allow_large / --allow-large: ~3 hours on 2 cores at scale 0.01, hours more at larger scales;
# larger is usually a typo (levels = 100 on five factors is 10 billion points).
MAX_RUNS = 10_000
CONNECT_TIMEOUT_S = 5.0
WATCHDOG_INTERVAL_S = 1.0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


# Dask's defaults cost a model run ~1.5x its time (measured: 1.0 s alone, 1.5-1.8 s in a
# worker). The nanny sets MALLOC_TRIM_THRESHOLD_, which turns off glibc's adaptive mmap
# threshold, so every month's large numpy temporaries are mmapped and unmapped afresh; the
# statistical profiler (every 10 ms) and the system and memory monitors take the GIL from
# the pure-Python model. Keep the nanny's thread limits, drop the rest.
MODEL_FRIENDLY_DASK: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "2s",
}
if sys.platform.startswith("linux"):
    # workers forked from this process start with the model already imported (~1.5 s each;
    # Dask efficiency 79 % -> 94 % in benchmarks/bench_sweep.py); fork is unsafe on macOS
    MODEL_FRIENDLY_DASK["distributed.worker.multiprocessing-method"] = "fork"


class SerialExecutor(Executor):
    """Runs each task at once in this process: ``workers=1`` through the same code path."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn`` now and return a finished future."""
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True  # no /proc (macOS): kill(pid, 0) is all we know


def _watch_parent(driver: int, parent: int) -> None:
    """Exit this worker when the driver dies or it is handed to another parent (runs it started are rerun on resume)."""
    while True:
        time.sleep(WATCHDOG_INTERVAL_S)
        if os.getppid() != parent or not _alive(driver):
            os._exit(1)


def _init_worker(driver: int) -> None:
    """Set up a pool worker: Ctrl-C goes to the driver only; the worker ends when the driver dies.

    On Linux the kernel sends SIGKILL when the worker's parent (the forkserver, which itself
    ends with the driver) dies (prctl PR_SET_PDEATHSIG); everywhere a watchdog thread
    checks each second that the driver is alive and the parent unchanged.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the driver, which then stops the pool
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog still covers it
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
    threading.Thread(target=_watch_parent, args=(driver, parent), name="ketensim-parent-watchdog", daemon=True).start()


def forkserver_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """A forkserver context (spawn where there is none) whose server imports ``preload`` once.

    Workers fork from a server that already imported ``sim`` (~2 s of imports), so a pool
    starts in milliseconds after the first one. Only this context is configured; the global
    start method is left alone. (One forkserver serves a process: the dashboard's and a
    sweep's preload lists both import the model, whichever started it.)
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload)
    return ctx


SWEEP_PRELOAD = ["sim.experiments.runs", "sim.experiments.sweeps.worker"]


def _scheduler_host_port(dask: str) -> tuple[str, int] | None:
    """Host and port of a scheduler address (``tcp://host:8786``, ``host:8786``, ``tls://[::1]:8786``); None when not TCP."""
    scheme, _, rest = dask.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return None  # e.g. ucx://, inproc://: left to Dask
    host, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ScenarioError(f"--dask {dask}: allowed: a scheduler address with a port, like tcp://host:8786, or local:N")
    return host.strip("[]") or "127.0.0.1", int(port)


def reach_scheduler(dask: str) -> None:
    """Open (and close) a TCP connection to the scheduler: an unreachable address is refused before anything is written.

    Raises:
        ScenarioError: no connection within :data:`CONNECT_TIMEOUT_S` seconds.

    """
    where = _scheduler_host_port(dask)
    if where is None:
        return
    try:
        socket.create_connection(where, timeout=CONNECT_TIMEOUT_S).close()
    except (OSError, ValueError) as exc:  # refused, unknown host, timed out
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else short(str(exc) or type(exc).__name__)
        raise ScenarioError(f"--dask {dask}: no Dask scheduler reachable there ({reason}); nothing was written") from None


def check_size(sweep: Sweep, allow_large: bool = False) -> int:
    """The number of runs of ``sweep``; refuse more than :data:`MAX_RUNS` unless ``allow_large``.

    Raises:
        ScenarioError: too many runs, with the count and how to go beyond the limit.

    """
    points = n_points(sweep)
    runs = points * sweep.settings.replications
    if runs > MAX_RUNS and not allow_large:
        raise ScenarioError(
            f"{sweep.path}: {points:,} design points (base included) x {sweep.settings.replications} replications = "
            f"{runs:,} runs; allowed: at most {MAX_RUNS:,} unless asked for (ketensim sweep --allow-large, "
            "run_sweep(..., allow_large=True)); fewer points, levels or replications otherwise"
        )
    return runs


def check_executor(workers: int, dask: str | None) -> None:
    """Refuse bad executor options before anything is written.

    Raises:
        ScenarioError: ``workers`` below 1, or ``dask`` neither ``local:N`` nor an address
            with a port (whether a scheduler answers there is :func:`reach_scheduler`).

    """
    if dask is None:
        if workers < 1:
            raise ScenarioError(f"--workers {workers}: allowed: a whole number >= 1")
        return
    if dask.startswith("local:"):
        n = dask.removeprefix("local:")
        if not n.isdigit() or int(n) < 1:
            raise ScenarioError(f"--dask {dask}: allowed: local:N with N >= 1, or a scheduler address like tcp://host:8786")
    elif "://" not in dask and ":" not in dask:
        raise ScenarioError(f"--dask {dask}: allowed: a scheduler address like tcp://host:8786, or local:N")
    else:
        _scheduler_host_port(dask)


@contextmanager
def make_executor(workers: int = 1, dask: str | None = None) -> Iterator[tuple[Executor, int]]:
    """Yield ``(executor, number_of_workers)`` for a local pool or a Dask cluster.

    Raises:
        ScenarioError: a bad ``workers`` or ``dask`` value, or no Dask scheduler at the address.

    """
    check_executor(workers, dask)
    if dask is None:
        if workers == 1:
            yield SerialExecutor(), 1
            return
        pool = ProcessPoolExecutor(
            workers, mp_context=forkserver_context(SWEEP_PRELOAD), initializer=_init_worker, initargs=(os.getpid(),)
        )
        try:
            yield pool, workers
        except BaseException:
            for proc in list(getattr(pool, "_processes", {}).values()):  # Ctrl-C: stop the runs in progress now
                proc.terminate()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    from dask import config as dask_config
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if dask.startswith("local:"):
            # The nanny hands this config to its workers (README: the same for a real cluster).
            with dask_config.set(MODEL_FRIENDLY_DASK):
                cluster = LocalCluster(
                    n_workers=int(dask.removeprefix("local:")), threads_per_worker=1, processes=True, dashboard_address=None
                )
            client = Client(cluster)
        else:
            try:
                client = Client(dask, timeout="15s")
            except (OSError, TimeoutError) as exc:
                raise ScenarioError(f"--dask {dask}: no Dask scheduler reachable there ({exc})") from None
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                client.close()
                raise ScenarioError(f"--dask {dask}: the scheduler has no workers (none joined within 60 s)") from None
        with client:
            n_workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
            yield client.get_executor(pure=False), n_workers
    finally:
        if cluster is not None:
            cluster.close()


def plan(sweep: Sweep, design: pd.DataFrame, seeds: list[int]) -> list[dict[str, Any]]:
    """Every run of the sweep: each point (base first) with each replication seed."""
    tasks = []
    for row in design.to_dict("records"):
        point, overrides = int(row["point"]), point_overrides(sweep, row)
        for rep, seed in enumerate(seeds):
            tasks.append(
                {
                    "run_id": store.run_id(point, rep),
                    "point": point,
                    "replication": rep,
                    "seed": seed,
                    "overrides": overrides,
                }
            )
    return tasks


def _chunks(tasks: list[dict[str, Any]], n_workers: int) -> list[list[dict[str, Any]]]:
    size = max(1, len(tasks) // (n_workers * TASKS_PER_WORKER))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def _submit(
    executor: Executor, chunks: list[list[dict[str, Any]]], futures: list[Future[Any]], *args: Any
) -> Iterator[Future[Any]]:
    """Submit every chunk and yield the futures as they finish (in order when serial, so the bar moves)."""
    if isinstance(executor, SerialExecutor):
        for chunk in chunks:
            futures.append(executor.submit(run_chunk, chunk, *args))
            yield futures[-1]
        return
    futures.extend(executor.submit(run_chunk, chunk, *args) for chunk in chunks)
    yield from as_completed(futures)


def _execute(
    tasks: list[dict[str, Any]],
    workers: int,
    dask: str | None,
    args: tuple[Any, ...],
    out_dir: Path,
    progress: tuple[int, int, bool],
) -> list[str]:
    """Run the tasks on the chosen executor with a progress bar; return errors of lost tasks."""
    lost: list[str] = []
    if not tasks:
        return lost  # nothing to do: do not start a pool or a cluster
    total, done, show = progress
    with (
        make_executor(workers, dask) as (executor, n_workers),
        tqdm(total=total, initial=done, unit="run", desc="sweep", disable=not show) as bar,
    ):
        futures: list[Future[Any]] = []
        try:
            for future in _submit(executor, _chunks(tasks, n_workers), futures, *args):
                try:
                    bar.update(len(future.result()))
                except Exception as exc:  # noqa: BLE001 - a worker died: its unfinished runs are rerun on resume
                    lost.append(f"{type(exc).__name__}: {exc}")
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            store.write_manifest(out_dir)
            raise
    return lost


def run_sweep(
    sweep: Sweep | str | Path,
    *,
    workers: int = 1,
    dask: str | None = None,
    out: str | Path | None = None,
    show_progress: bool = False,
    allow_large: bool = False,
) -> pd.DataFrame:
    """Run (or resume) a sweep and return every run: ids, seeds, parameters, status, outcomes.

    Args:
        sweep: a sweep file or a loaded :class:`Sweep`.
        workers: local processes (1: in this process).
        dask: ``"local:N"`` for a Dask ``LocalCluster`` of N workers, or a scheduler address.
        out: output folder (default: the sweep file's ``out`` or ``results/sweeps/<name>``).
        show_progress: show a progress bar with ETA.
        allow_large: allow more than :data:`MAX_RUNS` runs.

    Runs already finished in ``out`` are skipped, failed ones are tried again. The same
    scenario and seed give identical results whatever the executor and number of workers.

    Raises:
        ScenarioError: a bad sweep file or option, too many runs, a design point breaking a
            rule across parameters, no scheduler at ``dask``, ``out`` not a folder or holding a
            different sweep, or damaged bookkeeping in ``out``. All before any run starts.

    """
    check_executor(workers, dask)
    sweep = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
    out_dir = Path(out) if out is not None else sweep.default_out()
    store.check_out_folder(out_dir)
    check_size(sweep, allow_large)
    design = make_design(sweep)
    check_points(sweep, design)
    seeds = replication_seeds(sweep.seed, sweep.settings.replications)
    if dask is not None and not dask.startswith("local:"):
        reach_scheduler(dask)  # before the folder is touched
    prepare_start(sweep.base, seeds)  # the snapshot the runs start from fits (the present: built once, here)
    store.prepare(out_dir, sweep, design, seeds)
    done = store.read_runs(out_dir)
    finished = set(done.loc[done["status"] == "ok", "run_id"])
    tasks = [t for t in plan(sweep, design, seeds) if t["run_id"] not in finished]
    total = len(finished) + len(tasks)
    if finished:  # said even when quiet: the user should know results were reused
        print(f"ketensim: resuming {out_dir}: {len(finished)} of {total} runs already done", file=sys.stderr)
    base = sweep.base.model_dump()
    runs_dir = str((out_dir / "runs").resolve())
    lost = _execute(tasks, workers, dask, (base, runs_dir, list(sweep.outcomes)), out_dir, (total, len(finished), show_progress))
    runs = store.write_manifest(out_dir)
    if lost:
        print(f"ketensim: {len(lost)} task(s) lost ({lost[0]}); run the sweep again to finish them", file=sys.stderr)
    return runs
