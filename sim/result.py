"""A run's result: each command's output, every frame, every event.

This is the one shape both backends produce; ``sim.trace_io`` writes it as JSON and
pcapng, ``sim.compare`` diffs two of them, ``sim.plot`` draws them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sim.trace import Event, Frame


@dataclass(frozen=True, slots=True)  # a 10,000-namespace lab keeps 70,000
class CommandResult:
    """One command's outcome, as a terminal would have shown it.

    ``t`` is when it started (seconds since the run began) and ``duration`` how long it
    ran, on the backend's clock (virtual on the simulator, real on the kernel).
    """

    line: int
    cmd: str
    rc: int
    stdout: str
    stderr: str
    netns: str = "root"
    t: float = 0.0
    duration: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "cmd": self.cmd, "rc": self.rc, "stdout": self.stdout,
                "stderr": self.stderr, "netns": self.netns, "t": self.t,
                "duration": self.duration}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "CommandResult":
        return cls(line=int(d["line"]), cmd=d["cmd"], rc=int(d["rc"]), stdout=d["stdout"],
                   stderr=d["stderr"], netns=d.get("netns", "root"), t=float(d.get("t", 0.0)),
                   duration=float(d.get("duration", 0.0)))


@dataclass
class Run:
    """The result of running one lab on one backend."""

    backend: str
    commands: list[CommandResult] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    script: str = ""  # the path (or "<lab>") the commands came from
    #: Every lab interface's MAC address -> "netns/dev", taken at the end of the run (and
    #: before any namespace was deleted), so comparisons can name MACs by their owner.
    macs: dict[str, str] = field(default_factory=dict)

    @property
    def rc(self) -> int:
        """The last command's status, as a shell running the script would exit with."""
        return self.commands[-1].rc if self.commands else 0

    @property
    def interfaces(self) -> list[tuple[str, str]]:
        """Every ``(netns, dev)`` that carried a frame, in order of first appearance."""
        seen: dict[tuple[str, str], None] = {}
        for f in self.frames:
            seen.setdefault((f.netns, f.dev), None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        return {"backend": self.backend, "script": self.script,
                "commands": [c.to_json() for c in self.commands],
                "frames": [f.to_json() for f in self.frames],
                "events": [e.to_json() for e in self.events],
                "notes": list(self.notes), "macs": dict(self.macs)}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Run":
        return cls(backend=d["backend"], script=d.get("script", ""),
                   commands=[CommandResult.from_json(c) for c in d["commands"]],
                   frames=[Frame.from_json(f) for f in d["frames"]],
                   events=[Event.from_json(e) for e in d.get("events", [])],
                   notes=list(d.get("notes", [])), macs=dict(d.get("macs", {})))

    @classmethod
    def load(cls, path: str) -> "Run":
        with open(path, encoding="utf-8") as fh:
            return cls.from_json(json.load(fh))

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.dumps())

    def _repr_html_(self) -> str:
        from sim.notebook import run_html

        return run_html(self)

    def ladder(self, **kw: Any):
        """The ladder (sequence) diagram of this run's frames, as a matplotlib Figure."""
        from sim.plot import ladder

        return ladder(self, **kw)

    def topology(self, **kw: Any):
        """Namespaces as boxes, veth pairs as cables, as a matplotlib Figure."""
        from sim.plot import topology

        return topology(self, **kw)

    def neighbours(self, **kw: Any):
        """Each namespace's neighbour entries over time, coloured by NUD state."""
        from sim.plot import neighbours

        return neighbours(self, **kw)

    def transcript(self) -> str:
        """The session as a terminal would show it: ``$ cmd`` then its output."""
        out: list[str] = []
        for c in self.commands:
            out.append(f"$ {c.cmd}\n")
            out.append(c.stdout)
            out.append(c.stderr)
        return "".join(out)
