"""Frames and events: what crossed which interface, and what the stack decided.

A ``Frame`` is one Ethernet frame seen on one interface of one namespace, in one
direction, at a time measured in seconds since the run began.  A frame that crosses a
veth pair therefore appears twice: ``out`` on the sender's end and ``in`` on the peer's.
An ``Event`` is a state change worth teaching (a neighbour entry going INCOMPLETE ->
REACHABLE), with the reason when the backend knows it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Frame:
    t: float  # seconds since the run began
    netns: str  # the script's namespace name
    dev: str  # the script's interface name
    dir: str  # "in" | "out"
    data: bytes

    def to_json(self) -> dict[str, Any]:
        return {"t": self.t, "netns": self.netns, "dev": self.dev, "dir": self.dir,
                "hex": self.data.hex()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Frame":
        return cls(t=float(d["t"]), netns=d["netns"], dev=d["dev"], dir=d["dir"],
                   data=bytes.fromhex(d["hex"]))


@dataclass(frozen=True)
class Event:
    """A state change: ``kind`` is ``"neigh"`` for neighbour entries.

    For neighbour events ``subject`` is the IPv4 address, ``old``/``new`` the NUD state
    names (``"NONE"`` for an entry that did not exist), ``lladdr`` the link-layer address
    if known, and ``reason`` a sentence (the simulator knows it; the kernel backend
    leaves it empty).
    """

    t: float
    netns: str
    dev: str
    kind: str
    subject: str
    old: str
    new: str
    lladdr: str | None = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"t": self.t, "netns": self.netns, "dev": self.dev,
                             "kind": self.kind, "subject": self.subject, "old": self.old,
                             "new": self.new, "lladdr": self.lladdr, "reason": self.reason}
        if self.extra:
            d["extra"] = dict(self.extra)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Event":
        return cls(t=float(d["t"]), netns=d["netns"], dev=d["dev"], kind=d["kind"],
                   subject=d["subject"], old=d["old"], new=d["new"],
                   lladdr=d.get("lladdr"), reason=d.get("reason", ""),
                   extra=dict(d.get("extra", {})))
