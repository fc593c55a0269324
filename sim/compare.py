"""Compare two Runs (normally the simulator against the kernel) and say where they differ.

Two worlds never agree byte for byte: MAC addresses are random, IPv4 ids and ping's
identifier and timestamps come from the host, timers drift by milliseconds and some
tables are dumped in hash order.  So both runs are first *normalised* — MACs named by
the interface that owns them, the host-chosen fields masked, timing-dependent text
masked, unordered listings sorted — and only then compared: frames per interface and
direction in order, commands one by one, neighbour transitions per entry.  Whatever is
left is a real difference in behaviour, and the report says which rules produced it.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace, dataclass, field
from typing import Any

from sim.dissect import summarize
from sim.result import CommandResult, Run
from sim.normalize import (is_igmp, mask_times, name_macs, normalize_frame,  # noqa: F401
                           normalize_text, unordered_listing)

RULES = ("masked: IPv4 id/checksum, ICMP id/checksum, ping timestamps (first 16 data bytes); "
         "MACs named by owner; ping/arping times masked; neighbour and fdb listings compared "
         "as sets of lines; neighbour events as netlink reports them (transitions Linux does "
         "not notify, into INCOMPLETE or DELAY, left out); times relative to the enclosing command; "
         "IGMP frames left out (a bridge's own IGMPv3 reports for 224.0.0.106, sent at random "
         "times within 1 s of going up, which the simulator does not send); frames or transitions "
         "that differ only in order are matched when their times agree within the tolerance")


@dataclass(frozen=True)
class Diff:
    """One difference.  ``area`` is "frame", "command" or "event"; ``where`` names the
    interface and direction, the command, or the neighbour entry; ``index`` is the
    position within that group (on side a, or side b for an extra item)."""

    area: str
    where: str
    index: int
    kind: str  # missing | extra | differs | time | count | rc | stdout | stderr
    a: str = ""
    b: str = ""
    t_a: float | None = None
    t_b: float | None = None
    detail: str = ""

    def line(self, name_a: str, name_b: str) -> str:
        def when(t: float | None) -> str:
            return "" if t is None else f" t={t:.3f}"
        head = f"#{self.index} {self.kind}"
        if self.detail:
            head += f" ({self.detail})"
        parts = [head]
        if self.kind != "extra":
            parts.append(f"{name_a}{when(self.t_a)}: {self.a}")
        if self.kind != "missing":
            parts.append(f"{name_b}{when(self.t_b)}: {self.b}")
        return "\n      ".join(parts)


@dataclass(frozen=True)
class Group:
    """How one group (an interface direction, or a neighbour entry) fared."""

    area: str
    where: str
    count_a: int
    count_b: int
    matched: int
    reordered: int = 0  # of ``matched``: paired out of order, within the time tolerance


@dataclass
class Comparison:
    name_a: str
    name_b: str
    diffs: list[Diff] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    commands: tuple[int, int] = (0, 0)
    time_tolerance: float = 0.25
    rules: str = RULES

    @property
    def ok(self) -> bool:
        return not self.diffs

    def _repr_html_(self) -> str:
        from sim.notebook import comparison_html

        return comparison_html(self)

    def report(self) -> str:
        """Human-readable: verdict, rules, then commands, frames and events in turn."""
        a, b = self.name_a, self.name_b
        if self.ok:
            nf = sum(g.count_a for g in self.groups if g.area == "frame")
            out = [f"MATCH: {a} and {b} agree ({self.commands[0]} commands, {nf} frames)"]
        else:
            areas = {k: sum(d.area == k for d in self.diffs) for k in ("command", "frame",
                                                                       "event")}
            what = ", ".join(f"{k}s: {n}" for k, n in areas.items() if n)
            out = [f"DIFFER: {a} and {b} differ in {len(self.diffs)} places ({what})"]
        out.append(f"rules: {self.rules}; time tolerance {self.time_tolerance:g} s + 2%")
        cdiffs = [d for d in self.diffs if d.area == "command"]
        out.append(f"commands: {self.commands[0]} vs {self.commands[1]}, "
                   f"{len({d.index for d in cdiffs})} differ")
        out += [f"  {d.where}: {d.line(a, b)}" for d in cdiffs]
        for area, title in (("frame", "frames"), ("event", "neighbour events")):
            groups = [g for g in self.groups if g.area == area]
            if not groups:
                continue
            out.append(f"{title}:")
            unit = "frames" if area == "frame" else "transitions"
            for g in groups:
                order = f" ({g.reordered} in another order, within the time tolerance)" \
                    if g.reordered else ""
                if g.count_a == g.count_b == g.matched:
                    out.append(f"  {g.where}: {g.matched} {unit} match{order}")
                else:
                    out.append(f"  {g.where}: {g.matched} match, {a} has {g.count_a}, "
                               f"{b} has {g.count_b}")
                out += [f"    {d.line(a, b)}" for d in self.diffs
                        if d.area == area and d.where == g.where]
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------- frame normalisation

def _command_text(c: CommandResult, which: str, macs: dict[str, str]) -> str:
    text = normalize_text(getattr(c, which), macs)
    if unordered_listing(c.cmd):
        text = "\n".join(sorted(text.splitlines()))
    return text


def _compare_commands(a: Run, b: Run, cmp: Comparison) -> None:
    cmp.commands = (len(a.commands), len(b.commands))
    if len(a.commands) != len(b.commands):
        cmp.diffs.append(Diff("command", "commands", 0, "count", a=str(len(a.commands)),
                              b=str(len(b.commands))))
    for i, (ca, cb) in enumerate(zip(a.commands, b.commands)):
        where = f"command {i} (line {ca.line}) `{ca.cmd}`"
        if ca.cmd != cb.cmd:
            cmp.diffs.append(Diff("command", where, i, "differs", a=ca.cmd, b=cb.cmd,
                                  detail="not the same command"))
            continue
        if ca.rc != cb.rc:
            cmp.diffs.append(Diff("command", where, i, "rc", a=str(ca.rc), b=str(cb.rc)))
        for which in ("stdout", "stderr"):
            ta, tb = _command_text(ca, which, a.macs), _command_text(cb, which, b.macs)
            if ta != tb:
                la, lb = ta.splitlines(), tb.splitlines()
                k = next((j for j, (x, y) in enumerate(zip(la, lb)) if x != y),
                         min(len(la), len(lb)))
                cmp.diffs.append(Diff("command", where, i, which,
                                      a=la[k] if k < len(la) else "<end>",
                                      b=lb[k] if k < len(lb) else "<end>",
                                      detail=f"first difference at line {k + 1}"))


# ---------------------------------------------------------------- times and alignment

def command_index(run: Run, t: float) -> int:
    """The command during which ``t`` fell: the last one started at or before it (-1 if
    none).  Commands run one after another, so that is also the one whose
    ``[t, t + duration]`` contains it, when one does."""
    idx = -1
    for i, c in enumerate(run.commands):
        if c.t <= t + 1e-9:
            idx = i
        else:
            break
    return idx


def _start(run: Run, i: int) -> float:
    return run.commands[i].t if 0 <= i < len(run.commands) else 0.0


def time_mismatch(a: Run, ta: float, b: Run, tb: float, tolerance: float) -> str:
    """Empty if the two times agree, else why not.

    Each time is taken relative to the start of its command; a frame near a command
    boundary may land in neighbouring commands in the two worlds, so the offsets are
    compared relative to either side's command and the better fit wins.
    """
    ia, ib = command_index(a, ta), command_index(b, tb)
    best = None
    for i in {ia, ib}:
        oa, ob = ta - _start(a, i), tb - _start(b, i)
        err = abs(oa - ob) - (tolerance + 0.02 * max(abs(oa), abs(ob)))
        if best is None or err < best[0]:
            best = (err, i, oa, ob)
    assert best is not None
    if best[0] <= 0:
        return ""
    _, i, oa, ob = best
    return f"cmd {ia} +{ta - _start(a, ia):.3f}s vs cmd {ib} +{tb - _start(b, ib):.3f}s" \
        if ia != ib else f"cmd {i}: +{oa:.3f}s vs +{ob:.3f}s"


def _align(where: str, area: str, ka: Sequence[Hashable], kb: Sequence[Hashable],
           describe: Callable[[str, int], tuple[str, float]], check_time: Callable[[int, int],
                                                                                    str],
           cmp: Comparison) -> None:
    """Align two keyed sequences in order, recording a Group and its Diffs.

    Items the in-order alignment leaves over are then paired across blocks when they
    carry the same key within the time tolerance: a timer that fires a few ms before or
    after a packet in one world (a delayed probe and ping's next echo request) swaps two
    frames without either world being wrong.  Such pairs count as matched, out of order.
    """
    matched = 0
    blocks: list[tuple[range, range]] = []
    sm = difflib.SequenceMatcher(a=list(ka), b=list(kb), autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            blocks.append((range(i1, i2), range(j1, j2)))
            continue
        for i, j in zip(range(i1, i2), range(j1, j2)):
            why = check_time(i, j)
            if why:
                (sa, t_a), (sb, t_b) = describe("a", i), describe("b", j)
                cmp.diffs.append(Diff(area, where, i, "time", sa, sb, t_a, t_b, why))
            else:
                matched += 1
    left_b = [j for _, rb in blocks for j in rb]
    paired_a: set[int] = set()
    for i in (i for ra, _ in blocks for i in ra):
        j = next((j for j in left_b if kb[j] == ka[i] and not check_time(i, j)), None)
        if j is not None:
            left_b.remove(j)
            paired_a.add(i)
    reordered = len(paired_a)
    unpaired_b = set(left_b)
    for ra, rb in blocks:
        rest_a = [i for i in ra if i not in paired_a]
        rest_b = [j for j in rb if j in unpaired_b]
        for i, j in zip(rest_a, rest_b):
            (sa, t_a), (sb, t_b) = describe("a", i), describe("b", j)
            cmp.diffs.append(Diff(area, where, i, "differs", sa, sb, t_a, t_b))
        for i in rest_a[len(rest_b):]:
            sa, t_a = describe("a", i)
            cmp.diffs.append(Diff(area, where, i, "missing", a=sa, t_a=t_a,
                                  detail=f"not in {cmp.name_b}"))
        for j in rest_b[len(rest_a):]:
            sb, t_b = describe("b", j)
            cmp.diffs.append(Diff(area, where, j, "extra", b=sb, t_b=t_b,
                                  detail=f"not in {cmp.name_a}"))
    cmp.groups.append(Group(area, where, len(ka), len(kb), matched + reordered, reordered))


def _groups(items: Sequence[Any], key: Callable[[Any], tuple[str, ...]]) -> dict:
    out: dict[tuple[str, ...], list[Any]] = {}
    for x in items:
        out.setdefault(key(x), []).append(x)
    return out


def _compare_frames(a: Run, b: Run, cmp: Comparison) -> None:
    ga = _groups([f for f in a.frames if not is_igmp(f.data)], lambda f: (f.netns, f.dev, f.dir))
    gb = _groups([f for f in b.frames if not is_igmp(f.data)], lambda f: (f.netns, f.dev, f.dir))
    for key in list(ga) + [k for k in gb if k not in ga]:
        fa, fb = ga.get(key, []), gb.get(key, [])
        side = {"a": fa, "b": fb}

        def describe(s: str, i: int, side: dict = side) -> tuple[str, float]:
            f = side[s][i]
            return name_macs(summarize(f.data), (a if s == "a" else b).macs), f.t

        def check(i: int, j: int, fa: list = fa, fb: list = fb) -> str:
            return time_mismatch(a, fa[i].t, b, fb[j].t, cmp.time_tolerance)

        _align(f"{key[0]}/{key[1]} {key[2]}", "frame",
               [normalize_frame(f.data, a.macs) for f in fa],
               [normalize_frame(f.data, b.macs) for f in fb], describe, check, cmp)


def netlink_view(events: list[Any]) -> list[Any]:
    """The neighbour timeline as netlink tells it.

    Linux does not notify every NUD transition (entering INCOMPLETE or DELAY is silent;
    see ``__neigh_event_send``), so a kernel run's timeline is coarser than the model's.
    The simulator marks each event with ``extra["netlink"]`` (would Linux notify it?);
    this keeps the notified ones and re-chains ``old`` to the last notified state, which
    is what a netlink listener sees.  Events without the mark count as notified.
    """
    last: dict[tuple[str, str, str], str] = {}
    out = []
    for e in events:
        if e.kind != "neigh":
            continue
        k = (e.netns, e.dev, e.subject)
        if not e.extra.get("netlink", True):
            last.setdefault(k, e.old)  # a listener still knows the state before it
            continue
        old = last.get(k, e.old)
        last[k] = e.new
        out.append(replace(e, old=old) if old != e.old else e)
    return out


def _compare_events(a: Run, b: Run, cmp: Comparison) -> None:
    def key(e: Any) -> tuple[str, ...]:
        return (e.netns, e.dev, e.subject)
    ga = _groups(netlink_view(a.events), key)
    gb = _groups(netlink_view(b.events), key)
    for k in list(ga) + [x for x in gb if x not in ga]:
        ea, eb = ga.get(k, []), gb.get(k, [])
        side = {"a": ea, "b": eb}

        def describe(s: str, i: int, side: dict = side) -> tuple[str, float]:
            e = side[s][i]
            return f"{e.old} -> {e.new}", e.t

        def check(i: int, j: int, ea: list = ea, eb: list = eb) -> str:
            return time_mismatch(a, ea[i].t, b, eb[j].t, cmp.time_tolerance)

        _align(f"{k[0]}/{k[1]} {k[2]}", "event", [(e.old, e.new) for e in ea],
               [(e.old, e.new) for e in eb], describe, check, cmp)


def compare(a: Run, b: Run, *, time_tolerance: float = 0.25) -> Comparison:
    """Compare run ``a`` (e.g. the simulator's) with run ``b`` (e.g. the kernel's)."""
    name_a, name_b = (a.backend, b.backend) if a.backend != b.backend else ("a", "b")
    cmp = Comparison(name_a, name_b, time_tolerance=time_tolerance)
    _compare_commands(a, b, cmp)
    _compare_frames(a, b, cmp)
    _compare_events(a, b, cmp)
    return cmp
