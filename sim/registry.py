"""Pick a backend by name without ``sim`` importing any backend up front.

``sim`` depends on backends only through here, so the simulator works where pyroute2
cannot (no root) and the kernel backend is never imported by a notebook that does not
ask for it.
"""
from __future__ import annotations

from backends.base import Backend
from sim.errors import BackendUnavailable

BACKENDS = ("sim", "kernel", "auto")


def kernel_available() -> tuple[bool, str]:
    """Whether this process can run the kernel backend, and if not, why (one line)."""
    try:
        from backends.kernel.caps import kernel_available as check
    except ImportError as exc:  # pyroute2 missing or broken
        return False, f"the kernel backend is unavailable ({exc}); use --backend sim"
    return check()


def make_backend(name: str, *, seed: int = 0) -> tuple[Backend, str | None]:
    """Create the named backend.  Returns it and, for ``auto``, a note saying which.

    Raises ``BackendUnavailable`` (with a one-line reason) when ``kernel`` cannot run.
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

        return SimulatedBackend(seed=seed), note
    ok, why = kernel_available()
    if not ok:
        raise BackendUnavailable(why)
    from backends.kernel import KernelBackend

    return KernelBackend(), note
