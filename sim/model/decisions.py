"""Pure decision functions: how a professional perceives a case and decides.

The mechanism follows the General Assessment and Decision-Making model (Baumann, Dalgleish)
read through signal detection theory (docs/MODEL.md section 3):

    perceived = (1 - anchoring) * (truth + case noise + occasion noise + personal bias)
                + anchoring * judgement already in the file
    act       = perceived > threshold + personal values offset + climate shift (+ pressure)

Every function takes arrays (or scalars) and a random generator and has no other state,
so the same functions serve Veilig Thuis's batch triage, one Raad investigation, and the
vignette experiment.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model.params import ContradictionParams, DecisionParams

FloatArray = NDArray[np.float64]


def case_noise_sd(decisions: DecisionParams, contradiction: ContradictionParams, instrument: ArrayLike) -> FloatArray:
    """Standard deviation of case-level information noise.

    A structured instrument cuts noise on content; the voice of parents, child and network
    cuts it further (better information). What a lawyer brings changes the file itself
    (:func:`correct_case_error`), not this noise.
    """
    sd = decisions.case_noise_sd * (1 - decisions.instrument_noise_reduction * np.asarray(instrument, float))
    return sd * (1 - contradiction.voice * 0.5)


def perceive(
    truth: ArrayLike,
    rng: np.random.Generator,
    *,
    noise_sd: ArrayLike,
    occasion_sd: float,
    bias: ArrayLike,
    prior: ArrayLike | None = None,
    anchoring: ArrayLike = 0.0,
    case_error: ArrayLike | None = None,
) -> FloatArray:
    """Perceived threat of one or many cases.

    Args:
        truth: true development threat.
        rng: the stream of the deciding actor.
        noise_sd: case-level noise sd (information quality).
        occasion_sd: occasion noise sd (the same person differs from day to day).
        bias: the professional's stable bias.
        prior: the judgement already in the file (``None`` for a first, independent look).
        anchoring: weight on ``prior`` in [0, 1].
        case_error: the case's standardised information error, shared by everyone who reads
            the same file (drawn fresh when ``None``); it is scaled by ``noise_sd``.

    """
    truth = np.asarray(truth, float)
    error = rng.normal(0.0, 1.0, truth.shape) if case_error is None else np.asarray(case_error, float)
    own = truth + error * noise_sd + rng.normal(0.0, occasion_sd, truth.shape) + bias
    if prior is None:
        return own
    weight = np.asarray(anchoring, float)
    return (1 - weight) * own + weight * np.asarray(prior, float)


def perceive_one(
    truth: float,
    rng: np.random.Generator,
    *,
    noise_sd: float,
    occasion_sd: float,
    bias: float,
    case_error: float,
    prior: float | None = None,
    anchoring: float = 0.0,
) -> float:
    """:func:`perceive` for one case with its file's error given, in plain floats.

    The per-case path of the event-driven actors; numpy's array machinery costs more than
    the arithmetic for a single case. Same formula, same draw (one occasion-noise normal).
    """
    own = truth + case_error * noise_sd + occasion_sd * float(rng.standard_normal()) + bias
    if prior is None:
        return own
    return (1 - anchoring) * own + anchoring * prior


def case_noise_sd_one(decisions: DecisionParams, contradiction: ContradictionParams, instrument: bool) -> float:
    """:func:`case_noise_sd` for one decision, in plain floats."""
    sd = decisions.case_noise_sd * (1 - decisions.instrument_noise_reduction * instrument)
    return sd * (1 - contradiction.voice * 0.5)


def correct_case_error(error: float, share: float, lawyers: int) -> float:
    """The file's information error after ``lawyers`` representatives each correct ``share`` of it.

    A lawyer for the parents (or the child) brings the family's facts into the file: the
    error shrinks toward the truth, and every later reader of the file shares the gain.
    """
    return error * (1 - share) ** lawyers


def refresh_case_error(error: float, rng: np.random.Generator, keep: float) -> float:
    """New information (an investigation) replaces part of the file's error, keeping its variance at 1."""
    return keep * error + math.sqrt(1 - keep**2) * rng.standard_normal()  # normal(0, 1) is the same draw


def exceeds(perceived: ArrayLike, threshold: ArrayLike, values: ArrayLike = 0.0, shift: ArrayLike = 0.0) -> NDArray[np.bool_]:
    """Whether perceived threat passes a threshold moved by personal values and climate."""
    return np.asarray(perceived) > np.asarray(threshold) + np.asarray(values) + np.asarray(shift)


def combine_independent(first: ArrayLike, second: ArrayLike) -> FloatArray:
    """Combine two independent judgements (contradiction): their mean halves the noise variance."""
    return (np.asarray(first, float) + np.asarray(second, float)) / 2


def placement_threshold(threshold: float, benefit_bias: float) -> float:
    """Placement threshold lowered by the overestimated benefit of placement (the decision without explicit weighing)."""
    return threshold - benefit_bias


def benefit_estimate(perceived: float, help_on_offer: float, care_exposure: float, error: float) -> float:
    """A professional's estimate of what care would do for the child: less threat in care than at home with help.

    ``perceived`` is the judged threat at home; ``help_on_offer`` the relief of the help
    the chain could give instead; ``care_exposure`` the threat the child would live with in
    care; ``error`` the estimate's own error (drawn by the caller).
    """
    return (perceived - help_on_offer) - (care_exposure + error)


def finds_voluntary_route(
    dialogue_skill: ArrayLike, perceived: ArrayLike, rng: np.random.Generator, *, midpoint: float
) -> NDArray[np.bool_]:
    """Whether parents and professional agree on a voluntary route (help or placement).

    Skilled dialogue finds a route more often; the more serious the perceived threat, the
    harder it is (logistic fall-off, half as likely at ``midpoint``).
    """
    perceived = np.asarray(perceived, float)
    p = np.asarray(dialogue_skill, float) / (1 + np.exp(2.0 * (perceived - midpoint)))
    return rng.random(perceived.shape) < p


def finds_voluntary_route_one(dialogue_skill: float, perceived: float, rng: np.random.Generator, *, midpoint: float) -> bool:
    """:func:`finds_voluntary_route` for one case, in plain floats (same formula, one draw)."""
    return rng.random() < dialogue_skill / (1 + math.exp(2.0 * (perceived - midpoint)))


def cohen_kappa(a: ArrayLike, b: ArrayLike) -> float:
    """Cohen's kappa between two binary raters."""
    a = np.asarray(a, bool)
    b = np.asarray(b, bool)
    observed = np.mean(a == b)
    pa, pb = a.mean(), b.mean()
    expected = pa * pb + (1 - pa) * (1 - pb)
    return float((observed - expected) / (1 - expected)) if expected < 1 else 1.0
