"""``sysctl`` on one namespace: the ``/proc/sys/net`` files the lab models.

``net.ipv4.neigh.DEV.*`` (every device, ``lo`` included; ``default`` exists only in the
initial namespace, so not in a lab), ``net.ipv4.conf.{all,default,DEV}.*`` for the keys
``devconf.DEFAULTS`` names, and ``net.ipv4.ip_forward``.  Any other key reads as a file
that does not exist, in procps' words; a value the kernel refuses is procps' "Invalid
argument".  A write returns the text as procps echoes it (the argument, not a read-back:
``retrans_time_ms=5`` prints ``5`` although the file then holds ``8``).
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

from sim.errors import CommandError

from backends.simulated.stack import devconf, neigh_parms

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns

#: procps' exit status for both failures (measured with procps 4.0.2).
SYSCTL_RC = 1


def no_such_key(key: str) -> CommandError:
    path = "/proc/sys/" + key.replace(".", "/")
    return CommandError(f"sysctl: cannot stat {path}: No such file or directory", SYSCTL_RC)


def invalid(key: str) -> CommandError:
    return CommandError(f'sysctl: setting key "{key}": Invalid argument', SYSCTL_RC)


def sysctl(ns: "Netns", key: str, value: str | None, rng: random.Random) -> str:
    """Read (``value`` None) or write one key; returns what ``sysctl`` prints after ``=``."""
    parts = key.split(".")
    if parts[:2] != ["net", "ipv4"] or len(parts) < 3:
        raise no_such_key(key)
    if parts[2:] == ["ip_forward"]:
        return _conf(ns, key, "all", "forwarding", value)
    if len(parts) == 5 and parts[2] == "neigh":
        table = ns.neigh.get(parts[3])
        if table is None or parts[4] not in neigh_parms.NEIGH_SYSCTLS:
            raise no_such_key(key)
        if value is None:
            return neigh_parms.read(table.parms, parts[4])
        try:
            neigh_parms.write(table.parms, parts[4], value, rng)
        except neigh_parms.SysctlInvalid:
            raise invalid(key) from None
        return value.strip()
    if len(parts) == 5 and parts[2] == "conf":
        scope = parts[3]
        if scope not in ("all", "default") and scope not in ns.neigh:
            raise no_such_key(key)
        if parts[4] not in devconf.DEFAULTS:
            raise no_such_key(key)
        return _conf(ns, key, scope, parts[4], value)
    raise no_such_key(key)


def _conf(ns: "Netns", key: str, scope: str, name: str, value: str | None) -> str:
    if value is None:
        return str(devconf.get(ns, scope, name))
    try:
        number = neigh_parms.parse_int(value)
    except neigh_parms.SysctlInvalid:
        raise invalid(key) from None
    devconf.set(ns, scope, name, number)
    return value.strip()
