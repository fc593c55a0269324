"""Pick a backend by name without ``sim`` importing any backend up front.

``sim`` depends on backends only through here, so the simulator works where pyroute2
cannot (no root) and the kernel backend is never imported by a notebook that does not
ask for it.
"""
from __future__ import annotations

from backends.base import Backend
from sim.commands import Script
from sim.errors import BackendUnavailable
from sim.limits import DEFAULT_LIMITS, Limits, check_script

BACKENDS = ("sim", "kernel", "auto")


def kernel_available() -> tuple[bool, str]:
    """Whether this process can run the kernel backend, and if not, why (one line)."""
    try:
        from backends.kernel.caps import kernel_available as check
    except ImportError as exc:  # pyroute2 missing or broken
        return False, f"the kernel backend is unavailable ({exc}); use --backend sim"
    return check()


def make_backend(name: str, *, seed: int = 0, limits: Limits | None = None,
                 script: Script | None = None) -> tuple[Backend, str | None]:
    """Create the named backend.  Returns it and, for ``auto``, a note saying which.

    Raises ``BackendUnavailable`` (with a one-line reason) when ``kernel`` cannot run.
    With ``script``, the kernel backend first checks it against ``limits`` and raises
    ``ScriptError`` at the first line that needs more — before any namespace exists.
    """
    if name not in BACKENDS:
        raise BackendUnavailable(f"unknown backend {name!r} (choose from {', '.join(BACKENDS)})")
    note = None
    if name == "auto":
        ok, why = kernel_available()
        name = "kernel" if ok else "sim"
        note = ("using the kernel backend" if ok
                else f"using the simulator: {why.split(';')[0]}")
    if name == "sim":
        from backends.simulated import SimulatedBackend

        return SimulatedBackend(seed=seed, limits=limits), note
    ok, why = kernel_available()
    if not ok:
        raise BackendUnavailable(why)
    from backends.kernel import KernelBackend

    limits = limits or DEFAULT_LIMITS
    if script is not None:
        check_script(script, limits)
    return KernelBackend(limits=limits), note
