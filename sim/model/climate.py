"""Risk-rule reflex (regelreflex): the chain's climate after publicised incidents.

After a child known to the chain is badly harmed and it reaches the news, every
professional acts sooner (thresholds fall); after a scandal of wrongful placements, later
(thresholds rise). The shift decays with a half-life. Positive climate = more reticent.
"""

from __future__ import annotations

import numpy as np

from sim.model.params import RegelreflexParams


class Climate:
    """The system-wide threshold shift."""

    def __init__(self, params: RegelreflexParams, rng: np.random.Generator) -> None:
        """Start in a neutral climate."""
        self.p = params
        self.rng = rng
        self.shift = 0.0
        self.decay = 0.5 ** (1 / params.half_life_months)

    def on_month(self, year: int, month: int) -> int:
        """Decay the shift and apply incidents scheduled for this January; return their number."""
        self.shift *= self.decay
        n = 0
        if month == 0:
            for incident in self.p.incidents:
                if incident.year == year:
                    self.incident(incident.kind)
                    n += 1
        return n

    def publicise(self, n_harmed_known: int) -> int:
        """Harm to children known to the chain may reach the news; return incidents triggered."""
        n = int(self.rng.binomial(n_harmed_known, self.p.p_publicised)) if n_harmed_known else 0
        for _ in range(n):
            self.incident("harm")
        return n

    def incident(self, kind: str) -> None:
        """A publicised incident shifts the climate."""
        self.shift += -self.p.strength if kind == "harm" else self.p.strength
