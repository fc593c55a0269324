"""Pictures of a run (matplotlib is imported only when a picture is asked for)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.result import Run


def save_plot(run: "Run", path: str) -> None:
    """Draw ``run``'s ladder diagram to ``path`` (the format follows the extension)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from sim.plot.ladder import ladder

    fig = ladder(run)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
