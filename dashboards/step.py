"""Step-through mode: watch the chain month by month (``solara run dashboards/step.py``).

Play, step and reset come from Mesa's SolaraViz; the page lives in :mod:`sim.dashboard.step`.
"""

from sim.dashboard.step import step_page

page = step_page()
