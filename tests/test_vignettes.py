"""The vignette experiment: simulated professionals agree about as little as real ones (kappa ~0.3)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small

from sim.experiments.targets import load_targets
from sim.experiments.vignettes import MODEL_CONDITION, _alpha, _light_kappa, vignette_experiment


@pytest.fixture(scope="module")
def default_table():
    return vignette_experiment(small(scale=0.05, years=1)).set_index("condition")


def test_default_agreement_matches_the_literature(default_table):
    # Placement requests are rare (under 1 % of judgements), so one seed's placement kappa varies with
    # an sd of about 0.07, most of the tolerance: a one-seed test checks the draw more than the model.
    # The mean over 10 seeds has a standard error of about 0.025. In 0.3.0 it is 0.204, at the lower
    # edge of 0.3 +- 0.1 (docs/ODD.md section 8); seed 7 alone gave 0.27 before the 0.3.0 refit of the
    # guardians' thresholds and 0.16 after.
    target = load_targets()["interrater_kappa_placement"]
    row = default_table.loc[MODEL_CONDITION]
    assert row["vignettes"] > 3000 and row["raters"] == 20
    others = [vignette_experiment(small(scale=0.05, years=1, seed=s)).set_index("condition") for s in range(8, 17)]
    kappas = [row["kappa_placement"], *(t.loc[MODEL_CONDITION, "kappa_placement"] for t in others)]
    assert abs(np.mean(kappas) - target["value"]) <= target["tolerance_abs"], kappas


def test_anchoring_raises_agreement_but_not_accuracy(default_table):
    free = default_table.loc["no instrument, independent"]
    anchored = default_table.loc["no instrument, anchored on the file"]
    assert anchored["kappa_placement"] > free["kappa_placement"] + 0.05
    assert anchored["kappa_truth_placement"] <= free["kappa_truth_placement"] + 0.02


def test_every_condition_reports_all_measures(default_table):
    assert len(default_table) == 5
    assert default_table.notna().all().all()
    assert ((default_table["accuracy_placement"] > 0.5) & (default_table["accuracy_placement"] <= 1)).all()


def test_less_noise_means_more_agreement():
    calm_params = small(scale=0.02, years=1).with_overrides(
        {"decisions": {"case_noise_sd": 0.1, "occasion_noise_sd": 0.1, "bias_sd": 0.05, "values_sd": 0.05}}
    )
    noisy = vignette_experiment(small(scale=0.02, years=1), raters=10).set_index("condition")
    calm = vignette_experiment(calm_params, raters=10).set_index("condition")
    assert calm.loc[MODEL_CONDITION, "kappa_measure"] > noisy.loc[MODEL_CONDITION, "kappa_measure"] + 0.2


def test_agreement_statistics_on_known_ratings():
    same = np.array([[1, 0, 1, 0, 1], [1, 0, 1, 0, 1], [1, 0, 1, 0, 1]], bool)
    assert _light_kappa(same) == pytest.approx(1.0)
    assert _alpha(same.astype(int), "nominal") == pytest.approx(1.0)
    opposite = np.array([[1, 0, 1, 0], [0, 1, 0, 1]], bool)
    assert _light_kappa(opposite) == pytest.approx(-1.0)
    assert np.isnan(_alpha(np.zeros((3, 4), int), "nominal"))  # no variation: alpha undefined
