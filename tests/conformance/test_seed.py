"""The book's walk-through on both backends: frames, ping and listings must match."""
from __future__ import annotations

import re

import pytest

from sim.labs import SEED_BOOK, SEED_SCRIPT
from tests.conformance.helpers import both, output

pytestmark = pytest.mark.kernel

SEED_PLUS = SEED_SCRIPT.read_text(encoding="utf-8") + """
ip netns exec ns1 ip neigh
ip netns exec ns2 ip neigh
ip netns exec ns2 ip addr
ip netns exec ns1 ip route
ip netns list
"""


@pytest.fixture(scope="module")
def seed_runs():
    return both(SEED_PLUS, "seed-plus.ip")


def test_seed_compare_has_no_differences(seed_runs):
    s, k, cmp = seed_runs
    assert cmp.ok, cmp.report()


def test_seed_commands_all_succeed_on_both(seed_runs):
    s, k, _ = seed_runs
    assert [c.rc for c in s.commands] == [c.rc for c in k.commands]
    assert all(c.rc == 0 for c in k.commands), [(c.cmd, c.stderr) for c in k.commands if c.rc]


def _mask_times(text: str) -> str:
    text = re.sub(r"time=[0-9.]+ ms", "time=T ms", text)
    text = re.sub(r"time \d+ms", "time Tms", text)
    return re.sub(r"rtt min/avg/max/mdev = \S+ ms", "rtt = R ms", text)


def test_seed_ping_output_matches(seed_runs):
    s, k, _ = seed_runs
    sp, kp = output(s, "ip netns exec ns1 ping"), output(k, "ip netns exec ns1 ping")
    assert _mask_times(sp.stdout) == _mask_times(kp.stdout)
    assert "4 packets transmitted, 4 received, 0% packet loss" in kp.stdout


def _mask_macs(text: str) -> str:
    return re.sub(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC", text)


@pytest.mark.parametrize("cmd", ["ip netns exec ns1 ip neigh", "ip netns exec ns2 ip neigh",
                                 "ip netns exec ns1 ip addr", "ip netns exec ns2 ip addr",
                                 "ip netns exec ns1 ip route", "ip netns list"])
def test_seed_listings_match(seed_runs, cmd):
    s, k, _ = seed_runs
    a = output(s, cmd, -1).stdout
    b = output(k, cmd, -1).stdout
    assert sorted(_mask_macs(a).splitlines()) == sorted(_mask_macs(b).splitlines())


def test_ns2_learned_ns1_from_the_request_as_linux_does(seed_runs):
    s, k, _ = seed_runs
    kernel_line = output(k, "ip netns exec ns2 ip neigh", -1).stdout
    sim_line = output(s, "ip netns exec ns2 ip neigh", -1).stdout
    assert kernel_line.startswith("172.16.0.1 dev veth1-peer lladdr ")
    assert kernel_line.split()[-1] == sim_line.split()[-1]


def test_book_text_runs_verbatim_on_both():
    s, k, cmp = both(SEED_BOOK.read_text(encoding="utf-8"), str(SEED_BOOK))
    assert cmp.ok, cmp.report()


def test_timeline_shows_ns2_learning_ns1_from_the_request(seed_runs):
    s, k, _ = seed_runs
    for run in (s, k):
        first = next(e for e in run.events
                     if (e.netns, e.dev, e.subject) == ("ns2", "veth1-peer", "172.16.0.1"))
        assert (first.old, first.new) == ("NONE", "STALE"), (run.backend, first)
    reason = next(e.reason for e in s.events if e.netns == "ns2" and e.new == "STALE")
    assert "request" in reason.lower()
