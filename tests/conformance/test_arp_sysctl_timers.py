"""Issue 3 (g): sysctls that change the neighbour timers, per device.

``delay_first_probe_time=2`` on ns2's veth1-peer moves its unicast probe from ~5 s to
~2 s after it learned ns1 from the request (ping every 1.5 s, so the probe never ties with
an echo request: at a tie the two worlds may send them in either order); ``retrans_time_ms=300`` on ns1's veth1
spaces the broadcast retries for an address nobody owns 300 ms apart (measured
0.30-0.33 s), so the entry fails after ~0.9 s and, with ``lo`` up, each echo request
comes back as Destination Host Unreachable within a second; the second request finds the
entry FAILED and starts over (netlink: FAILED, then FAILED again).  An unknown key reads as
procps has it: ``sysctl: cannot stat /proc/sys/...: No such file or directory``, status 1.
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import SETUP, arps, command, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

SCRIPT = SETUP + """\
ip netns exec ns2 sysctl -w net.ipv4.neigh.veth1-peer.delay_first_probe_time=2
ip netns exec ns1 ping -c 3 -i 1.5 172.16.0.2
ip netns exec ns1 sysctl -w net.ipv4.neigh.veth1.retrans_time_ms=300
ip netns exec ns1 ip link set lo up
ip netns exec ns1 ping -c 2 172.16.0.9
ip netns exec ns1 ip neigh
ip netns exec ns1 sysctl net.ipv4.neigh.veth1.retrans_time_ms
ip netns exec ns1 sysctl net.ipv4.neigh.veth9.retrans_time_ms
"""


@pytest.fixture(scope="module")
def runs():
    return both(SCRIPT, "arp-sysctl-timers.ip")


def test_sim_matches_kernel(runs):
    _s, _k, cmp = runs
    assert cmp.ok, cmp.report()


def test_kernel_delay_first_probe_time(runs):
    _s, k, _ = runs
    first = arps(k, "ns1", "veth1", "out")[0]
    probes = [a for a in arps(k, "ns2", "veth1-peer", "out") if a.op == 1]
    assert len(probes) == 1 and not probes[0].broadcast
    assert 1.9 <= probes[0].t - first.t <= 2.4, probes[0].t - first.t
    assert transitions(k, "ns2", "172.16.0.1") == [("NONE", "STALE"), ("STALE", "PROBE"),
                                                  ("PROBE", "REACHABLE")]


def test_kernel_retrans_time(runs):
    _s, k, _ = runs
    out = [a for a in arps(k, "ns1", "veth1", "out") if a.tpa == "172.16.0.9"]
    assert len(out) == 6 and all(a.broadcast for a in out), out
    gaps = [round(b.t - a.t, 3) for a, b in zip(out, out[1:])]
    assert all(0.29 <= g <= 0.36 for g in gaps[:2] + gaps[3:]), gaps
    ping = command(k, "ip netns exec ns1 ping -c 2 172.16.0.9")
    assert "From 172.16.0.1 icmp_seq=1 Destination Host Unreachable" in ping.stdout
    assert "From 172.16.0.1 icmp_seq=2 Destination Host Unreachable" in ping.stdout
    assert "2 packets transmitted, 0 received, +2 errors, 100% packet loss" in ping.stdout
    assert ping.duration < 2.5
    # the second echo request finds the entry FAILED and resolves again (INCOMPLETE is
    # not notified), so netlink says FAILED twice
    assert transitions(k, "ns1", "172.16.0.9") == [("NONE", "FAILED"), ("FAILED", "FAILED")]


def test_kernel_sysctl_output(runs):
    _s, k, _ = runs
    assert command(k, "ip netns exec ns2 sysctl -w").stdout == \
        "net.ipv4.neigh.veth1-peer.delay_first_probe_time = 2\n"
    assert command(k, "ip netns exec ns1 sysctl net.ipv4.neigh.veth1.").stdout == \
        "net.ipv4.neigh.veth1.retrans_time_ms = 300\n"
    bad = command(k, "ip netns exec ns1 sysctl net.ipv4.neigh.veth9")
    assert (bad.rc, bad.stdout, bad.stderr) == (
        1, "", "sysctl: cannot stat /proc/sys/net/ipv4/neigh/veth9/retrans_time_ms: "
        "No such file or directory\n")
