"""Neighbour events from netlink: every notification, old = the last notified state."""
from __future__ import annotations

import pytest

from sim.commands import LinkSet, NeighModify, Ping, Sysctl
from tests.backends.kernel.kernel_lab import seeded_backend


@pytest.fixture()
def be():
    yield from seeded_backend()


def _trans(be, netns, subject):
    return [(e.old, e.new) for e in be.events() if e.netns == netns and e.subject == subject]


def test_failed_twice_is_two_events(be):
    be.sysctl(Sysctl(netns="ns1", key="net.ipv4.neigh.veth1.retrans_time_ms", value="100"))
    be.apply(LinkSet(netns="ns1", dev="lo", up=True))
    r = be.ping(Ping(netns="ns1", dest="172.16.0.9", count=2, interval=1.0))
    assert r.errors == 2
    assert _trans(be, "ns1", "172.16.0.9") == [("NONE", "FAILED"), ("FAILED", "FAILED")]


def test_lladdr_change_of_permanent_entry_is_an_event(be):
    for mac in ("02:00:00:00:00:05", "02:00:00:00:00:05", "02:00:00:00:00:06"):
        be.apply(NeighModify(netns="ns1", op="replace", dst="172.16.0.5", lladdr=mac,
                             dev="veth1"))
    evs = [e for e in be.events() if e.subject == "172.16.0.5"]
    assert [(e.old, e.new, e.lladdr) for e in evs] == [
        ("NONE", "PERMANENT", "02:00:00:00:00:05"),
        ("PERMANENT", "PERMANENT", "02:00:00:00:00:06")]


def test_ping_timeline_and_timestamps(be):
    be.ping(Ping(netns="ns1", dest="172.16.0.2", count=1))
    assert _trans(be, "ns1", "172.16.0.2") == [("NONE", "REACHABLE")]
    assert _trans(be, "ns2", "172.16.0.1") == [("NONE", "STALE")]
    reply = [f for f in be.frames() if f.netns == "ns1" and f.dir == "in"
             and f.data[12:14] == b"\x08\x06"][0]
    ev = [e for e in be.events() if e.netns == "ns1"][0]
    assert ev.dev == "veth1" and ev.lladdr
    assert 0 <= ev.t - reply.t < 0.05, ev.t - reply.t
