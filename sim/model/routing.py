"""Routing: every way a case passes from one actor to another, in one place.

Actors never call each other; they hand a case on through :class:`Routes`, so this module
is the map of the chain (docs/ARCHITECTURE.md draws it):

========================  ==========================================================
from                      to
========================  ==========================================================
reporters                 Veilig Thuis triage (a report); local-team intake (a request)
Veilig Thuis              local team (help); Raad (referral, with or without an
                          emergency order); closed
local team                home help; voluntary placement (care); Raad; closed
Raad                      court (OTS, OTS with placement, ending authority); local
                          team (referred back); guardians (measure goes on/ends); closed
court                     guardians (measure, guardianship); care (placement); local
                          team (refused: help, or review of a voluntary placement)
guardians                 care (placement, return home); court (placement request);
                          Raad (ending authority); home help; closed
care                      local team (reviews of voluntary placements)
========================  ==========================================================

It also holds what one actor reads of another: the Raad's and the guardians' waiting-list
pressure (workload), whether intensive home help has room, and the bars that are one norm along the chain but are
declared in one actor's parameter section (each named below with the reason it is shared).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from sim.model.params import Params

if TYPE_CHECKING:
    from sim.model.cases import Case
    from sim.model.chain import ChainModel

Request = Literal["ots", "ots_placement", "guardianship", "provisional", "placement"]
Source = Literal["vt", "local_team", "gi"]


class Routes:
    """The hand-offs between the chain's actors and the norms they share."""

    def __init__(self, chain: ChainModel, params: Params) -> None:
        """Route through ``chain``'s actors (which exist by the time a case moves)."""
        self._chain = chain
        self.retune(params)

    def retune(self, params: Params) -> None:
        """Take the shared norms from ``params`` (at the start, and when a timeline changes them)."""
        # One chain-wide norm of "voluntary help is warranted": VT's help threshold is also
        # the bar of the local team's intake and routing and of the Raad's referral back.
        self.help_bar = params.veilig_thuis.help_threshold
        # VT asks the Raad for a provisional order at the Raad's own emergency bar.
        self.emergency_bar = params.raad.emergency_threshold
        # A voluntary placement is ended by the local team at the bar guardians use for return home.
        self.reunify_bar = params.guardians.reunify_threshold
        # The Raad's authority investigation applies the GI's bar for ending authority.
        self.authority_bar = params.guardians.guardianship_threshold
        # Guardians ask the court for a placement when they expect the judge to grant it.
        self.placement_grant_bar = params.court.placement_grant_threshold
        # A guardian's guidance works like ordinary help from the local team.
        self.guidance_effect = params.local_team.help_effect
        # Voluntary placements are reviewed by the local team at the care section's interval.
        self.placement_review_months = params.care.voluntary_review_months

    # --- reports and requests -----------------------------------------------------------
    def to_triage(self, children: NDArray[np.intp]) -> None:
        """New reports go to Veilig Thuis's safety assessment."""
        self._chain.veilig_thuis.triage(children)

    def reported_again(self, children: NDArray[np.intp]) -> None:
        """New reports about children already in the chain reach whoever handles them (the local team's ordinary help)."""
        self._chain.local_team.reported_again(children)

    def to_intake(self, children: NDArray[np.intp]) -> None:
        """Families' own requests for help go to the local team's intake."""
        self._chain.local_team.intake(children)

    # --- voluntary help -----------------------------------------------------------------
    def to_help(self, case: Case) -> None:
        """Ordinary voluntary help from the local team."""
        self._chain.local_team.start_help(case)

    def to_home_help(self, case: Case) -> None:
        """The waiting list for intensive home help."""
        self._chain.local_team.offer_home_help(case)

    def help_on_offer(self, case: Case) -> float:
        """Threat relief of the best help at home the chain could give this child instead of care."""
        local_team = self._chain.local_team
        if not case.tried_home_help and local_team.home_help_available():
            return local_team.home_help_relief(case)
        return self.guidance_effect

    def placement_options(self, case: Case) -> tuple[float, float]:
        """For weighing alternatives: (relief of the help on offer at home, the threat the child would live with in care)."""
        return self.help_on_offer(case), self._chain.care.expected_exposure(case)

    def home_help_available(self) -> bool:
        """Whether intensive home help has room (professionals check before offering it)."""
        return self._chain.local_team.home_help_available()

    def to_placement_review(self, case: Case) -> None:
        """The local team reviews a voluntary placement now (a court refused a measure)."""
        self._chain.local_team.review_voluntary_placement(case)

    def schedule_placement_review(self, case: Case) -> None:
        """A voluntary placement began: the local team reviews it later."""
        self._chain.local_team.schedule_placement_review(case)

    def stop_placement_review(self, case: Case) -> None:
        """No review of a voluntary placement any more (it ended, or the Raad took it over)."""
        self._chain.local_team.reviews.clear(case.child)

    # --- the Raad and the court ---------------------------------------------------------
    def to_raad(self, case: Case, source: Source, *, emergency: bool = False, authority: bool = False) -> None:
        """A referral to the Raad (with a provisional order, or to investigate ending authority)."""
        self._chain.raad.refer(case, source, emergency=emergency, authority=authority)

    def raad_pressure(self) -> float:
        """How far the Raad's waiting list raises the bar of those who refer to it."""
        return self._chain.raad.pressure()

    def measure_pressure(self) -> float:
        """How far children waiting for a guardian raise the bars for a measure (Raad requests, judges' grants)."""
        return self._chain.guardians.pressure()

    def to_court(self, case: Case, request: Request) -> None:
        """A request to the juvenile court."""
        self._chain.court.file(case, request)

    # --- measures ---------------------------------------------------------------------------
    def start_measure(self, case: Case, *, authorise: bool, provisional: bool = False) -> None:
        """The court granted a (provisional) supervision order: the guardians take it on."""
        self._chain.guardians.start_measure(case, authorise=authorise, provisional=provisional)

    def start_guardianship(self, case: Case) -> None:
        """The court ended parental authority: a GI becomes guardian."""
        self._chain.guardians.start_guardianship(case)

    def resume_measure(self, case: Case) -> None:
        """The measure goes on to its next review (a request was refused or not made)."""
        self._chain.guardians.resume(case)

    def end_measure(self, case: Case) -> None:
        """The supervision order ends."""
        self._chain.guardians.end_measure(case)

    def back_from_home_help(self, case: Case) -> None:
        """Intensive home help under a measure ended: back to the guardian."""
        self._chain.guardians.back_from_home_help(case)

    # --- care -------------------------------------------------------------------------------
    def to_care(self, case: Case, *, court: bool) -> None:
        """A placement is decided; the child waits for a place."""
        self._chain.care.request(case, court=court)

    def end_placement(self, case: Case) -> None:
        """The child returns home from care."""
        self._chain.care.end_placement(case)

    # --- the end ----------------------------------------------------------------------------
    def close(self, case: Case, *, leaving: str = "reunified") -> None:
        """The chain lets go of the case: every actor releases what it holds."""
        self._chain.close_case(case, leaving=leaving)

    def close_many(self, cases: list[Case]) -> None:
        """:meth:`close` for a month's batch of cases (the chain saw the children and let them go)."""
        self._chain.close_cases(cases)
