"""Ketensim's interactive dashboard: ``ketensim dashboard`` or ``solara run dashboards/app.py``.

The page itself lives in :mod:`sim.dashboard.app` (controls, runs, views), so it is
installed with the package and tested like the rest of ``sim/``.
"""

from sim.dashboard.app import Page

page = Page
