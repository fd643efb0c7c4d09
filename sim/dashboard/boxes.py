"""A text box that keeps what is typed until it is committed, whatever renders meanwhile.

Solara's ``InputText`` (with ``continuous_update=False``) gives the widget its ``value`` on every
render, and reacton sets every prop of a widget on each render, not only the changed ones. A
render from another thread between the typing and the Enter (a run's progress, the opening
baseline landing, any edit, since every box reads the edits) therefore puts the old text back,
and the Enter then commits the old value: a user typing while a run goes loses the entry.

Here the typed text is recorded the moment the browser sends it, by the box's own observer, in
the thread that receives the browser's messages (so always before the Enter that follows it),
and the Enter commits that record, not whatever the widget holds by then. A render in between
shows the record; a change of the value from outside (a reset, another preset) makes the record
stale, and the box shows the new value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from reacton.core import are_events_supressed
from solara.alias import rv

COMMIT_EVENTS = ["focusout", "keyup.enter"]  # as solara.InputText: leaving the box or pressing Enter


@solara.component
def DraftBox(label: str, value: str, on_commit: Callable[[str], None], error: bool | str = False) -> None:
    """A text box showing ``value``, or what is being typed over it; ``on_commit`` on Enter or leaving the box."""
    # (the value the text was typed over, the text): a draft over an older value is stale
    draft = solara.use_ref(None)
    _, set_renders = solara.use_state(0, key="renders")  # a new draft must be shown: render again
    latest = solara.use_ref((value, on_commit))
    latest.current = (value, on_commit)
    shown = draft.current[1] if draft.current is not None and draft.current[0] == value else value

    field = rv.TextField(
        v_model=shown,
        label=label,
        error=bool(error),
        messages=[error] if isinstance(error, str) else [],
        hide_details="auto",
    )

    def connect() -> Callable[[], None]:
        widget = solara.get_widget(field)

        def typed(change: dict[str, Any]) -> None:
            if are_events_supressed():  # a render setting the shown text in this thread, not the browser
                return
            draft.current = (latest.current[0], change["new"])
            set_renders(lambda n: n + 1)

        def commit(*_event: Any) -> None:
            current, on_value = latest.current
            record, draft.current = draft.current, None
            if record is not None and record[0] == current and record[1] != current:
                on_value(record[1])  # as InputText: leaving a box unchanged is no edit

        widget.observe(typed, "v_model")
        for event in COMMIT_EVENTS:
            widget.on_event(event, commit)

        def disconnect() -> None:
            widget.unobserve(typed, "v_model")
            for event in COMMIT_EVENTS:
                widget.on_event(event, commit, remove=True)

        return disconnect

    solara.use_effect(connect, [])
