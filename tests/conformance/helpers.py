"""Run one lab on both backends and compare: the heart of vethlab's testing."""
from __future__ import annotations

import sim
from sim.compare import compare


def both(script: str, path: str = "<lab>"):
    """Run ``script`` on the simulator and on the kernel; return (sim, kernel, comparison)."""
    s = sim.run(script, backend="sim", path=path)
    k = sim.run(script, backend="kernel", path=path)
    return s, k, compare(s, k)


def output(run, cmd_prefix: str, nth: int = 0):
    """The stdout of the ``nth`` command of ``run`` whose text starts with ``cmd_prefix``."""
    hits = [c for c in run.commands if c.cmd.startswith(cmd_prefix)]
    return hits[nth]
