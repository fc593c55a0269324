"""``sleep NUMBER[smhd]...`` as GNU coreutils reads it (the arguments are summed).

A lab's clock is virtual in the simulator and real on the kernel backend; either way a
sleep lets timers run (neighbour entries go STALE, pings finish) between two commands.
"""
from __future__ import annotations

import math
import re

from sim.commands import Command, Sleep
from sim.script.context import Context
from sim.script.validate import LineError

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_INTERVAL = re.compile(r"([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([smhd]?)")


def check_seconds(seconds: float) -> float:
    """A duration the lab can wait for: finite and not negative."""
    if not math.isfinite(seconds) or seconds < 0:
        raise LineError(f"vethlab: sleep: {seconds:g} is not a duration the lab can wait for")
    return float(seconds)


def parse_sleep(argv: list[str], ctx: Context) -> Command:
    """``sleep 1``, ``sleep 0.5``, ``sleep 1m 30s``."""
    operands = argv[1:]
    if operands and operands[0] == "--":
        operands = operands[1:]
    elif operands and operands[0].startswith("-") and len(operands[0]) > 1:
        option = operands[0]
        if option.startswith("--"):
            raise LineError(f"sleep: unrecognized option '{option}'")
        raise LineError(f"sleep: invalid option -- '{option[1]}'")
    if not operands:
        raise LineError("sleep: missing operand")
    total = 0.0
    for word in operands:
        m = _INTERVAL.fullmatch(word)
        if m is None:
            raise LineError(f"sleep: invalid time interval ‘{word}’")
        total += float(m.group(1)) * _UNITS[m.group(2)]
    return ctx.make(Sleep, seconds=check_seconds(total))
