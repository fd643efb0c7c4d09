"""The Solara page: controls from the parameter object, background runs, the chain's views.

State lives in module-level reactive variables, which Solara keeps per browser session.
Runs are ``solara.lab.task`` threads that hand the simulation to the server's one bounded
pool of worker processes (sim.dashboard.pool) and wait: the page stays responsive, shows its
place in the queue while the pool is busy, then the progress; Cancel, a newer run or the
session's end makes the run's "keep going?" check fail, so it leaves the queue or stops at
the next month. Nothing here raises into the page: invalid settings and failed runs are
shown as messages, and a refused entry stays in its box, marked, until it is fixed or reset.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import math
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import solara
import solara.lab

from sim.dashboard import controls as dp
from sim.dashboard.boxes import DraftBox
from sim.dashboard.chart import Chart
from sim.dashboard.pool import RunCancelled, outside_sessions, shared_pool, without_session
from sim.dashboard.runs import (
    Comparison,
    compare_figure,
    compare_in_slot,
    compare_table,
    estimate_seconds,
    figures,
    headline_table,
    record_seconds,
    results_csv,
    shared_baseline,
    simulate_in_slot,
    summary_csv,
)
from sim.experiments.runs import Replications
from sim.model.params import Params, ScenarioError
from sim.model.params.scenario import short
from sim.reports.labels import label, param_label, uncertainty

# The settings a page opens with; the baseline of these is computed once per server and shown at once.
OPENING: dict[str, Any] = {"run.scale": dp.DASHBOARD_SCALE}

preset = solara.reactive(dp.DEFAULT_PRESET)
edits: solara.Reactive[dict[str, Any]] = solara.reactive(dict(OPENING))
# box -> (the text typed, why it was not taken); the box keeps showing the refused text, so the
# page never shows one value while it would run another
rejected: solara.Reactive[dict[str, tuple[str, str]]] = solara.reactive({})
queue_place = solara.reactive(0)  # runs ahead of this session's while it waits for a slot in the pool
lang = solara.reactive("en")
n_reps = solara.reactive(3)
tab = solara.reactive(0)  # the view shown; Compare opens its own tab

# The views: tab label -> the figures in it (sim.dashboard.runs.figures); the comparison is the last tab.
TABS = {
    "tab_chain": ("sankey",),
    "tab_time": ("stocks", "flows"),
    "tab_bermuda": ("bermuda",),
    "tab_children": ("wellbeing", "outcomes"),
    "tab_waiting": ("waiting", "caseload"),
    "tab_equity": ("equity",),
    "tab_costs": ("costs",),
}
COMPARE_TAB = len(TABS)

# Why: a long refused value or message must wrap inside the sidebar, never widen it over the charts or be cut
# off; a chart's box says it is being drawn until plotly's own (opaque) plot covers the text.
CSS = """
.settings-error pre { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 100%; margin: 0; }
.settings-error { max-width: 100%; overflow-wrap: anywhere; }
.chart-box { position: relative; min-height: 420px; }
.progress-slot { min-height: 2.8em; }
.chart-box::before { position: absolute; top: 45%; left: 0; right: 0; text-align: center; color: #888; z-index: 0;
  content: "Drawing the chart…"; }
.chart-box.nl::before { content: "De grafiek wordt getekend…"; }
.chart-box > * { position: relative; z-index: 1; }
.ketensim-table td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.ketensim-table th, .ketensim-table td { border: 1px solid #ccc; padding: 3px 8px; }
.ketensim-table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 0.92em; }
.ketensim-table th { background: #f2f2f2; text-align: left; }
"""


@dataclass(frozen=True, eq=False)  # compared by identity: a new run is a new result
class Done:
    """A finished run: the settings it used and its results."""

    params: Params
    reps: Replications
    baseline: bool = False  # the server's shared opening baseline, not a run of this session
    figs: dict[str, dict[str, Any]] = field(default_factory=dict)  # its figures by language, built once


def _figures(done: Done, lang: str) -> dict[str, Any]:
    """The figures of ``done`` in ``lang``, built once (the shared baseline's for every session)."""
    if lang not in done.figs:
        done.figs[lang] = figures(done.reps, lang)
    return done.figs[lang]


def _prepare(done: Done) -> Done:
    """Build the figures in the run's own thread, so the page shows them at once; a failure shows when it renders."""
    try:
        _figures(done, lang.value)
    except Exception:  # noqa: BLE001  (Views shows the message, through Guarded)
        pass
    return done


def _progress(task: Any) -> Callable[[float], None]:
    """A progress hook that updates the task's bar at most 5 times a second.

    Why: every update is a message to the browser; one per simulated month (156 in 13 years)
    costs the run itself measurable time on a busy 2-core machine.
    """
    last = [-1, 0.0]

    def report(share: float) -> None:
        pct, now = int(share * 100), time.monotonic()
        if pct != last[0] and (now - last[1] >= 0.2 or pct == 100):
            last[0], last[1] = pct, now
            task.progress = pct

    return report


@dataclass(frozen=True)
class Session:
    """Who asks for a run: the page's kernel id (one run at a time each) and its "closed" event."""

    id: str
    closed: threading.Event


def _this_session() -> Session:
    """The page's session; called in the click handler, where the kernel context is known."""
    from solara.server import kernel_context

    return Session(kernel_context.get_current_context().id, solara.kernel_closed_event())


def _in_pool(task: Any, session: Session, job: Callable[..., Any], *args: Any, owner: str | None = None) -> Any:
    """Run ``job`` in the server's pool for ``session``: queue place, progress, and stop on Cancel or session end.

    ``owner`` is who holds the slot (default: the session; the shared baseline holds its own, so a session's
    Run does not wait for the baseline it shares with others). Returns the result and the seconds it ran
    (time in the queue left out, for the page's estimate of how long a run takes).
    """
    closed = session.closed  # set when the tab is closed or the session culled
    report, running = _progress(task), [0.0]

    def keep_going() -> bool:
        return task.is_current() and not closed.is_set()

    def progress(share: float) -> None:
        running[0] = running[0] or time.monotonic()  # the first report comes once the run holds a slot
        report(share)

    start, outcome = time.monotonic(), "failed"
    try:
        result = shared_pool().run(owner or session.id, job, args, queue_place.set, progress, keep_going)
        outcome = "finished"
        return result, time.monotonic() - (running[0] or start)
    except RunCancelled:
        outcome = "stopped"
        raise
    finally:
        queue_place.set(0)
        _log(f"run {outcome} after {time.monotonic() - start:.1f} s")


# plotly.io keeps, in a module global, the IPython shell it finds when it is first imported
# (plotly.io._renderers.ipython_info). Under Solara that is the shell of the page session that
# first imported it, which holds that session's state and results for as long as the server
# runs (the load test's last held result). Imported here, outside every session, it keeps none.
outside_sessions(lambda: importlib.import_module("plotly.io._renderers"))

_open_sessions = [0]
_sessions_lock = threading.Lock()


def _log(event: str) -> None:
    """One line on the server's stderr per session start and end: who is connected, how busy the pool is."""
    running, waiting = shared_pool().busy()
    print(
        f"ketensim dashboard: {event}; sessions open: {_open_sessions[0]}; runs: {running} running, {waiting} waiting",
        file=sys.stderr,
        flush=True,
    )


_results: weakref.WeakSet[Any] = weakref.WeakSet()  # every run's and comparison's result while a session holds it
# after Solara's own deferred collection of the closed session; again later for what its
# close hands to other threads (the session's task threads end after it closes)
RELEASE_DELAYS_S = (2.0, 15.0)


def _release_memory() -> None:
    """Collect the closed session's objects and hand the freed heap back to the system.

    Why: glibc keeps freed memory in the process for reuse, so without ``malloc_trim`` the
    server's resident size stays at its peak after the sessions that needed it have gone.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass  # not glibc: the memory is still free for the process to reuse
    _log(f"memory released; results still held: {len(_results)}")


def _session_started() -> Callable[[], None]:
    """Count a new session (a browser tab); the returned cleanup runs when Solara closes it."""
    with _sessions_lock:
        _open_sessions[0] += 1
    _log("session started")

    def ended() -> None:
        # the session's results and tasks go with its kernel context; its queued or running
        # simulation sees the closed event and stops (see _in_pool)
        with _sessions_lock:
            _open_sessions[0] -= 1
        _log("session ended")
        for delay in RELEASE_DELAYS_S:
            without_session(threading.Timer(delay, _release_memory)).start()  # it must not keep the closed session

    return ended


solara.lab.on_kernel_start(_session_started)


@solara.lab.task
def run_task(params: Params, session: Session) -> Done:
    """One run with the current settings, in the server's pool."""
    reps, seconds = _in_pool(run_task, session, simulate_in_slot, params)
    record_seconds(params, 1, seconds)
    done = Done(params, reps)
    _results.add(done)
    return _prepare(done)


@solara.lab.task
def compare_task(params: Params, reps: int, session: Session) -> Comparison:
    """Baseline and current settings with the same seeds, in the server's pool."""
    result, seconds = _in_pool(compare_task, session, compare_in_slot, params, reps)
    record_seconds(params, 2 * reps, seconds)
    _results.add(result)
    return result


def opening_params() -> Params:
    """The settings a page opens with (the default preset at the dashboard's scale)."""
    return dp.resolve(dp.DEFAULT_PRESET, OPENING)


@solara.lab.task
def baseline_task(params: Params, session: Session) -> Done:
    """The opening baseline: from the server's cache, or run once in the pool for every session that waits for it."""

    def compute() -> Done:
        reps, seconds = _in_pool(baseline_task, session, simulate_in_slot, params, owner="shared baseline")
        record_seconds(params, 1, seconds)
        return Done(params, reps, baseline=True)

    return _prepare(shared_baseline(params, compute))


def _open_with_baseline() -> None:
    """On a page's first render: show the cached baseline, or start computing it."""
    if baseline_task.value is None and not baseline_task.pending:
        baseline_task(opening_params(), _this_session())


def _current() -> tuple[Params | None, str | None]:
    """The settings to run, or None and every reason they are refused (boxes first, then the rest)."""
    errors = [why for _text, why in rejected.value.values()]
    try:
        params = dp.resolve(preset.value, edits.value)
    except ScenarioError as exc:
        errors.append(str(exc))
        params = None
    return (None, "\n".join(errors)) if errors else (params, None)


def _set(name: str, value: Any) -> None:
    rejected.value = {k: v for k, v in rejected.value.items() if k != name}
    edits.value = {**edits.value, name: value}


def _number_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) else repr(float(value))


def _parse_number(text: str, kind: str) -> int | float | None:
    """A finite float, or a whole number for int boxes; None when the text is neither."""
    try:
        if kind == "int":
            return int(text.strip())  # "1e3" and "2.5" are refused, not rounded
        value = float(text)
    except ValueError:  # also digits beyond Python's int-string limit
        return None
    return value if math.isfinite(value) else None


def _set_number(name: str, text: str, kind: str = "float") -> None:
    """A number typed into a box: taken if it parses, else kept in the box, marked, and Run disabled."""
    value = _parse_number(text, kind)
    if value is None:
        shown = short(text, 40, quote=True)
        allowed = "a whole number" if kind == "int" else "a finite number"
        rejected.value = {**rejected.value, name: (text, f"dashboard settings: key '{name}' = {shown}: allowed: {allowed}")}
        return
    _set(name, value)


def _choose_preset(name: str) -> None:
    # keep the run settings (seed, scale, years) the user typed; levers come from the preset
    edits.value = {k: v for k, v in edits.value.items() if k.startswith("run.")}
    rejected.value = {}
    preset.value = name


def _shown(value: Any) -> str:
    """A control's current value as its label shows it."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@solara.component
def ControlInput(control: dp.Control, base: Params) -> None:
    """One parameter input; its value is the user's edit or else the preset's value.

    A slider's label shows its value; the allowed range is on the line below, which wraps, so a
    narrow sidebar never cuts it off.
    """
    name = control.name
    value = edits.value.get(name, dp.get(base, name))
    text = param_label(name, lang.value)
    css = f"ctl-{name.replace('.', '-')}"  # a CSS class for the browser test, a ref for solara.render tests
    with solara.Column(gap="0px", classes=[css]).meta(ref=css):
        if control.kind == "slider" and isinstance(value, int | float):
            step = (control.hi - control.lo) / 100  # type: ignore[operator]
            solara.SliderFloat(
                f"{text}: {_shown(value)}",
                value=float(value),
                min=control.lo,
                max=control.hi,
                step=step,
                on_value=lambda v: _set(name, v),
                thumb_label="always",
            )
        elif control.kind in ("slider", "float", "int"):
            # A text box parsed here, not solara.InputFloat/InputInt: "nan" parses to a float that
            # never equals itself, and InputFloat then sets its value again on every render without
            # end. A refused entry is the box's value until it is fixed or reset, so a reset changes
            # the value and the box shows the preset again; what is being typed survives renders (boxes.py).
            typed, why = rejected.value.get(name, (None, None))
            DraftBox(
                text,
                value=typed if typed is not None else _number_text(value),
                on_commit=lambda t: _set_number(name, t, control.kind),
                error=label("refused_box", lang.value) if why else False,
            )
        elif control.kind == "bool":
            solara.Checkbox(label=text, value=bool(value), on_value=lambda v: _set(name, v))
        else:
            shown = value if isinstance(value, str) else dp.toml_text(value)
            DraftBox(text + " (TOML)", value=shown, on_commit=lambda v: _set(name, v))
        allowed = f"{label('allowed', lang.value)}: {control.range_text}. " if control.range_text else ""
        solara.Text(
            f"{allowed}{name} — {control.description}",
            style={"font-size": "0.75em", "color": "#666", "overflow-wrap": "anywhere"},
        )


@solara.component
def Controls(base: Params) -> None:
    """The lever groups, each a collapsible list generated from the parameter fields."""
    for group in dp.LEVER_GROUPS:
        with solara.Details(label(f"group_{group.key}", lang.value), expand=group.key == "run"):
            for control in dp.controls(group):
                ControlInput(control, base)
            if group.key == "run":
                StartControls(base)


def _hint(text: str) -> None:
    solara.Text(text, style={"font-size": "0.75em", "color": "#666", "overflow-wrap": "anywhere"})


@solara.component
def StartControls(base: Params) -> None:
    """Where runs start (the beginning or the present), and the month from which the changed levers apply."""
    present = edits.value.get("run.start_from", base.run.start_from) == "present"
    with solara.Column(gap="0px", classes=["ctl-run-start_from"]).meta(ref="ctl-run-start_from"):
        solara.Switch(
            label=label("start_present", lang.value),
            value=present,
            on_value=lambda v: _set("run.start_from", "present" if v else "beginning"),
        )
        _hint(label("start_present_help", lang.value))
    with solara.Column(gap="0px", classes=["ctl-levers-from"]).meta(ref="ctl-levers-from"):
        DraftBox(
            label("levers_from", lang.value),
            value=str(edits.value.get(dp.LEVERS_FROM, "")),
            on_commit=lambda t: _set(dp.LEVERS_FROM, t.strip()),
        )
        _hint(label("levers_from_help", lang.value))


@solara.component
def Progress(task: Any) -> None:
    """Progress bar of a task (its own component, so progress does not re-render the charts)."""
    if task.pending:
        if queue_place.value > 0:
            # text only: an animated (indeterminate) bar costs each waiting tab's browser CPU all the time
            solara.Text(label("queued", lang.value).format(n=queue_place.value), classes=["run-queued"])
            return
        pct = task.progress or 0
        solara.Text(f"{label('running', lang.value)}: {pct} %", classes=["run-progress"])
        solara.ProgressLinear(value=pct)


def _compare(params: Params) -> None:
    compare_task(params, n_reps.value, _this_session())
    tab.set(COMPARE_TAB)  # the answer opens where it will appear


def _cancel() -> None:
    for task in (run_task, compare_task):
        if task.pending:
            task.cancel()


@solara.component
def SidebarContent(params: Params | None, error: str | None) -> None:
    """Preset, levers, run and compare buttons, how long they take, downloads."""
    with solara.Column(gap="0px").meta(ref="language-switch"):
        solara.Switch(
            label=label("language", lang.value), value=lang.value == "nl", on_value=lambda v: lang.set("nl" if v else "en")
        )
    solara.Select(label("preset", lang.value), values=list(dp.presets()), value=preset.value, on_value=_choose_preset)
    solara.Button(label("reset", lang.value), on_click=lambda: _choose_preset(preset.value), text=True)
    with solara.Column(style={"max-width": "100%"}):  # always present, so a message does not shift (and rebuild) the inputs below
        if error:
            solara.Error(label("invalid", lang.value), children=[solara.Preformatted(error)], classes=["settings-error"]).meta(
                ref="settings-error"
            )
    with solara.Row():
        solara.Button(
            label("run", lang.value),
            on_click=lambda: run_task(params, _this_session()),
            disabled=params is None or run_task.pending,
            color="primary",
        )
        solara.Button(label("cancel", lang.value), on_click=_cancel, disabled=not (run_task.pending or compare_task.pending))
    with solara.Column(classes=["run-estimate"]):
        if params is not None:
            run_s, compare_s = estimate_seconds(params), estimate_seconds(params, 2 * n_reps.value)
            solara.Text(
                label("estimate", lang.value).format(run=f"{run_s:.0f}", compare=f"{compare_s:.0f}"),
                style={"font-size": "0.8em", "color": "#555"},
            )
    # Each progress line has its place kept when empty: a bar appearing as a run starts would push
    # the buttons below down under a pointer that is about to press one (Compare pressed right after Run)
    for task in (run_task, compare_task):
        with solara.Column(classes=["progress-slot"]):
            Progress(task)
    solara.SliderInt(f"{label('reps', lang.value)}: {n_reps.value}", value=n_reps, min=2, max=10, thumb_label="always")
    solara.Button(
        label("compare", lang.value),
        on_click=lambda: _compare(params),  # type: ignore[arg-type]
        disabled=params is None or compare_task.pending,
        outlined=True,
    )
    with solara.Column():
        if params is not None:
            solara.FileDownload(
                lambda: dp.scenario_toml(params, f"Dashboard settings on preset {preset.value}"),
                filename=f"{preset.value}_dashboard.toml",
                label=label("download_toml", lang.value),
            )
    Controls(params or _preset_or_defaults())


def _preset_or_defaults() -> Params:
    """The preset's values to show in the inputs; the defaults if the preset file itself is broken."""
    try:
        return dp.preset_params(preset.value)
    except ScenarioError:
        return Params()


@solara.component
def Note(text: str, classes: list[str] | None = None) -> None:
    """A paragraph of plain text (not solara.Markdown: that loads KaTeX from the CDN path on every page)."""
    solara.Text(text, classes=classes or [], style={"display": "block", "margin": "0.4em 0"})


@solara.component
def RunHeader(done: Done, stale: bool) -> None:
    """What the charts show (the shared baseline or this session's last run), its headline numbers, downloads."""
    run, nl = done.params.run, lang.value
    settings = label("run_settings", nl).format(
        seed=run.seed, scale=f"{run.scale:g}", first=run.start_year, last=run.start_year + run.years - 1
    )
    title = label("baseline_run", nl) if done.baseline else label("last_run", nl)
    Note(f"{title}: {settings}", classes=["run-header"])
    # Fixed positions (the warning sits in an always-present column): a child that appears
    # would shift the charts' keys and make Solara rebuild every plotly widget.
    with solara.Column():
        if stale:
            solara.Warning(label("stale", nl))
    solara.HTML(unsafe_innerHTML=headline_table(done.reps, nl))
    with solara.Row():
        solara.FileDownload(results_csv(done.reps), filename="yearly.csv", label=label("download_csv", nl))
        solara.FileDownload(summary_csv(done.reps), filename="summary.csv", label=label("download_summary", nl))


@solara.component
def Drawing(text_key: str = "drawing") -> None:
    """A loading state: an indeterminate bar and what is being done."""
    with solara.Column(classes=["loading"]):
        solara.ProgressLinear(True)
        solara.Text(label(text_key, lang.value))


@solara.component
def ViewTab(names: tuple[str, ...], figs: dict[str, Any] | None) -> None:
    """One view's charts, or a loading state while they are built."""
    if figs is None:
        Drawing()
        return
    for name in names:
        if name in figs:
            with solara.Column(classes=["chart-box", lang.value]):
                Chart(figs[name])
        elif name == "equity":
            solara.Info(label("no_equity", lang.value))


@solara.component
def Views(done: Done | None, params: Params | None) -> None:
    """The header of what is shown, and the views in tabs (the comparison's tab works without a run)."""
    # built in the run's thread already (see _prepare); another language is built here, once
    figs = solara.use_memo(lambda: None if done is None else _figures(done, lang.value), dependencies=[done, lang.value])
    with solara.Column():
        if done is None:
            Drawing("computing_baseline")
        else:
            RunHeader(done, params != done.params)
    with solara.lab.Tabs(value=tab.value, on_value=tab.set, lazy=True).key("views"):
        for key, names in TABS.items():
            with solara.lab.Tab(label(key, lang.value)):
                if key == "tab_bermuda":
                    Note(label("errors_explained", lang.value))
                ViewTab(names, figs)
        with solara.lab.Tab(label("tab_compare", lang.value)):
            CompareView()


@solara.component
def CompareView() -> None:
    """Paired differences with the baseline: small multiples and a table, when a comparison has run."""
    result: Comparison | None = compare_task.value if compare_task.finished else None
    n = len(result.current.seeds) if result is not None else 0
    figure = solara.use_memo(
        lambda: None if result is None else compare_figure(result.differences, n, lang.value), dependencies=[result, lang.value]
    )
    if compare_task.error:
        solara.Error(f"{label('failed', lang.value)}: {compare_task.exception}")
    if compare_task.pending:
        Drawing("comparing")
        return
    if result is None or figure is None:
        solara.Info(label("no_compare", lang.value))
        return
    Note(label("compare_note", lang.value).format(interval=uncertainty("paired", n, lang.value)), classes=["compare-note"])
    with solara.Column(classes=["chart-box", lang.value]):
        Chart(figure)
    solara.HTML(unsafe_innerHTML=compare_table(result.differences, n, lang.value))
    solara.FileDownload(
        result.differences.to_csv(index=False), filename="compare.csv", label=label("download_compare", lang.value)
    )


@solara.component
def Guarded(content: Any, *args: Any) -> None:
    """Render ``content(*args)``; an unexpected error becomes a message, never a traceback."""
    exception, clear = solara.use_exception()
    if exception is not None:
        solara.Error(f"{label('page_error', lang.value)}: {exception}")
        solara.Button(label("dismiss", lang.value), on_click=clear, text=True)
    else:
        content(*args)


def _on_show() -> Done | None:
    """What the views show: this session's last run, else the shared baseline (None while it is computed)."""
    done: Done | None = run_task.value if run_task.finished else run_task.latest
    if done is None and baseline_task.finished:
        done = baseline_task.value
    return done


@solara.component
def Page() -> None:
    """The dashboard."""
    params, error = _current()
    solara.use_effect(_open_with_baseline, [])
    # Solara's server wraps the page in its AppLayout; these fill its title bar and sidebar
    solara.Title("Ketensim")
    solara.Style(CSS)
    solara.AppBarTitle(label("title", lang.value))
    with solara.Sidebar():
        Guarded(SidebarContent, params, error)
    with solara.Column():
        if run_task.error:
            solara.Error(f"{label('failed', lang.value)}: {run_task.exception}")
        elif run_task.cancelled:
            solara.Info(label("cancelled", lang.value))
        elif baseline_task.error:
            solara.Error(f"{label('failed', lang.value)}: {baseline_task.exception}")
    Guarded(Views, _on_show(), params)
