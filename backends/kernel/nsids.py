"""Which lab namespace another one calls nsid N: the kernel names a veth's far end by the
*peer namespace's id as seen from here*, never by name.

Listings (``link-netns ns2``), the loop check and events all need the script's name
behind such an id.  Asking the kernel costs a request per namespace pair, which for a
hundred pods on a node was a hundred requests per pod; so both directions are cached.
An nsid stays put while both namespaces live; a ``NetnsDel`` forgets everything.
"""
from __future__ import annotations

from collections.abc import Callable

from backends.kernel import state
from backends.kernel.links import NetlinkSocket


class NamespaceIds:
    """Cached nsid <-> script-name lookups between the lab's namespaces."""

    def __init__(self, sockets: dict[str, NetlinkSocket], fds: Callable[[], dict[str, int]]):
        self._nl = sockets  # the backend's live map: script name -> its rtnetlink socket
        self._fds = fds  # script name -> namespace fd, for the namespaces that exist now
        self._names: dict[str, dict[int, str]] = {}  # viewer -> nsid -> script name
        self._ids: dict[str, dict[str, int | None]] = {}  # viewer -> name -> nsid

    def forget(self) -> None:
        """A namespace went away; its ids may be reused."""
        self._names.clear()
        self._ids.clear()

    def nsid_for(self, viewer: str, name: str) -> int | None:
        """The nsid ``viewer`` gives namespace ``name`` (only an assigned id is kept)."""
        known = self._ids.setdefault(viewer, {})
        if known.get(name) is None:
            nl, fd = self._nl.get(viewer), self._fds().get(name)
            known[name] = nl.nsid_of(fd) if nl is not None and fd is not None else None
        return known[name]

    def name_of(self, viewer: str, nsid: int) -> str | None:
        """The script name of the namespace ``viewer`` knows as ``nsid`` (a miss re-reads
        every namespace's id once)."""
        known = self._names.get(viewer, {})
        if nsid not in known:
            nl = self._nl.get(viewer)
            if nl is None:
                return None
            fds = {k: v for k, v in self._fds().items() if k != viewer}
            known = self._names[viewer] = state.nsid_map(nl, fds)
        return known.get(nsid)

    def known_as(self, viewer: str, nsid: int, among: set[str]) -> str:
        """Which of ``among`` (usually the one node holding a bridge) ``viewer`` calls
        ``nsid``; ``""`` for none of them.  Asks only about those namespaces."""
        for name in sorted(among):
            if name != viewer and self.nsid_for(viewer, name) == nsid:
                return name
        return ""
