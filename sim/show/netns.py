"""``ip netns list`` text: one name a line, ``NAME (id: N)`` once the name has an nsid.

The real list is ``/run/netns`` in readdir order (newest first on tmpfs); producers
supply that order in the ``NetnsListing``.
"""
from __future__ import annotations

from sim.model import NetnsListing


def render_netns_list(listing: NetnsListing) -> str:
    """``ip netns list`` / ``ip netns``."""
    return "".join(
        f"{e.name} (id: {e.nsid})\n" if e.nsid is not None else f"{e.name}\n"
        for e in listing.entries
    )
