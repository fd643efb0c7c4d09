"""The vignette experiment: several simulated professionals judge the same cases independently.

Real studies give professionals the same case files (vignettes) and find low agreement:
Cohen's kappa ~0.3 on intervention/placement decisions (Kang & Poertner 2006; Bolton et al.
2021; Bartelink et al.: instruments barely help). Their vignettes are *investigated* cases:
Kang & Poertner's "were developed based on actual cases investigated by the agency",
Schuerman, Rossi & Budde (1999) drew theirs from child-protection investigations, Vial et
al. (2019) from cases handled by Veilig Thuis and a GI. So here the vignettes are the cases
under investigation at Veilig Thuis or in a Raad protection investigation during a run (each
taken once, as it was when first seen there), and the raters are the model's own Raad
investigators, each with their bias and values. All read the same file (its shared
information error) and each judges on their own (occasion noise).

Each rater takes the two decisions the chain takes for a child at home: a measure (the
Raad's request bar) and a placement. A child at home is placed by the chain when the judged
threat passes either the bar for acute danger (a provisional order) or the bar for a
placement request at the end of the investigation (lowered by the overestimated benefit of
placement), so the placement decision is the lower of the two bars.

Four conditions: with or without a structured instrument, and with or without anchoring on
the judgement already in the file. The "as in the model" condition (instrument use at the
model's rate, no anchoring: independent judgement) is the one compared with the target.
Agreement among raters is not accuracy: the report also gives agreement with the truth.
"""

from __future__ import annotations

import itertools
import math

import krippendorff
import numpy as np
import pandas as pd

from sim.experiments.runs import gc_paused
from sim.model import decisions as dec
from sim.model.chain import ChainModel
from sim.model.params import Params
from sim.model.population import State
from sim.model.rng import stream

CONDITIONS = {
    "as in the model (independent)": (None, False),
    "no instrument, independent": (False, False),
    "instrument, independent": (True, False),
    "no instrument, anchored on the file": (False, True),
    "instrument, anchored on the file": (True, True),
}
MODEL_CONDITION = "as in the model (independent)"
# Months before cases are taken as vignettes: the run starts from seeded stocks, and its first
# year's investigations are not yet the chain's own mix (assumption: one year, as the warm-up
# of a run is a few years).
SETTLING_MONTHS = 12
# As many raters as Kang & Poertner (2006), whose kappa of 0.29 is the target. With 20, one seed's
# kappa varied with an sd of ~0.04 (which 20 of the Raad's investigators were drawn); with 41, ~0.02.
RATERS = 41


def investigated_cases(model: ChainModel, months: int) -> pd.DataFrame:
    """Run ``model`` for ``months`` months and collect the cases under investigation after the settling year.

    A case counts once, as it was the first month it was seen at Veilig Thuis or in a Raad
    protection investigation (waiting or under way): its true threat, its file's shared
    information error and the judgement already in its file (NaN when none yet).
    """
    seen: dict[int, tuple[float, float, float]] = {}
    authority = model.raad.authority_cases
    with gc_paused():
        for month in range(months):
            model.step()
            if month < min(SETTLING_MONTHS, months - 1):
                continue
            for child, case in model.cases.items():
                if child in seen:
                    continue
                state = case.state
                if state == State.VT or (state == State.RAAD and case.unique_id not in authority):
                    prior = math.nan if case.judgement is None else case.judgement
                    seen[child] = (case.truth, case.case_error, prior)
    frame = pd.DataFrame.from_dict(seen, orient="index", columns=["truth", "case_error", "prior"])
    return frame.sort_index()


def _light_kappa(decisions: np.ndarray) -> float:
    """Mean Cohen's kappa over all pairs of raters (Light's kappa); rows are raters."""
    pairs = itertools.combinations(range(len(decisions)), 2)
    values = [dec.cohen_kappa(decisions[i], decisions[j]) for i, j in pairs]
    return float(np.mean(values)) if values else math.nan


def _alpha(ratings: np.ndarray, level: str) -> float:
    """Krippendorff's alpha (raters x units); NaN when every rating is the same."""
    if np.all(ratings == ratings.flat[0]):
        return math.nan
    return float(krippendorff.alpha(reliability_data=ratings.astype(float), level_of_measurement=level))


def vignette_experiment(params: Params, *, cases: int = 5000, raters: int = RATERS, months: int = 36) -> pd.DataFrame:
    """Agreement among ``raters`` professionals on ``cases`` vignettes, per condition.

    Args:
        params: the parameters (thresholds, noise, staff traits); ``run.scale`` sets the
            pool of cases the vignettes are drawn from.
        cases: number of vignettes (fewer if the run investigated fewer cases).
        raters: number of professionals, drawn without replacement from the Raad staff.
        months: months to run; the cases under investigation after the first
            ``SETTLING_MONTHS`` are the pool the vignettes are drawn from.

    Returns:
        One row per condition: Light's kappa and Krippendorff's alpha on the measure and the
        placement decision, alpha on the three-level decision (none / measure / placement),
        agreement with the truth (accuracy and kappa against the decision the true threat
        warrants), and the share deciding for placement.

    """
    model = ChainModel(params)
    pool = investigated_cases(model, months)
    rng = stream(params.run.seed, "vignettes")
    chosen = np.sort(rng.choice(len(pool), size=min(cases, len(pool)), replace=False))
    truth = pool["truth"].to_numpy()[chosen]
    case_error = pool["case_error"].to_numpy()[chosen]
    prior = pool["prior"].to_numpy()[chosen]
    has_prior = np.isfinite(prior)  # the first look writes the file's judgement; guard a case without one
    staff = model.raad.staff
    who = rng.choice(len(staff), size=min(raters, len(staff)), replace=False)
    d, c, pop = params.decisions, params.contradiction, params.population
    # a child at home is placed at the lower of the acute-danger bar and the placement-request bar
    # (without explicit weighing), as in the chain (sim/model/actors/raad.py, veilig_thuis.py)
    place_at = min(
        params.raad.emergency_threshold,
        dec.placement_threshold(params.raad.placement_request_threshold, d.placement_benefit_bias),
    )
    truly_measure, truly_place = truth > pop.serious_threshold, truth > pop.placement_threshold

    rows = []
    for name, (instrument, anchored) in CONDITIONS.items():
        draws = stream(params.run.seed, f"vignettes/{name}")  # every condition sees the same vignettes and raters
        measure, place = [], []
        for r in who:
            used = draws.random(len(chosen)) < d.instrument_use if instrument is None else np.full(len(chosen), instrument)
            seen = dec.perceive(
                truth,
                draws,
                noise_sd=dec.case_noise_sd(d, c, used),
                occasion_sd=d.occasion_noise_sd,
                bias=staff.bias[r],
                case_error=case_error,
                prior=np.where(has_prior, prior, 0.0) if anchored else None,
                anchoring=np.where(has_prior, d.anchoring, 0.0),
            )
            measure.append(dec.exceeds(seen, params.raad.request_threshold, staff.values[r]))
            place.append(dec.exceeds(seen, place_at, staff.values[r]))
        m, p = np.array(measure), np.array(place)
        level = m.astype(int) + (m & p).astype(int)  # 0 none, 1 measure, 2 measure with placement
        rows.append(
            {
                "condition": name,
                "vignettes": len(chosen),
                "raters": len(who),
                "kappa_measure": _light_kappa(m),
                "kappa_placement": _light_kappa(p),
                "alpha_measure": _alpha(m, "nominal"),
                "alpha_placement": _alpha(p, "nominal"),
                "alpha_three_levels": _alpha(level, "ordinal"),
                "accuracy_placement": float(np.mean(p == truly_place)),
                "kappa_truth_placement": float(np.mean([dec.cohen_kappa(row, truly_place) for row in p])),
                "accuracy_measure": float(np.mean(m == truly_measure)),
                "share_placement": float(p.mean()),
                "share_measure": float(m.mean()),
            }
        )
    return pd.DataFrame(rows)
