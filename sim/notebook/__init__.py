"""Notebook helpers: the step-through (``Stepper`` and its widget), ``%%vethlab`` and HTML.

Nothing here imports IPython, ipywidgets, scapy or matplotlib until it is used, so
``import sim`` stays light and works without the notebook extra installed.
"""
from __future__ import annotations

from typing import Any

from sim.notebook.stepper import PROTOCOLS, Stepper, StepView, neighbour_tables

__all__ = ["Session", "Stepper", "StepView", "PROTOCOLS", "neighbour_tables", "step_widget",
           "load_ipython_extension", "run_html", "comparison_html"]


def __getattr__(name: str) -> Any:
    if name == "Session":  # a lazy import: the session pulls in the magic's helpers
        from sim.notebook.session import Session

        return Session
    raise AttributeError(name)


def step_widget(run: Any, protocols: str | None = None, **kw: Any) -> Any:
    """The ipywidgets step-through (see ``sim.notebook.widget``)."""
    from sim.notebook.widget import step_widget as make

    return make(run, protocols, **kw)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext sim.notebook`` registers ``%%vethlab``."""
    from sim.notebook.magic import load_ipython_extension as load

    load(ipython)


def run_html(run: Any) -> str:
    """HTML for ``Run._repr_html_``."""
    from sim.notebook.html import run_html as render

    return render(run)


def comparison_html(cmp: Any) -> str:
    """HTML for ``Comparison._repr_html_``."""
    from sim.notebook.html import comparison_html as render

    return render(cmp)
