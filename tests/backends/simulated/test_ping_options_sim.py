"""The simulator's ping -w/-O/-D/-I and arping -f/-b on its virtual clock (exact times)."""
from __future__ import annotations

import sim
from tests.conformance.arp_lab import SETUP, command

LAB = SETUP + """\
ip netns exec ns1 ip link set lo up
ip netns exec ns1 ping -w 3 172.16.0.9
ip netns exec ns1 ping -w 5 172.16.0.8
ip netns exec ns1 ping -D -c 1 172.16.0.2
ip netns exec ns1 ping -O -c 3 -W 1 172.16.0.7
ip netns exec ns1 ping -I lo -c 1 172.16.0.2
ip netns exec ns1 arping -b -f -c 3 172.16.0.2
"""


def _run():
    return sim.run(LAB, backend="sim", path="ping-options-sim.ip")


def test_deadline_without_count_sends_until_the_alarm():
    c = command(_run(), "ip netns exec ns1 ping -w 3")
    assert c.rc == 1
    assert "3 packets transmitted, 0 received, 100% packet loss, time 2000ms\n" in c.stdout
    assert abs(c.duration - 3.0) < 0.01


def test_deadline_stops_at_the_first_error():
    """iputils: ``if (deadline && nerrors) break`` — the neighbour gives up after ~3 s."""
    c = command(_run(), "ip netns exec ns1 ping -w 5")
    assert c.rc == 1 and c.duration < 4.5
    assert "+" in c.stdout.split("statistics ---\n")[1]  # "+N errors"


def test_timestamps_are_sim_epoch_plus_virtual_time():
    c = command(_run(), "ip netns exec ns1 ping -D")
    line = c.stdout.splitlines()[1]
    assert line.startswith("[17000000") and "] 64 bytes from 172.16.0.2" in line


def test_outstanding_notices_before_each_later_send():
    c = command(_run(), "ip netns exec ns1 ping -O")
    assert c.stdout.count("no answer yet for icmp_seq=") == 2
    assert "no answer yet for icmp_seq=3" not in c.stdout


def test_other_device_refused():
    c = command(_run(), "ip netns exec ns1 ping -I lo")
    assert c.rc == 2 and "is not modelled" in c.stderr


def test_arping_broadcast_first_reply():
    c = command(_run(), "ip netns exec ns1 arping -b -f")
    assert c.rc == 0 and "Sent 1 probes (1 broadcast(s))" in c.stdout
