"""arping as a simulated program: iputils' timing, frames, output and exit statuses."""
from __future__ import annotations

import pytest

import sim
from sim.wire import ARPOP_REPLY, ARPOP_REQUEST, ArpPacket, EthernetFrame

SETUP = """\
ip netns add ns1
ip netns add ns2
ip link add veth1 netns ns1 type veth peer name veth2 netns ns2
ip netns exec ns1 ip addr add 172.16.0.1/24 dev veth1
ip netns exec ns2 ip addr add 172.16.0.2/24 dev veth2
ip netns exec ns1 ip link set veth1 up
ip netns exec ns2 ip link set veth2 up
"""


def run(lines: str):
    r = sim.run(SETUP + lines, backend="sim")
    return r, r.commands[7:]


def arps(r, ns="ns1", dev="veth1", dir_="out"):
    out = []
    for f in r.frames:
        if (f.netns, f.dev, f.dir) == (ns, dev, dir_):
            eth = EthernetFrame.parse(f.data)
            out.append((f.t, eth, ArpPacket.parse(eth.payload)))
    return out


def test_first_probe_broadcast_then_unicast_and_two_seconds():
    r, (c,) = run("ip netns exec ns1 arping -c 2 -I veth1 172.16.0.2\n")
    lines = c.stdout.splitlines()
    assert lines[0] == "ARPING 172.16.0.2 from 172.16.0.1 veth1"
    assert lines[1].startswith("Unicast reply from 172.16.0.2 [") and lines[1].endswith("ms")
    assert "]  0." in lines[1]
    assert lines[3:] == ["Sent 2 probes (1 broadcast(s))", "Received 2 response(s)"]
    assert c.rc == 0 and c.duration == pytest.approx(2.0, abs=0.01)
    (t1, e1, a1), (t2, e2, a2) = arps(r)
    assert e1.dst == "ff:ff:ff:ff:ff:ff" and a1.tha == "ff:ff:ff:ff:ff:ff"
    assert a1.op == ARPOP_REQUEST and (a1.spa, a1.tpa) == ("172.16.0.1", "172.16.0.2")
    assert e2.dst == a2.tha != "ff:ff:ff:ff:ff:ff"  # unicast to the replier
    assert t2 - t1 == pytest.approx(1.0)
    # the target learned the sender from the request; the sender's kernel learned nothing
    assert r.commands[-1].stdout  # the arping's own output
    assert not [e for e in r.events if e.netns == "ns1"]
    assert [(e.old, e.new) for e in r.events if e.netns == "ns2"] == [("NONE", "STALE")]


def test_device_from_the_route_and_deadline_sends_the_due_probe():
    _r, (c,) = run("ip netns exec ns1 arping -w 2 172.16.0.2\n")
    assert c.stdout.splitlines()[0] == "ARPING 172.16.0.2 from 172.16.0.1 veth1"
    assert "Sent 3 probes (1 broadcast(s))" in c.stdout
    assert "Received 2 response(s)" in c.stdout


def test_nobody_answers():
    _r, (c,) = run("ip netns exec ns1 arping -c 2 -I veth1 172.16.0.9\n")
    assert c.stdout.splitlines()[1:] == ["Sent 2 probes (2 broadcast(s))",
                                         "Received 0 response(s)"]
    assert c.rc == 1


def test_dad_stops_at_the_first_answer_with_status_one():
    r, (c, d) = run("ip netns exec ns1 arping -D -c 2 -I veth1 172.16.0.2\n"
                    "ip netns exec ns1 arping -D -c 2 -I veth1 172.16.0.9\n")
    assert c.stdout.startswith("ARPING 172.16.0.2 from 0.0.0.0 veth1\n")
    assert "Sent 1 probes (1 broadcast(s))" in c.stdout and c.rc == 1
    assert d.rc == 0 and "Received 0 response(s)" in d.stdout
    assert not [e for e in r.events if e.netns == "ns2"]  # a DAD probe teaches nothing


def test_unsolicited_and_answer_are_gratuitous():
    r, (u, a) = run("ip netns exec ns1 arping -U -c 1 -I veth1 172.16.0.1\n"
                    "ip netns exec ns1 arping -A -c 1 -I veth1 172.16.0.1\n")
    assert u.rc == a.rc == 0
    (_, _, req), (_, _, rep) = arps(r)
    assert req.op == ARPOP_REQUEST and req.spa == req.tpa == "172.16.0.1"
    assert rep.op == ARPOP_REPLY and rep.tha == rep.sha


def test_gratuitous_arp_updates_only_an_existing_entry():
    r, cmds = run("ip netns exec ns1 arping -U -c 1 -I veth1 172.16.0.1\n"
                  "ip netns exec ns2 ip neigh\n"
                  "ip netns exec ns1 ping -c 1 172.16.0.2\n"
                  "ip netns exec ns1 ip link set veth1 address 02:00:00:00:00:11\n"
                  "ip netns exec ns1 arping -U -c 1 -I veth1 172.16.0.1\n"
                  "ip netns exec ns2 ip neigh\n")
    assert cmds[1].stdout == ""
    assert "lladdr 02:00:00:00:00:11 STALE" in cmds[5].stdout


@pytest.mark.parametrize("line,out,err,rc", [
    ("arping -c 1 -I veth9 172.16.0.2", "", "arping: Device veth9 not available.\n", 2),
    ("arping -c 1 10.9.9.9", "", "arping: NETLINK_ROUTE unexpected iov element\n", 1),
    ("arping -c 1 172.16.0.1", 'Interface "lo" is down\n', "", 2),  # a local target: lo
    ("arping -c 1 -D -I lo 172.16.0.2", 'Interface "lo" is down\n', "", 2),
    ("arping -c 1 -s 172.16.0.7 -I veth1 172.16.0.2", "",
     "arping: bind: Cannot assign requested address\n", 2),
    ("arping -U -c 1 -I veth1 172.16.0.5", "",
     "arping: bind: Cannot assign requested address\n", 2),
    ("arping -c 1 -I veth1 10.0.0.1", "", "arping: connect: Network is unreachable\n", 2),
])
def test_setup_failures(line, out, err, rc):
    _r, (c,) = run(f"ip netns exec ns1 {line}\n")
    assert (c.stdout, c.stderr, c.rc) == (out, err, rc)


def test_loopback_is_not_arpable():
    _r, (_u, c, d) = run("ip netns exec ns1 ip link set lo up\n"
                         "ip netns exec ns1 arping -c 1 172.16.0.1\n"
                         "ip netns exec ns1 arping -D -c 1 -I lo 172.16.0.1\n")
    assert (c.stdout, c.rc) == ('Interface "lo" is not ARPable\n', 2)
    assert (d.stdout, d.rc) == ('Interface "lo" is not ARPable\n', 0)


def test_interface_down_is_printed_on_stdout():
    _r, (_d, c) = run("ip netns exec ns1 ip link set veth1 down\n"
                      "ip netns exec ns1 arping -c 1 -I veth1 172.16.0.2\n")
    assert (c.stdout, c.rc) == ('Interface "veth1" is down\n', 2)
