"""Issue 3 (a): the side that learned its entry from a request probes it by unicast.

ns2 learns 172.16.0.1 from ns1's ARP request (STALE, with no traffic of its own yet).
Its first echo reply uses the STALE entry, which goes to DELAY (not notified); after
``delay_first_probe_time`` (5 s) the kernel sends a *unicast* ARP request to ns1's MAC
(PROBE), ns1 answers and the entry becomes REACHABLE.  A ping of 8 s shows all of it.
Measured here: the probe leaves 5.0-5.3 s after the first request (the 5 s timer sits
in a timer-wheel level with 256 ms granularity at HZ=250).
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import SETUP, arps, command, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

SCRIPT = SETUP + """\
ip netns exec ns1 ping -c 8 172.16.0.2
ip netns exec ns1 ip neigh
ip netns exec ns2 ip neigh
"""


@pytest.fixture(scope="module")
def runs():
    return both(SCRIPT, "arp-delay-probe.ip")


def test_sim_matches_kernel(runs):
    _s, _k, cmp = runs
    assert cmp.ok, cmp.report()


def test_kernel_probes_by_unicast_after_delay_first_probe_time(runs):
    _s, k, _ = runs
    out = arps(k, "ns2", "veth1-peer", "out")
    first = arps(k, "ns1", "veth1", "out")[0]
    assert first.broadcast and first.op == 1
    probes = [a for a in out if a.op == 1]
    assert len(probes) == 1, out
    probe = probes[0]
    assert not probe.broadcast and probe.spa == "172.16.0.2" and probe.tpa == "172.16.0.1"
    assert 4.9 <= probe.t - first.t <= 5.5, probe.t - first.t
    # ns1 answers the probe by unicast
    replies = [a for a in arps(k, "ns1", "veth1", "out") if a.op == 2]
    assert len(replies) == 1 and not replies[0].broadcast


def test_kernel_timeline_shows_learning_from_the_request(runs):
    _s, k, _ = runs
    assert transitions(k, "ns2", "172.16.0.1") == [("NONE", "STALE"), ("STALE", "PROBE"),
                                                  ("PROBE", "REACHABLE")]
    assert transitions(k, "ns1", "172.16.0.2") == [("NONE", "REACHABLE")]


def test_kernel_ping_and_listings(runs):
    _s, k, _ = runs
    ping = command(k, "ip netns exec ns1 ping")
    assert "8 packets transmitted, 8 received, 0% packet loss" in ping.stdout
    assert command(k, "ip netns exec ns2 ip neigh").stdout.rstrip().endswith("REACHABLE")
    assert command(k, "ip netns exec ns1 ip neigh").stdout.rstrip().endswith("REACHABLE")
