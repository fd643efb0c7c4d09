"""The Solara dashboard: the page (:mod:`.app`), controls generated from the parameters, background runs, the server.

``dashboards/app.py`` and ``dashboards/step.py`` are the thin entry points Solara runs.
"""
