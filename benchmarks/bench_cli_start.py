"""Benchmark the command line's start: whole processes, against a numpy reference in the same run.

Times ``python -m sim.cli --help``, ``params raad.n_staff`` and a refused scenario file
(exit 2: what a user with a typo waits for) as whole processes, and ``python -c "import numpy"``
as the reference, in turn (A R A R ...), so a busy machine moves both. Reports each median
and its ratio to the reference's median.

Usage::

    .venv/bin/python benchmarks/bench_cli_start.py --runs 7 --json benchmarks/out/cli_start.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _seconds(cmd: list[str], expect: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}, expected {expect}: {done.stderr.decode()[-400:]}")
    return took


def main() -> None:
    """Run the benchmark and print (and optionally write) the medians and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each command (one untimed warm-up first)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "typo.toml"
        bad.write_text("[raad]\nn_staf = 1000\n")
        cli = [sys.executable, "-m", "sim.cli"]
        commands = {
            "--help": (cli + ["--help"], 0),
            "params raad.n_staff": (cli + ["params", "raad.n_staff"], 0),
            "run (a refused file)": (cli + ["run", str(bad)], 2),
            "reference: import numpy": ([sys.executable, "-c", "import numpy"], 0),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for i in range(args.runs + 1):
            for name, (cmd, expect) in commands.items():
                took = _seconds(cmd, expect)
                if i:  # the first round warms the file cache
                    times[name].append(took)
    reference = statistics.median(times["reference: import numpy"])
    figures = {}
    for name, values in times.items():
        median = statistics.median(values)
        figures[name] = {"median_s": median, "min_s": min(values), "max_s": max(values), "ratio": median / reference}
        print(
            f"{name:28s} median {median:6.3f} s  (min {min(values):.3f}, max {max(values):.3f})  = {median / reference:5.2f} x reference"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"runs": args.runs, "figures": figures}, indent=2))


if __name__ == "__main__":
    main()
