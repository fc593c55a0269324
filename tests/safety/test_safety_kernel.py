"""The kernel backend's own guards: limits at run time, bridge loops refused, and a
namespace that does not exist is never created by looking at it."""
from __future__ import annotations

import os

import pytest

import sim
from backends.kernel import KernelBackend
from backends.kernel.sandbox import NETNS_RUN_DIR
from sim.commands import (AddrShow, Arping, LinkAddVeth, LinkSet, NetnsAdd, NetnsDel, Ping,
                          RouteGet, Sleep, Sysctl)
from sim.errors import CommandError
from sim.limits import Limits

from host_snapshot import snapshot
from test_safety_limits import BRIDGE_LOOP

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("kernel_ok")]


def test_bridge_loop_is_refused_on_the_kernel():
    before = snapshot()
    run = sim.run(BRIDGE_LOOP, backend="kernel", path="loop.ip")
    failed = {c.line: c for c in run.commands if c.rc}
    assert sorted(failed) == [14, 16]  # br2 up is refused; the ping then finds nobody
    assert failed[14].stderr.startswith(
        "vethlab: refusing to close a bridge loop: the veth pair ")
    assert "--backend sim" in failed[14].stderr
    assert "1 packets transmitted, 0 received" in failed[16].stdout
    assert len(run.frames) < 100  # no storm: a few ARP requests
    assert snapshot() == before


def test_runtime_limits():
    """A shell session reaches the backend line by line: the bounds hold there too."""
    backend = KernelBackend(limits=Limits(max_namespaces=1, max_ping_count=3,
                                          max_ping_time=5.0))
    try:
        backend.apply(NetnsAdd(name="ns1"))
        with pytest.raises(CommandError, match=r"at most 1 per run \(--max-namespaces\)"):
            backend.apply(NetnsAdd(name="ns2"))
        assert not os.path.exists(os.path.join(NETNS_RUN_DIR, backend.prefix + "ns2"))
        backend.apply(NetnsDel(name="ns1"))
        backend.apply(NetnsAdd(name="ns2"))  # one at a time is fine
        with pytest.raises(CommandError, match="at most 3 echo requests"):
            backend.ping(Ping(dest="10.0.0.1", count=4))
        with pytest.raises(CommandError, match="could run 14 s"):
            backend.ping(Ping(dest="10.0.0.1", count=3, interval=2.0))
        with pytest.raises(CommandError, match="at most 3 probes"):
            backend.arping(Arping(dest="10.0.0.1", count=4))
        with pytest.raises(CommandError, match="waits at most 5 s"):
            backend.sleep(6.0)
    finally:
        backend.close()


def test_a_missing_namespace_is_never_created():
    """pyroute2's NetNS() creates the namespace it is asked to open; we must not."""
    def listing() -> list[str]:
        return sorted(os.listdir(NETNS_RUN_DIR)) if os.path.isdir(NETNS_RUN_DIR) else []

    backend = KernelBackend()
    try:
        start = listing()
        attempts = [
            lambda: backend.snapshot("nosuch"),
            lambda: backend.apply(LinkSet(netns="nosuch", dev="lo", up=True)),
            lambda: backend.apply(LinkAddVeth(name="a", peer="b", peer_netns="nosuch")),
            lambda: backend.apply(LinkAddVeth(name="c", peer="d")) or
            backend.apply(LinkSet(dev="c", to_netns="nosuch")),
            lambda: backend.apply(NetnsDel(name="nosuch")),
            lambda: backend.ping(Ping(netns="nosuch", dest="10.0.0.1", count=1)),
            lambda: backend.arping(Arping(netns="nosuch", dest="10.0.0.1", count=1)),
            lambda: backend.sysctl(Sysctl(netns="nosuch", key="net.ipv4.ip_forward")),
            lambda: backend.route_get(RouteGet(netns="nosuch", dst="10.0.0.1")),
            lambda: backend.snapshot("../nosuch"),
        ]
        for attempt in attempts:
            with pytest.raises(CommandError):
                attempt()
        with pytest.raises(KeyError):
            backend.sandbox.run_in("nosuch", lambda: None)
        assert listing() == start
        assert not any("nosuch" in e for e in listing())
        assert [e.name for e in backend.netns_list().entries] == []
        assert backend.snapshot("root").links  # the run's own root still answers
    finally:
        backend.close()


def test_sysctls_written_in_the_lab_root_stay_there():
    """sysctl -w in the lab's root changes the private root, not the starting namespace."""
    before = snapshot()
    backend = KernelBackend()
    try:
        backend.sysctl(Sysctl(key="net.ipv4.ip_forward", value="1"))
        backend.sysctl(Sysctl(key="net.ipv4.conf.all.arp_ignore", value="2"))
        backend.sleep(0.0)
        assert backend.sysctl(Sysctl(key="net.ipv4.ip_forward")) == "1"
        assert backend.snapshot("root") is not None
        during = snapshot()
        assert during.pop("netns") == [backend.prefix + "root"]
        assert during == {k: v for k, v in before.items() if k != "netns"}
    finally:
        backend.close()
    assert snapshot() == before
