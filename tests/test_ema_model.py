"""The EMA Workbench adapter: perform_experiments and an optimiser drive real Ketensim runs (tiny scale)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ema = pytest.importorskip("ema_workbench")  # the optional extra; ./ketensim test and CI install it

from sim.experiments.ema_model import ketensim_model  # noqa: E402
from sim.experiments.runs import replicate  # noqa: E402
from sim.model.params import Params, ScenarioError  # noqa: E402

BASE = Params().with_overrides({"run": {"scale": 0.002, "years": 2, "warmup_years": 0}})
OUTCOMES = ["ots_starts_per_year", "missed_children_per_year"]


@pytest.mark.filterwarnings("error:.*not a valid Python identifier:DeprecationWarning")
def test_perform_experiments_runs_ketensim_with_common_random_numbers() -> None:
    model = ketensim_model(
        {"decisions.placement_benefit_bias": (0.0, 0.6), "shock.enabled": None},
        {"contradiction.second_assessor_share": None, "raad.n_staff": (800, 1500)},
        outcomes=OUTCOMES,
        base=BASE,
        replications=2,
    )
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = ema.perform_experiments(model, scenarios=2, policies=2, evaluator=evaluator)
    assert len(experiments) == 4 and set(outcomes) == set(OUTCOMES)
    assert experiments["raad__n_staff"].between(800, 1500).all()  # EMA 3 names are identifiers: section__field
    assert all(v.shape == (4,) and np.isfinite(v).all() for v in outcomes.values())
    # each outcome is the mean over the same replication seeds that replicate() spawns from the base seed
    row = experiments.iloc[3]
    by_hand = BASE.with_overrides(
        {
            "decisions": {"placement_benefit_bias": float(row["decisions__placement_benefit_bias"])},
            "shock": {"enabled": bool(row["shock__enabled"])},
            "contradiction": {"second_assessor_share": float(row["contradiction__second_assessor_share"])},
            "raad": {"n_staff": int(row["raad__n_staff"])},
        }
    )
    summary = replicate(by_hand, 2).summary()
    for name in OUTCOMES:
        assert outcomes[name][3] == pytest.approx(summary[name].mean(), rel=1e-12)


def test_an_optimiser_searches_the_levers(tmp_path: Path) -> None:
    model = ketensim_model(
        ["decisions.placement_benefit_bias"],
        {"contradiction.second_assessor_share": (0.0, 1.0)},
        minimize=["missed_children_per_year", "unwarranted_placements_per_year"],
        outcomes=["ots_starts_per_year"],
        base=BASE,
    )
    with ema.SequentialEvaluator(model) as evaluator:
        front, convergence = ema.optimize(
            model,
            nfe=8,
            searchover="levers",
            evaluator=evaluator,
            epsilons=[100, 100],
            rng=1,
            population_size=4,
            filename="front.tar.gz",
            directory=str(tmp_path),
        )
    assert {"contradiction__second_assessor_share", "missed_children_per_year"} <= set(front.columns)
    assert front["contradiction__second_assessor_share"].between(0, 1).all() and len(front) >= 1
    assert convergence["nfe"].iloc[-1] >= 8


@pytest.mark.parametrize(
    ("uncertainties", "outcomes", "message"),
    [
        (["raad.bogus"], [], "'raad.bogus' is not a parameter"),
        (["run.scale"], [], "run setting"),
        ({"raad.n_staff": (0, 10)}, [], r"allowed: low < high within \[1, 100000\]"),
        ({"contradiction.voice": (0.8, 0.2)}, [], "low < high"),
        (["contradiction.second_assessor_at"], [], "give it a list of values"),
        (["contradiction.voice"], ["no_such_outcome"], "unknown outcome"),
    ],
)
def test_bad_factors_and_outcomes_are_refused(uncertainties: object, outcomes: list[str], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        ketensim_model(uncertainties, outcomes=outcomes, base=BASE)  # type: ignore[arg-type]
