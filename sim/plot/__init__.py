"""Pictures of a run (matplotlib is imported only when a picture is asked for).

Three pictures, each a function of a ``Run`` that returns a matplotlib ``Figure`` (made
without pyplot, so a notebook shows it once and no GUI backend is needed):

- ``ladder(run)`` — who sent which frame to whom, in order;
- ``topology(run_or_states)`` — namespaces as boxes, veth pairs as cables;
- ``neighbours(run)`` — each ARP entry's state over time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.result import Run

# The submodules share their function's name; importing the functions here (the modules
# import matplotlib only inside them) keeps ``sim.plot.ladder`` the function, not the module.
from sim.plot.ladder import ladder  # noqa: E402
from sim.plot.neighbours import neighbours  # noqa: E402
from sim.plot.topology import topology  # noqa: E402

KINDS = ("ladder", "topology", "neighbours")
__all__ = ["KINDS", "figure", "ladder", "neighbours", "save_plot", "topology"]


def figure(run: "Run", kind: str = "ladder", **kw: Any) -> "Figure":
    """One of ``KINDS`` by name (what ``vethlab run --plot`` and the cell magic use)."""
    if kind not in KINDS:
        raise ValueError(f"unknown picture {kind!r} (choose from {', '.join(KINDS)})")
    return {"ladder": ladder, "topology": topology, "neighbours": neighbours}[kind](run, **kw)


def save_plot(run: "Run", path: str, kind: str = "ladder") -> None:
    """Draw ``run``'s picture (the ladder unless told) to ``path``; format from the extension."""
    fig = figure(run, kind)
    fig.savefig(path, dpi=120, bbox_inches="tight")
