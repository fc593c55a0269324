"""Issue 3 (c): a veth end whose peer is down has no carrier, and nothing leaves it.

With veth1-peer down, veth1 shows ``NO-CARRIER`` and (its peer being in another
namespace) ``state DOWN``; with both ends in one namespace iproute2 shows the peer's
state too: ``M-DOWN`` and ``state LOWERLAYERDOWN``.  Linkwatch swaps a carrier-less
device's qdisc for noop, so not even the ARP requests reach the capture tap: the entry
sits INCOMPLETE, then FAILED after 3 s, with no frame on the wire.  Bringing the peer up
restores the carrier and the next ping resolves and gets its replies.
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import SETUP, arps, command, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

SCRIPT = SETUP + """\
ip netns exec ns2 ip link set veth1-peer down
ip netns exec ns1 ip link show veth1
ip netns exec ns2 ip link show veth1-peer
ip netns exec ns1 ping -c 2 -W 1 172.16.0.2
ip netns exec ns1 ip neigh
sleep 2
ip netns exec ns1 ip neigh
ip netns exec ns2 ip link set veth1-peer up
ip netns exec ns1 ip link show veth1
ip netns exec ns1 ping -c 2 172.16.0.2
ip link add va type veth peer name vb
ip link set va up
ip link show
"""


@pytest.fixture(scope="module")
def runs():
    return both(SCRIPT, "arp-carrier.ip")


def test_sim_matches_kernel(runs):
    _s, _k, cmp = runs
    assert cmp.ok, cmp.report()


def test_kernel_no_carrier_listing(runs):
    _s, k, _ = runs
    first = command(k, "ip netns exec ns1 ip link show veth1", 0).stdout
    assert "<NO-CARRIER,BROADCAST,MULTICAST,UP>" in first and "state DOWN" in first
    peer = command(k, "ip netns exec ns2 ip link show veth1-peer").stdout
    assert "<BROADCAST,MULTICAST>" in peer and "state DOWN" in peer
    again = command(k, "ip netns exec ns1 ip link show veth1", 1).stdout
    assert "<BROADCAST,MULTICAST,UP,LOWER_UP>" in again and "state UP" in again
    root = command(k, "ip link show").stdout
    assert "va@vb: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>" in root
    assert "state LOWERLAYERDOWN" in root


def test_kernel_nothing_leaves_without_carrier(runs):
    _s, k, _ = runs
    failing = command(k, "ip netns exec ns1 ping -c 2 -W 1")
    assert failing.rc == 1 and "2 packets transmitted, 0 received" in failing.stdout
    up_at = command(k, "ip netns exec ns2 ip link set veth1-peer up").t
    assert [f for f in k.frames if f.t < up_at] == []
    assert command(k, "ip netns exec ns1 ip neigh", 0).stdout == \
        "172.16.0.2 dev veth1 INCOMPLETE \n"
    assert command(k, "ip netns exec ns1 ip neigh", 1).stdout == "172.16.0.2 dev veth1 FAILED \n"


def test_kernel_works_again_after_peer_up(runs):
    _s, k, _ = runs
    ping = command(k, "ip netns exec ns1 ping -c 2 172.16.0.2")
    assert ping.rc == 0 and "2 packets transmitted, 2 received, 0% packet loss" in ping.stdout
    first = arps(k, "ns1", "veth1", "out")[0]
    assert first.broadcast and first.tpa == "172.16.0.2"
    assert transitions(k, "ns1", "172.16.0.2") == [("NONE", "FAILED"), ("FAILED", "REACHABLE")]
