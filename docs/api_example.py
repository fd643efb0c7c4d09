"""Ketensim from Python: scenarios and overrides, replications as DataFrames, a paired comparison, charts.

Run it from the repository (about 10 seconds: 0.2 % of the children, 2 years after 1 of warm-up)::

    .venv/bin/python docs/api_example.py --out results/api_example

``tests/test_api_example.py`` runs this file, so what it shows stays true. For real questions
use scale 0.005 or more and 10 replications (README, "Python API").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim import (
    ChainModel,
    ScenarioError,
    comparison_figure,
    figures,
    load_scenario,
    paired_differences,
    preset,
    replicate,
    yearly_figure,
)

SHOWN = ["ots_starts_per_year", "placements_started_per_year", "unwarranted_placements_per_year", "missed_children_per_year"]


def main(out: Path | None = None) -> pd.DataFrame:
    """Run the example; write its charts to ``out`` if given; return the paired differences."""
    # 1. A shipped scenario (preset() finds it in a checkout and in an installed package), made
    #    small with overrides: nested like a scenario file, validated like one.
    base = load_scenario(preset("baseline")).with_overrides({"run": {"scale": 0.002, "years": 2, "warmup_years": 1}})
    # a lever scenario applied on top of that base: same scale, years and seed
    contradiction = load_scenario(preset("more_contradiction"), base=base)

    # 2. Bad values are refused on every path with the key and the allowed range, as in a file.
    for attempt in (
        lambda: base.with_overrides({"run": {"scale": 5.0}}),
        lambda: base.model_copy(update={"run": base.run.model_copy(update={"scale": 5.0})}),
        lambda: ChainModel(base, raad__n_staf=1),  # section__field keywords: a typo is an error
    ):
        try:
            attempt()
        except ScenarioError as err:
            print("refused:", str(err).splitlines()[-1].strip())

    # 3. Replications: the seeds are spawned from run.seed, so both scenarios get the same ones
    #    (common random numbers) and every table is a DataFrame with replication and seed columns.
    a = replicate(base, 3)
    b = replicate(contradiction, 3)
    assert a.seeds == b.seeds
    print(a.summary()[["replication", "seed", *SHOWN]].to_string(index=False))
    yearly = a.table("yearly")  # also "monthly", "equity", "costs"
    print(yearly.groupby("year")[["ots_starts", "placements_court"]].mean())

    # 4. The paired comparison: B - A per outcome, a t-interval over the paired replications.
    diff = paired_differences(a, b)
    print(diff.set_index("outcome").loc[SHOWN, ["a_mean", "b_mean", "difference", "ci_low", "ci_high"]].round(1).to_string())

    # 5. Charts (plotly): the report's own, a yearly outcome with its range, the comparison.
    charts = {
        "sankey": figures(a)["sankey"],
        "ots_starts": yearly_figure({"baseline": a, "more contradiction": b}, "ots_starts"),
        "comparison": comparison_figure(diff, SHOWN),
    }
    if out is not None:  # in a notebook: charts["comparison"].show()
        out.mkdir(parents=True, exist_ok=True)
        for name, fig in charts.items():
            fig.write_html(out / f"{name}.html", include_plotlyjs="directory")  # one plotly.min.js beside them: offline
        print(f"charts: {', '.join(sorted(p.name for p in out.glob('*.html')))} in {out}")
    return diff


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the charts (HTML); none written if omitted")
    main(parser.parse_args().out)
