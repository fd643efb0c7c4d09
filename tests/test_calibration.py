"""Calibration: targets, loss, a reproducible Optuna search, and defaults that equal the fitted values."""

from __future__ import annotations

import math
import tomllib

import pytest
from conftest import ROOT, small

from sim.experiments import calibration as cal
from sim.experiments.targets import Target, load_targets, targets
from sim.model.params import Params, iter_fields

FITTED = ROOT / "calibration" / "fitted.toml"


def test_targets_cover_the_targets_file_except_the_vignette_kappa_and_add_the_responses():
    import tomllib as toml

    added = toml.loads((ROOT / "sim" / "data" / "responses.toml").read_text(encoding="utf-8"))["targets"]
    keys = {t.key for t in targets()}
    assert keys == (set(load_targets()) - {"interrater_kappa_placement"}) | set(added)
    assert {t.key for t in targets("response")} == {k for k, v in added.items() if v["kind"] == "response"}
    for t in targets():  # every arm is a validation scenario, every target has a source
        assert t.arm == "baseline" or (ROOT / "scenarios" / "validation" / f"{t.arm}.toml").is_file(), t.key
        assert t.source and t.tolerance > 0, t.key
    vt = next(t for t in targets() if t.key == "vt_reports_per_year")
    assert vt.value == pytest.approx(62000)  # child-related: half of all VT reports
    assert vt.tolerance == pytest.approx(6200)
    share = next(t for t in targets() if t.key == "raad_request_share")
    assert share.tolerance == pytest.approx(0.05)  # absolute tolerance


def test_normalised_error_and_loss():
    t = [Target("x", 100.0, 10.0, "", ""), Target("y", 0.5, 0.05, "", "")]
    z = cal.normalised_errors({"baseline": {"x": 115.0, "y": math.nan}}, t)
    assert z["x"] == pytest.approx(1.5)
    assert z["y"] == 10.0  # missing outcome counts as far off
    assert cal.loss(z) == pytest.approx(1.5**2 + cal.OUTSIDE_PENALTY * 0.5**2 + 100 + cal.OUTSIDE_PENALTY * 81)


def test_apply_keeps_integer_parameters_integer():
    p = cal.apply(Params(), {"initial.n_ots": 20500.0, "raad.request_threshold": 1.85})
    assert p.initial.n_ots == 20500 and isinstance(p.initial.n_ots, int)
    assert p.raad.request_threshold == 1.85


def test_free_parameters_exist_and_their_ranges_fit_the_bounds():
    fields = dict(iter_fields())
    for f in cal.FREE:
        assert f.name in fields, f.name
        lo = next((m.ge for m in fields[f.name].metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in fields[f.name].metadata if hasattr(m, "le")), None)
        assert (lo is None or f.low >= lo) and (hi is None or f.high <= hi), f
        assert f.why


def test_search_is_reproducible_and_starts_from_the_defaults():
    base = small(scale=0.003, years=3, warmup=1)  # 2015-2017: the shock arm (2017) fits in
    free = cal.FREE[:2]
    a = cal.calibrate(base, trials=3, reps=1, seed=5, free=free)
    b = cal.calibrate(base, trials=3, reps=1, seed=5, free=free)
    assert a.best == b.best
    assert a.trials["value"].tolist() == b.trials["value"].tolist()
    first = a.trials.iloc[0]
    assert first["params_raad.request_threshold"] == base.raad.request_threshold
    assert a.trials["value"].min() == pytest.approx(cal.loss(a.best_errors))
    text = tomllib.loads(a.to_toml())
    assert set(text) == {"meta", "fitted", "targets"}
    assert text["meta"]["trials"] == 3


def test_defaults_are_the_fitted_values():
    """The committed calibration result and the defaults in sim/params.py agree, and say so."""
    fitted = tomllib.loads(FITTED.read_text(encoding="utf-8"))
    defaults = Params().model_dump()
    fields = dict(iter_fields())
    for f in cal.FREE:
        section, key = f.name.split(".")
        assert defaults[section][key] == pytest.approx(fitted["fitted"][section][key]), f.name
        source = (fields[f.name].json_schema_extra or {}).get("source", "")
        assert "calibrated to targets.toml" in source, f.name


def test_validation_knows_which_seeds_the_fit_was_trained_on():
    """The fit trains on seeds of its own, so the default validation is a held-out check."""
    meta = tomllib.loads(FITTED.read_text(encoding="utf-8"))["meta"]
    defaults = Params()
    assert defaults.run.scale == meta["scale"] and defaults.run.seed != meta["run_seed"]
    assert cal.training_seed_overlap(defaults, 10) == 0  # held out
    trained = defaults.with_overrides({"run": {"seed": meta["run_seed"]}})
    assert cal.training_seed_overlap(trained, 10) == min(10, meta["reps"])
    assert cal.training_seed_overlap(trained, 3) == min(3, meta["reps"])
    assert cal.training_seed_overlap(trained, 1) == 0  # one run uses the scenario's own seed
    assert cal.training_seed_overlap(trained.with_overrides({"run": {"scale": 0.1}}), 10) == 0  # other runs
    assert cal.training_seed_overlap(trained.with_overrides({"run": {"warmup_years": 1}}), 10) == 0
    # a shorter or longer run repeats the training runs' years: still in-sample
    assert cal.training_seed_overlap(trained.with_overrides({"run": {"years": 4}}), 10) == min(10, meta["reps"])


@pytest.mark.parametrize("content", [None, "broken = [", "[fitted]\nx = 1\n", '[meta]\nscale = "a"\n'])
def test_a_missing_or_unreadable_fit_file_means_no_training_seeds(tmp_path, content):
    fitted = tmp_path / "fitted.toml"
    if content is not None:
        fitted.write_text(content, encoding="utf-8")
    trained = Params().with_overrides({"run": {"seed": 2026}})
    assert cal.training_seed_overlap(trained, 10, fitted=fitted) == 0
