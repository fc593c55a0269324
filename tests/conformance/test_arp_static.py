"""Issue 3 (e): static neighbour entries — add, replace, change, del, flush — and a ping
through them with no ARP on the wire.

Both sides get PERMANENT entries for each other, so neither ever asks.  iproute2's
errors are the kernel's: ``RTNETLINK answers: File exists`` (add of an existing entry),
``RTNETLINK answers: No such file or directory`` (change or del of a missing one), all
status 2.  The kernel notifies a delete as ``-> FAILED`` then RTM_DELNEIGH, and a replace
that only changes the lladdr of a PERMANENT entry as PERMANENT -> PERMANENT.  ``flush``
leaves PERMANENT entries alone unless ``nud permanent`` asks for them.
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import MAC1, MAC2, SETUP_FIXED_MACS, arps, command, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

SCRIPT = SETUP_FIXED_MACS + f"""\
ip netns exec ns1 ip neigh add 172.16.0.2 lladdr {MAC2} dev veth1 nud permanent
ip netns exec ns2 ip neigh add 172.16.0.1 lladdr {MAC1} dev veth1-peer
ip netns exec ns1 ip neigh add 172.16.0.2 lladdr {MAC2} dev veth1
ip netns exec ns1 ip neigh show
ip netns exec ns1 ping -c 2 172.16.0.2
ip netns exec ns1 ip neigh replace 172.16.0.3 lladdr 02:00:00:00:00:03 dev veth1
ip netns exec ns1 ip neigh replace 172.16.0.3 lladdr 02:00:00:00:00:33 dev veth1
ip netns exec ns1 ip neigh change 172.16.0.4 lladdr 02:00:00:00:00:04 dev veth1
ip netns exec ns1 ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:05 dev veth1 nud stale
ip netns exec ns1 ip neigh show
ip netns exec ns1 ip neigh del 172.16.0.3 dev veth1
ip netns exec ns1 ip neigh del 172.16.0.3 dev veth1
ip netns exec ns1 ip neigh flush dev veth1
ip netns exec ns1 ip neigh show
ip netns exec ns1 ip neigh flush all
ip netns exec ns1 ip neigh show
ip netns exec ns1 ip neigh flush dev veth1 nud permanent
ip netns exec ns1 ip neigh show
ip netns exec ns2 ip neigh show
"""


@pytest.fixture(scope="module")
def runs():
    return both(SCRIPT, "arp-static.ip")


def test_sim_matches_kernel(runs):
    _s, _k, cmp = runs
    assert cmp.ok, cmp.report()


def test_kernel_ping_through_static_entries_sends_no_arp(runs):
    _s, k, _ = runs
    ping = command(k, "ip netns exec ns1 ping")
    assert "2 packets transmitted, 2 received, 0% packet loss" in ping.stdout
    assert arps(k) == []
    assert command(k, "ip netns exec ns1 ip neigh show", 0).stdout == \
        f"172.16.0.2 dev veth1 lladdr {MAC2} PERMANENT \n"


def test_kernel_errors(runs):
    _s, k, _ = runs
    dup = command(k, f"ip netns exec ns1 ip neigh add 172.16.0.2 lladdr {MAC2} dev veth1", 1)
    assert (dup.rc, dup.stderr) == (2, "RTNETLINK answers: File exists\n")
    change = command(k, "ip netns exec ns1 ip neigh change 172.16.0.4")
    assert (change.rc, change.stderr) == (2, "RTNETLINK answers: No such file or directory\n")
    again = command(k, "ip netns exec ns1 ip neigh del 172.16.0.3", 1)
    assert (again.rc, again.stderr) == (2, "RTNETLINK answers: No such file or directory\n")


def test_kernel_listings_after_each_step(runs):
    _s, k, _ = runs
    shows = [c.stdout for c in k.commands if c.cmd == "ip netns exec ns1 ip neigh show"]
    assert sorted(shows[1].splitlines()) == sorted([
        f"172.16.0.2 dev veth1 lladdr {MAC2} PERMANENT ",
        "172.16.0.3 dev veth1 lladdr 02:00:00:00:00:33 PERMANENT ",
        "172.16.0.5 dev veth1 lladdr 02:00:00:00:00:05 STALE "])
    assert shows[2] == shows[3] == f"172.16.0.2 dev veth1 lladdr {MAC2} PERMANENT \n"
    assert shows[4] == ""
    assert command(k, "ip netns exec ns2 ip neigh show").stdout == \
        f"172.16.0.1 dev veth1-peer lladdr {MAC1} PERMANENT \n"


def test_kernel_timeline(runs):
    _s, k, _ = runs
    assert transitions(k, "ns1", "172.16.0.3") == [
        ("NONE", "PERMANENT"), ("PERMANENT", "PERMANENT"), ("PERMANENT", "FAILED"),
        ("FAILED", "NONE")]
    assert transitions(k, "ns1", "172.16.0.5") == [("NONE", "STALE"), ("STALE", "FAILED"),
                                                  ("FAILED", "NONE")]
    assert transitions(k, "ns1", "172.16.0.2") == [("NONE", "PERMANENT"),
                                                  ("PERMANENT", "FAILED"), ("FAILED", "NONE")]
    assert transitions(k, "ns1", "172.16.0.4") == []
