"""Private, prefixed network namespaces for one run, and removing them again.

Every namespace a lab names (``ns1``) lives at ``/run/netns/<prefix>ns1``; the script's
``root`` namespace is ``<prefix>root``, so the namespace the process started in is never
touched.  Namespaces are made without forking: a short-lived thread calls
``unshare(CLONE_NEWNET)``, does whatever must happen *inside* (sysctls, sockets that must
be bound to the namespace), bind-mounts ``/proc/thread-self/ns/net`` onto the file, and
returns to its original namespace before it ends.  A socket stays bound to the namespace
it was created in, so the rest of the backend never has to switch namespaces again.

The prefix encodes the pid (``vl<pid>-<4 hex>-``) so that ``cleanup()`` can tell the
namespaces of a killed run from those of a live one.
"""
from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import itertools
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

T = TypeVar("T")

NETNS_RUN_DIR = "/run/netns"
CLONE_NEWNET = 0x40000000
MS_BIND = 0x1000
MS_SHARED = 1 << 20
MS_REC = 0x4000
MNT_DETACH = 2
_SELF_NS = "/proc/thread-self/ns/net"
#: ``vl<pid>-<4 hex>-NAME``: the pid of the run that made it, a per-run random tag.
_RUNS = itertools.count()
PREFIX_RE = re.compile(r"^vl(\d+)-([0-9a-f]{4})-")

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                        ctypes.c_void_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def setns(fd: int) -> None:
    """Move the *calling thread* into the network namespace ``fd`` refers to."""
    _check(_libc.setns(fd, CLONE_NEWNET), "setns")


def unshare_net() -> None:
    """Give the *calling thread* a new, empty network namespace."""
    _check(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")


def mount(src: str, target: str, fstype: str | None, flags: int) -> None:
    _check(_libc.mount(src.encode(), target.encode(), fstype.encode() if fstype else None,
                       flags, None), f"mount {target}")


def umount_detach(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def thread_netns_inode() -> int:
    """The inode of the calling thread's network namespace (its identity)."""
    return os.stat(_SELF_NS).st_ino


def _in_thread(body: Callable[[], T]) -> T:
    """Run ``body`` in a fresh OS thread and hand back its result or exception.

    The thread is where namespace switches happen, so the caller's thread never changes
    namespace; the thread ends when ``body`` returns.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = body()
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc

    t = threading.Thread(target=run, name="vethlab-netns", daemon=True)
    with _lock:
        _busy.add(t)
    t.start()
    try:
        t.join()
    finally:
        with _lock:
            _busy.discard(t)
    if "error" in box:
        raise box["error"]
    return box["value"]


def run_in_netns(fd: int, inode: int, fn: Callable[[], T]) -> T:
    """Call ``fn`` in a thread that has entered namespace ``fd`` (identity ``inode``).

    The thread checks it really is in that namespace before ``fn`` runs and goes back to
    its original namespace afterwards (if that fails, the thread ends anyway).
    """
    def body() -> T:
        orig = os.open(_SELF_NS, os.O_RDONLY | os.O_CLOEXEC)
        try:
            setns(fd)
            try:
                if thread_netns_inode() != inode:
                    raise RuntimeError("setns did not enter the expected namespace")
                return fn()
            finally:
                setns(orig)
        finally:
            os.close(orig)

    return _in_thread(body)


def _ensure_run_dir() -> None:
    """Create /run/netns and make it a shared mount point, as ``ip netns add`` does.

    A shared mount point lets a namespace mounted later be seen in mount namespaces that
    were cloned from this one (e.g. ``ip netns exec`` of another tool, a container).
    """
    os.makedirs(NETNS_RUN_DIR, mode=0o755, exist_ok=True)
    try:
        mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC)
    except OSError:
        mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC)
        mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC)


def _disable_ipv6_here() -> None:
    """Turn IPv6 off in the calling thread's namespace (no link-local addresses, no MLD/ND
    frames): /proc/sys/net shows the namespace of the thread that opens the file."""
    for conf in ("all", "default"):
        path = f"/proc/sys/net/ipv6/conf/{conf}/disable_ipv6"
        if os.path.exists(path):
            with open(path, "w", encoding="ascii") as fh:
                fh.write("1")


@dataclass
class Netns:
    """One namespace of the run: script name, file, an open fd and its identity."""

    name: str  # the script's name ("ns1", or "root")
    path: str  # /run/netns/<prefix>NAME
    fd: int
    inode: int
    extra: dict[str, Any] = field(default_factory=dict)  # what the setup function made


class Sandbox:
    """The namespaces of one run: create, look up, remove; removes all on close()."""

    def __init__(self) -> None:
        # Not random: the pid names the owner (cleanup checks it is alive); the clock and
        # a counter keep two runs of one process, or a recycled pid, apart.
        tag = (time.monotonic_ns() // 1000 + next(_RUNS)) & 0xFFFF
        self.prefix = f"vl{os.getpid()}-{tag:04x}-"
        self.namespaces: dict[str, Netns] = {}  # script name -> Netns, in creation order
        #: Files being made right now: a signal may interrupt create() before it has
        #: recorded the namespace, and close() must remove it all the same.
        self._creating: set[str] = set()
        _ensure_run_dir()

    def path(self, name: str) -> str:
        return os.path.join(NETNS_RUN_DIR, self.prefix + name)

    def create(self, name: str, setup: Callable[[], Any] | None = None) -> Netns:
        """Make namespace ``name``; ``setup`` runs inside it (its result lands in ``extra``).

        Raises ``FileExistsError`` when the file exists (like ``ip netns add``).
        """
        path = self.path(name)

        def body() -> Netns:
            orig = os.open(_SELF_NS, os.O_RDONLY | os.O_CLOEXEC)
            before = os.fstat(orig).st_ino
            created = False
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0)
                os.close(fd)
                created = True
                unshare_net()
                inode = thread_netns_inode()
                if inode == before:
                    raise RuntimeError("unshare did not give a new namespace")
                _disable_ipv6_here()
                mount(_SELF_NS, path, "none", MS_BIND)
                nsfd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                if os.fstat(nsfd).st_ino != inode:
                    os.close(nsfd)
                    raise RuntimeError(f"{path} does not hold the new namespace")
                ns = Netns(name=name, path=path, fd=nsfd, inode=inode)
                if setup is not None:
                    ns.extra["setup"] = setup()
                return ns
            except BaseException:
                if created:
                    _remove_file(path)
                raise
            finally:
                if thread_netns_inode() != before:
                    setns(orig)
                os.close(orig)

        self._creating.add(path)
        try:
            ns = _in_thread(body)
            self.namespaces[name] = ns
        finally:
            self._creating.discard(path)
        return ns

    def run_in(self, name: str, fn: Callable[[], T]) -> T:
        ns = self.namespaces[name]
        return run_in_netns(ns.fd, ns.inode, fn)

    def remove(self, name: str) -> None:
        """Unmount and unlink the namespace file and close our fd (callers close their
        sockets first: the kernel frees a namespace when its last reference goes)."""
        ns = self.namespaces.pop(name, None)
        if ns is None:
            return
        try:
            os.close(ns.fd)
        except OSError:
            pass
        _remove_file(ns.path)

    def close(self) -> None:
        _join_busy()  # a namespace thread interrupted by a signal finishes first
        for name in list(self.namespaces)[::-1]:
            self.remove(name)
        for path in list(self._creating):
            _remove_file(path)


def _remove_file(path: str) -> None:
    try:
        umount_detach(path)
    except OSError:
        pass
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cleanup(all_runs: bool = False) -> list[str]:
    """Remove namespaces left by runs that were killed; return the file names removed.

    A namespace belongs to a dead run when the pid in its prefix is not alive;
    ``all_runs=True`` removes every ``vl<pid>-<tag>-`` namespace, live or not.
    """
    removed: list[str] = []
    try:
        entries = sorted(os.listdir(NETNS_RUN_DIR))
    except FileNotFoundError:
        return removed
    for entry in entries:
        m = PREFIX_RE.match(entry)
        if not m:
            continue
        if all_runs or not _pid_alive(int(m.group(1))):
            _remove_file(os.path.join(NETNS_RUN_DIR, entry))
            removed.append(entry)
    return removed


# ---- removing everything on exit, SIGINT and SIGTERM ----------------------------------

_open: list[Callable[[], None]] = []  # close() of every open run
_busy: set[threading.Thread] = set()  # namespace threads running now
_saved_handlers: dict[int, Any] = {}
_lock = threading.RLock()  # re-entered by a signal handler in the main thread


def _on_signal(signum: int, frame: Any) -> None:
    """Close every open run, restore the previous handler and let the signal act.

    The previous handler is read *before* closing: the last run's close() restores the
    handlers and forgets them, and Python's own SIGINT handler (KeyboardInterrupt, which
    the CLI reports) must not turn into the default action (death by signal).
    """
    previous = _saved_handlers.get(signum, signal.SIG_DFL)
    close_all()
    _saved_handlers.pop(signum, None)
    signal.signal(signum, previous)
    if callable(previous):
        previous(signum, frame)
    else:
        os.kill(os.getpid(), signum)


def register(closer: Callable[[], None]) -> None:
    """Track an open run; install SIGINT/SIGTERM handlers while any run is open."""
    with _lock:
        _open.append(closer)
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            # A signal the process was started ignoring (a background job ignores SIGINT,
            # nohup SIGHUP) cannot stop it, so it must not tear the run down either.
            if sig not in _saved_handlers and signal.getsignal(sig) is not signal.SIG_IGN:
                _saved_handlers[sig] = signal.getsignal(sig)
                signal.signal(sig, _on_signal)


def unregister(closer: Callable[[], None]) -> None:
    """Forget a closed run; restore the signal handlers when none is left open."""
    with _lock:
        if closer in _open:
            _open.remove(closer)
        if _open or threading.current_thread() is not threading.main_thread():
            return
        for sig, previous in list(_saved_handlers.items()):
            if signal.getsignal(sig) is _on_signal:
                signal.signal(sig, previous)
            del _saved_handlers[sig]


def _join_busy(timeout: float = 5.0) -> None:
    """Wait for namespace threads still at work (they end within milliseconds)."""
    with _lock:
        threads = [t for t in _busy if t is not threading.current_thread()]
    for t in threads:
        t.join(timeout)


def close_all() -> None:
    for closer in list(_open)[::-1]:
        try:
            closer()
        except Exception:  # keep closing the others
            pass


atexit.register(close_all)
