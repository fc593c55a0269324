"""Rich HTML for notebooks: a Run as a terminal session plus a frame table; a Comparison.

``Run._repr_html_`` and ``Comparison._repr_html_`` call these (lazily), so a bare ``run``
at the end of a cell shows what a learner needs first — the commands and their outputs,
then what went over the wire — without importing anything heavy.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.compare import Comparison
    from sim.result import Run

TERMINAL = ("background:#1e1e1e;color:#e6e6e6;padding:8px 10px;border-radius:4px;"
            "font-family:monospace;font-size:12px;line-height:1.35;white-space:pre-wrap;"
            "margin:4px 0")
PROMPT = "color:#8ae234;font-weight:bold"
STDERR = "color:#ff7b72"
#: Rows of the frame table shown before "… N more".
MAX_ROWS = 60


def terminal_html(run: "Run") -> str:
    """The session as a dark terminal block: ``$ cmd`` in green, stderr in red."""
    parts = []
    for c in run.commands:
        parts.append(f'<span style="{PROMPT}">$</span> {escape(c.cmd)}\n')
        parts.append(escape(c.stdout))
        if c.stderr:
            parts.append(f'<span style="{STDERR}">{escape(c.stderr)}</span>')
    return f'<div style="{TERMINAL}">{"".join(parts) or "(no commands)"}</div>'


def frames_html(run: "Run", max_rows: int = MAX_ROWS) -> str:
    """A table of frames: time, interface, direction, tcpdump-like summary."""
    from sim.dissect import summarize

    rows = []
    frames = sorted(run.frames, key=lambda f: f.t)
    for f in frames[:max_rows]:
        arrow = "→ out" if f.dir == "out" else "← in"
        rows.append(f"<tr><td>{f.t:.6f}</td><td>{escape(f.netns)}/{escape(f.dev)}</td>"
                    f"<td>{arrow}</td><td style='text-align:left'>"
                    f"{escape(summarize(f.data))}</td></tr>")
    if len(frames) > max_rows:
        rows.append(f"<tr><td colspan=4>… {len(frames) - max_rows} more frames</td></tr>")
    head = "<tr><th>t (s)</th><th>interface</th><th>dir</th><th>frame</th></tr>"
    return (f"<table style='font-family:monospace;font-size:12px'>{head}{''.join(rows)}"
            "</table>")


def events_html(run: "Run", max_rows: int = MAX_ROWS) -> str:
    """Neighbour state changes with their reasons."""
    rows = []
    for e in sorted(run.events, key=lambda e: e.t)[:max_rows]:
        rows.append(f"<tr><td>{e.t:.6f}</td><td>{escape(e.netns)}/{escape(e.dev)}</td>"
                    f"<td>{escape(e.subject)}</td><td>{escape(e.old)} → {escape(e.new)}</td>"
                    f"<td style='text-align:left'>{escape(e.reason)}</td></tr>")
    head = ("<tr><th>t (s)</th><th>interface</th><th>neighbour</th><th>state</th>"
            "<th>why</th></tr>")
    return (f"<table style='font-family:monospace;font-size:12px'>{head}{''.join(rows)}"
            "</table>")


def run_html(run: "Run") -> str:
    """The whole Run: header, terminal session, then frames and events (folded)."""
    notes = "".join(f"<div><i>{escape(n)}</i></div>" for n in run.notes)
    fails = sum(1 for c in run.commands if c.rc != 0)
    head = (f"<b>{escape(run.script or 'lab')}</b> on the <b>{escape(run.backend)}</b> "
            f"backend: {len(run.commands)} commands ({fails} failed), {len(run.frames)} "
            f"frames, {len(run.events)} neighbour events")
    return (f"<div>{head}{notes}{terminal_html(run)}"
            f"<details><summary>frames ({len(run.frames)})</summary>{frames_html(run)}"
            f"</details><details><summary>neighbour events ({len(run.events)})</summary>"
            f"{events_html(run)}</details></div>")


def comparison_html(cmp: "Comparison") -> str:
    """The verdict in colour, then the full report."""
    colour = "#2a9d8f" if cmp.ok else "#c1121f"
    verdict = "MATCH" if cmp.ok else f"DIFFER in {len(cmp.diffs)} places"
    return (f"<div><b style='color:{colour}'>{escape(cmp.name_a)} vs {escape(cmp.name_b)}: "
            f"{verdict}</b><pre style='font-size:12px'>{escape(cmp.report())}</pre></div>")
