"""The dashboard without a browser: the page rendered with solara.render, its runs and exports."""

from __future__ import annotations

import runpy
import threading
import time
import tomllib
import uuid
from pathlib import Path

import ipyvuetify as v
import plotly.graph_objects as go  # noqa: F401  (before BaseFigureWidget: plotly sets its widgets up on import)
import pytest
import solara
from plotly.basewidget import BaseFigureWidget
from solara.server import kernel
from solara.server.kernel_context import VirtualKernelContext

from sim.cli import build_parser, main
from sim.cli import runs as runs_cli
from sim.dashboard import app
from sim.dashboard import controls as dp
from sim.dashboard import runs as dr
from sim.model.params import Params, ScenarioError, iter_fields, load_scenario

TINY = {"run.scale": 0.002, "run.years": 2, "run.seed": 11}  # a run of about a second


@pytest.fixture
def dash(monkeypatch):
    """The page in a fresh Solara session (its own reactive state and tasks), on tiny runs."""
    monkeypatch.setattr(app, "OPENING", dict(TINY))  # the opening baseline: a tiny run too, cached after the first
    prefill_baseline()
    context = _new_session()
    before = set(threading.enumerate())
    try:
        with context:
            yield _render_page(before)
    finally:
        # a page's task that ends after its session closed would render into closed widgets
        join_page_threads(before)
        with context:
            context.close()


def _new_session() -> VirtualKernelContext:
    """A fresh Solara session (kernel context)."""
    # a unique id: Solara keys its per-session state by it, and a closed session's listeners must not see ours
    return VirtualKernelContext(id=uuid.uuid4().hex, kernel=kernel.Kernel(), session_id=uuid.uuid4().hex)


def _render_page(before: set[threading.Thread]):
    """The page on tiny runs, rendered in the current session, once its opening baseline has landed."""
    app.edits.set(dict(TINY))
    app.rejected.set({})
    app.preset.set(dp.DEFAULT_PRESET)
    _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    # the opening baseline comes in on a thread of its own and re-renders the page: let it land first, so
    # each test starts from a settled page (typing that races a render: test_text_typed_into_a_box_survives…)
    join_page_threads(before)
    return rc


def join_page_threads(before: set[threading.Thread], timeout: float = 60) -> None:
    """Wait for the page's task threads started since ``before`` (the opening baseline's, a run's) to end."""
    for thread in set(threading.enumerate()) - before:
        if "<lambda>" in thread.name:  # Solara's task threads, not the pool's own
            thread.join(timeout)


def prefill_baseline() -> None:
    """The opening baseline in the server's cache, run here: a test's own runs then have the pool to themselves."""
    params = app.opening_params()
    dr.shared_baseline(params, lambda: app.Done(params, dr.simulate(params), baseline=True))


def _button(rc, text: str):
    return rc.find(v.Btn, children=[text]).widget


def _click_and_wait(rc, text: str, task, timeout: float = 120) -> None:
    """Click a button that starts a task; return when its thread (which also re-renders the page) has ended."""
    before = set(threading.enumerate())
    _button(rc, text).click()
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, threading._DummyThread):  # started outside threading (foreign callbacks): cannot be joined
            continue
        thread.join(timeout)
        assert not thread.is_alive(), "run did not finish"
    assert task.finished, (task.error, task.exception)


def _wait(condition, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds (the page's background threads render on their own)."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def _texts(rc) -> str:
    """Every text the page shows in widgets (labels, texts, HTML)."""
    out = []
    for w in rc.find(v.Html).widgets + rc.find(v.Alert).widgets:
        out.append(str(w.children))
    for w in rc.find(v.TextField).widgets + rc.find(v.Slider).widgets:
        out.append(str(w.label))
    import ipywidgets

    out += [str(w.value) for w in rc.find(ipywidgets.HTML).widgets]
    return "\n".join(out)


def _plotly_titles(rc) -> list[str]:
    return [w.layout.title.text for w in rc.find(BaseFigureWidget).widgets]


def _type(rc, name: str, text: str) -> None:
    box = rc.find(meta_ref=f"ctl-{name.replace('.', '-')}").find(v.TextField).widget
    box.v_model = text
    box.fire_event("keyup.enter", None)


def test_every_lever_has_a_control_generated_from_the_parameters(dash):
    fields = dict(iter_fields())
    for group in dp.LEVER_GROUPS:
        controls = dp.controls(group)
        assert controls, group.key
        for control in controls:
            assert control.name in fields
            assert dash.find(meta_ref=f"ctl-{control.name.replace('.', '-')}"), control.name
    names = {c.name for g in dp.LEVER_GROUPS for c in dp.controls(g)}
    assert {"contradiction.second_assessor_share", "local_team.home_help_capacity", "shock.enabled"} <= names
    assert {"regelreflex.incidents", "raad.n_staff", "guardians.n_guardians", "run.seed", "run.scale"} <= names
    assert dash.find(v.Select).widget.items == list(dp.presets())


def _titles_start(rc, text: str) -> bool:
    return any(t and t.startswith(text) for t in _plotly_titles(rc))


def test_the_page_opens_showing_the_baseline_computed_once(monkeypatch):
    monkeypatch.setattr(app, "OPENING", dict(TINY))
    monkeypatch.setattr(dr, "_baselines", {})  # a server that has not computed it yet: the page runs it in the pool
    context = VirtualKernelContext(id=uuid.uuid4().hex, kernel=kernel.Kernel(), session_id=uuid.uuid4().hex)
    before = set(threading.enumerate())
    try:
        with context:
            app.edits.set(dict(TINY))
            _box, dash = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
            _check_opening(dash)
    finally:
        join_page_threads(before)
        with context:
            context.close()


def _check_opening(dash) -> None:
    # no "Press Run": the opening settings' baseline is computed (once per server) and shown
    assert app.baseline_task.pending
    _wait(lambda: _titles_start(dash, "The chain: mean yearly flows"))
    assert app.baseline_task.value.baseline and app.baseline_task.value.params == app.opening_params()
    assert "Baseline: the defaults" in _texts(dash)
    shared = app.baseline_task.value.reps
    app.baseline_task(app.opening_params(), app._this_session())  # another session: the cached result, not a new run
    _wait(lambda: app.baseline_task.finished)
    assert app.baseline_task.value.reps is shared


def test_run_shows_progress_then_charts_and_a_new_run_updates_them(dash):
    _click_and_wait(dash, "Run", app.run_task)
    _wait(lambda: _titles_start(dash, "The chain: mean yearly flows"))
    assert "Last run" in _texts(dash)
    first = app.run_task.value
    assert first.params.run.seed == 11
    # change a lever and run again without reloading: a new result with the new settings
    _type(dash, "run.seed", "12")
    assert dash.find(v.Alert, children=["Settings changed since this run: press Run to update."])
    _click_and_wait(dash, "Run", app.run_task)
    second = app.run_task.value
    assert second is not first and second.params.run.seed == 12
    assert not second.reps.table("yearly").equals(first.reps.table("yearly"))


def test_compare_with_baseline_shows_the_paired_differences(dash):
    app.n_reps.set(2)
    _click_and_wait(dash, "Run", app.run_task)
    _click_and_wait(dash, "Compare with baseline", app.compare_task)
    # Compare opens its own tab: small multiples (one panel per outcome) and a table for people
    assert app.tab.value == app.COMPARE_TAB
    _wait(lambda: _titles_start(dash, "B − A per outcome, with the 95 % interval of the paired difference, 2 paired"))
    assert len(app.compare_task.value.current.seeds) == 2
    shown = _texts(dash)
    assert "Placements started" in shown and "A: baseline" in shown and "change (B − A) / |A|" in shown
    for raw in ("a_mean", "ci_low", "ci_high", "placements_started_per_year", "95 % t-intervals"):
        assert raw not in shown
    assert " %" in shown  # the change as a percentage, not a fraction


def test_compare_pressed_before_the_run_finishes_shows_its_result(dash):
    app.n_reps.set(2)
    before = set(threading.enumerate())
    _button(dash, "Run").click()
    assert app.run_task.pending
    _button(dash, "Compare with baseline").click()  # while the run is still going
    for thread in set(threading.enumerate()) - before:
        if not isinstance(thread, threading._DummyThread):
            thread.join(180)
    assert app.run_task.finished and app.compare_task.finished, (app.compare_task.exception, app.run_task.exception)
    _wait(lambda: _titles_start(dash, "B − A per outcome"))


def test_an_unexpected_error_in_a_view_becomes_a_message_not_a_traceback(dash, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("figure builder broke")

    monkeypatch.setattr(app, "figures", broken)
    _click_and_wait(dash, "Run", app.run_task)
    _wait(lambda: dash.find(v.Alert, children=["This part of the page could not be shown: figure builder broke"]).widgets)
    assert _button(dash, "Run")  # the sidebar still works


def test_invalid_value_is_refused_with_a_message_and_run_disabled(dash):
    _type(dash, "run.scale", "5")
    message = dash.find(meta_ref="settings-error").widget
    text = str(message.children)
    assert "run.scale" in text and "0.0005" in text and "1.0" in text
    assert _button(dash, "Run").disabled
    _type(dash, "run.scale", "0.002")
    dash.find(meta_ref="settings-error").assert_empty()
    assert not _button(dash, "Run").disabled


@pytest.mark.parametrize("typed", ["abc", "2.5", "1" * 5000])
def test_text_in_a_whole_number_box_is_refused_by_the_box_and_nothing_breaks(dash, typed):
    _type(dash, "run.seed", typed)
    assert app.edits.value["run.seed"] == TINY["run.seed"]
    shown = str(dash.find(meta_ref="settings-error").widget.children)
    assert "run.seed" in shown and "whole number" in shown and len(shown) < 500
    assert _button(dash, "Run").disabled  # the box shows what was typed: never run another value
    _type(dash, "run.seed", "12")
    assert app.edits.value["run.seed"] == 12
    assert not _button(dash, "Run").disabled


def _box_text(rc, name: str) -> str:
    return rc.find(meta_ref=f"ctl-{name.replace('.', '-')}").find(v.TextField).widget.v_model


@pytest.mark.parametrize("name", ["run.scale", "run.seed"])
def test_reset_after_a_refused_entry_shows_the_preset_value_again(dash, name):
    _type(dash, name, "nan")
    assert _box_text(dash, name) == "nan" and _button(dash, "Run").disabled
    _button(dash, "Reset to preset").click()
    # the box shows the value a run would use, and Run is enabled again
    assert _box_text(dash, name) == app._number_text(dp.get(dp.resolve(app.preset.value, app.edits.value), name))
    assert _box_text(dash, name) != "nan"
    dash.find(meta_ref="settings-error").assert_empty()
    assert not _button(dash, "Run").disabled


def test_a_refused_box_does_not_hide_the_other_settings_errors(dash):
    _type(dash, "run.scale", "5")
    _type(dash, "run.seed", "abc")
    shown = str(dash.find(meta_ref="settings-error").widget.children)
    assert "run.seed" in shown and "run.scale" in shown


def test_cancel_shows_a_message_and_keeps_the_page_usable(dash):
    app.edits.set({**TINY, "run.years": 20})
    before = set(threading.enumerate())
    _button(dash, "Run").click()
    _button(dash, "Cancel").click()
    for thread in set(threading.enumerate()) - before:
        # threads started outside the threading module (foreign callbacks) show up as dummies and cannot be joined
        if not isinstance(thread, threading._DummyThread):
            thread.join(60)
    assert app.run_task.cancelled
    assert dash.find(v.Alert, children=["Cancelled."])
    assert not _button(dash, "Run").disabled


def test_language_switch_changes_the_labels(dash):
    dash.find(meta_ref="language-switch").find(v.Switch).widget.v_model = True
    assert _button(dash, "Start")
    assert dash.find(v.ExpansionPanelHeader, children=["Tegenspraak"])


def test_every_chart_holds_its_data_in_its_widget_state_and_a_new_run_builds_new_widgets(dash):
    """A view the browser builds late (a busy browser) starts from the widget's state: the data must be in it.

    (Solara's FigurePlotly sent the traces as one-off messages to an empty widget; a view built after
    them stayed an empty frame: 1 of 10 tabs in the load test)
    """
    _wait(lambda: _titles_start(dash, "The chain"))
    first = dash.find(BaseFigureWidget).widgets
    assert first and all(w._widget_data and w._widget_layout.get("title") for w in first)
    assert any(t.get("type") == "sankey" for w in first for t in w._widget_data)
    app.edits.value = {**app.edits.value, "run.seed": 13}
    _click_and_wait(dash, "Run", app.run_task)
    _wait(lambda: not any(w is v for w in dash.find(BaseFigureWidget).widgets for v in first))
    again = dash.find(BaseFigureWidget).widgets
    assert again and all(w._widget_data for w in again)


def test_the_dutch_switch_translates_field_names_tables_and_legends(dash):
    _wait(lambda: _titles_start(dash, "The chain"))
    dash.find(meta_ref="language-switch").find(v.Switch).widget.v_model = True
    _wait(lambda: _titles_start(dash, "De keten"))
    shown = _texts(dash)
    assert "Schaal (deel van de kinderen gesimuleerd)" in shown  # a field name
    assert "uitkomst" in shown and "Gestarte uithuisplaatsingen" in shown  # the headline table
    assert "toegestaan" in shown
    app.tab.set(list(app.TABS).index("tab_waiting"))  # legends and the Dutch figures' notes
    _wait(lambda: _titles_start(dash, "Wachtlijsten"))
    figures = dash.find(BaseFigureWidget).widgets
    names = [t.name for w in figures for t in w.data if t.name]
    notes = [a.text for w in figures for a in w.layout.annotations]
    assert "Wachtend op de Raad" in names and "Gezinnen per jeugdbeschermer" in names
    assert notes and all("Dutch figure" not in n for n in notes) and any("Nederlands cijfer" in n for n in notes)


def test_sliders_show_their_value_and_the_allowed_range_is_in_the_text(dash):
    sliders = [w.label for w in dash.find(v.Slider).widgets]
    assert any(label.startswith("Voice of parents, child and network: ") for label in sliders), sliders
    assert "allowed: 0.0005 – 1" in _texts(dash)


def test_no_part_of_the_page_loads_katex_or_anything_from_a_cdn(dash):
    # solara.Markdown asks the browser for KaTeX on every page (through the server's CDN proxy, which
    # fetches it from the internet): the page uses none
    _wait(lambda: _titles_start(dash, "The chain"))
    templates = [str(w.template) for w in dash.find(v.VuetifyTemplate).widgets]
    assert not any("katex" in t for t in templates)


def test_the_app_file_exposes_the_page():
    namespace = runpy.run_path(str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py"))
    assert namespace["page"] is app.Page


def test_a_broken_preset_file_is_reported_with_its_name(dash, tmp_path, monkeypatch):
    (tmp_path / "baseline.toml").write_text("", encoding="utf-8")
    (tmp_path / "broken.toml").write_text("[raad]\nn_staff = -3\n", encoding="utf-8")
    monkeypatch.setattr(dp, "SCENARIOS", tmp_path)
    app.preset.set("broken")
    text = str(dash.find(meta_ref="settings-error").widget.children)
    assert "broken.toml" in text and "raad.n_staff" in text
    assert _button(dash, "Run").disabled


def test_malformed_toml_field_is_refused_with_a_message(dash):
    _type(dash, "regelreflex.incidents", "[{ year = 2019, kind = ")
    assert "regelreflex.incidents" in str(dash.find(meta_ref="settings-error").widget.children)
    _type(dash, "regelreflex.incidents", '[{ year = 2019, kind = "murder" }]')
    assert "kind" in str(dash.find(meta_ref="settings-error").widget.children)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("[" * 3000 + "]" * 3000, "nested too deeply"), ("1" * 5000, "number too long"), ("x" * 2_000_000, "too long")],
    ids=["3000-deep", "5000-digit", "2-MB"],
)
def test_hostile_text_in_a_toml_box_is_refused_with_a_short_message(dash, typed, message):
    _type(dash, "regelreflex.incidents", typed)
    shown = str(dash.find(meta_ref="settings-error").widget.children)
    assert "regelreflex.incidents" in shown and message in shown and "Traceback" not in shown
    assert len(shown) < 2_000  # the message quotes the box, not what was typed into it


def test_preset_picker_loads_the_scenario_and_keeps_run_settings(dash):
    dash.find(v.Select).widget.v_model = "more_contradiction"
    params = dp.resolve(app.preset.value, app.edits.value)
    assert params.contradiction.second_assessor_share == 1.0
    assert params.run.scale == TINY["run.scale"]


def test_exported_scenario_round_trips_through_load_scenario_and_ketensim_run(tmp_path: Path):
    params = dp.resolve(
        "more_home_help",
        {**TINY, "run.years": 1, "contradiction.voice": 0.4, "regelreflex.incidents": '[{ year = 2016, kind = "harm" }]'},
    )
    text = dp.scenario_toml(params, "test export")
    data = tomllib.loads(text)
    assert data["local_team"]["home_help_capacity"] == 7500 and "population" not in data  # overrides only
    path = tmp_path / "exported.toml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path) == params
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 0
    assert load_scenario(out / "params.toml") == params


def test_defaults_export_to_an_empty_scenario():
    assert dp.changed_from_defaults(Params()) == {}


def test_comparison_uses_the_same_seeds_and_the_defaults_as_baseline():
    params = dp.resolve("more_contradiction", {**TINY, "run.years": 1})
    seen: list[float] = []
    result = dr.compare(params, 2, progress=seen.append)
    assert result.baseline.seeds == result.current.seeds and len(result.current.seeds) == 2
    assert result.baseline.params.contradiction == Params().contradiction
    assert result.baseline.params.run == params.run
    assert seen[-1] == 1.0 and seen == sorted(seen)
    row = result.differences.set_index("outcome").loc["unwarranted_placements_per_year"]
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]
    figure = dr.compare_figure(result.differences, 2)
    assert len(figure.data) == len(dr.COMPARED)  # one panel (bar) per outcome, each on its own axis
    assert len({bar.xaxis for bar in figure.data}) == len(dr.COMPARED)


def test_cancel_stops_a_run_between_months():
    params = dp.resolve("baseline", TINY)
    months = []

    def keep_going() -> bool:
        return len(months) < 3

    with pytest.raises(dr.RunCancelled):
        dr.simulate(params, progress=months.append, keep_going=keep_going)
    assert len(months) == 3


def test_figures_cover_every_view_and_switch_language():
    params = dp.resolve("financial_shock", {**TINY, "shock.start_year": 2016, "shock.compensation_year": 2021})
    reps = dr.simulate(params)
    figs = dr.figures(reps, "en")
    assert {"sankey", "stocks", "flows", "bermuda", "outcomes", "waiting", "caseload", "costs", "equity"} <= set(figs)
    assert any("Raad voor de Kinderbescherming" in n for n in figs["sankey"].data[0].node.label)
    assert len(figs["flows"].layout.shapes) >= 4  # Dutch figures marked
    nl = dr.figures(reps, "nl")
    assert nl["costs"].layout.title.text.startswith("Kosten")
    assert "seed" in dr.results_csv(reps).splitlines()[0]


def test_bad_toml_value_message_names_the_key():
    with pytest.raises(ScenarioError, match="regelreflex.incidents"):
        dp.resolve("baseline", {"regelreflex.incidents": "[1, "})


def test_dashboard_command_line(monkeypatch):
    args = build_parser().parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    from sim.dashboard import server as dashboard_server

    cmd = dashboard_server.command("127.0.0.1", 9000)
    assert cmd[1:4] == ["-m", "solara", "run"] and Path(cmd[4]).name == "app.py" and "9000" in cmd
    assert main(["dashboard", "--port", "70000"]) == 2


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org"])
def test_a_host_others_can_reach_is_refused_without_allow_remote(host, capsys):
    assert main(["dashboard", "--host", host]) == 2
    err = capsys.readouterr().err
    assert f"--host {host}" in err and "--allow-remote" in err and "ssh -L 8765:127.0.0.1:8765" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"])
def test_loopback_hosts_need_no_flag_and_get_no_warning(host):
    assert runs_cli.remote_warning(host, 8765, allow_remote=False) is None


def test_allow_remote_serves_with_a_warning():
    warning = runs_cli.remote_warning("0.0.0.0", 9000, allow_remote=True)
    assert warning is not None and "no authentication" in warning and "ssh -L 9000:127.0.0.1:9000" in warning


def test_step_through_mode_steps_the_chain_month_by_month():
    from sim.dashboard.step import StepModel, step_page

    context = VirtualKernelContext(id=uuid.uuid4().hex, kernel=kernel.Kernel(), session_id=uuid.uuid4().hex)
    try:
        with context:
            _box, rc = solara.render(solara.AppLayout(children=[step_page()]), handle_error=False)
            _button(rc, "Step").click()
            _button(rc, "Step").click()
            assert any("Month 2 of 156" in str(w.children) for w in rc.find(v.Html).widgets)
    finally:
        with context:
            context.close()
    model = StepModel(preset="more_contradiction", seed="5", scale=0.002)  # a typed seed arrives as text
    assert (model.params.run.seed, model.params.contradiction.voice, model.params.run.scale) == (5, 0.5, 0.002)


@pytest.mark.parametrize("typed", ["nan", "inf", "-inf", "abc"])
def test_a_non_finite_number_is_refused_by_the_box_and_nothing_breaks(dash, typed):
    _type(dash, "run.scale", typed)
    assert app.edits.value.get("run.scale", TINY.get("run.scale")) == TINY.get("run.scale")
    assert "run.scale" in str(dash.find(meta_ref="settings-error").widget.children)
    assert _button(dash, "Run").disabled  # nothing runs on input that was not taken
    _type(dash, "run.scale", "0.004")  # and the box still takes a valid value
    assert app.edits.value["run.scale"] == 0.004
    assert not _button(dash, "Run").disabled


def test_runs_start_from_the_present_and_levers_from_a_month(dash):
    _type(dash, "run.years", "9")  # 2016-2024: the present (January 2023) lies inside
    switch = dash.find(meta_ref="ctl-run-start_from").find(v.Switch).widget
    switch.v_model = True
    dash.find(meta_ref="ctl-contradiction-legal_aid_share").find(v.Slider).widget.v_model = 1.0
    dash.find(meta_ref="ctl-levers-from").find(v.TextField).widget.v_model = "2024-01"
    dash.find(meta_ref="ctl-levers-from").find(v.TextField).widget.fire_event("keyup.enter", None)
    params, error = app._current()
    assert error is None, error
    assert params.run.start_from == "present"
    assert params.contradiction.legal_aid_share == Params().contradiction.legal_aid_share  # not from the start ...
    assert [(e.start, e.set) for e in params.timeline] == [("2024-01", {"contradiction.legal_aid_share": 1.0})]  # ... from 2024
    _click_and_wait(dash, "Run", app.run_task)
    assert list(app.run_task.value.reps.table("yearly")["year"]) == [2023, 2024]  # reported from the present on
    # a month the run does not simulate is refused with the allowed range, and Run is disabled
    dash.find(meta_ref="ctl-levers-from").find(v.TextField).widget.v_model = "2031-01"
    dash.find(meta_ref="ctl-levers-from").find(v.TextField).widget.fire_event("keyup.enter", None)
    shown = str(dash.find(meta_ref="settings-error").widget.children)
    assert "2031-01" in shown and "allowed" in shown
    assert _button(dash, "Run").disabled


@pytest.mark.parametrize(
    ("ref", "typed", "name", "taken"),
    [
        ("ctl-run-scale", "0.005", "run.scale", 0.005),
        ("ctl-contradiction-second_assessor_at", '["court"]', "contradiction.second_assessor_at", '["court"]'),
        ("ctl-levers-from", "2021-01", dp.LEVERS_FROM, "2021-01"),
    ],
)
def test_text_typed_into_a_box_survives_a_render_before_its_enter(dash, ref, typed, name, taken):
    """A render from elsewhere (a run's progress, the opening baseline landing) must not put the old text back."""
    box = dash.find(meta_ref=ref).find(v.TextField).widget
    box.v_model = typed  # what the browser sends while the user types
    app.edits.value = {**app.edits.value, "run.seed": 12}  # any render meanwhile: every box reads the edits
    assert box.v_model == typed
    box.fire_event("keyup.enter", None)
    assert app.edits.value[name] == taken


@pytest.mark.parametrize(
    "ref, typed, name, taken",
    [
        ("ctl-run-scale", "0.005", "run.scale", 0.005),
        ("ctl-levers-from", "2021-01", dp.LEVERS_FROM, "2021-01"),
    ],
)
def test_a_render_that_puts_the_old_text_back_before_the_enter_loses_nothing(dash, ref, typed, name, taken):
    """A render in another thread can set the old text on the widget after the browser's text arrived.

    (the browser test's flake: "0" typed after a run, Enter, and Run stayed enabled because the Enter
    committed the old text the run's last render had put back)
    """
    from reacton.core import suppress_events

    box = dash.find(meta_ref=ref).find(v.TextField).widget
    old = box.v_model
    box.v_model = typed  # the browser's text arrives
    with suppress_events():
        box.v_model = old  # a render elsewhere sets the text it last computed
    box.fire_event("keyup.enter", None)
    assert app.edits.value[name] == taken


def test_a_closed_sessions_runs_are_freed_with_it(monkeypatch):
    """Nothing that outlives a tab keeps its state: the pool's threads once held the session that started them."""
    import gc
    import weakref

    from sim.dashboard.pool import shared_pool

    monkeypatch.setattr(app, "OPENING", dict(TINY))
    prefill_baseline()
    shared_pool().shutdown()  # this test's first run starts the pool (and its threads) from inside a session
    earlier = list(app._results)  # other tests' results: not this test's to judge
    mine: list[weakref.ref] = []
    for _ in range(2):
        context = _new_session()
        before = set(threading.enumerate())
        with context:
            rc = _render_page(before)
            _click_and_wait(rc, "Run", app.run_task)
            mine += [weakref.ref(d) for d in app._results if not any(d is e for e in [*earlier, *(r() for r in mine)])]
        join_page_threads(before)
        with context:
            rc.close()  # as the server does when a page's kernel closes
            context.close()
        del rc, context
    del earlier
    gc.collect()
    assert len(mine) == 2
    assert [r for r in mine if r() is not None] == [], "a closed session's run is still referenced"
