"""vethlab: see how Linux networking works, simulated or on the real kernel.

``sim.run(lab, backend="sim")`` runs a lab — a script's text, a parsed ``Script`` or a
``sim.Lab`` built in Python — and returns a ``sim.Run``: every command's output, every
frame on every interface and every neighbour state change.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.result import CommandResult, Run

if TYPE_CHECKING:
    from sim.lab import Lab

__all__ = ["Lab", "Run", "CommandResult", "run", "load_script"]


def __getattr__(name: str) -> Any:
    if name == "Lab":
        from sim.lab import Lab

        return Lab
    raise AttributeError(name)


def load_script(lab: "str | Lab | Any", path: str = "<lab>"):
    """Turn a script's text, a ``Lab`` or a ``Script`` into a parsed ``Script``."""
    from sim.commands import Script
    from sim.lab import Lab
    from sim.script import parse

    if isinstance(lab, Script):
        return lab
    if isinstance(lab, Lab):
        return Script(path=path, commands=tuple(lab.commands))
    if isinstance(lab, str):
        return parse(lab, path, lenient_output=True)
    raise TypeError(f"cannot run a {type(lab).__name__}: pass script text, a Lab or a Script")


def run(lab: "str | Lab | Any", backend: str = "sim", *, path: str = "<lab>",
        seed: int = 0) -> Run:
    """Run a lab on a backend (``"sim"``, ``"kernel"`` or ``"auto"``) and return its Run.

    The whole lab is parsed before anything runs; a bad line raises ``ScriptError``.
    """
    from sim.registry import make_backend
    from sim.runner import execute

    script = load_script(lab, path)
    be, note = make_backend(backend, seed=seed)
    with be:
        result = execute(script, be)
    if note:
        result.notes.insert(0, note)
    return result


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext sim`` registers the ``%%vethlab`` cell magic."""
    from sim.notebook.magic import load_ipython_extension as load

    load(ipython)
