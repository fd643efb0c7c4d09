"""A plotly chart whose data is part of its widget's state, so a browser of any pace draws it.

Solara's ``FigurePlotly`` makes an empty ``FigureWidget`` and then adds the traces and the
layout in an effect. plotly sends those as one-off messages (a trait set and reset at once),
which only a view that already listens receives: when the browser builds the chart's view
after they arrive (a busy browser, ten tabs on two cores), the chart stays an empty frame for
good (the load test saw that in 1 of 10 tabs). Here each figure builds a new widget with the
data and layout in its constructor, in the state every new view starts from.
"""

from __future__ import annotations

import itertools
from typing import Any

import plotly.graph_objects as go
import solara

_builds = itertools.count()  # a new figure gets a new key: a new widget, not messages to the old one


class FigureFrom(go.FigureWidget):
    """A ``FigureWidget`` built from one figure, which it keeps for its life.

    Why not ``FigureWidget(data=..., layout=...)`` as an element: reacton sets an element's
    arguments on its widget again at every render, and plotly refuses traces that are not
    the widget's own copies. ``figure`` set again to the same figure changes nothing.
    """

    def __init__(self, figure: go.Figure, **kwargs: Any) -> None:
        super().__init__(data=figure.data, layout=figure.layout, **kwargs)
        self._figure = figure

    @property
    def figure(self) -> go.Figure:
        """The figure this widget was built from."""
        return self._figure

    @figure.setter
    def figure(self, figure: go.Figure) -> None:
        if figure is not self._figure:
            raise ValueError("a FigureFrom shows one figure: make a new widget (a new key) for another")


@solara.component
def Chart(fig: go.Figure) -> None:
    """``fig`` as a plotly widget that holds its data from the start."""
    # keyed inside a container, whose children reacton matches by key: a new figure, a new widget
    widget = solara.use_memo(lambda: FigureFrom.element(figure=fig).key(f"chart-{next(_builds)}"), dependencies=[fig])
    solara.Div(children=[widget])
