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
import math
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara
import solara.lab

from sim.dashboard import controls as dp
from sim.dashboard.pool import RunCancelled, shared_pool
from sim.dashboard.runs import (
    COMPARED,
    Comparison,
    compare_figure,
    compare_in_slot,
    figures,
    results_csv,
    simulate_in_slot,
    summary_csv,
)
from sim.experiments.runs import Replications
from sim.model.params import Params, ScenarioError
from sim.model.params.scenario import short
from sim.reports.labels import label, outcome_label

preset = solara.reactive(dp.DEFAULT_PRESET)
edits: solara.Reactive[dict[str, Any]] = solara.reactive({"run.scale": dp.DASHBOARD_SCALE})
# box -> (the text typed, why it was not taken); the box keeps showing the refused text, so the
# page never shows one value while it would run another
rejected: solara.Reactive[dict[str, tuple[str, str]]] = solara.reactive({})
queue_place = solara.reactive(0)  # runs ahead of this session's while it waits for a slot in the pool
lang = solara.reactive("en")
n_reps = solara.reactive(3)

HEADLINE = (
    "ots_starts_per_year",
    "placements_started_per_year",
    "unwarranted_placements_per_year",
    "missed_children_per_year",
    "children_waiting_for_guardian",
    "cost_per_year_meur",
)


@dataclass(frozen=True, eq=False)  # compared by identity: a new run is a new result
class Done:
    """A finished run: the settings it used and its results."""

    params: Params
    reps: Replications


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


def _in_pool(task: Any, session: Session, job: Callable[..., Any], *args: Any) -> Any:
    """Run ``job`` in the server's pool for ``session``: queue place, progress, and stop on Cancel or session end."""
    owner, closed = session.id, session.closed  # closed: set when the tab is closed or the session culled

    def keep_going() -> bool:
        return task.is_current() and not closed.is_set()

    start, outcome = time.monotonic(), "failed"
    try:
        result = shared_pool().run(owner, job, args, queue_place.set, _progress(task), keep_going)
        outcome = "finished"
        return result
    except RunCancelled:
        outcome = "stopped"
        raise
    finally:
        queue_place.set(0)
        _log(f"run {outcome} after {time.monotonic() - start:.1f} s")


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
            threading.Timer(delay, _release_memory).start()

    return ended


solara.lab.on_kernel_start(_session_started)


@solara.lab.task
def run_task(params: Params, session: Session) -> Done:
    """One run with the current settings, in the server's pool."""
    done = Done(params, _in_pool(run_task, session, simulate_in_slot, params))
    _results.add(done)
    return done


@solara.lab.task
def compare_task(params: Params, reps: int, session: Session) -> Comparison:
    """Baseline and current settings with the same seeds, in the server's pool."""
    result = _in_pool(compare_task, session, compare_in_slot, params, reps)
    _results.add(result)
    return result


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


@solara.component
def ControlInput(control: dp.Control, base: Params) -> None:
    """One parameter input; its value is the user's edit or else the preset's value."""
    name = control.name
    value = edits.value.get(name, dp.get(base, name))
    key = name.split(".", 1)[1]
    text = f"{key} ({control.range_text})" if control.range_text else key
    css = f"ctl-{name.replace('.', '-')}"  # a CSS class for the browser test, a ref for solara.render tests
    with solara.Column(gap="0px", classes=[css]).meta(ref=css):
        if control.kind == "slider" and isinstance(value, int | float):
            step = (control.hi - control.lo) / 100  # type: ignore[operator]
            solara.SliderFloat(
                text, value=float(value), min=control.lo, max=control.hi, step=step, on_value=lambda v: _set(name, v)
            )
        elif control.kind in ("slider", "float", "int"):
            # A text box parsed here, not solara.InputFloat/InputInt: "nan" parses to a float that
            # never equals itself, and InputFloat then sets its value again on every render without
            # end. A refused entry is the box's value until it is fixed or reset, so a reset changes
            # the value and the box shows the preset again (the widget is only updated on a change).
            typed, why = rejected.value.get(name, (None, None))
            solara.InputText(
                text,
                value=typed if typed is not None else _number_text(value),
                on_value=lambda t: _set_number(name, t, control.kind),
                continuous_update=False,
                error=label("refused_box", lang.value) if why else False,
            )
        elif control.kind == "bool":
            solara.Checkbox(label=text, value=bool(value), on_value=lambda v: _set(name, v))
        else:
            shown = value if isinstance(value, str) else dp.toml_text(value)
            solara.InputText(text + " (TOML)", value=shown, on_value=lambda v: _set(name, v))
        solara.Text(control.description, style={"font-size": "0.75em", "color": "#666"})


@solara.component
def Controls(base: Params) -> None:
    """The lever groups, each a collapsible list generated from the parameter fields."""
    for group in dp.LEVER_GROUPS:
        with solara.Details(label(f"group_{group.key}", lang.value), expand=group.key == "run"):
            for control in dp.controls(group):
                ControlInput(control, base)


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


@solara.component
def SidebarContent(params: Params | None, error: str | None) -> None:
    """Preset, levers, run and compare buttons, downloads."""
    solara.Switch(label=label("language", lang.value), value=lang.value == "nl", on_value=lambda v: lang.set("nl" if v else "en"))
    solara.Select(label("preset", lang.value), values=list(dp.presets()), value=preset.value, on_value=_choose_preset)
    solara.Button(label("reset", lang.value), on_click=lambda: _choose_preset(preset.value), text=True)
    with solara.Column():  # always present, so a message does not shift (and rebuild) the inputs below
        if error:
            solara.Error(label("invalid", lang.value), children=[solara.Preformatted(error)], classes=["settings-error"]).meta(
                ref="settings-error"
            )
    busy = run_task.pending or compare_task.pending
    with solara.Row():
        solara.Button(
            label("run", lang.value),
            on_click=lambda: run_task(params, _this_session()),
            disabled=params is None or busy,
            color="primary",
        )
        solara.Button(
            label("cancel", lang.value),
            on_click=lambda: run_task.cancel() if run_task.pending else compare_task.cancel(),
            disabled=not busy,
        )
    Progress(run_task)
    Progress(compare_task)
    solara.SliderInt(label("reps", lang.value), value=n_reps, min=2, max=10)
    solara.Button(
        label("compare", lang.value),
        on_click=lambda: compare_task(params, n_reps.value, _this_session()),
        disabled=params is None or busy,
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


def _headline(reps: Replications, lang: str) -> pd.DataFrame:
    summary = reps.summary()
    return pd.DataFrame(
        {
            label("col_outcome", lang): [outcome_label(h, lang) for h in HEADLINE],
            label("col_value", lang): [round(float(summary[h].mean()), 1) for h in HEADLINE],
        }
    )


@solara.component
def Views(done: Done, stale: bool) -> None:
    """The run's charts in tabs."""
    figs = solara.use_memo(lambda: figures(done.reps, lang.value), dependencies=[done, lang.value])
    run = done.params.run
    solara.Markdown(
        f"**{label('last_run', lang.value)}**: seed {run.seed}, scale {run.scale}, "
        f"{run.start_year}–{run.start_year + run.years - 1}; counts are national (divided by scale)."
    )
    # Fixed positions (the warning sits in an always-present column): a child that appears
    # would shift the charts' keys and make Solara rebuild every plotly widget, ~5 MB each.
    with solara.Column():
        if stale:
            solara.Warning(label("stale", lang.value))
    solara.DataFrame(_headline(done.reps, lang.value), items_per_page=10)
    with solara.Row():
        solara.FileDownload(results_csv(done.reps), filename="yearly.csv", label=label("download_csv", lang.value))
        solara.FileDownload(summary_csv(done.reps), filename="summary.csv", label=label("download_summary", lang.value))
    tabs = {
        "tab_chain": ["sankey"],
        "tab_time": ["stocks", "flows"],
        "tab_bermuda": ["bermuda"],
        "tab_children": ["wellbeing", "outcomes"],
        "tab_waiting": ["waiting", "caseload"],
        "tab_equity": ["equity"],
        "tab_costs": ["costs"],
    }
    with solara.lab.Tabs(lazy=True).key("views"):
        for tab, names in tabs.items():
            with solara.lab.Tab(label(tab, lang.value)):
                if tab == "tab_bermuda":
                    solara.Markdown(label("errors_explained", lang.value))
                for name in names:
                    if name in figs:
                        solara.FigurePlotly(figs[name])
                    elif name == "equity":
                        solara.Info(label("no_equity", lang.value))
        with solara.lab.Tab(label("tab_compare", lang.value)):
            CompareView()


@solara.component
def CompareView() -> None:
    """Paired differences with the baseline, when a comparison has run."""
    result: Comparison | None = compare_task.value
    if compare_task.error:
        solara.Error(f"{label('failed', lang.value)}: {compare_task.exception}")
    if result is None:
        solara.Info(label("no_compare", lang.value))
        return
    solara.Markdown(label("compare_note", lang.value) + f" ({len(result.current.seeds)} replications.)")
    solara.FigurePlotly(compare_figure(result.differences, lang.value))
    shown = result.differences[result.differences["outcome"].isin(COMPARED)].round(3)
    shown["outcome"] = [outcome_label(o, lang.value) for o in shown["outcome"]]
    solara.DataFrame(shown, items_per_page=len(COMPARED))
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


@solara.component
def Page() -> None:
    """The dashboard."""
    params, error = _current()
    # Solara's server wraps the page in its AppLayout; these fill its title bar and sidebar
    solara.Title("Ketensim")
    solara.AppBarTitle(label("title", lang.value))
    with solara.Sidebar():
        Guarded(SidebarContent, params, error)
    done: Done | None = run_task.value if run_task.finished else run_task.latest
    if run_task.error:
        solara.Error(f"{label('failed', lang.value)}: {run_task.exception}")
    elif run_task.cancelled:
        solara.Info(label("cancelled", lang.value))
    if done is None:
        solara.Info(label("not_run", lang.value), classes=["not-run"]).meta(ref="not-run")
    else:
        Guarded(Views, done, params != done.params)
