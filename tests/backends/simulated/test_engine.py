"""The engine on the book's seed walk-through and on the failure cases around it."""
from __future__ import annotations

import pytest

from backends.simulated import SimulatedBackend
from backends.simulated.timing import PING_SEND_DELAY, STACK_DELAY, XMIT_DELAY
from sim.commands import (AddrAdd, LinkAddVeth, LinkSet, NetnsAdd, NetnsDel, Ping)
from sim.errors import CommandError
from sim.programs import ping_ident
from sim.wire import (ARPOP_REQUEST, ETH_P_ARP, ArpPacket, EthernetFrame, IcmpPacket,
                      Ipv4Packet)

SEED_SETUP = [
    NetnsAdd(name="ns1"), NetnsAdd(name="ns2"),
    LinkAddVeth(name="veth1", peer="veth1-peer"),
    LinkSet(dev="veth1", to_netns="ns1"), LinkSet(dev="veth1-peer", to_netns="ns2"),
    AddrAdd(netns="ns1", dev="veth1", cidr="172.16.0.1/24"),
    LinkSet(netns="ns1", dev="veth1", up=True),
    AddrAdd(netns="ns2", dev="veth1-peer", cidr="172.16.0.2/24"),
    LinkSet(netns="ns2", dev="veth1-peer", up=True),
]


def seeded(seed: int = 0) -> SimulatedBackend:
    b = SimulatedBackend(seed=seed)
    for c in SEED_SETUP:
        b.apply(c)
    return b


def on(b, ns, dev, direction):
    return [f for f in b.frames() if (f.netns, f.dev, f.dir) == (ns, dev, direction)]


def describe(frame):
    eth = EthernetFrame.parse(frame.data)
    if eth.ethertype == ETH_P_ARP:
        arp = ArpPacket.parse(eth.payload)
        return ("arp-request" if arp.op == ARPOP_REQUEST else "arp-reply", eth, arp)
    ip = Ipv4Packet.parse(eth.payload)
    icmp = IcmpPacket.parse(ip.payload)
    return ({8: "echo", 0: "echo-reply"}[icmp.type], eth, (ip, icmp))


@pytest.fixture(scope="module")
def seed_run():
    b = seeded()
    report = b.ping(Ping(netns="ns1", dest="172.16.0.2"))
    after_ping = (b.snapshot("ns1"), b.snapshot("ns2"), b.now())
    b.sleep(5)
    return b, report, after_ping


def test_seed_ping_report(seed_run):
    _, r, _ = seed_run
    assert (r.transmitted, r.received, r.errors, r.interrupted) == (4, 4, 0, True)
    assert [l.seq for l in r.lines] == [1, 2, 3, 4]
    assert all(l.kind == "reply" and l.ttl == 64 and l.nbytes == 64 for l in r.lines)
    assert r.elapsed_ms == 3000
    steady = PING_SEND_DELAY + 2 * XMIT_DELAY + STACK_DELAY
    assert r.rtts_us[1:] == (round(steady * 1e6),) * 3
    assert r.rtts_us[0] > r.rtts_us[1]  # the first one waited for ARP
    assert all(20 <= x <= 200 for x in r.rtts_us)
    assert r.rc == 0


def test_seed_frames_on_ns1(seed_run):
    b, _, (_, _, t_end) = seed_run
    out = [f for f in on(b, "ns1", "veth1", "out") if f.t <= t_end]
    kinds = [describe(f)[0] for f in out]
    assert kinds == ["arp-request", "echo", "echo", "echo", "echo"]
    _, eth, arp = describe(out[0])
    assert len(out[0].data) == 42 and eth.dst == "ff:ff:ff:ff:ff:ff"
    assert (arp.spa, arp.tpa, arp.tha) == ("172.16.0.1", "172.16.0.2", "00:00:00:00:00:00")
    echoes = [describe(f)[2] for f in out[1:]]
    assert [icmp.seq for _, icmp in echoes] == [1, 2, 3, 4]
    assert {icmp.ident for _, icmp in echoes} == {ping_ident(0)}
    assert all(ip.df and ip.ttl == 64 and len(icmp.payload) == 56 for ip, icmp in echoes)
    times = [f.t for f in out[1:]]
    # ping sends every second; the first request waited for ARP, so it left later.
    assert [round(b - a, 9) for a, b in zip(times[1:], times[2:])] == [1.0, 1.0]
    assert times[1] - times[0] == pytest.approx(1.0, abs=1e-4)
    assert out[0].t < out[1].t
    ins = [describe(f)[0] for f in on(b, "ns1", "veth1", "in") if f.t <= t_end]
    assert ins == ["arp-reply"] + ["echo-reply"] * 4


def test_seed_frames_on_ns2_mirror_ns1(seed_run):
    b, _, (_, _, t_end) = seed_run
    for (ns_a, dev_a), (ns_b, dev_b) in [(("ns1", "veth1"), ("ns2", "veth1-peer")),
                                         (("ns2", "veth1-peer"), ("ns1", "veth1"))]:
        sent = on(b, ns_a, dev_a, "out")
        got = on(b, ns_b, dev_b, "in")
        assert [f.data for f in sent] == [f.data for f in got]
        assert all(round(g.t - s.t, 9) == XMIT_DELAY for s, g in zip(sent, got))
    replies = [describe(f) for f in on(b, "ns2", "veth1-peer", "out") if f.t <= t_end]
    assert [k for k, _, _ in replies] == ["arp-reply"] + ["echo-reply"] * 4
    for _, _, (ip, icmp) in replies[1:]:
        assert ip.ttl == 64 and not ip.df and icmp.ident == ping_ident(0)


def test_seed_neighbours_after_ping_and_the_probe_five_seconds_later(seed_run):
    b, _, (ns1, ns2, t_end) = seed_run
    mac1 = ns1.link("veth1").mac
    mac2 = ns2.link("veth1-peer").mac
    assert [(n.dst, n.state, n.lladdr) for n in ns1.neighbours] == \
        [("172.16.0.2", "REACHABLE", mac2)]
    assert [(n.dst, n.state, n.lladdr) for n in ns2.neighbours] == \
        [("172.16.0.1", "DELAY", mac1)]
    later = [describe(f) for f in on(b, "ns2", "veth1-peer", "out") if f.t > t_end]
    (kind, eth, arp), = later
    assert kind == "arp-request" and eth.dst == mac1  # unicast probe
    assert arp.tha == "00:00:00:00:00:00"
    probe_t = [f.t for f in on(b, "ns2", "veth1-peer", "out") if f.t > t_end][0]
    first_reply_t = on(b, "ns2", "veth1-peer", "out")[1].t
    assert probe_t == pytest.approx(first_reply_t + 5.0)
    back = [describe(f)[0] for f in on(b, "ns2", "veth1-peer", "in") if f.t > t_end]
    assert back == ["arp-reply"]
    assert [(n.state) for n in b.snapshot("ns2").neighbours] == ["REACHABLE"]
    trail = [(e.netns, e.old, e.new) for e in b.events()]
    assert trail == [("ns1", "NONE", "INCOMPLETE"), ("ns2", "NONE", "STALE"),
                     ("ns1", "INCOMPLETE", "REACHABLE"), ("ns2", "STALE", "DELAY"),
                     ("ns2", "DELAY", "PROBE"), ("ns2", "PROBE", "REACHABLE")]
    assert all(e.reason for e in b.events())
    silent = [e.new for e in b.events() if not e.extra["netlink"]]
    assert silent == ["INCOMPLETE", "DELAY"]  # Linux does not notify these


def test_same_seed_same_run_other_seed_other_macs():
    def run(seed):
        b = seeded(seed)
        b.ping(Ping(netns="ns1", dest="172.16.0.2", count=2))
        return [(f.t, f.netns, f.dev, f.dir, f.data) for f in b.frames()]

    assert run(3) == run(3)
    assert run(3) != run(4)
    assert seeded(3).snapshot("ns1").link("veth1").mac == \
        seeded(3).snapshot("ns1").link("veth1").mac


def test_unreachable_neighbour_lo_down_then_up():
    b = seeded()
    r = b.ping(Ping(netns="ns1", dest="172.16.0.9", count=5))
    # lo down: the host-unreachable errors cannot reach ping; it lingers 10 s.
    assert (r.transmitted, r.received, r.errors, r.elapsed_ms) == (5, 0, 0, 4000)
    assert b.now() == pytest.approx(14.0, abs=1e-3)
    arps = [f.t for f in on(b, "ns1", "veth1", "out")]
    assert [round(t) for t in arps] == [0, 1, 2, 3, 4, 5]
    assert [n.state for n in b.snapshot("ns1").neighbours] == ["FAILED"]
    b.apply(LinkSet(netns="ns1", dev="lo", up=True))
    t0 = b.now()
    r = b.ping(Ping(netns="ns1", dest="172.16.0.9", count=5, interval=0.5))
    assert (r.transmitted, r.received, r.errors, r.pipe) == (5, 0, 5, 5)
    assert [(l.kind, l.seq, l.source, l.text) for l in r.lines] == \
        [("error", s, "172.16.0.1", "Destination Host Unreachable") for s in range(1, 6)]
    assert b.now() - t0 == pytest.approx(3.0, abs=1e-3)
    assert r.elapsed_ms == 2000 and r.rc == 1


def test_no_route_is_fatal_and_sends_nothing():
    b = seeded()
    r = b.ping(Ping(netns="ns1", dest="10.0.0.1", count=1))
    assert r.fatal == "connect: Network is unreachable" and r.rc == 2
    assert b.frames() == [] and b.now() == 0.0


def test_ping_own_address_goes_over_lo():
    b = seeded()
    r = b.ping(Ping(netns="ns1", dest="172.16.0.1", count=2))
    assert r.received == 0  # lo is down
    b.apply(LinkSet(netns="ns1", dev="lo", up=True))
    r = b.ping(Ping(netns="ns1", dest="172.16.0.1", count=2))
    assert r.received == 2 and r.lines[0].source == "172.16.0.1"
    assert b.frames() == []


def test_missing_namespace_and_deleted_namespace():
    b = seeded()
    with pytest.raises(CommandError) as exc:
        b.ping(Ping(netns="ns9", dest="172.16.0.2"))
    assert exc.value.rc == 255 and "ns9" in exc.value.message
    b.ping(Ping(netns="ns1", dest="172.16.0.2", count=1))
    b.apply(NetnsDel(name="ns2"))  # ns2's DELAY timer is still pending
    b.sleep(10)
    assert [l.name for l in b.snapshot("ns1").links] == ["lo"]
    assert not b.has_netns("ns2") and b.has_netns("ns1")


def test_no_carrier_nothing_leaves():
    b = SimulatedBackend()
    for c in SEED_SETUP[:-1]:
        b.apply(c)  # veth1-peer stays down
    r = b.ping(Ping(netns="ns1", dest="172.16.0.2", count=1, timeout=1))
    assert r.received == 0 and b.frames() == []
