"""``sysctl [-w] net.KEY[=VALUE]`` inside a lab namespace, with procps' own messages.

``/proc/sys/net`` shows the network namespace of the *thread* that opens a file there,
so the read or write happens in a thread that has entered the lab namespace
(``Sandbox.run_in``).  Only keys under ``net.`` are allowed: everything else under
``/proc/sys`` belongs to the whole machine (``kernel.hostname`` would rename the host).

What procps-ng 4.0.2's ``sysctl`` does, checked against it in a throwaway namespace:

- a key that does not exist: ``sysctl: cannot stat /proc/sys/net/...: No such file or
  directory`` on stderr, status 1 (also with ``-q``, also for ``-w``);
- a value the kernel refuses: ``sysctl: setting key "KEY": Invalid argument``, status 1;
- a successful ``-w`` prints ``KEY = VALUE`` with the value *as written* (whitespace
  trimmed) — not as read back: ``retrans_time_ms=301`` prints 301 though the kernel
  keeps 304 (jiffies at HZ=250); ``=0300`` prints 0300;
- ``-w`` on a directory: ``sysctl: setting key "KEY": Invalid argument`` yet status 0.
"""
from __future__ import annotations

import errno
import os
from typing import Callable, TypeVar

from sim.commands import Sysctl
from sim.errors import CommandError

T = TypeVar("T")
PROC_SYS = "/proc/sys"


def key_path(key: str) -> str:
    """``net.ipv4.neigh.veth1.retrans_time_ms`` -> ``/proc/sys/net/ipv4/neigh/veth1/...``.

    A key written with slashes (``net/ipv4/...``) is taken as a path, as procps does
    (that is how a device name with a dot is named).  Raises ``CommandError`` for keys
    outside ``net`` or that try to climb out of it.
    """
    rel = key.strip("/") if "/" in key else key.replace(".", "/")
    parts = rel.split("/")
    if parts[0] != "net" or len(parts) < 2 or any(p in ("", ".", "..") for p in parts):
        raise CommandError(f'vethlab: sysctl: only keys under "net." can be used in a lab: '
                           f'"{key}"', rc=1)
    return os.path.join(PROC_SYS, *parts)


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read().rstrip("\n")


def _write(path: str, value: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(value)


def _inside(path: str, value: str | None) -> tuple[str, int | None]:
    """Runs in the namespace: ``(value read, None)`` or ``("", errno)``; never raises
    for the kernel's refusals, so the caller can word them as procps does."""
    try:
        os.stat(path)
    except OSError as exc:
        return "", -(exc.errno or errno.ENOENT)  # negative: the stat failed
    try:
        if value is None:
            if os.path.isdir(path):
                return "", errno.EISDIR
            return _read(path), None
        _write(path, value)
        return value, None
    except OSError as exc:
        return "", exc.errno or errno.EIO


def sysctl(cmd: Sysctl, run_in: Callable[[Callable[[], T]], T]) -> str:
    """Read or write ``cmd.key`` in the namespace ``run_in`` enters; return the value
    procps prints after ``KEY = ``.  Raises ``CommandError`` with procps' message."""
    path = key_path(cmd.key)
    value, err = run_in(lambda: _inside(path, cmd.value))
    if err is None:
        return value.strip() if cmd.value is not None else value
    if err < 0:
        raise CommandError(f"sysctl: cannot stat {path}: {os.strerror(-err)}", rc=1)
    if err == errno.EISDIR and cmd.value is None:
        raise CommandError(f'vethlab: sysctl: "{cmd.key}" is a directory; name one setting',
                           rc=1)
    if err in (errno.EPERM, errno.EACCES):
        raise CommandError(f'sysctl: permission denied on key "{cmd.key}"', rc=1)
    if cmd.value is None:
        raise CommandError(f'sysctl: reading key "{cmd.key}"', rc=1)
    if err == errno.EISDIR:  # procps says EINVAL and still exits 0
        raise CommandError(f'sysctl: setting key "{cmd.key}": {os.strerror(errno.EINVAL)}',
                           rc=0)
    raise CommandError(f'sysctl: setting key "{cmd.key}": {os.strerror(err)}', rc=1)
