"""Nothing is left behind: not on close(), not when killed, and the start namespace is
never changed."""
from __future__ import annotations

import os
import signal
import subprocess
import time

from backends.kernel import KernelBackend, cleanup
from backends.kernel.sandbox import NETNS_RUN_DIR
from sim.commands import Ping

from kernel_lab import PYTHON, SEED, child_env, host_state

CHILD = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal, even if
# this test run is a background job (SIGINT ignored, and inherited)
from backends.kernel import KernelBackend
from sim.commands import NetnsAdd, LinkAddVeth
b = KernelBackend()
b.apply(NetnsAdd(name="ns1"))
b.apply(LinkAddVeth(name="v1", peer="v2", peer_netns="ns1"))
print(b.prefix, flush=True)
time.sleep(60)
"""


def _ours(prefix: str) -> list[str]:
    return [n for n in os.listdir(NETNS_RUN_DIR) if n.startswith(prefix)]


def test_close_removes_everything_and_host_unchanged():
    before = host_state()
    backend = KernelBackend()
    try:
        for cmd in SEED:
            backend.apply(cmd)
        backend.ping(Ping(netns="ns1", dest="172.16.0.2", count=1))
        prefix = backend.prefix
        assert sorted(_ours(prefix)) == sorted(prefix + n for n in ("root", "ns1", "ns2"))
    finally:
        backend.close()
    backend.close()  # twice is fine
    assert _ours(prefix) == []
    assert host_state() == before


def _start_child(sigint_ignored: bool = False) -> tuple[subprocess.Popen, str]:
    code = CHILD.replace("signal.default_int_handler", "signal.SIG_IGN") if sigint_ignored \
        else CHILD
    proc = subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=child_env())
    prefix = proc.stdout.readline().strip()
    assert prefix.startswith("vl"), prefix
    assert len(_ours(prefix)) == 2
    return proc, prefix


def test_sigterm_leaves_nothing():
    proc, prefix = _start_child()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert _ours(prefix) == []


def test_sigint_leaves_nothing():
    proc, prefix = _start_child()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)
    assert _ours(prefix) == []


def test_ignored_sigint_does_not_tear_the_run_down():
    # started ignoring SIGINT (a background job): Ctrl-C cannot stop it, so the run keeps
    # its namespaces; SIGTERM still removes them
    proc, prefix = _start_child(sigint_ignored=True)
    try:
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert proc.poll() is None and len(_ours(prefix)) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert _ours(prefix) == []


def test_cleanup_after_sigkill():
    proc, prefix = _start_child()
    proc.kill()
    proc.wait(timeout=10)
    time.sleep(0.1)
    assert len(_ours(prefix)) == 2
    removed = cleanup()
    assert sorted(n for n in removed if n.startswith(prefix)) == sorted(
        prefix + n for n in ("root", "ns1"))
    assert _ours(prefix) == []


def test_cleanup_spares_live_runs():
    backend = KernelBackend()
    try:
        cleanup()
        assert len(_ours(backend.prefix)) == 1
    finally:
        backend.close()
