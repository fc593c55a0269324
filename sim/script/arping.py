"""``arping`` as iputils 20221126 reads its command line.

glibc ``getopt`` with the string ``h?bfDUAqc:w:i:s:I:V`` (options and their values may be
glued, ``-c2``, and come after the destination); ``-c`` is 1..INT_MAX and ``-w``
0..INT_MAX with iputils' ``invalid argument`` messages.  The lab models ``-c``, ``-w``,
``-I``, ``-s``, ``-U``, ``-A``, ``-D``, ``-f``, ``-q`` and ``-b``; without ``-I`` the device is the one the
route to the destination leaves by, as arping itself finds it.
"""
from __future__ import annotations


from sim.commands import Arping, Command
from sim.script.context import Context
from sim.script.getopt import Getopt
from sim.script.validate import LineError, check_dev, is_ipv4

_OPTSTRING = "h?bfDUAqc:w:i:s:I:V"
_GETOPT = Getopt("arping", _OPTSTRING)
_SUPPORTED = "-c COUNT, -w DEADLINE, -I DEV, -s SOURCE, -U, -A, -D, -f, -q, -b"
#: Options that only switch something on, and the ``Arping`` field each sets.
_FLAGS = {"U": "unsolicited", "A": "answer", "D": "dad", "f": "first_reply", "q": "quiet",
          "b": "broadcast_only"}
INT_MAX = 2**31 - 1


def _err(message: str) -> LineError:
    return _GETOPT.error(message)


def _strtol(text: str, low: int, high: int) -> int:
    return _GETOPT.strtol(text, low, high)


def _getopt(argv: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    return _GETOPT.parse(argv)


def parse_arping(argv: list[str], ctx: Context) -> Command:
    opts, operands = _getopt(argv[1:])
    fields: dict[str, object] = {}
    for opt, value in opts:
        if opt == "c":
            fields["count"] = _strtol(value, 1, INT_MAX)
        elif opt == "w":
            fields["deadline"] = float(_strtol(value, 0, INT_MAX))
        elif opt == "I":
            fields["interface"] = check_dev(value)
        elif opt == "s":
            if not is_ipv4(value):
                raise _err(f"invalid source {value}")
            fields["source"] = value
        elif opt in _FLAGS:
            fields[_FLAGS[opt]] = True
        else:
            raise LineError(f'vethlab: arping option "-{opt}" is not supported yet '
                            f"(supported: {_SUPPORTED})")
    if len(operands) != 1:
        raise LineError(f"vethlab: arping takes one destination, got {len(operands)}"
                        + (f": {' '.join(operands)}" if operands else ""))
    dest = operands[0]
    if not is_ipv4(dest):
        raise _err(f"{dest}: Name or service not known")
    return ctx.make(Arping, dest=dest, **fields)
