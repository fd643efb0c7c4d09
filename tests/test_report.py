"""The run and comparison reports an analyst can send: header, how to read it, labelled tables and charts, no nan."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import small

from sim import __version__
from sim.experiments.runs import Replications, paired_differences, replicate
from sim.model.params import Params
from sim.reports import comparison
from sim.reports.charts import figures
from sim.reports.page import Scenario
from sim.reports.run import build_report

BASELINE = Scenario("baseline", "scenarios/baseline.toml", "The Netherlands as it is")
LEVER = {"contradiction": {"second_assessor_share": 1.0, "legal_aid_share": 1.0}}


class _Text(HTMLParser):
    """The text a reader sees (no scripts or styles), and every table as rows of cells."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def headers(self) -> list[str]:
        """The first row of every table."""
        return [c for t in self.tables if t for c in t[0]]

    @property
    def cells(self) -> list[str]:
        """Every cell below a table's first row."""
        return [c for t in self.tables for row in t[1:] for c in row]

    def table(self, first_header: str) -> list[list[str]]:
        """The rows below the header of the table whose first column is ``first_header``."""
        return next(t[1:] for t in self.tables if t and t[0][0] == first_header)


def _read(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


def _words(seen: _Text) -> str:
    """The visible text with runs of white space as one space."""
    return re.sub(r"\s+", " ", "".join(seen.text))


@pytest.fixture(scope="module")
def two() -> Replications:
    return replicate(small(scale=0.003, years=2, warmup=1), 2)


@pytest.fixture(scope="module")
def one() -> Replications:
    return replicate(small(scale=0.003, years=2, warmup=1), 1)


def _no_nan_and_whole_counts(seen: _Text) -> None:
    text = _words(seen)
    assert not re.search(r"\bnan\b", text, re.IGNORECASE), "a nan is shown"
    assert not re.search(r"\d,\d{3}\.\d", text), "a count with decimals is shown (64,054.000)"


def test_the_run_report_says_what_was_run(two: Replications) -> None:
    scenario = Scenario("more_contradiction", "scenarios/more_contradiction.toml", "More contradiction")
    params = two.params.with_overrides(LEVER)
    page = build_report(Replications(params, two.seeds, two.runs), "Ketensim: more_contradiction", scenario)
    text = _words(_read(page))
    assert f"Ketensim {__version__}" in text
    assert "more_contradiction" in text and "scenarios/more_contradiction.toml" in text and "More contradiction" in text
    assert "contradiction.second_assessor_share = 1.0" in text and "contradiction.legal_aid_share = 1.0" in text
    assert all(str(seed) in text for seed in two.seeds) and f"scenario seed {params.run.seed}" in text
    assert "0.3 % of the Dutch children" in text and "2016-2017" in text
    assert "Dutch figure [source]" not in text, "a lever scenario gets no Dutch-figure column"


def test_the_run_report_tells_how_to_read_it_and_how_uncertain_the_errors_are(two: Replications) -> None:
    seen = _read(build_report(two, "Ketensim: baseline", BASELINE))
    text = _words(seen)
    assert "How to read this" in text and "Errors against the truth" in text
    assert "spread over 2 replications (2.5-97.5 percentiles)" in text
    assert re.search(r"Unwarranted placements: [\d,]+ a year \([\d,]+ at the strict edge of the truth band to [\d,]+", text)
    assert "Dutch figure [source]" in seen.headers
    assert "Sources" in text and "CBS" in text
    _no_nan_and_whole_counts(seen)


def test_the_summary_table_uses_human_labels_and_units(two: Replications) -> None:
    seen = _read(build_report(two, "Ketensim: baseline", BASELINE))
    assert next(t[0] for t in seen.tables if t[0][0] == "Outcome") == [
        "Outcome",
        "Unit",
        "Mean",
        "Spread over 2 replications (2.5-97.5 percentiles)",
        "Dutch figure [source]",
    ]
    by_id = {r[0].split()[-1]: r for r in seen.table("Outcome")}
    ots = by_id["ots_starts_per_year"]
    assert ots[0].startswith("Supervision orders started (OTS)") and ots[1] == "per year, national"
    assert re.fullmatch(r"[\d,]+", ots[2]) and re.fullmatch(r"[\d,]+ – [\d,]+", ots[3]) and ots[4].endswith("[5]")
    assert by_id["court_share_of_placements"][2].endswith(" %")
    assert "home_help_trial_effect_g" not in by_id, "outcomes undefined in the scenario are left out of the table"


def test_one_replication_shows_no_interval_and_no_nan(one: Replications) -> None:
    seen = _read(build_report(one, "Ketensim: baseline", BASELINE))
    text = _words(seen)
    assert "one replication: no interval" in text.lower()
    assert "–" in seen.cells
    _no_nan_and_whole_counts(seen)


def test_every_chart_has_a_title_axis_titles_and_a_band_over_replications(two: Replications) -> None:
    figs = figures(two)
    assert {"sankey", "stocks", "flows", "bermuda", "wellbeing", "outcomes", "waiting", "costs"} <= set(figs)
    for name, fig in figs.items():
        assert fig.layout.title.text, name
        if name == "sankey":
            continue
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text, name
        assert any(
            getattr(t, "fill", None) == "toself" or getattr(t, "error_y", None) and t.error_y.array is not None for t in fig.data
        ), f"{name} has no band over replications"
    assert "national" in figs["flows"].layout.yaxis.title.text and "million euro" in figs["costs"].layout.yaxis.title.text


def test_charts_of_one_replication_have_no_band(one: Replications) -> None:
    assert not any(getattr(t, "fill", None) == "toself" for t in figures(one)["flows"].data)


def test_dutch_figures_carry_their_year_and_source_number(two: Replications) -> None:
    notes = [a.text for a in figures(two)["flows"].layout.annotations]
    assert len(notes) == 4 and all(re.search(r"Dutch figure 2022, .*: [\d,]+ \[\d+\]", n) for n in notes)
    waiting = [a.text for a in figures(two)["waiting"].layout.annotations]
    assert any("Jan 2024" in n for n in waiting)


def test_the_sankey_is_labelled_with_numbers_and_dutch_terms(two: Replications) -> None:
    labels = figures(two)["sankey"].data[0].node.label
    assert all(re.search(r": [\d,]+$", n) for n in labels)
    assert any("Raad voor de Kinderbescherming" in n for n in labels)
    assert any("Raad voor de Kinderbescherming" in n for n in figures(two, "nl")["sankey"].data[0].node.label)


def test_the_report_works_offline(two: Replications) -> None:
    page = build_report(two, "Ketensim: baseline", BASELINE)
    assert not re.search(r"<script[^>]+src=", page) and "<link" not in page


@pytest.fixture(scope="module")
def pair(two: Replications) -> tuple[Replications, Replications]:
    b = replicate(two.params.with_overrides(LEVER), 2)
    return two, b


def test_the_comparison_report_has_overall_and_yearly_paired_differences(pair: tuple[Replications, Replications]) -> None:
    a, b = pair
    scenario_b = Scenario("contra", "contra.toml", "more contradiction")
    seen = _read(comparison.build(a, b, BASELINE, scenario_b))
    text = _words(seen)
    assert f"Ketensim {__version__}" in text and "A: Scenario" in text and "B: Scenario" in text
    assert "contradiction.second_assessor_share = 1.0" in text and "more contradiction" in text
    assert "Overall" in text and "By year" in text and "common random numbers" in text
    assert "95 % interval of the paired difference, 2 paired replications (same seeds)" in seen.headers
    _no_nan_and_whole_counts(seen)
    by_year = comparison.yearly_differences(a, b)
    assert set(by_year["year"]) == {2016, 2017} and by_year["ci_low"].le(by_year["difference"]).all()
    diff = paired_differences(a, b).set_index("outcome")
    row = next(r for r in seen.table("Outcome") if r[0].endswith("ots_starts_per_year"))
    assert row[4] in (f"{diff.loc['ots_starts_per_year', 'difference']:+,.0f}", "0")


def test_a_comparison_figure_gives_each_outcome_its_own_scale(pair: tuple[Replications, Replications]) -> None:
    a, b = pair
    fig = comparison.overview_figure(paired_differences(a, b), 2)
    assert len(fig.data) == len(comparison.HEADLINE) and fig.layout.title.text.startswith("B − A per outcome")
    assert fig.layout.xaxis2.title.text  # each panel its own axis and unit


def test_paired_comparison_of_one_replication_shows_no_nan(one: Replications) -> None:
    b = Replications(one.params, one.seeds, one.runs)
    _no_nan_and_whole_counts(_read(comparison.build(one, b, BASELINE, BASELINE)))


def test_default_params_have_no_overrides() -> None:
    from sim.reports.page import overrides

    assert overrides(Params()) == []
    assert overrides(Params().with_overrides({"raad": {"n_staff": 100}, "run": {"seed": 4}})) == [("raad.n_staff", 100)]
