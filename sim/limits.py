"""Bounds on one run, so that no lab — a typo or a hostile file — can eat the machine.

The two backends fail in different ways.  On the kernel backend a lab costs real
resources: every namespace is kernel memory, a ``ping -c 100000`` holds the terminal for
a day, and a bridge loop floods broadcasts at hundreds of thousands of frames a second
until a link goes.  So the kernel backend checks the whole script *before creating
anything* (``check_script``) and refuses what would exceed a limit, naming the line.  The
simulator costs only CPU and memory, but a loop or a flood still never ends on its own:
it counts frames and watches its virtual clock, and stops the run with ``LimitExceeded``
when either passes its bound; the runner then reports the line and keeps what ran.

Every bound has a command-line flag (``vethlab run --max-namespaces N`` …) and can be
passed to ``sim.run(..., limits=Limits(...))``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

from sim.commands import Arping, Command, NetnsAdd, Ping, Script, Sleep
from sim.errors import ScriptError, VethlabError


@dataclass(frozen=True)
class Limits:
    """What one run may use.  The defaults fit every lab of the book and the benchmarks."""

    #: Kernel backend: named namespaces one run may make (its private root not counted).
    max_namespaces: int = 256
    #: Kernel backend: echo requests of one ``ping`` and probes of one ``arping``.
    max_ping_count: int = 1000
    #: Kernel backend: seconds one ``ping``/``arping`` may run, and one ``sleep`` may wait.
    max_ping_time: float = 600.0
    #: Simulator: virtual seconds a run may reach (30 days).
    max_virtual_time: float = 30 * 86400.0
    #: Simulator: frames a run may put on the wire (every veth and bridge transmit counts).
    max_sim_frames: int = 1_000_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not value > 0:
                raise ValueError(f"Limits.{f.name} must be positive, not {value!r}")

    @staticmethod
    def flag(name: str) -> str:
        """The command-line flag of a field (``max_ping_count`` -> ``--max-ping-count``)."""
        return "--" + name.replace("_", "-")


DEFAULT_LIMITS = Limits()
#: The status of a command a limit stopped (what ``timeout(1)`` returns for one it stops).
LIMIT_RC = 124


class LimitExceeded(VethlabError):
    """A running lab passed one of its ``Limits``; the run stops where it got to.

    ``limit`` is the field's name; the runner prefixes the line that was running.
    """

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit
        self.message = message


def _fmt(value: float) -> str:
    return f"{value:g}"


def ping_duration(cmd: Ping) -> float:
    """The longest a ping can run: every interval, then the wait for the last reply.

    iputils waits ``-W`` seconds (default: twice the longest RTT, at most 10 s; we take
    10) after the last request.
    """
    if cmd.deadline:  # -w ends it then, whatever -c says 
        return float(cmd.deadline)
    linger = cmd.timeout if cmd.timeout is not None else 10.0
    return (cmd.effective_count - 1) * cmd.interval + linger


def ping_requests(cmd: Ping) -> int:
    """The most echo requests a ping can send: ``-c``, or with ``-w`` one per interval
    until the deadline (iputils keeps sending past ``-c`` until enough replies came)."""
    if cmd.deadline:
        return int(cmd.deadline / cmd.interval) + 1
    return cmd.effective_count


def arping_duration(cmd: Arping) -> float:
    """arping sends one probe a second until ``-c`` or ``-w`` stops it (without either,
    the lab stops it after ``DEFAULT_PING_COUNT`` probes, as Ctrl-C would)."""
    if cmd.count is None and cmd.deadline is not None:
        return cmd.deadline
    count = float(cmd.effective_count)
    return count if cmd.deadline is None else min(count, cmd.deadline)


def _program_refusal(tool: str, what: str, count: int, secs: float,
                     limits: Limits) -> str | None:
    if count > limits.max_ping_count:
        return (f"vethlab: this {tool} could send {count} {what}; the kernel backend "
                f"sends at most {limits.max_ping_count} {what} per {tool} "
                f"({Limits.flag('max_ping_count')})")
    if secs > limits.max_ping_time:
        return (f"vethlab: this {tool} could run {_fmt(secs)} s; the kernel backend stops "
                f"programs at {_fmt(limits.max_ping_time)} s ({Limits.flag('max_ping_time')})")
    return None


def program_refusal(cmd: Command, limits: Limits) -> str | None:
    """Why the kernel backend must not run ``cmd`` (a ping, arping or sleep), or None.

    Real programs hold the terminal for real seconds, so their count and duration are
    bounded; the message names the flag that raises the bound.
    """
    if isinstance(cmd, Ping):
        return _program_refusal("ping", "echo requests", ping_requests(cmd),
                                ping_duration(cmd), limits)
    if isinstance(cmd, Arping):
        return _program_refusal("arping", "probes", cmd.effective_count,
                                arping_duration(cmd), limits)
    if isinstance(cmd, Sleep) and cmd.seconds > limits.max_ping_time:
        return (f"vethlab: sleep {_fmt(cmd.seconds)}: the kernel backend waits at most "
                f"{_fmt(limits.max_ping_time)} s at a time ({Limits.flag('max_ping_time')})")
    return None


def too_many_namespaces(name: str, count: int, limits: Limits) -> str | None:
    """Why namespace ``name``, the run's ``count``-th, must not be made; or None."""
    if count <= limits.max_namespaces:
        return None
    return (f"vethlab: namespace {name} would be this run's number {count}; the kernel "
            f"backend makes at most {limits.max_namespaces} per run "
            f"({Limits.flag('max_namespaces')})")


def check_script(script: Script, limits: Limits) -> None:
    """Refuse, before anything is created, a lab the kernel backend must not run.

    Raises ``ScriptError`` at the first line that needs more than ``limits`` allow.
    """
    names: set[str] = set()
    for cmd in script.commands:
        why = program_refusal(cmd, limits)
        if isinstance(cmd, NetnsAdd) and cmd.name not in names:
            names.add(cmd.name)
            why = too_many_namespaces(cmd.name, len(names), limits)
        if why is not None:
            raise ScriptError(script.path, cmd.line, why)


# ---- the command line (``vethlab run --max-… N``) -----------------------------------------

_HELP = {
    "max_namespaces": "kernel backend: namespaces one run may make",
    "max_ping_count": "kernel backend: requests one ping/arping may send",
    "max_ping_time": "kernel backend: seconds one ping/arping/sleep may take",
    "max_virtual_time": "simulator: virtual seconds a run may reach",
    "max_sim_frames": "simulator: frames a run may send (stops bridge loops and floods)",
}


def _positive(kind: type) -> Callable[[str], float]:
    def convert(text: str) -> float:
        value = kind(text)
        if not value > 0:
            raise ValueError(text)
        return value

    convert.__name__ = f"positive {kind.__name__}"
    return convert


def add_arguments(parser: Any) -> None:
    """Add one ``--max-…`` flag per ``Limits`` field to an argparse parser."""
    group = parser.add_argument_group("limits")
    for f in fields(Limits):
        default = getattr(DEFAULT_LIMITS, f.name)
        group.add_argument(Limits.flag(f.name), dest=f.name, metavar="N",
                           type=_positive(type(default)), default=default,
                           help=f"{_HELP[f.name]} (default {default:,})")


def from_arguments(args: Any) -> Limits:
    """The ``Limits`` an argparse namespace asks for (defaults where a flag is absent)."""
    return Limits(**{f.name: getattr(args, f.name, getattr(DEFAULT_LIMITS, f.name))
                     for f in fields(Limits)})
