"""Limits: the simulator stops a runaway lab with a message and keeps what ran; the
kernel backend refuses what would exceed its bounds before creating anything."""
from __future__ import annotations

import pytest

import sim
from sim.errors import ScriptError
from sim.limits import LIMIT_RC, Limits, check_script
from sim.script import parse

#: Two bridges joined by two veth pairs, everything up, then a broadcast (ARP for .9).
BRIDGE_LOOP = """\
ip link add br1 type bridge
ip link add br2 type bridge
ip link add a1 type veth peer name b1
ip link add a2 type veth peer name b2
ip link set a1 master br1
ip link set a2 master br1
ip link set b1 master br2
ip link set b2 master br2
ip link set a1 up
ip link set a2 up
ip link set b1 up
ip link set b2 up
ip link set br1 up
ip link set br2 up
ip addr add 10.0.0.1/24 dev br1
ping -c 1 -W 1 10.0.0.9
ip link show
"""

SEED = """\
ip netns add ns1
ip netns add ns2
ip link add veth1 netns ns1 type veth peer name veth1-peer netns ns2
ip -n ns1 addr add 172.16.0.1/24 dev veth1
ip -n ns2 addr add 172.16.0.2/24 dev veth1-peer
ip -n ns1 link set veth1 up
ip -n ns2 link set veth1-peer up
"""


def test_bridge_loop_in_the_simulator_stops_with_a_message():
    run = sim.run(BRIDGE_LOOP, backend="sim", path="loop.ip",
                  limits=Limits(max_sim_frames=5000))
    last = run.commands[-1]
    assert last.line == 16 and last.cmd == "ping -c 1 -W 1 10.0.0.9"
    assert last.rc == LIMIT_RC == run.rc
    assert "5000 frames" in last.stderr and "--max-sim-frames" in last.stderr
    assert len(run.commands) == 16  # line 17 never ran
    assert run.notes[-1].startswith("the run stopped at loop.ip:16: --max-sim-frames")
    assert sum(f.dir == "out" for f in run.frames) == 5000  # what ran is kept
    assert {f.dev for f in run.frames} >= {"a1", "a2", "b1", "b2"}


def test_the_simulator_has_default_limits():
    from backends.simulated import SimulatedBackend

    assert SimulatedBackend().limits == Limits()


def test_ping_flood_stops_at_the_frame_limit():
    text = SEED + "ip netns exec ns1 ping -i 0.001 -c 10000000 172.16.0.2\nip netns list\n"
    run = sim.run(text, backend="sim", path="flood.ip", limits=Limits(max_sim_frames=2000))
    assert run.commands[-1].line == 8 and run.commands[-1].rc == LIMIT_RC
    assert "--max-sim-frames" in run.commands[-1].stderr


def test_ping_flood_interval_zero_is_refused():
    with pytest.raises(ScriptError) as exc:
        parse("ping -i 0 -c 10000000 172.16.0.2\n", "flood.ip")
    assert str(exc.value) == ("flood.ip:1: vethlab: ping -i 0 (flood mode) is not supported; "
                              "use an interval of 0.001 s or more")


def test_unanswered_ping_stops_at_the_virtual_time_limit():
    # Nobody answers: a few ARP requests a second, so only the clock can stop it soon.
    text = SEED + "ip netns exec ns1 ping -c 1000000 -i 10 172.16.0.9\n"
    run = sim.run(text, backend="sim", path="slow.ip", limits=Limits(max_virtual_time=500.0))
    last = run.commands[-1]
    assert last.rc == LIMIT_RC and "virtual time limit of 500 s" in last.stderr
    assert last.t + last.duration == pytest.approx(500.0)


def test_sleep_past_the_virtual_time_limit():
    run = sim.run("sleep 100\nsleep 1d\nsleep 1\n", backend="sim", path="s.ip",
                  limits=Limits(max_virtual_time=3600.0))
    assert [c.rc for c in run.commands] == [0, LIMIT_RC]
    assert "--max-virtual-time" in run.commands[1].stderr


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="max_namespaces"):
        Limits(max_namespaces=0)


@pytest.mark.parametrize("text, line, words", [
    ("".join(f"ip netns add n{i}\n" for i in range(5)), 4, "at most 3 per run (--max-namespaces)"),
    ("ip netns add a\nping -c 11 172.16.0.2\n", 2, "at most 10 echo requests per ping (--max-ping-count)"),
    ("ping -c 10 -i 60 172.16.0.2\n", 1, "could run 550 s; the kernel backend stops programs at 100 s"),
    ("arping -c 11 172.16.0.2\n", 1, "at most 10 probes per arping"),
    ("ping -w 100 -i 0.5 172.16.0.2\n", 1,
     "this ping could send 201 echo requests; the kernel backend sends at most 10"),
    ("arping -w 101 172.16.0.2\n", 1, "could run 101 s"),
    ("sleep 2m\n", 1, "sleep 120: the kernel backend waits at most 100 s at a time"),
])
def test_kernel_limits_are_checked_per_line(text, line, words):
    limits = Limits(max_namespaces=3, max_ping_count=10, max_ping_time=100.0)
    with pytest.raises(ScriptError) as exc:
        check_script(parse(text, "k.ip"), limits)
    assert exc.value.line == line
    assert str(exc.value).startswith(f"k.ip:{line}: vethlab: ")
    assert words in str(exc.value)


def test_a_namespace_added_twice_counts_once():
    text = "ip netns add a\nip netns del a\nip netns add a\nip netns add b\n"
    check_script(parse(text, "k.ip"), Limits(max_namespaces=2))


def test_default_limits_fit_the_seed_walkthrough():
    from sim.labs import SEED_SCRIPT

    check_script(parse(SEED_SCRIPT.read_text(encoding="utf-8"), "seed", lenient_output=True),
                 Limits())
