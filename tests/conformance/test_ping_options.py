"""ping's -q -n -w -I -D -O and arping's -f -q -b on both backends.

Each scenario was first run with iputils 20221126 between two namespaces (see
tests/backends/kernel/test_kernel_ping_options.py for the side-by-side check); here the
simulator and the kernel backend must agree line for line (times masked) and frame for
frame.  Destinations that never answer are only used where no ICMP error races the
deadline: an unresolved neighbour reports after ~3 s, so ``-w 2`` ends first.
"""
from __future__ import annotations

import re

import pytest

from tests.conformance.arp_lab import SETUP, arps, command
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

PING = SETUP + """\
ip netns exec ns1 ping -q -c 2 172.16.0.2
ip netns exec ns1 ping -n -c 1 172.16.0.2
ip netns exec ns1 ping -w 2 172.16.0.2
ip netns exec ns1 ping -w 2 -c 5 172.16.0.2
ip netns exec ns1 ping -c 2 -w 3 172.16.0.2
ip netns exec ns1 ping -w 2 -c 2 172.16.0.9
ip netns exec ns1 ping -D -c 2 172.16.0.2
ip netns exec ns1 ping -O -q -c 2 -i 0.5 -W 1 172.16.0.7
ip netns exec ns1 ping -I veth1 -c 1 172.16.0.2
ip netns exec ns1 ping -I 172.16.0.1 -c 1 172.16.0.2
ip netns exec ns1 ping -I veth9 -c 1 172.16.0.2
ip netns exec ns1 ping -I 10.9.9.9 -c 1 172.16.0.2
ip netns exec ns1 ip link set lo up
ip netns exec ns1 ping -I veth1 -c 2 -W 4 172.16.0.5
"""

ARPING = SETUP + """\
ip netns exec ns1 arping -f -c 3 172.16.0.2
ip netns exec ns1 arping -q -c 2 172.16.0.2
ip netns exec ns1 arping -b -c 3 172.16.0.2
ip netns exec ns1 arping -f -q -c 2 172.16.0.9
"""


@pytest.fixture(scope="module")
def ping_runs():
    return both(PING, "ping-options.ip")


@pytest.fixture(scope="module")
def arping_runs():
    return both(ARPING, "arping-options.ip")


def test_ping_options_sim_matches_kernel(ping_runs):
    _s, _k, cmp = ping_runs
    assert cmp.ok, cmp.report()


def test_arping_options_sim_matches_kernel(arping_runs):
    _s, _k, cmp = arping_runs
    assert cmp.ok, cmp.report()


@pytest.mark.parametrize("which", [0, 1], ids=["sim", "kernel"])
def test_ping_texts(ping_runs, which):
    run = ping_runs[which]
    quiet = command(run, "ip netns exec ns1 ping -q -c 2")
    assert quiet.rc == 0
    assert quiet.stdout.splitlines()[:2] == [
        "PING 172.16.0.2 (172.16.0.2) 56(84) bytes of data.", ""]
    assert "2 packets transmitted, 2 received, 0% packet loss" in quiet.stdout
    deadline = command(run, "ip netns exec ns1 ping -w 2 172.16.0.2")
    assert deadline.rc == 0 and "2 packets transmitted, 2 received," in deadline.stdout
    short = command(run, "ip netns exec ns1 ping -w 2 -c 5")
    assert short.rc == 1 and "2 packets transmitted, 2 received," in short.stdout
    early = command(run, "ip netns exec ns1 ping -c 2 -w 3")
    assert early.rc == 0 and early.duration < 1.5
    lost = command(run, "ip netns exec ns1 ping -w 2 -c 2 172.16.0.9")
    assert lost.rc == 1
    assert "2 packets transmitted, 0 received, 100% packet loss" in lost.stdout
    stamped = command(run, "ip netns exec ns1 ping -D")
    assert all(re.match(r"\[\d+\.\d{6}\] 64 bytes from 172\.16\.0\.2", ln)
               for ln in stamped.stdout.splitlines()[1:3])
    outstanding = command(run, "ip netns exec ns1 ping -O -q")
    assert "no answer yet for icmp_seq=1\n" in outstanding.stdout
    assert "From " not in outstanding.stdout
    bound = command(run, "ip netns exec ns1 ping -I veth1")
    assert bound.stdout.startswith(
        "PING 172.16.0.2 (172.16.0.2) from 172.16.0.1 veth1: 56(84) bytes of data.\n")
    by_addr = command(run, "ip netns exec ns1 ping -I 172.16.0.1")
    assert by_addr.stdout.startswith(
        "PING 172.16.0.2 (172.16.0.2) from 172.16.0.1 : 56(84) bytes of data.\n")
    nodev = command(run, "ip netns exec ns1 ping -I veth9")
    assert (nodev.rc, nodev.stderr) == (2, "ping: SO_BINDTODEVICE veth9: No such device\n")
    deaf = command(run, "ip netns exec ns1 ping -I veth1 -c 2 -W 4")
    assert deaf.rc == 1 and "From " not in deaf.stdout  # errors come in on lo, not veth1
    assert "2 packets transmitted, 0 received, 100% packet loss" in deaf.stdout
    noaddr = command(run, "ip netns exec ns1 ping -I 10.9.9.9")
    assert (noaddr.rc, noaddr.stderr) == (2, "ping: bind: Cannot assign requested address\n")


@pytest.mark.parametrize("which", [0, 1], ids=["sim", "kernel"])
def test_arping_texts(arping_runs, which):
    run = arping_runs[which]
    first = command(run, "ip netns exec ns1 arping -f")
    assert first.rc == 0 and first.duration < 0.5
    assert first.stdout.splitlines()[-2:] == ["Sent 1 probes (1 broadcast(s))",
                                              "Received 1 response(s)"]
    quiet = command(run, "ip netns exec ns1 arping -q")
    assert (quiet.rc, quiet.stdout, quiet.stderr) == (0, "", "")
    brd = command(run, "ip netns exec ns1 arping -b")
    assert brd.stdout.splitlines()[-2:] == ["Sent 3 probes (3 broadcast(s))",
                                            "Received 3 response(s)"]
    sent = [a for a in arps(run, "ns1", "veth1", "out")
            if brd.t <= a.t < brd.t + brd.duration and a.op == 1]
    assert [a.broadcast for a in sent] == [True, True, True]
    nobody = command(run, "ip netns exec ns1 arping -f -q")
    assert (nobody.rc, nobody.stdout) == (1, "")
