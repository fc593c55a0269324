"""The NUD state machine on its own, with time passed in (no engine, no simpy)."""
from __future__ import annotations

import pytest

from backends.simulated.stack import neighbour as nd
from sim.trace import Event

MAC = "02:00:00:00:00:02"
IP = "172.16.0.2"


def table(reachable: float = 30.0) -> nd.NeighbourTable:
    return nd.NeighbourTable("ns1", "veth1", reachable)


def of(acts, kind):
    return [a for a in acts if isinstance(a, kind)]


def fire(t: nd.NeighbourTable, acts, now=None):
    """Fire the (single) timer armed in ``acts`` at its time (or ``now``)."""
    (timer,) = of(acts, nd.Timer)
    return t.timer(timer.ip, timer.gen, timer.at if now is None else now)


def test_incomplete_then_reachable_releases_the_queue():
    t = table()
    acts = t.output(IP, b"pkt1", "172.16.0.1", 0.0)
    (sol,) = of(acts, nd.Solicit)
    assert sol == nd.Solicit(ip=IP, lladdr=None, saddr="172.16.0.1")  # broadcast, at once
    assert of(acts, nd.Timer)[0].at == nd.RETRANS_TIME
    assert t.get(IP).state == nd.INCOMPLETE
    assert of(t.output(IP, b"pkt2", "172.16.0.1", 0.5), nd.Solicit) == []  # just queued
    acts = t.update(IP, MAC, nd.REACHABLE, 0.6, create=False, override=True, reason="reply")
    assert [s.packet for s in of(acts, nd.Send)] == [b"pkt1", b"pkt2"]
    assert t.get(IP).state == nd.REACHABLE
    (ev,) = of(acts, Event)
    assert (ev.old, ev.new, ev.lladdr, ev.t) == ("INCOMPLETE", "REACHABLE", MAC, 0.6)
    assert of(acts, nd.Timer)[0].at == pytest.approx(0.6 + 30.0)


def test_incomplete_fails_after_three_broadcasts_with_exact_times():
    t = table()
    acts = t.output(IP, b"p1", "172.16.0.1", 10.0)
    sent = [10.0]
    acts = fire(t, acts)
    while of(acts, nd.Solicit):
        sent.append(of(acts, nd.Timer)[0].at - nd.RETRANS_TIME)
        assert of(acts, nd.Solicit)[0].lladdr is None
        acts = fire(t, acts)
    assert sent == [10.0, 11.0, 12.0]
    assert t.get(IP).state == nd.FAILED
    (ev,) = of(acts, Event)
    assert (ev.old, ev.new, ev.t) == ("INCOMPLETE", "FAILED", 13.0)
    assert of(acts, nd.Unreachable) == [nd.Unreachable(b"p1")]
    assert [e.state for e in t.listing()] == ["FAILED"]


def test_failed_entry_restarts_resolution_on_next_packet():
    t = table()
    acts = t.output(IP, b"p1", "172.16.0.1", 0.0)
    for _ in range(3):
        acts = fire(t, acts)
    assert t.get(IP).state == nd.FAILED
    acts = t.output(IP, b"p2", "172.16.0.1", 4.0)
    assert t.get(IP).state == nd.INCOMPLETE and len(of(acts, nd.Solicit)) == 1


def test_request_learns_stale_then_delay_probe_reachable():
    t = table()
    acts = t.update(IP, MAC, nd.STALE, 1.0, create=True, override=True, reason="request")
    assert t.get(IP).state == nd.STALE and of(acts, nd.Timer) == []
    acts = t.output(IP, b"reply", "172.16.0.1", 1.1)  # e.g. the echo reply
    assert of(acts, nd.Send)[0].lladdr == MAC
    assert t.get(IP).state == nd.DELAY
    assert of(acts, nd.Timer)[0].at == pytest.approx(1.1 + nd.DELAY_FIRST_PROBE_TIME)
    acts = fire(t, acts)
    assert t.get(IP).state == nd.PROBE
    (sol,) = of(acts, nd.Solicit)
    assert sol.lladdr == MAC  # unicast probe to the cached address
    assert of(acts, nd.Timer)[0].at == pytest.approx(6.1 + nd.RETRANS_TIME)
    acts = t.update(IP, MAC, nd.REACHABLE, 6.2, create=False, override=True, reason="reply")
    assert t.get(IP).state == nd.REACHABLE
    assert [(e.old, e.new) for e in of(acts, Event)] == [("PROBE", "REACHABLE")]


def test_probe_fails_after_three_unicast_probes():
    t = table()
    t.update(IP, MAC, nd.STALE, 0.0, create=True, override=True, reason="r")
    acts = fire(t, t.output(IP, b"x", "172.16.0.1", 0.0))  # DELAY -> PROBE at 5.0
    times = []
    while of(acts, nd.Solicit):
        assert of(acts, nd.Solicit)[0].lladdr == MAC
        times.append(of(acts, nd.Timer)[0].at - nd.RETRANS_TIME)
        acts = fire(t, acts)
    assert times == [5.0, 6.0, 7.0]
    assert t.get(IP).state == nd.FAILED
    assert of(acts, Event)[0].t == 8.0


def test_reachable_expires_to_stale_or_delay():
    t = table(reachable=20.0)
    t.output(IP, b"p", "s", 0.0)
    acts = t.update(IP, MAC, nd.REACHABLE, 0.5, create=False, override=True, reason="r")
    acts = fire(t, acts)
    assert t.get(IP).state == nd.STALE
    assert of(acts, Event)[0].t == pytest.approx(20.5)
    # Used within delay_first_probe_time before expiry: DELAY instead.
    t2 = table(reachable=20.0)
    t2.update(IP, MAC, nd.STALE, 0.0, create=True, override=True, reason="r")
    t2.output(IP, b"p", "s", 18.0)  # STALE -> DELAY (used at 18)
    acts = t2.update(IP, MAC, nd.REACHABLE, 19.0, create=False, override=True, reason="r")
    acts = t2.timer(IP, t2.get(IP).gen, 39.0)  # reachable time over, used 21 s ago
    assert t2.get(IP).state == nd.STALE
    t3 = table(reachable=3.0)
    t3.update(IP, MAC, nd.STALE, 0.0, create=True, override=True, reason="r")
    t3.output(IP, b"p", "s", 18.0)
    acts = t3.update(IP, MAC, nd.REACHABLE, 18.5, create=False, override=True, reason="r")
    acts = fire(t3, acts)  # at 21.5, used 3.5 s ago
    assert t3.get(IP).state == nd.DELAY
    assert of(acts, nd.Timer)[0].at == pytest.approx(21.5 + nd.DELAY_FIRST_PROBE_TIME)


def test_same_address_request_keeps_state_new_address_goes_stale():
    t = table()
    t.output(IP, b"p", "s", 0.0)
    t.update(IP, MAC, nd.REACHABLE, 0.1, create=False, override=True, reason="r")
    assert t.update(IP, MAC, nd.STALE, 1.0, create=True, override=True, reason="q") == []
    assert t.get(IP).state == nd.REACHABLE
    acts = t.update(IP, "02:00:00:00:00:09", nd.STALE, 2.0, create=True, override=True,
                    reason="q")
    assert t.get(IP).state == nd.STALE and t.get(IP).lladdr == "02:00:00:00:00:09"
    assert of(acts, Event)[0].old == "REACHABLE"


def test_reply_does_not_create_entries_and_stale_timers_are_ignored():
    t = table()
    assert t.update(IP, MAC, nd.REACHABLE, 0.0, create=False, override=True, reason="r") == []
    assert t.get(IP) is None
    acts = t.output(IP, b"p", "s", 0.0)
    old = of(acts, nd.Timer)[0]
    t.update(IP, MAC, nd.REACHABLE, 0.2, create=False, override=True, reason="r")
    assert t.timer(IP, old.gen, old.at) == []  # replaced by the REACHABLE timer


def test_reachable_time_is_randomised_in_kernel_range():
    import random

    rng = random.Random(5)
    draws = [nd.rand_reach_time(rng) for _ in range(200)]
    assert all(15.0 <= d < 45.0 for d in draws)
    assert max(draws) - min(draws) > 20
