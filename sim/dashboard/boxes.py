"""A text box that keeps what is typed until it is committed, whatever renders meanwhile.

Solara's ``InputText`` (with ``continuous_update=False``) gives the widget its ``value`` on every
render, and reacton sets every prop of a widget on each render, not only the changed ones. A
render from another thread between the typing and the Enter (a run's progress, the opening
baseline landing, any edit, since every box reads the edits) therefore puts the old text back,
and the Enter then commits the old value: a user typing while a run goes loses the entry. Here
the typed text is the box's own state until it is committed, or until the value changes from
outside (a reset, another preset), which shows the new value.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from solara.alias import rv
from solara.components.input import use_change

COMMIT_EVENTS = ["focusout", "keyup.enter"]  # as solara.InputText: leaving the box or pressing Enter


@solara.component
def DraftBox(label: str, value: str, on_commit: Callable[[str], None], error: bool | str = False) -> None:
    """A text box showing ``value``, or what is being typed over it; ``on_commit`` on Enter or leaving the box."""
    # (the value the text was typed over, the text): a draft over an older value is stale
    draft, set_draft = solara.use_state(None, key="draft")
    shown = draft[1] if draft is not None and draft[0] == value else value

    def commit(text: str) -> None:
        set_draft(None)
        if text != value:  # as InputText: leaving a box unchanged is no edit
            on_commit(text)

    field = rv.TextField(
        v_model=shown,
        on_v_model=lambda text: set_draft((value, text)),
        label=label,
        error=bool(error),
        messages=[error] if isinstance(error, str) else [],
        hide_details="auto",
    )
    use_change(field, commit, update_events=COMMIT_EVENTS)
