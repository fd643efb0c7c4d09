"""What every actor of the chain has: its parameters, its random stream, and the chain's shared parts.

An actor is one organisation (Veilig Thuis, the local team, the Raad, the court, the GIs'
guardians, the care settings; the reporters before them). It decides with the chain's
:class:`~sim.model.judgement.Judgement`, counts in the :class:`~sim.model.ledger.Ledger`,
hands cases on through :class:`~sim.model.routing.Routes` (never by calling another actor),
and, when a case closes, :meth:`Actor.release` lets go of whatever it holds for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from sim.model.params import Section

if TYPE_CHECKING:
    from sim.model.cases import Case
    from sim.model.chain import ChainModel


P = TypeVar("P", bound=Section)


class Actor(Generic[P]):
    """Base of the chain's actors: one parameter section and one random stream (of the same name by default)."""

    section: ClassVar[str]  # its parameter section in Params (and its random stream, unless `stream` says otherwise)
    stream: ClassVar[str | None] = None

    def __init__(self, chain: ChainModel) -> None:
        """Take the actor's parameters and stream, and the chain's judgement, ledger and routes."""
        self.chain = chain
        self.p: P = getattr(chain.params, self.section)
        self.rng = chain.streams[self.stream or self.section]
        self.judgement = chain.judgement
        self.ledger = chain.ledger
        self.routes = chain.routes

    def step(self) -> None:
        """Do the month's work (step 5 of :meth:`ChainModel.step`); nothing by default."""

    def release(self, case: Case, leaving: str) -> None:
        """Let go of everything held for a case that closes (places, waiting lists, pending reviews).

        Args:
            case: the closing case.
            leaving: why the child leaves the chain: ``reunified`` (back home, or the measure
                ended), ``majority`` (turned 18) or ``foster_guardianship`` (the foster parents
                became the guardians).

        """
