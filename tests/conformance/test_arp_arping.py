"""Issue 3 (d): iputils arping — requests, duplicate address detection, gratuitous ARP.

Measured against the real arping 20221126 in the same namespaces (same bytes, same
timing): the first probe is broadcast with ``tha`` ff:ff:ff:ff:ff:ff, later ones go
unicast to the replier; ``-c 3`` lasts 3 s even though every reply came; ``-D`` sends
from 0.0.0.0 and stops at the first answer with status 1; ``-U`` broadcasts requests
with spa = tpa = our address, one a second, and exits 0.  ns2 learns 172.16.0.1 (STALE)
from the first request; the DAD probe (spa 0.0.0.0) teaches it nothing.
"""
from __future__ import annotations

import pytest

from tests.conformance.arp_lab import SETUP, arps, command, transitions
from tests.conformance.helpers import both

pytestmark = pytest.mark.kernel

SCRIPT = SETUP + """\
ip netns exec ns1 arping -c 3 172.16.0.2
ip netns exec ns1 arping -D -I veth1 -c 2 172.16.0.2
ip netns exec ns1 arping -U -I veth1 -c 2 172.16.0.1
ip netns exec ns1 arping -c 1 -I veth9 172.16.0.2
ip netns exec ns2 ip neigh
"""


@pytest.fixture(scope="module")
def runs():
    return both(SCRIPT, "arp-arping.ip")


def test_sim_matches_kernel(runs):
    _s, _k, cmp = runs
    assert cmp.ok, cmp.report()


def test_kernel_arping_requests(runs):
    _s, k, _ = runs
    c = command(k, "ip netns exec ns1 arping -c 3")
    assert c.rc == 0
    lines = c.stdout.splitlines()
    assert lines[0] == "ARPING 172.16.0.2 from 172.16.0.1 veth1"
    assert len([ln for ln in lines if ln.startswith("Unicast reply from 172.16.0.2 [")]) == 3
    assert lines[-2:] == ["Sent 3 probes (1 broadcast(s))", "Received 3 response(s)"]
    assert 2.9 <= c.duration <= 3.3, c.duration
    sent = [a for a in arps(k, "ns1", "veth1", "out") if a.t < c.t + c.duration]
    assert [a.broadcast for a in sent] == [True, False, False]
    assert sent[0].tha == "ff:ff:ff:ff:ff:ff"
    assert all(a.op == 1 and a.spa == "172.16.0.1" for a in sent)


def test_kernel_arping_dad(runs):
    _s, k, _ = runs
    c = command(k, "ip netns exec ns1 arping -D")
    assert c.rc == 1 and c.duration < 0.5
    assert c.stdout.splitlines()[0] == "ARPING 172.16.0.2 from 0.0.0.0 veth1"
    assert "Sent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n" in c.stdout
    probe = [a for a in arps(k, "ns1", "veth1", "out") if a.t >= c.t][0]
    assert probe.spa == "0.0.0.0" and probe.broadcast


def test_kernel_arping_unsolicited(runs):
    _s, k, _ = runs
    c = command(k, "ip netns exec ns1 arping -U")
    assert c.rc == 0
    assert c.stdout == ("ARPING 172.16.0.1 from 172.16.0.1 veth1\n"
                        "Sent 2 probes (2 broadcast(s))\nReceived 0 response(s)\n")
    garp = [a for a in arps(k, "ns1", "veth1", "out") if c.t <= a.t < c.t + c.duration]
    assert len(garp) == 2 and all(a.spa == a.tpa == "172.16.0.1" and a.broadcast
                                  for a in garp)


def test_kernel_arping_errors_and_learning(runs):
    _s, k, _ = runs
    bad = command(k, "ip netns exec ns1 arping -c 1 -I veth9")
    assert (bad.rc, bad.stdout, bad.stderr) == (2, "", "arping: Device veth9 not available.\n")
    assert transitions(k, "ns2", "172.16.0.1") == [("NONE", "STALE")]
    assert command(k, "ip netns exec ns2 ip neigh").stdout.rstrip().endswith("STALE")
