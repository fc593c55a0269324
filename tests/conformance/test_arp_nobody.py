"""Issue 3 (b): pinging an address nobody owns, and an address with no route.

The kernel broadcasts ``mcast_solicit`` (3) ARP requests ``retrans_time_ms`` (1 s) apart
— measured 1.00-1.03 s apart, the timer wheel rounds up to 32 ms — then the entry goes
FAILED (the only notified transition: entering INCOMPLETE is silent) and the queued
echo requests are dropped with an ICMP host-unreachable to ourselves.  With ``lo``
down that error cannot be delivered, so ping prints no error lines and waits ``-W``;
with ``lo`` up it prints ``From 172.16.0.1 icmp_seq=N Destination Host Unreachable``
for each, ``+3 errors`` and ``pipe 3``, and ends when the last error arrives (~3.1 s).
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import SETUP, arps, command, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

LO_DOWN = SETUP + """\
ip netns exec ns1 ping -c 3 -W 1 172.16.0.9
sleep 1
ip netns exec ns1 ip neigh
ip netns exec ns1 ping -c 1 10.9.9.9
"""

LO_UP = SETUP + """\
ip netns exec ns1 ip link set lo up
ip netns exec ns1 ping -c 3 172.16.0.9
ip netns exec ns1 ip neigh
"""


@pytest.fixture(scope="module")
def lo_down():
    return both(LO_DOWN, "arp-nobody-lo-down.ip")


@pytest.fixture(scope="module")
def lo_up():
    return both(LO_UP, "arp-nobody-lo-up.ip")


def test_sim_matches_kernel_lo_down(lo_down):
    _s, _k, cmp = lo_down
    assert cmp.ok, cmp.report()


def test_sim_matches_kernel_lo_up(lo_up):
    _s, _k, cmp = lo_up
    assert cmp.ok, cmp.report()


def _three_broadcasts(run):
    out = [a for a in arps(run, "ns1", "veth1", "out") if a.tpa == "172.16.0.9"]
    assert len(out) == 3 and all(a.broadcast and a.op == 1 for a in out), out
    gaps = [b.t - a.t for a, b in zip(out, out[1:])]
    assert all(0.95 <= g <= 1.1 for g in gaps), gaps
    assert transitions(run, "ns1", "172.16.0.9") == [("NONE", "FAILED")]
    failed = [e for e in run.events if e.subject == "172.16.0.9"][0]
    assert 0.95 <= failed.t - out[-1].t <= 1.15, failed.t - out[-1].t


def test_kernel_lo_down(lo_down):
    _s, k, _ = lo_down
    _three_broadcasts(k)
    ping = command(k, "ip netns exec ns1 ping -c 3")
    assert ping.rc == 1
    assert "Destination Host Unreachable" not in ping.stdout
    assert "3 packets transmitted, 0 received, 100% packet loss" in ping.stdout
    assert command(k, "ip netns exec ns1 ip neigh").stdout == "172.16.0.9 dev veth1 FAILED \n"
    noroute = command(k, "ip netns exec ns1 ping -c 1 10.9.9.9")
    assert (noroute.rc, noroute.stdout, noroute.stderr) == \
        (2, "", "ping: connect: Network is unreachable\n")


def test_kernel_lo_up(lo_up):
    _s, k, _ = lo_up
    _three_broadcasts(k)
    ping = command(k, "ip netns exec ns1 ping")
    assert ping.rc == 1
    for seq in (1, 2, 3):
        assert f"From 172.16.0.1 icmp_seq={seq} Destination Host Unreachable" in ping.stdout
    assert "3 packets transmitted, 0 received, +3 errors, 100% packet loss" in ping.stdout
    assert "pipe 3" in ping.stdout
    assert command(k, "ip netns exec ns1 ip neigh").stdout == "172.16.0.9 dev veth1 FAILED \n"
