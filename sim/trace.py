"""Frames and events: what crossed which interface, and what the stack decided.

A ``Frame`` is one Ethernet frame seen on one interface of one namespace, in one
direction, at a time measured in seconds since the run began.  A frame that crosses a
veth pair therefore appears twice: ``out`` on the sender's end and ``in`` on the peer's.
An ``Event`` is a state change worth teaching (a neighbour entry going INCOMPLETE ->
REACHABLE), with the reason when the backend knows it.
"""
from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
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


@dataclass(frozen=True, slots=True)  # a big lab records tens of thousands
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
    reference to the frame's bytes, which a flood shares across all its copies).  A
    bridge flood is one row for all its copies (``record_group``: one time, one data
    reference, a shared array of triples and the one position left out), expanded when
    read — a 250-port flood costs ~100 bytes instead of 250 rows.  It reads like a list
    of ``Frame`` (built on access).  Editing it (tests do) turns it into a plain list
    first, because edits are rare and columns make them awkward.

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
        self._n = 0  # frames kept in the columns (a group row holds several)
        #: row -> (triple indexes, the position left out or -1): the group rows.
        self._groups: dict[int, tuple[array, int]] = {}
        self._starts: array | None = None  # first frame of each row, built on demand
        self._limit = (0 if not keep else max_frames if max_frames is not None else -1)
        for f in frames:
            self.record(f.t, f.netns, f.dev, f.dir, f.data)

    @property
    def not_kept(self) -> int:
        """Frames recorded but not stored (``keep=False`` or past ``max_frames``)."""
        return self.seen - len(self)

    def _key(self, key: tuple[str, str, str]) -> int:
        where = self._keys.get(key)
        if where is None:
            # Interned: 10,000 namespaces repeat the same few names in their triples.
            key = tuple(sys.intern(s) for s in key)  # type: ignore[assignment]
            where = self._keys[key] = len(self._triples)
            self._triples.append(key)
        return where

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
        where = self._keys.get((netns, dev, dir))
        if where is None:
            where = self._key((netns, dev, dir))
        if self._t and t < self._t[-1]:
            self.in_order = False
        self._t.append(t)
        self._where.append(where)
        self._data.append(data)
        self._n += 1

    def group_keys(self, triples: Iterable[tuple[str, str, str]]) -> array:
        """The triples of a flood's copies as indexes, for ``record_group`` (a caller
        keeps the array and passes it with every flood over the same ports)."""
        return array("I", (self._key(k) for k in triples))

    def record_group(self, t: float, keys: array, skip: int, data: bytes) -> None:
        """One frame crossed every interface ``keys`` names (from ``group_keys``) but the
        one at position ``skip`` (-1: none), in that order, all at time ``t``: the same as
        recording each copy, in a single row."""
        count = len(keys) - (0 <= skip < len(keys))
        if count <= 0:
            return
        if self.sink is not None or self._list is not None or \
                (self._limit >= 0 and len(self) + count > self._limit):
            triples = self._triples
            for i, k in enumerate(keys):
                if i != skip:
                    self.record(t, *triples[k], data)
            return
        self.seen += count
        if self._t and t < self._t[-1]:
            self.in_order = False
        self._groups[len(self._t)] = (keys, skip)
        self._t.append(t)
        self._where.append(0)
        self._data.append(data)
        self._n += count

    def _rows(self) -> Iterator[tuple[float, int, bytes, tuple[array, int] | None]]:
        groups = self._groups
        for i, (t, w, d) in enumerate(zip(self._t, self._where, self._data)):
            yield t, w, d, groups.get(i) if groups else None

    def _frame(self, i: int) -> Frame:
        if not self._groups:
            netns, dev, dir = self._triples[self._where[i]]
            return Frame(self._t[i], netns, dev, dir, self._data[i])
        starts = self._starts
        if starts is None or len(starts) != len(self._t):
            starts = self._starts = array("Q")
            n = 0
            groups = self._groups
            for row in range(len(self._t)):
                starts.append(n)
                g = groups.get(row)
                n += 1 if g is None else len(g[0]) - (0 <= g[1] < len(g[0]))
        row = bisect_right(starts, i) - 1
        g = self._groups.get(row)
        if g is None:
            w = self._where[row]
        else:
            keys, skip = g
            off = i - starts[row]
            w = keys[off if skip < 0 or off < skip else off + 1]
        netns, dev, dir = self._triples[w]
        return Frame(self._t[row], netns, dev, dir, self._data[row])

    def _materialise(self) -> list[Frame]:
        if self._list is None:
            self._list = list(self)
            self._t, self._where, self._data = array("d"), array("I"), []
            self._groups, self._starts, self._n = {}, None, 0
        return self._list

    # ---- the Sequence protocol -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._list) if self._list is not None else self._n

    def __getitem__(self, i):  # type: ignore[override]
        if self._list is not None:
            return self._list[i]
        if isinstance(i, slice):
            return [self._frame(j) for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("frame index out of range")
        return self._frame(i)

    def __iter__(self) -> Iterator[Frame]:
        if self._list is not None:
            yield from self._list
            return
        triples = self._triples
        for t, w, data, g in self._rows():
            if g is None:
                netns, dev, dir = triples[w]
                yield Frame(t, netns, dev, dir, data)
                continue
            keys, skip = g
            for j, k in enumerate(keys):
                if j != skip:
                    netns, dev, dir = triples[k]
                    yield Frame(t, netns, dev, dir, data)

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
