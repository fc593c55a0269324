"""The starting namespace, as a value two moments can be compared by.

Links, addresses and routes come from ``kernel_lab.host_state`` (tests/backends/kernel);
to them this adds the ``/run/netns`` entries and every sysctl the product can write in
a namespace of its own (forwarding, neighbour parameters, per-interface conf, IPv6 off),
read here in the starting namespace where they must never change.

``/run/netns`` lives in the mount namespace, which ``unshare --net`` does not make
private: another test session on the machine may be running labs meanwhile (and killing
some on purpose).  vethlab entries of processes other than this one and the ones a test
names are therefore left out; every other entry counts.
"""
from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable

from backends.kernel.sandbox import NETNS_RUN_DIR, PREFIX_RE

from kernel_lab import child_env, host_state

SYSCTL_GLOBS = (
    "/proc/sys/net/ipv4/ip_forward",
    "/proc/sys/net/ipv4/neigh/default/*",
    "/proc/sys/net/ipv4/conf/all/*",
    "/proc/sys/net/ipv4/conf/default/*",
    "/proc/sys/net/ipv6/conf/all/disable_ipv6",
    "/proc/sys/net/ipv6/conf/default/disable_ipv6",
)

_SCRIPT = os.path.join(os.path.dirname(sys.executable), "vethlab")
VETHLAB = [_SCRIPT] if os.path.exists(_SCRIPT) else [sys.executable, "-m", "sim"]


def sysctls() -> dict[str, str]:
    out = {}
    for pattern in SYSCTL_GLOBS:
        for path in sorted(glob.glob(pattern)):
            try:
                with open(path, encoding="ascii", errors="replace") as fh:
                    out[path] = fh.read().strip()
            except OSError:
                pass  # write-only or unreadable keys
    return out


def netns_entries(owners: Iterable[int] = ()) -> list[str]:
    """``/run/netns``, without vethlab runs other than ours and ``owners``'."""
    mine = {os.getpid(), *owners}
    try:
        entries = os.listdir(NETNS_RUN_DIR)
    except FileNotFoundError:
        return []
    out = []
    for e in entries:
        m = PREFIX_RE.match(e)
        if m and int(m.group(1)) not in mine:
            continue
        out.append(e)
    return sorted(out)


def snapshot(owners: Iterable[int] = ()) -> dict[str, object]:
    state = host_state()
    state["netns"] = netns_entries(owners)
    state["sysctl"] = sysctls()
    return state


def entries_of(pid: int) -> list[str]:
    """The namespaces of the run made by process ``pid``."""
    return sorted(e for e in netns_entries([pid]) if e.startswith(f"vl{pid}-"))


#: ``vethlab`` as a terminal starts it, SIGINT raising KeyboardInterrupt, even when this
#: test run is itself a background job (which ignores SIGINT; children inherit that).
INTERACTIVE_VETHLAB = [sys.executable, "-c",
                       "import signal, sys; signal.signal(signal.SIGINT, "
                       "signal.default_int_handler); from sim.cli import main; "
                       "sys.exit(main(sys.argv[1:]))"]


def start(script_path: str, *extra: str) -> subprocess.Popen:
    """``vethlab run --backend kernel SCRIPT`` as a child process (no shell)."""
    return subprocess.Popen(INTERACTIVE_VETHLAB + ["run", "--backend", "kernel", *extra,
                                                   script_path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env())


def wait_for_entries(proc: subprocess.Popen, count: int, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = entries_of(proc.pid)
        if len(found) >= count:
            return found
        if proc.poll() is not None:
            raise AssertionError(f"vethlab ended early: {proc.communicate()}")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    raise AssertionError("the run never made its namespaces")
