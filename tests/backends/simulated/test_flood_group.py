"""A bridge flood sent as one group (backends/simulated/flood.py) is exactly the flood
sent copy by copy: same frames, same order, same times, same events and output."""
import pytest

import sim
from backends.simulated.engine import SimulatedBackend
from sim.bench import node_script
from sim.trace import Frame, FrameLog

EXTRA = """\
ip -n n0p1 neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0 nud stale
ip netns exec n0p2 ping -c 2 -i 0.2 10.0.0.7
ip netns exec n0p1 ping -c 1 10.0.0.250
ip -n n0p3 link set eth0 down
ip netns exec n0p4 ping -c 1 10.0.0.5
ip -n n0p3 link set eth0 up
ip netns exec n0p4 ping -c 1 10.0.0.5
ip netns exec n0p1 ping -c 3 -i 0.5 10.0.0.9
ip netns exec n0p5 arping -c 2 -I eth0 10.0.0.1
sleep 1
"""


def _run(text, monkeypatch, grouped):
    if not grouped:
        monkeypatch.setattr(SimulatedBackend, "_flood", lambda *a: False)
    run = sim.run(text, path="<flood>")
    monkeypatch.undo()
    return run


@pytest.mark.parametrize("extra", ["", EXTRA])
def test_group_flood_equals_copy_by_copy(monkeypatch, extra):
    text = node_script(1, 12, 2) + extra
    fast = _run(text, monkeypatch, True)
    slow = _run(text, monkeypatch, False)
    assert len(fast.frames) == len(slow.frames) > 12 * 11 * 2
    assert list(fast.frames) == list(slow.frames)
    assert fast.events == slow.events
    assert [(c.rc, c.stdout, c.stderr) for c in fast.commands] == \
        [(c.rc, c.stdout, c.stderr) for c in slow.commands]
    assert fast.frames._groups  # the groups were used


def test_framelog_group_rows_read_like_copies():
    log = FrameLog()
    keys = log.group_keys([("a", f"v{i}", "out") for i in range(4)])
    log.record(0.0, "x", "y", "in", b"1")
    log.record_group(1.0, keys, 2, b"2")
    log.record_group(2.0, keys, -1, b"3")
    log.record(3.0, "x", "y", "out", b"4")
    want = ([Frame(0.0, "x", "y", "in", b"1")]
            + [Frame(1.0, "a", f"v{i}", "out", b"2") for i in (0, 1, 3)]
            + [Frame(2.0, "a", f"v{i}", "out", b"3") for i in range(4)]
            + [Frame(3.0, "x", "y", "out", b"4")])
    assert len(log) == log.seen == len(want) == 9
    assert list(log) == want
    assert [log[i] for i in range(-9, 9)] == want + want
    assert log[2:6] == want[2:6]
    del log[0]
    assert list(log) == want[1:]


def test_framelog_group_respects_cap_sink_and_keep():
    seen = []
    cap = FrameLog(max_frames=3, sink=lambda *f: seen.append(f))
    none = FrameLog(keep=False)
    for log in (cap, none):
        keys = log.group_keys([("a", f"v{i}", "out") for i in range(4)])
        log.record_group(1.0, keys, 0, b"z")
        log.record_group(2.0, keys, -1, b"z")
    assert [f.dev for f in cap] == ["v1", "v2", "v3"] and cap.seen == 7
    assert len(seen) == 7 and seen[3] == (2.0, "a", "v0", "out", b"z")
    assert len(none) == 0 and none.seen == 7
