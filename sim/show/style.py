"""iproute2's ``-color`` output: which words it paints, and with which ANSI codes.

iproute2 (``lib/color.c``) wraps a few fields in an escape sequence and a reset:
interface names, MAC addresses, IPv4 addresses and the operstates ``UP``/``DOWN``.
It picks a palette from ``COLORFGBG``; with that variable unset (as for a lab, whose
output is a file, not a terminal) it uses the "light background" palette below, so
that is the one reproduced.  The painted text includes whatever the format string
carried with the value (``"lo: "``, ``"UP "``), and that trailing text is inside the
escape sequence — hence ``paint`` takes the whole formatted piece.
"""
from __future__ import annotations

#: color_attr -> escape sequence (attr_colors_light in lib/color.c).
IFNAME = "\x1b[36m"  # cyan
MAC = "\x1b[33m"  # yellow
INET = "\x1b[35m"  # magenta
OPER_UP = "\x1b[32m"  # green
OPER_DOWN = "\x1b[31m"  # red
CLEAR = "\x1b[0m"


def paint(text: str, code: str | None, color: bool) -> str:
    """``text`` as color_fprintf() prints it: wrapped when colour is on and ``code`` set."""
    if not color or code is None:
        return text
    return f"{code}{text}{CLEAR}"


def oper_color(operstate: str) -> str | None:
    """oper_state_color(): only UP and DOWN are coloured."""
    return {"UP": OPER_UP, "DOWN": OPER_DOWN}.get(operstate)
