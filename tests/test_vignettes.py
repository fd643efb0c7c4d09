"""Decision noise reproduces the low agreement between real professionals (kappa ~0.3)."""

from __future__ import annotations

import tomllib

from conftest import ROOT, small

from sim.vignettes import agreement


def test_default_agreement_matches_the_literature():
    target = tomllib.loads((ROOT / "sim" / "data" / "targets.toml").read_text())["targets"]["interrater_kappa_placement"]
    result = agreement(small(scale=0.02, years=1), months=36, pairs=4)
    assert result["n_vignettes"] > 500
    assert abs(result["kappa_mean"] - target["value"]) <= target["tolerance_abs"], result


def test_less_noise_means_more_agreement():
    noisy = agreement(small(scale=0.01, years=1), months=24)
    calm = agreement(
        small(scale=0.01, years=1).with_overrides(
            {"decisions": {"case_noise_sd": 0.1, "occasion_noise_sd": 0.1, "bias_sd": 0.05, "values_sd": 0.05}}
        ),
        months=24,
    )
    assert calm["kappa_mean"] > noisy["kappa_mean"] + 0.2
