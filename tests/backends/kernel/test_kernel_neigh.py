"""``ip neigh add|replace|change|del|flush`` on the kernel backend, checked against the
real iproute2 run in the same namespace, and the neighbour events they cause."""
from __future__ import annotations

import subprocess

import pytest

from backends.kernel.neigh import flush_filter, parse_lladdr
from sim.commands import NeighDel, NeighFlush, NeighModify, Ping
from sim.errors import CommandError
from tests.backends.kernel.kernel_lab import seeded_backend


@pytest.fixture()
def be():
    yield from seeded_backend()


def _neigh(be, netns="ns1") -> set[tuple]:
    return {(n.dst, n.dev, n.lladdr, n.state) for n in be.snapshot(netns).neighbours}


def _try(be, cmd) -> tuple[int, str]:
    try:
        be.apply(cmd)
    except CommandError as err:
        return err.rc, err.message
    return 0, ""


def _real_ip(be, *args: str) -> tuple[int, str]:
    p = subprocess.run(["ip", "-n", be.prefix + "ns1", "neigh", *args], capture_output=True,
                       text=True, timeout=10)
    return p.returncode, p.stderr.strip()


def test_parse_lladdr():
    assert parse_lladdr("2:0:0:0:0:A") == "02:00:00:00:00:0a"
    for bad in ("zz", "02::00", "1ff:00", ""):
        with pytest.raises(CommandError) as err:
            parse_lladdr(bad)
        assert (err.value.message, err.value.rc) == (f'"{bad}" is invalid lladdr.', 1)


def test_flush_filter_is_iproute2s():
    assert flush_filter(None) & 0x80 == 0 and flush_filter(None) & 0x40 == 0
    assert flush_filter(None) & 0x100  # entries with no state go too
    assert flush_filter("permanent") == 0x80
    assert flush_filter("none") == 0x100


def test_add_replace_change_del(be):
    mac = "02:00:00:00:00:05"
    be.apply(NeighModify(netns="ns1", op="add", dst="172.16.0.5", lladdr=mac, dev="veth1"))
    assert _neigh(be) == {("172.16.0.5", "veth1", mac, "PERMANENT")}
    be.apply(NeighModify(netns="ns1", op="replace", dst="172.16.0.5",
                         lladdr="02:00:00:00:00:06", dev="veth1", nud="reachable"))
    assert _neigh(be) == {("172.16.0.5", "veth1", "02:00:00:00:00:06", "REACHABLE")}
    be.apply(NeighModify(netns="ns1", op="change", dst="172.16.0.5", lladdr=mac, dev="veth1",
                         nud="stale"))
    assert _neigh(be) == {("172.16.0.5", "veth1", mac, "STALE")}
    be.apply(NeighDel(netns="ns1", dst="172.16.0.5", dev="veth1"))
    assert _neigh(be) == set()
    ev = [(e.old, e.new, e.lladdr) for e in be.events() if e.subject == "172.16.0.5"]
    assert ev == [("NONE", "PERMANENT", mac), ("PERMANENT", "REACHABLE", "02:00:00:00:00:06"),
                  ("REACHABLE", "STALE", mac), ("STALE", "FAILED", None),
                  ("FAILED", "NONE", None)]


@pytest.mark.parametrize("ours,real", [
    (NeighModify(netns="ns1", op="change", dst="172.16.0.7", lladdr="02:00:00:00:00:07",
                 dev="veth1"),
     ("change", "172.16.0.7", "lladdr", "02:00:00:00:00:07", "dev", "veth1")),
    (NeighModify(netns="ns1", op="add", dst="172.16.0.8", dev="veth1"),
     ("add", "172.16.0.8", "dev", "veth1")),
    (NeighModify(netns="ns1", op="add", dst="172.16.0.8", lladdr="02:00:00:00:00:08",
                 dev="veth9"),
     ("add", "172.16.0.8", "lladdr", "02:00:00:00:00:08", "dev", "veth9")),
    (NeighModify(netns="ns1", op="add", dst="172.16.0.8", lladdr="zz", dev="veth9"),
     ("add", "172.16.0.8", "lladdr", "zz", "dev", "veth9")),
    (NeighDel(netns="ns1", dst="172.16.0.99", dev="veth1"),
     ("del", "172.16.0.99", "dev", "veth1")),
    (NeighFlush(netns="ns1", dev="veth9"), ("flush", "dev", "veth9")),
])
def test_errors_as_iproute2(be, ours, real):
    got = _try(be, ours)
    # a refused add leaves an entry with no state behind (a second add says "File
    # exists"), so clear it before iproute2 tries the same
    subprocess.run(["ip", "-n", be.prefix + "ns1", "neigh", "del", real[1], "dev", "veth1"],
                   capture_output=True)
    assert got == _real_ip(be, *real)


def test_refused_add_leaves_an_entry_without_state(be):
    cmd = NeighModify(netns="ns1", op="add", dst="172.16.0.8", dev="veth1")
    assert _try(be, cmd) == (2, "Error: No link layer address given.")
    assert _try(be, cmd) == (2, "RTNETLINK answers: File exists")
    assert _neigh(be) == set()  # `ip neigh` does not show it
    assert [e for e in be.events() if e.subject == "172.16.0.8"] == []


def test_add_of_existing_entry(be):
    cmd = NeighModify(netns="ns1", op="add", dst="172.16.0.5", lladdr="02:00:00:00:00:05",
                      dev="veth1")
    be.apply(cmd)
    assert _try(be, cmd) == (2, "RTNETLINK answers: File exists")
    assert _real_ip(be, "add", "172.16.0.5", "lladdr", "02:00:00:00:00:05", "dev", "veth1") \
        == (2, "RTNETLINK answers: File exists")


def test_flush_like_iproute2(be):
    def fill():
        for i, nud in ((5, "permanent"), (6, "stale"), (7, "noarp"), (8, "reachable"),
                       (9, "failed")):
            be.apply(NeighModify(netns="ns1", op="replace", dst=f"172.16.0.{i}",
                                 lladdr=f"02:00:00:00:00:0{i}", dev="veth1", nud=nud))

    def dump() -> set[str]:
        p = subprocess.run(["ip", "-n", be.prefix + "ns1", "neigh", "show", "nud", "all"],
                           capture_output=True, text=True, check=True)
        return set(p.stdout.splitlines())

    for ours, real in ((NeighFlush(netns="ns1", dev="veth1"), ("dev", "veth1")),
                       (NeighFlush(netns="ns1"), ("all",)),
                       (NeighFlush(netns="ns1", dev="veth1", nud="permanent"),
                        ("dev", "veth1", "nud", "permanent")),
                       (NeighFlush(netns="ns1", nud="stale"), ("nud", "stale"))):
        fill()
        be.apply(ours)
        after_ours = dump()
        fill()
        subprocess.run(["ip", "-n", be.prefix + "ns1", "neigh", "flush", *real], check=True)
        assert after_ours == dump(), ours


def test_ping_through_static_entry_sends_no_arp(be):
    mac2 = next(l.mac for l in be.snapshot("ns2").links if l.name == "veth1-peer")
    mac1 = next(l.mac for l in be.snapshot("ns1").links if l.name == "veth1")
    be.apply(NeighModify(netns="ns1", op="add", dst="172.16.0.2", lladdr=mac2, dev="veth1"))
    be.apply(NeighModify(netns="ns2", op="add", dst="172.16.0.1", lladdr=mac1,
                         dev="veth1-peer"))
    report = be.ping(Ping(netns="ns1", dest="172.16.0.2", count=1))
    assert report.received == 1
    assert [f for f in be.frames() if f.data[12:14] == b"\x08\x06"] == []
