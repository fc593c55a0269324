"""The step-through as ipywidgets: ◀ ▶ buttons, a slider, a player and a protocol filter.

All state lives in ``Stepper``; this module only wires controls to it and renders the
current step as HTML (heading, reasons, neighbour tables, dissection).  ipywidgets is
imported when a view is asked for, so ``sim`` works where it is not installed.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from sim.notebook.stepper import PROTOCOLS, Stepper, StepView, table_text

if TYPE_CHECKING:
    from sim.result import Run


def step_html(stepper: Stepper, view: StepView | None) -> str:
    """One step as HTML; also what tests and non-widget front ends can show."""
    if view is None:
        return f"<i>no {escape(stepper.protocol)} frames in this run</i>"
    reasons = "".join(f"<li>{escape(r)}</li>" for r in view.reasons) or \
        "<li><i>the backend gave no reason (the kernel does not say why)</i></li>"
    tables = "".join(
        f"<td style='vertical-align:top;padding-right:16px'><b>netns {escape(ns)}</b>"
        f"<pre style='margin:2px 0'>{escape(table_text(entries) or '(empty)')}</pre></td>"
        for ns, entries in view.tables.items())
    return (f"<div style='font-size:13px'><b>{escape(view.heading)}</b><br>"
            f"<code>{escape(view.summary)}</code>"
            f"<div style='margin-top:6px'>why:<ul style='margin:2px 0'>{reasons}</ul></div>"
            f"<div>neighbour tables at this moment:<table><tr>{tables}</tr></table></div>"
            f"<details open><summary>layer by layer</summary>"
            f"<pre style='font-size:11px'>{escape(view.dissection())}</pre></details></div>")


def step_widget(run: "Run", protocols: str | None = None, *, interval_ms: int = 900) -> Any:
    """A widget box to walk through ``run`` frame by frame."""
    import ipywidgets as W

    st = Stepper(run, protocols)
    back, fwd = W.Button(description="◀ back"), W.Button(description="step ▶")
    slider = W.IntSlider(min=0, max=max(len(st) - 1, 0), value=0, description="frame",
                         continuous_update=False)
    player = W.Play(min=0, max=max(len(st) - 1, 0), value=0, interval=interval_ms)
    W.jslink((player, "value"), (slider, "value"))
    proto = W.Dropdown(options=list(PROTOCOLS), value=st.protocol if st.protocol in PROTOCOLS
                       else "all", description="show")
    body = W.HTML(step_html(st, st.current()))

    def render(*_: Any) -> None:
        body.value = step_html(st, st.current())

    def on_slider(change: dict) -> None:
        st.at(change["new"])
        render()

    def on_proto(change: dict) -> None:
        st.set_protocol(change["new"])
        top = max(len(st) - 1, 0)
        slider.max = player.max = top
        slider.value = st.index
        render()

    back.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
    fwd.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    slider.observe(on_slider, names="value")
    proto.observe(on_proto, names="value")
    box = W.VBox([W.HBox([player, back, fwd, slider, proto]), body])
    box.stepper = st  # for tests and for driving it from code
    return box
