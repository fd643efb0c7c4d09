"""Scenario presets from the installed package: sim.locations, the wheel's package data, a real install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS

from sim.locations import preset
from sim.model.params import ScenarioError, load_scenario

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_listed_packages_are_every_package_under_sim_and_the_presets() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sim").rglob("__init__.py")}
    presets = {"sim.presets"} | {f"sim.presets.{p.name}" for p in SCENARIOS.iterdir() if p.is_dir() and p.name != "regression"}
    assert listed == on_disk | presets  # a new subpackage missing from pyproject.toml would be left out of the wheel
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"sim.presets": "scenarios"}


def test_preset_finds_shipped_scenarios_and_refuses_unknown_names() -> None:
    assert load_scenario(preset("more_contradiction")).contradiction.second_assessor_share == 1.0
    assert preset("validation/home_help_trial").is_file()
    with pytest.raises(ScenarioError, match="presets: baseline, financial_shock"):
        preset("no_such_scenario")


@pytest.mark.skipif(os.name != "posix", reason="the venv layout below is POSIX's")
def test_an_installed_wheel_loads_presets_without_the_repository(tmp_path: Path) -> None:
    # build the wheel from a copy of what it is made of (so the checkout gets no build/ folder), install it
    # into a fresh venv whose dependencies come from this environment, and load presets outside any checkout
    source = tmp_path / "source"
    for name in ("sim", "scenarios"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = wheels.glob("ketensim-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    # the dependencies come from this environment through a .pth line; ketensim itself only from the wheel
    here = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "pydantic").is_dir())
    (site / "deps.pth").write_text(str(here) + "\n", encoding="utf-8")
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    code = (
        "import sim, sim.locations as loc\n"
        "from sim.model.params import load_scenario\n"
        f"assert sim.__file__.startswith({str(env_dir)!r}), sim.__file__\n"
        "print(loc.SCENARIOS)\n"
        "p = load_scenario(loc.preset('staff_shortage'))\n"
        "print(p.raad.n_staff, sorted(x.stem for x in loc.SCENARIOS.glob('*.toml')))\n"
        "print(sorted(x.stem for x in (loc.SCENARIOS / 'validation').glob('*.toml')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the checkout must not be importable
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    scenarios_dir, presets, validation = proc.stdout.splitlines()
    assert scenarios_dir.endswith("site-packages/sim/presets")
    assert presets.startswith("1050 ") and "'more_contradiction'" in presets and "'baseline'" in presets
    assert "'home_help_trial'" in validation
