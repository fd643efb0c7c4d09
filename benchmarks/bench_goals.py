"""Issue 16's four speed goals, each as a ratio to the numpy reference measured in the same run.

* ``national``: a national run (scale 1.0, 10 years plus warm-up) in its own process
  (``bench_national.py``, pinned to one CPU, so its peak memory is its own); goal <= 20 s and
  <= 1 GB.
* ``scale_0.05``: ``run_once`` at scale 0.05, 10 years plus warm-up; goal <= 1.5 s.
* ``dashboard``: the dashboard's opening run (``sim.dashboard.runs.simulate`` with the opening
  settings); goal <= 0.5 s.
* ``sweep_overhead``: what a sweep run costs beyond simulating it. A serial sweep of
  ``--sweep-runs`` small runs is timed, and so is each of its runs' model alone
  (``ChainModel`` built and stepped to the end, in this process); the overhead is the
  difference per run: parameters, seeds, collecting and summarising, the parquet files,
  the sweep's own planning. Goal <= 0.1 s.

Each item is timed in CPU seconds (best of ``--repeat``), with the reference workload
(benchmarks/reference.py) timed just before it; the ratio is item / that reference, and the
goal is met when the ratio is at or below goal seconds / the reference's time on the idle
machine. Wall seconds are printed beside, for the record.

Usage::

    .venv/bin/python benchmarks/bench_goals.py --json benchmarks/out/goals.json
    .venv/bin/python benchmarks/bench_goals.py --skip-national   # the three quick ones (~1 min)
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from reference import GOAL_NATIONAL_MB, GOALS_S, IDLE_REFERENCE_S, best_of, goal_ratio, pin_to_one_cpu, reference_seconds

from sim import __version__
from sim.experiments.runs import gc_paused, run_once
from sim.model.chain import ChainModel
from sim.model.params import Params

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _model_alone(params: Params) -> None:
    with gc_paused():  # as run_once does
        model = ChainModel(params)
        while model.running:
            model.step()


def scale_run(scale: float) -> Params:
    """The defaults at ``scale``, 10 reported years plus the default warm-up."""
    return Params().with_overrides({"run": {"scale": scale, "years": 10}})


def dashboard_opening() -> Params:
    """The settings the dashboard opens with."""
    from sim.dashboard import controls
    from sim.dashboard.app import OPENING

    return controls.resolve(controls.DEFAULT_PRESET, OPENING)


def sweep_file(folder: Path, runs: int, scale: float) -> Path:
    """A sweep of ``runs`` small runs: one lever on a grid, one replication each."""
    path = folder / "overhead.toml"
    path.write_text(
        f"""[sweep]
base = "{ROOT / "scenarios" / "baseline.toml"}"
design = "latin_hypercube"
points = {runs - 1}
replications = 1
seed = 1

[overrides]
run = {{ scale = {scale}, years = 1, warmup_years = 1 }}

[levers]
"contradiction.second_assessor_share" = {{ range = [0.0, 1.0] }}
""",
        encoding="utf-8",
    )
    return path


def sweep_overhead(runs: int, scale: float, repeat: int) -> tuple[float, float, float, float]:
    """Per run: CPU s of the whole sweep, CPU s of the models alone, and the same two in wall seconds."""
    from sim.experiments.sweeps import run_sweep
    from sim.experiments.sweeps.design import make_design
    from sim.experiments.sweeps.run import plan
    from sim.experiments.sweeps.spec import load_sweep
    from sim.model.rng import replication_seeds

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = sweep_file(folder, runs, scale)
        outs = iter(range(10_000))
        sweep_cpu, sweep_wall = best_of(repeat, lambda: run_sweep(path, workers=1, out=folder / f"out{next(outs)}"))
        sweep = load_sweep(path)
        tasks = plan(sweep, make_design(sweep), replication_seeds(sweep.seed, sweep.settings.replications))
        params = [
            sweep.base.with_overrides({**t["overrides"], "run": {**t["overrides"].get("run", {}), "seed": t["seed"]}})
            for t in tasks
        ]
        models_cpu, models_wall = best_of(repeat, lambda: [_model_alone(p) for p in params])
    n = len(params)
    return sweep_cpu / n, models_cpu / n, sweep_wall / n, models_wall / n


def national(scale: float) -> dict[str, float]:
    """bench_national.py in its own process; its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "national.json"
        cmd = [sys.executable, str(HERE / "bench_national.py"), "--scale", str(scale), "--years", "10", "--json", str(out)]
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per item; the best counts (default 3)")
    ap.add_argument("--skip-national", action="store_true", help="leave out the national run (~1 min)")
    ap.add_argument("--sweep-runs", type=int, default=20, help="runs in the overhead sweep (default 20)")
    ap.add_argument("--sweep-scale", type=float, default=0.002, help="their scale (default 0.002)")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args(argv)
    pin_to_one_cpu()

    rows: dict[str, dict[str, float]] = {}

    def record(key: str, cpu: float, wall: float, reference: float, **extra: float) -> None:
        ratio = cpu / reference
        rows[key] = {"cpu_s": cpu, "wall_s": wall, "reference_s": reference, "ratio": ratio, "goal_ratio": goal_ratio(key)}
        rows[key].update(extra)
        met = "yes" if ratio <= goal_ratio(key) and extra.get("peak_mb", 0.0) <= GOAL_NATIONAL_MB else "NO"
        mem = f"  peak {extra['peak_mb']:.0f} MB (goal <= {GOAL_NATIONAL_MB:.0f})" if "peak_mb" in extra else ""
        print(
            f"{key:16s} {cpu:7.3f} s CPU {wall:7.3f} s wall = {ratio:7.1f} x reference "
            f"(goal <= {goal_ratio(key):6.1f} x, i.e. {GOALS_S[key]} s idle){mem}  met: {met}",
            flush=True,
        )

    print(f"ketensim {__version__}, python {platform.python_version()}; reference on the idle machine {IDLE_REFERENCE_S} s")
    ref = reference_seconds()
    cpu, wall = best_of(args.repeat, lambda: run_once(scale_run(0.05)))
    record("scale_0.05", cpu, wall, ref)

    opening = dashboard_opening()
    from sim.dashboard.runs import simulate

    ref = reference_seconds()
    cpu, wall = best_of(args.repeat, lambda: simulate(opening))
    record("dashboard", cpu, wall, ref, scale=opening.run.scale)

    ref = reference_seconds()
    per_run, model, wall, model_wall = sweep_overhead(args.sweep_runs, args.sweep_scale, args.repeat)
    record("sweep_overhead", per_run - model, wall - model_wall, ref, sweep_cpu_per_run_s=per_run, model_cpu_per_run_s=model)

    if not args.skip_national:
        ref = reference_seconds()
        fig = national(1.0)
        ref = min(ref, reference_seconds())  # before and after the minute-long run
        record("national", fig["total_cpu_s"], fig["total_s"], ref, peak_mb=fig["peak_rss_mb"])

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        meta = {"ketensim": __version__, "python": platform.python_version(), "idle_reference_s": IDLE_REFERENCE_S}
        args.json.write_text(json.dumps({**meta, "goals": rows}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
