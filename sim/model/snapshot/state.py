"""Capture a running :class:`~sim.model.chain.ChainModel` between two months, and rebuild it.

Everything that decides what happens next is kept: the population arrays, the open cases
with their files, the queues and their tickets, the professionals and who holds which
case, the pending ends of investigations and hearings, the ledger so far, and every
random stream's state. Mesa's own parts (the clock, the agent registry, the event list
and the monthly step) are not written: the rebuilt model gets fresh ones set to the same
time, with the same agents under the same ids and the pending ends armed again. A model
rebuilt this way steps exactly as the original would have (``tests/test_snapshot.py``).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from mesa.time import EventGenerator, Priority, Schedule

from sim.model.chain import ChainModel
from sim.model.params import Params
from sim.model.snapshot.codec import Decoder, Encoder


def _mesa_owned() -> frozenset[str]:
    """Attributes Mesa's ``Model.__init__`` makes (the rebuilt model gets its own)."""
    return frozenset(vars(mesa.Model(rng=0)))


MESA_OWNED = _mesa_owned()


def capture(model: ChainModel) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The model's state as JSON-able data and the numpy arrays it refers to (by name).

    Raises:
        CodecError: the model holds something a snapshot cannot write (a lambda, a foreign object).

    """
    encoder = Encoder(model, MESA_OWNED, model.params)
    state = {
        "params": model.params.model_dump(mode="json", by_alias=True, exclude_none=True),
        "mesa": {
            "time": float(model.time),
            "steps": int(model.steps),
            "running": bool(model.running),
            "agent_id_counter": int(model.agent_id_counter),
            "random": list(model.random.getstate()),
            "rng": model.rng.bit_generator.state,
        },
        "model": encoder.root_state(),
    }
    return state, encoder.arrays


def restore(state: dict[str, Any], arrays: dict[str, np.ndarray]) -> ChainModel:
    """The model :func:`capture` saw, ready to step on.

    Raises:
        CodecError: the state names something this version cannot build.
        pydantic.ValidationError: its parameters are not valid parameters of this version.

    """
    params = Params.model_validate(state["params"])
    clock = state["mesa"]
    model = ChainModel.__new__(ChainModel)
    mesa.Model.__init__(model, rng=int(params.run.seed))
    # Mesa's monthly step starts at time 1; here it starts with the next month
    model._default_schedule.stop()
    model.time = clock["time"]
    model.steps = clock["steps"]
    model.running = clock["running"]
    model._default_schedule = EventGenerator(
        model, model._do_step, Schedule(interval=1.0, start=clock["time"] + 1.0), priority=Priority.HIGH
    ).start()
    version, internal, gauss = clock["random"]
    model.random.setstate((version, tuple(internal), gauss))
    model.rng.bit_generator.state = clock["rng"]

    decoder = Decoder(model, params, arrays)
    model.__dict__.update({k: decoder.decode(v) for k, v in state["model"].items()})
    # the agents, registered again under their own ids and in their order
    agents = sorted((a for a in decoder.built() if isinstance(a, mesa.Agent)), key=lambda a: a.unique_id)
    for agent in agents:
        model.agent_id_counter = agent.unique_id
        model.register_agent(agent)
    model.agent_id_counter = clock["agent_id_counter"]
    decoder.finish()  # the pending ends armed in the new event list
    return model
