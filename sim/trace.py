"""Frames and events: what crossed which interface, and what the stack decided.

A ``Frame`` is one Ethernet frame seen on one interface of one namespace, in one
direction, at a time measured in seconds since the run began.  A frame that crosses a
veth pair therefore appears twice: ``out`` on the sender's end and ``in`` on the peer's.
An ``Event`` is a state change worth teaching (a neighbour entry going INCOMPLETE ->
REACHABLE), with the reason when the backend knows it.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
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


#: Called with each frame as it is recorded: ``(t, netns, dev, dir, data)``.
FrameSink = Callable[[float, str, str, str, bytes], None]


class FrameLog(MutableSequence[Frame]):
    """Every frame of a run, stored as columns rather than one object per frame.

    A big lab records millions of frames; a ``Frame`` object each costs ~150 bytes, a row
    here ~20 (a float, an index into the distinct ``(netns, dev, dir)`` triples, and a
    reference to the frame's bytes, which a flood shares across all its copies).  It reads
    like a list of ``Frame`` (built on access).  Editing it (tests do) turns it into a
    plain list first, because edits are rare and columns make them awkward.

    ``keep=False`` keeps only the count; ``max_frames`` keeps the first N; ``sink`` sees
    every frame as it is recorded (a pcapng file written while the run goes on).
    ``seen`` counts every frame recorded, kept or not.
    """

    def __init__(self, frames: Iterable[Frame] = (), *, keep: bool = True,
                 max_frames: int | None = None, sink: FrameSink | None = None):
        self.keep = keep
        self.max_frames = max_frames
        self.sink = sink
        self.seen = 0
        self.in_order = True  # appended with non-decreasing t: no need to sort
        self._t = array("d")
        self._where = array("I")
        self._data: list[bytes] = []
        self._keys: dict[tuple[str, str, str], int] = {}
        self._triples: list[tuple[str, str, str]] = []
        self._list: list[Frame] | None = None
        self._limit = (0 if not keep else max_frames if max_frames is not None else -1)
        for f in frames:
            self.record(f.t, f.netns, f.dev, f.dir, f.data)

    @property
    def not_kept(self) -> int:
        """Frames recorded but not stored (``keep=False`` or past ``max_frames``)."""
        return self.seen - len(self)

    def record(self, t: float, netns: str, dev: str, dir: str, data: bytes) -> None:
        """The hot path: one frame crossed one interface."""
        self.seen += 1
        if self.sink is not None:
            self.sink(t, netns, dev, dir, data)
        if self._limit >= 0 and len(self) >= self._limit:
            return
        if self._list is not None:
            self._list.append(Frame(t, netns, dev, dir, data))
            return
        key = (netns, dev, dir)
        where = self._keys.get(key)
        if where is None:
            where = self._keys[key] = len(self._triples)
            self._triples.append(key)
        if self._t and t < self._t[-1]:
            self.in_order = False
        self._t.append(t)
        self._where.append(where)
        self._data.append(data)

    def _frame(self, i: int) -> Frame:
        netns, dev, dir = self._triples[self._where[i]]
        return Frame(self._t[i], netns, dev, dir, self._data[i])

    def _materialise(self) -> list[Frame]:
        if self._list is None:
            self._list = [self._frame(i) for i in range(len(self._t))]
            self._t, self._where, self._data = array("d"), array("I"), []
        return self._list

    # ---- the Sequence protocol -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._list) if self._list is not None else len(self._t)

    def __getitem__(self, i):  # type: ignore[override]
        if self._list is not None:
            return self._list[i]
        if isinstance(i, slice):
            return [self._frame(j) for j in range(*i.indices(len(self._t)))]
        if i < 0:
            i += len(self._t)
        if not 0 <= i < len(self._t):
            raise IndexError("frame index out of range")
        return self._frame(i)

    def __iter__(self) -> Iterator[Frame]:
        if self._list is not None:
            yield from self._list
            return
        triples, data = self._triples, self._data
        for i, (t, w) in enumerate(zip(self._t, self._where)):
            netns, dev, dir = triples[w]
            yield Frame(t, netns, dev, dir, data[i])

    def __setitem__(self, i, value) -> None:  # type: ignore[override]
        self._materialise()[i] = value

    def __delitem__(self, i) -> None:  # type: ignore[override]
        del self._materialise()[i]

    def insert(self, i: int, value: Frame) -> None:
        self._materialise().insert(i, value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (FrameLog, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrameLog({len(self)} frames kept of {self.seen})"
