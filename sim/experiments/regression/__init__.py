"""Regression checks: the stored baselines (:mod:`.store`) and how runs are compared with them (:mod:`.compare`)."""
