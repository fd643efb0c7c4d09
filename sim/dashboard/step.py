"""Step-through mode: Mesa's SolaraViz (play / step / reset) on the chain, month by month.

SolaraViz rebuilds the model on Reset as ``model_class(**model_params)``, so a small
subclass takes a preset name and the run settings and builds the validated ``Params``
itself (the seed coerced to ``int``: a typed seed arrives as text, mesa/mesa#3516). The
views read the model's monthly statistics and call ``update_counter.get()``, or SolaraViz
would never refresh them.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.dashboard.controls import DASHBOARD_SCALE, DEFAULT_PRESET, presets, resolve
from sim.model.chain import ChainModel
from sim.reports.run import lines


class StepModel(ChainModel):
    """The chain model built from a preset, a seed and a scale (what Reset passes)."""

    def __init__(self, preset: str = DEFAULT_PRESET, seed: int = 20221, scale: float = DASHBOARD_SCALE, **kwargs: object) -> None:
        """Build the chain for ``preset`` (a file in ``scenarios/``) at ``scale`` with ``seed``."""
        super().__init__(resolve(preset, {"run.seed": int(seed), "run.scale": float(scale)}))


def _monthly(model: ChainModel) -> pd.DataFrame:
    frame = pd.DataFrame(model.ledger.monthly)
    if frame.empty:
        return frame
    counts = [c for c in frame.columns if c.startswith("n_")]
    frame[counts] = frame[counts] / model.params.run.scale  # national, as everywhere else
    return frame


def _by_month(fig: go.Figure) -> go.Figure:
    fig.update_layout(xaxis_title="month since the start of the warm-up", legend={"orientation": "h", "y": -0.25})
    return fig


@solara.component
def Stocks(model: ChainModel) -> None:
    """Running measures and children in care, month by month (warm-up included)."""
    update_counter.get()
    frame = _monthly(model)
    solara.Markdown(
        f"**Month {model.steps} of {model.months_total}** (the first {model.params.run.warmup_years} years are warm-up)"
    )
    if frame.empty:
        return
    cols = {"n_ots": "running OTS", "n_guardianship": "running guardianships", "n_placed": "children in care"}
    solara.FigurePlotly(_by_month(lines(frame, "time", cols, "Stocks, month by month (national)")))


@solara.component
def Waiting(model: ChainModel) -> None:
    """Waiting lists, month by month."""
    update_counter.get()
    frame = _monthly(model)
    if frame.empty:
        return
    cols = {
        "n_waiting_raad": "waiting for the Raad",
        "n_waiting_guardian": "waiting for a guardian",
        "n_waiting_placement": "waiting for a place",
        "n_waiting_home_help": "waiting for intensive home help",
    }
    solara.FigurePlotly(_by_month(lines(frame, "time", cols, "Waiting lists, month by month (national)")))


MODEL_PARAMS = {
    "preset": {"type": "Select", "value": DEFAULT_PRESET, "values": list(presets()), "label": "Scenario preset"},
    "seed": {"type": "InputText", "value": 20221, "label": "Seed"},
    "scale": {"type": "SliderFloat", "value": DASHBOARD_SCALE, "min": 0.001, "max": 0.02, "step": 0.001, "label": "Scale"},
}


def step_page() -> solara.Element:
    """The SolaraViz page (a fresh model per call)."""
    return SolaraViz(
        StepModel(),
        components=[(Stocks, 0), (Waiting, 0)],
        model_params=MODEL_PARAMS,
        name="Ketensim: the chain month by month",
        play_interval=150,
    )
