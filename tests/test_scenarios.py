"""Every scenario file loads and runs a short reduced-scale simulation."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from sim.experiments.runs import run_once
from sim.experiments.snapshots import first_reported_year
from sim.model.params import Params, load_scenario

FILES = sorted(SCENARIOS.glob("*.toml"))


def test_there_is_a_scenario_per_lever():
    names = {f.stem for f in FILES}
    assert {
        "baseline",
        "more_contradiction",
        "more_home_help",
        "financial_shock",
        "regelreflex_incident",
        "staff_shortage",
    } <= names


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario_loads_and_runs(path):
    params = load_scenario(path)
    assert params != Params() or path.stem == "baseline" or params.run != Params().run
    # 2015-2019: the scheduled incidents (2019) fall inside the run, as they must; a timeline's
    # dates need the scenario's own years (2016-2025)
    run = {"scale": 0.002, "warmup_years": 0} if params.timeline else {"scale": 0.002, "years": 4, "warmup_years": 1}
    params = params.with_overrides({"run": run})
    result = run_once(params)
    # a scenario from the present reports from 2023 on (the years before are the snapshot's baseline)
    assert list(result.yearly["year"]) == list(range(first_reported_year(params), params.run.start_year + params.run.years))
    assert len(result.yearly) == (params.run.years if params.timeline else 4) - (
        first_reported_year(params) - params.run.start_year
    )
    assert result.summary["vt_reports_per_year"] > 0
