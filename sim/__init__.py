"""vethlab: see how Linux networking works, simulated or on the real kernel.

``sim.run(lab, backend="sim")`` runs a lab — a script's text, a parsed ``Script`` or a
``sim.Lab`` built in Python — and returns a ``sim.Run``: every command's output, every
frame on every interface and every neighbour state change.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sim.result import CommandResult, Run

if TYPE_CHECKING:
    from sim.lab import Lab
    from sim.limits import Limits

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
        seed: int = 0, limits: "Limits | None" = None, keep_frames: bool = True,
        max_frames: int | None = None, pcap: "str | os.PathLike[str] | None" = None,
        progress: bool = False) -> Run:
    """Run a lab on a backend (``"sim"``, ``"kernel"`` or ``"auto"``) and return its Run.

    The whole lab is parsed before anything runs; a bad line raises ``ScriptError``.
    ``limits`` (``sim.limits.Limits``) bounds the run: the kernel backend refuses a lab
    that needs more before creating anything; the simulator stops a runaway lab and
    returns what ran, with a note.

    For very large labs: ``keep_frames=False`` keeps only the count of frames,
    ``max_frames=N`` keeps the first N, and ``pcap=FILE`` writes every frame to a
    pcapng file as the run goes (so nothing needs to be held); the Run's notes say
    how many frames were not kept.  ``progress=True`` shows a bar on stderr once the
    run has taken a second.
    """
    from sim.registry import make_backend
    from sim.runner import execute

    script = load_script(lab, path)
    be, note = make_backend(backend, seed=seed, limits=limits, script=script)
    stream = None
    with be:
        if not keep_frames or max_frames is not None or pcap is not None:
            from sim.trace import FrameLog

            if pcap is not None:
                from sim.pcapng import PcapngStream

                stream = PcapngStream(pcap, f"{be.name} backend: {path}")
            be.frame_log = FrameLog(keep=keep_frames, max_frames=max_frames,  # type: ignore[attr-defined]
                                    sink=stream)
        try:
            result = execute(script, be, progress=progress)
        finally:
            if stream is not None:
                stream.close()
    if note:
        result.notes.insert(0, note)
    if stream is not None:
        result.notes.append(f"{stream.count} frames were written to {os.fspath(pcap)} "
                            "as the run went")  # type: ignore[arg-type]
    return result


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext sim`` registers the ``%%vethlab`` cell magic."""
    from sim.notebook.magic import load_ipython_extension as load

    load(ipython)
