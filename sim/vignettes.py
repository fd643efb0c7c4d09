"""Inter-rater agreement: two simulated professionals judge the same cases independently.

The decision noise is calibrated so that two professionals who read the same file agree
about as little as real ones do (Cohen's kappa ~0.3 on intervention/placement decisions:
Kang & Poertner 2006; Bolton et al. 2021). The "vignettes" are the cases the chain actually
holds after a short run, so the mix of easy and hard cases is the model's own. Both
professionals read the same file (shared information error) and neither sees the other's
judgement (no anchoring). This is the check behind the decision defaults; issue #3 extends
it (more raters, Krippendorff's alpha, instruments, anchoring).
"""

from __future__ import annotations

import numpy as np

from sim import decisions as dec
from sim.experiments import gc_paused
from sim.model import ChainModel
from sim.params import Params
from sim.rng import stream


def agreement(params: Params, *, months: int = 36, pairs: int = 4) -> dict[str, float]:
    """Cohen's kappa between two Raad investigators on 'request a measure' and 'ask for placement'.

    Args:
        params: the parameters (run.scale sets how many vignettes there are).
        months: months to run before taking the open cases as vignettes.
        pairs: independent pairs of professionals per vignette (more pairs, steadier kappa).

    """
    with gc_paused():
        model = ChainModel(params)
        for _ in range(months):
            model.step()
    children = np.array(sorted(model.cases), dtype=np.intp)
    truth = model.population.threat[children].astype(float)
    d, c = params.decisions, params.contradiction
    staff = model.raad.staff
    rng = stream(params.run.seed, "vignettes")
    place_at = dec.placement_threshold(params.raad.placement_request_threshold, d.placement_benefit_bias, c.weigh_alternatives)
    measure_a, measure_b, place_a, place_b = [], [], [], []
    for _ in range(pairs):
        case_error = rng.normal(0.0, 1.0, len(children))  # the file both read
        for measure, place in ((measure_a, place_a), (measure_b, place_b)):
            who = staff.pick_many(rng, len(children))
            noise = dec.case_noise_sd(d, c, rng.random(len(children)) < d.instrument_use)
            seen = dec.perceive(
                truth, rng, noise_sd=noise, occasion_sd=d.occasion_noise_sd, bias=staff.bias[who], case_error=case_error
            )
            measure.append(dec.exceeds(seen, params.raad.request_threshold, staff.values[who]))
            place.append(dec.exceeds(seen, place_at, staff.values[who]))
    kappa_measure = dec.cohen_kappa(np.concatenate(measure_a), np.concatenate(measure_b))
    kappa_place = dec.cohen_kappa(np.concatenate(place_a), np.concatenate(place_b))
    return {
        "n_vignettes": float(len(children)),
        "kappa_measure": kappa_measure,
        "kappa_placement": kappa_place,
        "kappa_mean": (kappa_measure + kappa_place) / 2,
        "share_measure": float(np.mean(np.concatenate(measure_a))),
        "share_placement": float(np.mean(np.concatenate(place_a))),
    }
