"""The simulation and nothing else: parameters, the chain, its actors, and the tables a run yields.

Nothing here imports from :mod:`sim.experiments`, :mod:`sim.reports`, :mod:`sim.dashboard` or
:mod:`sim.cli` (``tests/test_architecture.py`` checks it). See ``docs/ARCHITECTURE.md``.
"""
