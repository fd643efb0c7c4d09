"""Snapshots: a run's complete state at a month, saved safely and continued later (``ketensim snapshot``, ``run --from``)."""
