"""``ping`` as iputils (20221126) reads its command line.

Options are read the way glibc's ``getopt`` does — ``-c3``, ``-c 3``, ``-qc3`` and
options after the destination all work — and each value is checked with iputils' own
message (``ping: invalid argument: 'x'``).  Options iputils has but the lab does not
model are refused by name; a value iputils would only warn about ("option argument
contains garbage") is an error here, since a lab line should mean exactly one thing.

The ``check_*`` functions are shared with ``sim.Lab``.
"""
from __future__ import annotations

import re

from sim.commands import Command, Ping
from sim.script.context import Context
from sim.script.getopt import Getopt
from sim.script.validate import LineError, is_ipv4

#: iputils' getopt string for IPv4+IPv6 ping; a letter followed by ":" takes a value.
_OPTSTRING = "h?4bRT:6F:N:aABc:CdDe:fHi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:"
_GETOPT = Getopt("ping", _OPTSTRING)
_SUPPORTED = ("-c COUNT, -i INTERVAL, -W TIMEOUT, -s SIZE, -t TTL, -w DEADLINE, "
              "-I IFACE|ADDR, -q, -n, -D, -O")
#: Options that only switch something on, and the ``Ping`` field each sets.
_FLAGS = {"q": "quiet", "n": "numeric", "D": "timestamps", "O": "outstanding"}

LONG_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
#: The largest ICMP payload one IPv4 packet carries (65535 - 20 IP - 8 ICMP).
MAX_PAYLOAD = 65507

_FLOAT_PREFIX = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _err(message: str) -> LineError:
    return _GETOPT.error(message)


def _strtol(text: str, low: int, high: int) -> int:
    return _GETOPT.strtol(text, low, high)


def _strtod(text: str, what: str) -> float:
    """iputils' ping_strtod(), with trailing garbage made fatal."""
    m = _FLOAT_PREFIX.match(text)
    if not text or m is None:
        if not text:
            raise _err(f"{what}: {text}")
        raise _err(f"option argument contains garbage: {text}")
    if m.end() != len(text):
        raise _err(f"option argument contains garbage: {text[m.end():]}")
    return float(text[: m.end()])


# ---- value checks (shared with sim.Lab) --------------------------------------------------

def check_count(count: int) -> int:
    if not 1 <= count <= LONG_MAX:
        raise _err(f"invalid argument: '{count}': out of range: 1 <= value <= {LONG_MAX}")
    return count


def check_interval(interval: float) -> float:
    # iputils refuses values whose milliseconds overflow an int.  As root it takes
    # ``-i 0`` (back to back, several requests in flight, an ``ipg/ewma`` statistic);
    # that flood mode is not modelled, so it is refused with our own words.
    if interval == 0:
        raise LineError("vethlab: ping -i 0 (flood mode) is not supported; "
                        "use an interval of 0.001 s or more")
    if not 0 < interval <= INT_MAX / 1000:
        raise _err(f"bad timing interval: {interval:g}")
    return float(interval)


def check_timeout(timeout: float) -> float:
    if not 0 <= timeout <= INT_MAX / 1000:
        raise _err(f"bad linger time: {timeout:g}")
    return float(timeout)


def check_size(size: int) -> int:
    if not 0 <= size <= INT_MAX:
        raise _err(f"invalid argument: '{size}': out of range: 0 <= value <= {INT_MAX}")
    if size > MAX_PAYLOAD:
        raise LineError(
            f"vethlab: ping -s {size}: more than {MAX_PAYLOAD} bytes of payload "
            "do not fit in one IPv4 packet"
        )
    return size


def check_ttl(ttl: int) -> int:
    if not 0 <= ttl <= 255:
        raise _err(f"invalid argument: '{ttl}': out of range: 0 <= value <= 255")
    if ttl == 0:  # setsockopt(IP_TTL, 0) fails
        raise _err("cannot set unicast time-to-live: Invalid argument")
    return ttl


def check_deadline(deadline: int) -> int:
    """``-w``: whole seconds, 0 (no deadline) to INT_MAX, as iputils' strtol check."""
    if not 0 <= deadline <= INT_MAX:
        raise _err(f"invalid argument: '{deadline}': out of range: 0 <= value <= {INT_MAX}")
    return deadline


def check_dest(dest: str) -> str:
    """The lab has no resolver: a destination is a dotted-quad IPv4 address."""
    if not is_ipv4(dest):
        raise _err(f"{dest}: Name or service not known")
    return dest


def check_interface(value: str) -> str:
    """``-I``: an IPv4 address binds the source, anything else names a device (iputils
    tries ``inet_pton`` first).  Whether the device exists is the backend's question."""
    if is_ipv4(value):
        return value
    if not value or any(c.isspace() for c in value):
        raise _err(f"SO_BINDTODEVICE {value}: No such device")
    return value


# ---- the command line ------------------------------------------------------------------

def _getopt(argv: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    return _GETOPT.parse(argv)


def parse_ping(argv: list[str], ctx: Context) -> Command:
    """``ping [-qnDO] [-c N] [-i SEC] [-W SEC] [-w SEC] [-s SIZE] [-t TTL] [-I IF] ADDR``."""
    opts, operands = _getopt(argv[1:])
    fields: dict[str, object] = {}
    for opt, value in opts:
        if opt == "c":
            fields["count"] = check_count(_strtol(value, 1, LONG_MAX))
        elif opt == "i":
            fields["interval"] = check_interval(_strtod(value, "bad timing interval"))
        elif opt == "W":
            fields["timeout"] = check_timeout(_strtod(value, "bad linger time"))
        elif opt == "s":
            fields["size"] = check_size(_strtol(value, 0, INT_MAX))
        elif opt == "t":
            fields["ttl"] = check_ttl(_strtol(value, 0, 255))
        elif opt == "w":
            fields["deadline"] = check_deadline(_strtol(value, 0, INT_MAX))
        elif opt == "I":
            fields["interface"] = check_interface(value)
        elif opt in _FLAGS:
            fields[_FLAGS[opt]] = True
        else:
            raise LineError(f'vethlab: ping option "-{opt}" is not supported yet (supported: {_SUPPORTED})')
    if not operands:
        raise _err("usage error: Destination address required")
    if len(operands) > 1:
        # iputils reads extra operands as record-route hops, which the lab does not model
        raise LineError(f"vethlab: ping takes one destination, got {len(operands)}: {' '.join(operands)}")
    return ctx.make(Ping, dest=check_dest(operands[0]), **fields)
