"""What a user reads: run, validation and sweep reports (HTML with plotly), charts and the one label table (EN/NL).

Imports the model and the experiments; never the dashboard or the CLI.
"""
