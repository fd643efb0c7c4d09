"""A child's case in the chain: an object that exists while the chain is involved.

A case carries the file (the last judgement, which later professionals anchor on), its
legal history and at most one pending event (the end of the current investigation, help,
hearing or review). Actors schedule that event with :meth:`Case.due`; it joins the model's
:class:`~sim.model.events.PendingEnds`, which Mesa's event list fires at its time, and the case
then hands itself to the actor that owns the step.

A case is not a Mesa agent: it models no decision maker (the professionals who handle it
are agents), and Mesa's agent registry, unique ids and removal cost ~7 % of a run at
~95,000 cases opened and closed per simulated decade at scale 0.2
(``benchmarks/profile_groups.py``). Its ``unique_id`` comes from the model's own counter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.model.population import Legal, Setting, State

if TYPE_CHECKING:
    from sim.model.chain import ChainModel
    from sim.model.staff import Professional


class Case:
    """One child known to the chain (from a Veilig Thuis report to the case's closure)."""

    def __init__(self, model: ChainModel, child: int, case_error: float) -> None:
        """Open a case for child ``child`` whose file starts with information error ``case_error``."""
        self.model = model
        self.unique_id = model.n_cases_opened  # the queues and actors key their records by it
        self.child = child
        self.case_error = case_error  # standardised error of the information in the file
        self.judgement: float | None = None  # perceived threat in the file
        self.guardian: Professional | None = None
        self.court_placement = False  # placed by court order (vs voluntarily)
        self.placed_since: float | None = None
        self.tried_home_help = False
        self.help_rounds = 0
        self._pending: int | None = None  # number of the live entry in model.pending_ends
        self._handler: Callable[[Case], None] | None = None
        model.cases[child] = self
        model.n_cases_opened += 1

    # --- state, written through to the population arrays -------------------------------
    @property
    def state(self) -> State:
        """Where the child is in the chain."""
        # a plain int (IntEnum compares equal); building the enum costs more than the lookup,
        # and .item() returns the Python int without a numpy scalar in between
        return self.model.population.state.item(self.child)  # type: ignore[no-any-return]

    @state.setter
    def state(self, value: State) -> None:
        self.model.population.state[self.child] = value

    @property
    def legal(self) -> Legal:
        """The child's legal status."""
        return self.model.population.legal.item(self.child)  # type: ignore[no-any-return]

    @legal.setter
    def legal(self, value: Legal) -> None:
        self.model.population.legal[self.child] = value

    @property
    def setting(self) -> Setting:
        """Where the child lives."""
        return self.model.population.setting.item(self.child)  # type: ignore[no-any-return]

    @setting.setter
    def setting(self, value: Setting) -> None:
        self.model.population.setting[self.child] = value

    @property
    def truth(self) -> float:
        """The child's true development threat at home now (only the simulation knows it)."""
        return self.model.population.threat.item(self.child)  # type: ignore[no-any-return]

    @property
    def age_years(self) -> float:
        """The child's age in years."""
        return self.model.population.age_months.item(self.child) / 12

    def set_relief(self, relief: float) -> None:
        """Threat the current help removes from the child's home situation."""
        self.model.population.relief[self.child] = relief

    # --- the one pending event -----------------------------------------------------------
    def due(self, after_months: float, handler: Callable[[Case], None]) -> None:
        """Schedule ``handler(self)`` after ``after_months``, replacing any pending event."""
        self._handler = handler
        at = self.model.time + max(after_months, 1e-6)
        self._pending = self.model.pending_ends.add(at, self._fire)

    def _fire(self, number: int) -> None:
        if number != self._pending:
            return  # replaced or cancelled since it was scheduled
        handler, self._handler, self._pending = self._handler, None, None
        if handler is not None:
            handler(self)

    def cancel_event(self) -> None:
        """Cancel the pending event, if any."""
        self._pending = None
        self._handler = None

    def close(self) -> None:
        """The chain lets go of the child: back home, no measure, no help."""
        self.cancel_event()
        self.set_relief(0.0)
        self.state = State.HOME
        self.legal = Legal.NONE
        self.setting = Setting.HOME
        del self.model.cases[self.child]
        self.model.n_cases_closed += 1


def close_all(model: ChainModel, cases: list[Case], children: NDArray[np.intp]) -> None:
    """:meth:`Case.close` for many cases (``children`` their children, each once), the population written in arrays."""
    pop = model.population
    pop.relief[children] = 0.0
    pop.state[children] = State.HOME
    pop.legal[children] = Legal.NONE
    pop.setting[children] = Setting.HOME
    open_cases = model.cases
    for case in cases:
        case._pending = case._handler = None
        del open_cases[case.child]
    model.n_cases_closed += len(cases)
