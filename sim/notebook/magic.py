"""``%%vethlab``: a notebook cell that is a lab script.

    %load_ext sim
    %%vethlab --backend sim --ladder --out seed
    ip netns add ns1
    ...

The cell's output looks like a terminal session; the Run is stored in the user's
namespace (``--out NAME``, default ``_vethlab_run``) so the next cell can draw it or step
through it.  A bad line shows ``FILE:LINE: message`` like the command-line tool, not a
traceback, because a typo in a lab is the learner's everyday, not an exception.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

DEFAULT_OUT = "_vethlab_run"
USAGE = ("%%vethlab [--backend sim|kernel|auto] [--ladder] [--topology] [--neighbours] "
         "[--out NAME] [--seed N] [--quiet]")


@dataclass
class Options:
    backend: str = "sim"
    pictures: tuple[str, ...] = ()
    out: str = DEFAULT_OUT
    seed: int = 0
    quiet: bool = False


def parse_options(line: str) -> Options:
    """Parse the magic's option line; ``ValueError`` with the usage on a bad one."""
    opts = Options()
    pics: list[str] = []
    words = shlex.split(line)
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("--ladder", "--topology", "--neighbours"):
            pics.append(w[2:])
        elif w == "--quiet":
            opts.quiet = True
        elif w in ("--backend", "--out", "--seed") or w.split("=")[0] in ("--backend", "--out",
                                                                          "--seed"):
            name, _, value = w.partition("=")
            if not value:
                i += 1
                if i >= len(words):
                    raise ValueError(f"{name} needs a value\nusage: {USAGE}")
                value = words[i]
            if name == "--backend":
                if value not in ("sim", "kernel", "auto"):
                    raise ValueError(f"unknown backend {value!r}\nusage: {USAGE}")
                opts.backend = value
            elif name == "--out":
                if not value.isidentifier():
                    raise ValueError(f"--out needs a Python name, not {value!r}")
                opts.out = value
            else:
                opts.seed = int(value)
        else:
            raise ValueError(f"unknown option {w!r}\nusage: {USAGE}")
        i += 1
    opts.pictures = tuple(pics)
    return opts


class Terminal:
    """Text that Jupyter shows as a terminal block (and plain text elsewhere)."""

    def __init__(self, text: str, html: str):
        self.text, self.html = text, html

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html


def run_cell(line: str, cell: str) -> tuple[Any, list[Any]]:
    """Run the cell; return the Run (or ``None``) and the objects to display, in order."""
    from html import escape

    import sim
    from sim.errors import VethlabError
    from sim.notebook.html import STDERR, TERMINAL, terminal_html

    try:
        opts = parse_options(line)
    except ValueError as exc:
        msg = str(exc)
        return None, [Terminal(msg, f'<div style="{TERMINAL}"><span style="{STDERR}">'
                                    f"{escape(msg)}</span></div>")]
    try:
        # a bar (a widget here) appears only if the cell runs for more than a second
        run = sim.run(cell, backend=opts.backend, path="<cell>", seed=opts.seed,
                      progress=True)
    except VethlabError as exc:
        msg = str(exc)
        return None, [Terminal(msg, f'<div style="{TERMINAL}"><span style="{STDERR}">'
                                    f"{escape(msg)}</span></div>")]
    shown: list[Any] = []
    if not opts.quiet:
        notes = "".join(f"# {n}\n" for n in run.notes)
        shown.append(Terminal(notes + run.transcript(), terminal_html(run)))
    from sim.plot import figure

    shown += [figure(run, kind) for kind in opts.pictures]
    return run, shown


def vethlab(line: str, cell: str, local_ns: dict[str, Any] | None = None) -> None:
    """The cell magic's body: run, display, store the Run under ``--out``."""
    from IPython import get_ipython
    from IPython.display import display

    run, shown = run_cell(line, cell)
    if run is not None:
        try:
            name = parse_options(line).out
        except ValueError:  # pragma: no cover - run_cell already refused it
            name = DEFAULT_OUT
        ip = get_ipython()
        if ip is not None:
            ip.user_ns[name] = run
    for obj in shown:
        display(obj)


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%vethlab`` (what ``%load_ext sim`` calls)."""
    ipython.register_magic_function(vethlab, magic_kind="cell", magic_name="vethlab")
