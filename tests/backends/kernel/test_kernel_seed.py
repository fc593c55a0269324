"""The book's veth walk-through on the real kernel: state, frames, events, ping."""
from __future__ import annotations

import pytest

from backends.kernel import KernelBackend
from sim.commands import Ping
from sim.wire import ETH_P_ARP, ETH_P_IP, ArpPacket, EthernetFrame, IcmpPacket, Ipv4Packet

from kernel_lab import SEED


@pytest.fixture(scope="module")
def lab():
    backend = KernelBackend()
    try:
        for cmd in SEED:
            backend.apply(cmd)
        report = backend.ping(Ping(netns="ns1", dest="172.16.0.2", count=4))
        snaps = {ns: backend.snapshot(ns) for ns in ("root", "ns1", "ns2")}
        yield backend, report, snaps
    finally:
        backend.close()


def test_ping_replies(lab):
    _, report, _ = lab
    assert report.fatal is None and report.rc == 0
    assert (report.transmitted, report.received, report.errors) == (4, 4, 0)
    assert [l.seq for l in report.lines] == [1, 2, 3, 4]
    assert all(l.kind == "reply" and l.nbytes == 64 and l.ttl == 64 for l in report.lines)
    assert all(0 < l.rtt_us < 50_000 for l in report.lines)
    assert 2950 <= report.elapsed_ms <= 3300  # last send minus start: 3 intervals


def test_snapshots_use_script_names(lab):
    _, _, snaps = lab
    veth1 = snaps["ns1"].link("veth1")
    peer = snaps["ns2"].link("veth1-peer")
    assert veth1.kind == "veth" and veth1.link_netns == "ns2"
    assert peer.link_netns == "ns1"
    assert veth1.peer_ifindex == peer.index and peer.peer_ifindex == veth1.index
    assert veth1.flags == ("BROADCAST", "MULTICAST", "UP", "LOWER_UP")
    assert veth1.operstate == "UP" and veth1.qdisc == "noqueue"
    assert [l.name for l in snaps["root"].links] == ["lo"]
    addr = snaps["ns1"].addresses[0]
    assert (addr.dev, addr.local, addr.prefixlen, addr.scope) == ("veth1", "172.16.0.1", 24, "global")
    route = snaps["ns1"].routes[0]
    assert (route.dst, route.dev, route.proto, route.scope, route.src) == \
        ("172.16.0.0/24", "veth1", "kernel", "link", "172.16.0.1")


def test_neighbours_after_ping(lab):
    _, _, snaps = lab
    n1 = {n.dst: n for n in snaps["ns1"].neighbours}
    n2 = {n.dst: n for n in snaps["ns2"].neighbours}
    assert n1["172.16.0.2"].state == "REACHABLE"
    assert n1["172.16.0.2"].lladdr == snaps["ns2"].link("veth1-peer").mac
    # ns2 learnt ns1 from its ARP request (STALE), then used it to reply (DELAY).
    assert n2["172.16.0.1"].state == "DELAY"


def test_netns_list(lab):
    backend, _, _ = lab
    entries = backend.netns_list().entries
    assert [e.name for e in entries] == ["ns1", "ns2"]
    assert all(e.nsid is not None for e in entries)


def _frames(backend, netns, dev):
    return [f for f in backend.frames() if f.netns == netns and f.dev == dev]


def _kind(frame):
    eth = EthernetFrame.parse(frame.data)
    if eth.ethertype == ETH_P_ARP:
        return "arp-" + ("request" if ArpPacket.parse(eth.payload).op == 1 else "reply")
    if eth.ethertype == ETH_P_IP:
        icmp = IcmpPacket.parse(Ipv4Packet.parse(eth.payload).payload)
        return {8: "echo-request", 0: "echo-reply"}.get(icmp.type, f"icmp-{icmp.type}")
    return hex(eth.ethertype)


def test_frames_on_both_ends(lab):
    backend, _, _ = lab
    ns1 = [(f.dir, _kind(f)) for f in _frames(backend, "ns1", "veth1")]
    assert ns1[:2] == [("out", "arp-request"), ("in", "arp-reply")]
    assert ns1.count(("out", "echo-request")) == 4 and ns1.count(("in", "echo-reply")) == 4
    ns2 = [(f.dir, _kind(f)) for f in _frames(backend, "ns2", "veth1-peer")]
    assert ns2[:2] == [("in", "arp-request"), ("out", "arp-reply")]
    assert ns2.count(("in", "echo-request")) == 4 and ns2.count(("out", "echo-reply")) == 4
    assert not [f for f in backend.frames() if f.dev == "lo" or f.netns == "root"]


def test_frame_times(lab):
    backend, report, _ = lab
    frames = backend.frames()
    assert all(0 <= f.t <= backend.now() for f in frames)
    assert [f.t for f in frames] == sorted(f.t for f in frames)
    requests = [f.t for f in _frames(backend, "ns1", "veth1") if _kind(f) == "echo-request"]
    gaps = [b - a for a, b in zip(requests, requests[1:])]
    assert all(0.9 < g < 1.2 for g in gaps)
    out = next(f for f in frames if f.netns == "ns1" and f.dir == "out")
    into = next(f for f in frames if f.netns == "ns2" and f.dir == "in")
    assert out.data == into.data and 0 <= into.t - out.t < 0.01


def test_events(lab):
    backend, _, _ = lab
    ev = [(e.netns, e.dev, e.subject, e.old, e.new) for e in backend.events()]
    # The kernel announces ns1's entry only once resolved (no INCOMPLETE notification).
    assert any(e[:3] == ("ns1", "veth1", "172.16.0.2") and e[4] == "REACHABLE" for e in ev)
    assert ("ns2", "veth1-peer", "172.16.0.1", "NONE", "STALE") in ev


def test_echo_builder_matches_wire():
    from backends.kernel.programs import EchoBuilder
    from sim.wire import ICMP_ECHO, echo, ping_payload

    for size in (0, 8, 16, 56, 1000):
        for seq, us in ((1, 1_700_000_000_123_456), (65535, 5)):
            want = echo(ICMP_ECHO, 0x7601, seq, ping_payload(size, us // 10**6, us % 10**6)).emit()
            assert EchoBuilder(0x7601, size).build(seq, us) == want


def test_ping_without_count_is_stopped_after_four(lab):
    backend, _, _ = lab
    report = backend.ping(Ping(netns="ns1", dest="172.16.0.2", interval=0.2))
    assert report.interrupted and (report.transmitted, report.received) == (4, 4)
    assert 590 <= report.elapsed_ms <= 800
