"""Design generation: every design respects the factors' bounds, types and value lists, and is reproducible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sweep_util import TWO_LEVERS, write_sweep

from sim.experiments.sweeps.design import make_design, point_overrides
from sim.experiments.sweeps.spec import load_sweep
from sim.model.params import ScenarioError

SHARE, CAPACITY, BIAS = "contradiction.second_assessor_share", "local_team.home_help_capacity", "decisions.placement_benefit_bias"

DESIGNS = {
    # design: (settings, expected number of design points for 3 factors)
    "latin_hypercube": ('design = "latin_hypercube"\npoints = 10', 10),
    "sobol": ('design = "sobol"\npoints = 16', 16),
    "halton": ('design = "halton"\npoints = 7', 7),
    "morris": ('design = "morris"\npoints = 3', 3 * (3 + 1)),  # trajectories x (factors + 1)
    "saltelli": ('design = "saltelli"\npoints = 8', 8 * (3 + 2)),  # N x (factors + 2), first order only
    "saltelli_second_order": ('design = "saltelli"\npoints = 8\nsecond_order = true', 8 * (2 * 3 + 2)),
}


def _design(tmp_path: Path, settings: str, seed: int = 5) -> pd.DataFrame:
    path = write_sweep(tmp_path, f"{settings}\nreplications = 1\nseed = {seed}", TWO_LEVERS, name=f"s{seed}.toml")
    return make_design(load_sweep(path))


@pytest.mark.parametrize("name", list(DESIGNS))
def test_sampled_designs_respect_bounds_and_are_reproducible(tmp_path: Path, name: str) -> None:
    settings, n_points = DESIGNS[name]
    design = _design(tmp_path, settings)
    points = design[design["kind"] == "design"]
    assert len(points) == n_points
    assert list(design["point"]) == list(range(n_points + 1))
    base = design.iloc[0]
    assert base["kind"] == "base" and base[SHARE] == 0.0 and base[CAPACITY] == 2500 and base[BIAS] == 0.3
    assert points[SHARE].between(0.0, 1.0).all()
    assert points[CAPACITY].between(1000, 8000).all()
    assert all(isinstance(v, int) or float(v).is_integer() for v in points[CAPACITY])
    assert set(points[BIAS]) <= {0.1, 0.3, 0.5}
    units = points[[c for c in points if c.startswith("u:")]].to_numpy()
    assert ((units >= 0) & (units <= 1)).all()
    if name != "saltelli_second_order":  # enough points to spread over the ranges
        assert points[SHARE].max() - points[SHARE].min() > 0.4
    # same seed: the same design; another seed: another design
    pd.testing.assert_frame_equal(design, _design(tmp_path, settings))
    assert not design[SHARE].equals(_design(tmp_path, settings, seed=6)[SHARE])


def test_full_factorial_crosses_all_levels(tmp_path: Path) -> None:
    factors = TWO_LEVERS.replace("range = [1000, 8000] }", "range = [1000, 8000], levels = 4 }")
    path = write_sweep(tmp_path, 'design = "full_factorial"\nreplications = 1', factors)
    design = make_design(load_sweep(path))
    points = design[design["kind"] == "design"]
    assert len(points) == 3 * 4 * 3  # share: 3 levels by default; capacity: 4; bias: 3 values
    assert sorted(points[SHARE].unique()) == [0.0, 0.5, 1.0]
    assert sorted(points[CAPACITY].unique()) == [1000, 3333, 5667, 8000]  # whole numbers, rounded
    assert len(points[[SHARE, CAPACITY, BIAS]].drop_duplicates()) == len(points)
    overrides = point_overrides(load_sweep(path), design.iloc[5].to_dict())
    assert set(overrides) == {"contradiction", "local_team", "decisions"}
    assert isinstance(overrides["local_team"]["home_help_capacity"], int)  # plain int for the strict Params


def test_whole_number_range_gives_each_value_equally_often(tmp_path: Path) -> None:
    factors = '[levers]\n"court.n_judges" = { range = [10, 13] }\n'
    path = write_sweep(tmp_path, 'design = "latin_hypercube"\npoints = 400\nreplications = 1\nseed = 3', factors)
    values = make_design(load_sweep(path)).query("kind == 'design'")["court.n_judges"]
    counts = values.value_counts()
    assert sorted(counts.index) == [10, 11, 12, 13]
    assert counts.min() >= 95  # LHS strata: ~100 each, ends not starved by rounding
    assert np.issubdtype(values.dtype, np.integer)


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).resolve().parents[1] / "scenarios" / "sweeps").glob("*.toml")), ids=lambda p: p.stem
)
def test_shipped_sweep_files_load_and_make_a_design(path: Path) -> None:
    sweep = load_sweep(path)
    design = make_design(sweep)
    assert len(design) > 1 and design["kind"].iloc[0] == "base"
    assert sweep.default_out() == Path("results") / "sweeps" / path.stem


def test_a_switch_without_bounds_is_a_values_factor(tmp_path: Path) -> None:
    factors = '[uncertainties]\n"shock.enabled" = { values = [false, true] }\n'
    path = write_sweep(tmp_path, 'design = "full_factorial"\nreplications = 1', factors)
    design = make_design(load_sweep(path))
    assert list(design["shock.enabled"]) == [False, False, True]  # base (off), then both values
    with pytest.raises(ScenarioError, match="shock.enabled.*needs a number parameter"):
        load_sweep(
            write_sweep(
                tmp_path,
                'design = "halton"\npoints = 4\nreplications = 1',
                factors.replace("values = [false, true]", "range = [0, 1]"),
            )
        )
