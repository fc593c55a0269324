"""Issue 3 (f): a REACHABLE entry expires after its reachable time — to STALE only if it
has not been used for ``delay_first_probe_time``, else (silently) to DELAY.

The kernel's timer for a REACHABLE entry (neigh_timer_handler) checks, once
``reachable_time`` has passed since the last confirmation, whether the entry was used in
the last ``delay_first_probe_time``: if so it goes to DELAY (not notified), otherwise to
STALE (notified).  A ping's entry was used by the ping itself, so with the default 5 s
it is DELAY a second later; with ``delay_first_probe_time=0`` it goes STALE.

The reachable time is drawn uniformly from [base/2, 3·base/2) of
``base_reachable_time_ms`` (again whenever that sysctl is written).  A base of 200 ms
keeps the spread (100-300 ms) within the comparison's time tolerance, so the kernel's
draw and the simulator's seeded one agree on when REACHABLE -> STALE is announced; with
the default 30 s (or 2 s) the two draws could lie seconds apart.
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import SETUP, command, events_of, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

SCRIPT = SETUP + """\
ip netns exec ns1 sysctl -w net.ipv4.neigh.veth1.base_reachable_time_ms=200
ip netns exec ns1 ping -c 1 172.16.0.2
ip netns exec ns1 ip neigh
sleep 1
ip netns exec ns1 ip neigh
ip netns exec ns1 sysctl -w net.ipv4.neigh.veth1.delay_first_probe_time=0
ip netns exec ns1 ip neigh flush dev veth1
ip netns exec ns1 ping -c 1 172.16.0.2
sleep 1
ip netns exec ns1 ip neigh
ip netns exec ns1 sysctl net.ipv4.neigh.veth1.base_reachable_time_ms
"""


@pytest.fixture(scope="module")
def runs():
    return both(SCRIPT, "arp-stale.ip")


def test_sim_matches_kernel(runs):
    _s, _k, cmp = runs
    assert cmp.ok, cmp.report()


def test_kernel_used_entry_goes_to_delay_unused_one_to_stale(runs):
    _s, k, _ = runs
    w = command(k, "ip netns exec ns1 sysctl -w net.ipv4.neigh.veth1.base")
    assert (w.rc, w.stdout) == (0, "net.ipv4.neigh.veth1.base_reachable_time_ms = 200\n")
    shows = [c.stdout for c in k.commands if c.cmd == "ip netns exec ns1 ip neigh"]
    assert shows[0].rstrip().endswith("REACHABLE")
    assert shows[1].rstrip().endswith("DELAY")
    assert shows[2].rstrip().endswith("STALE")
    assert transitions(k, "ns1", "172.16.0.2") == [
        ("NONE", "REACHABLE"), ("REACHABLE", "FAILED"), ("FAILED", "NONE"),
        ("NONE", "REACHABLE"), ("REACHABLE", "STALE")]
    evs = events_of(k, "ns1", "172.16.0.2")
    assert 0.09 <= evs[4].t - evs[3].t <= 0.35, evs[4].t - evs[3].t
    r = command(k, "ip netns exec ns1 sysctl net.ipv4")
    assert r.stdout == "net.ipv4.neigh.veth1.base_reachable_time_ms = 200\n"
