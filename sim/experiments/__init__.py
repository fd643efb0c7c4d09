"""What is done with the model: runs and replications, calibration, validation, vignettes, regression, sweeps.

Imports the model; never the reports, the dashboard or the CLI.
"""
