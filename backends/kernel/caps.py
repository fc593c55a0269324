"""Can this process run the kernel backend?

Being uid 0 is not enough (a root shell in a default container lacks the capabilities):
we need CAP_NET_ADMIN (links, addresses), CAP_SYS_ADMIN (new namespaces, bind mounts)
and CAP_NET_RAW (capture and ping) in the *effective* set, and the kernel must let us
make a network namespace — tried once in a throwaway thread that goes back to its own
namespace (or dies) afterwards, so nothing is left behind.
"""
from __future__ import annotations

import os

from backends.kernel import sandbox

CAP_NET_ADMIN = 12
CAP_NET_RAW = 13
CAP_SYS_ADMIN = 21
NEEDS_ROOT = ("the kernel backend needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_NET_RAW); "
              "use --backend sim")


def effective_caps() -> int:
    """The CapEff mask of this process (0 if it cannot be read)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16)
    except OSError:
        pass
    return 0


def _try_unshare() -> None:
    def body() -> None:
        orig = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            sandbox.unshare_net()
            sandbox.setns(orig)
        finally:
            os.close(orig)

    sandbox._in_thread(body)


def kernel_available() -> tuple[bool, str]:
    """``(True, "")`` if the kernel backend can run here, else ``(False, reason)``."""
    caps = effective_caps()
    if not all(caps & (1 << c) for c in (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_NET_RAW)):
        return False, NEEDS_ROOT
    try:
        _try_unshare()
    except OSError as exc:
        return False, (f"cannot create network namespaces here ({exc.strerror or exc}); "
                       "use --backend sim")
    run_dir = sandbox.NETNS_RUN_DIR
    parent = run_dir if os.path.isdir(run_dir) else os.path.dirname(run_dir)
    if not os.access(parent, os.W_OK):
        return False, f"{parent} is not writable; use --backend sim"
    return True, ""
