"""Bridges on the kernel backend: creation, ports, the MAC rule, FDB and port snapshots.

Snapshots are checked against what the real ``bridge`` tool prints for the same
namespace (tests may run iproute2; the product never does).
"""
from __future__ import annotations

import json
import subprocess
import time

import pytest

from backends.kernel import KernelBackend
from backends.kernel.bridge import fdb_state
from sim import show
from sim.commands import (AddrAdd, LinkAddBridge, LinkAddVeth, LinkSet, NetnsAdd, Ping)
from sim.errors import CommandError

ZERO_MAC = "00:00:00:00:00:00"

NODE = (
    NetnsAdd(name="node"), NetnsAdd(name="pod1"), NetnsAdd(name="pod2"),
    LinkAddBridge(netns="node", name="cni0"),
    LinkSet(netns="node", dev="cni0", up=True),
    AddrAdd(netns="node", dev="cni0", cidr="10.244.1.1/24"),
    LinkAddVeth(name="veth1", name_netns="node", peer="eth0", peer_netns="pod1"),
    LinkAddVeth(name="veth2", name_netns="node", peer="eth0", peer_netns="pod2"),
    LinkSet(netns="node", dev="veth1", master="cni0", up=True),
    LinkSet(netns="node", dev="veth2", master="cni0", up=True),
    LinkSet(netns="pod1", dev="eth0", up=True),
    LinkSet(netns="pod2", dev="eth0", up=True),
    AddrAdd(netns="pod1", dev="eth0", cidr="10.244.1.2/24"),
    AddrAdd(netns="pod2", dev="eth0", cidr="10.244.1.3/24"),
)


@pytest.fixture(scope="module")
def node():
    backend = KernelBackend()
    try:
        for cmd in NODE:
            backend.apply(cmd)
        report = backend.ping(Ping(netns="pod1", dest="10.244.1.3", count=1))
        assert report.received == 1
        yield backend
    finally:
        backend.close()


def real(lab: KernelBackend, netns: str, *args: str) -> str:
    return subprocess.run(["bridge", "-n", lab.prefix + netns, *args], capture_output=True,
                          text=True, check=True).stdout


def test_same_name_in_many_namespaces(node):
    for pod in ("pod1", "pod2"):
        link = node.snapshot(pod).link("eth0")
        assert link is not None and link.link_netns == "node"
    ports = {l.name: l for l in node.snapshot("node").links if l.master == "cni0"}
    assert sorted(ports) == ["veth1", "veth2"]
    assert {p.link_netns for p in ports.values()} == {"pod1", "pod2"}
    assert node.snapshot("node").link("cni0").kind == "bridge"


def test_bridge_takes_the_smallest_port_mac(node):
    state = node.snapshot("node")
    ports = [l.mac for l in state.links if l.master == "cni0"]
    assert state.link("cni0").mac == min(ports)


def test_fdb_matches_the_bridge_tool(node):
    state = node.snapshot("node")
    assert show.render_fdb(state) == real(node, "node", "fdb", "show")
    by = {(e.mac, e.dev) for e in state.fdb}
    for port in ("veth1", "veth2"):
        mac = state.link(port).mac
        assert (mac, port) in by  # the port's own address, permanent in the bridge table
        assert ("33:33:00:00:00:01", port) in by and ("01:00:5e:00:00:01", port) in by
    peers = {node.snapshot(p).link("eth0").mac for p in ("pod1", "pod2")}
    learned = {e.mac for e in state.fdb if e.master == "cni0" and e.state == ""}
    assert peers <= learned  # both pods learned from the ping
    own = [e.mac for e in state.fdb if e.dev == "cni0"]
    assert own == ["33:33:00:00:00:01", "01:00:5e:00:00:6a", "33:33:00:00:00:6a",
                   "01:00:5e:00:00:01"]


def test_bridge_link_matches_the_tool(node):
    state = node.snapshot("node")
    assert show.render_bridge_link(state) == real(node, "node", "link")
    got = {(p.name, p.master, p.state, p.priority, p.cost) for p in state.bridge_ports}
    data = json.loads(real(node, "node", "-j", "link"))
    want = {(d["ifname"], d["master"], d["state"], d["priority"], d["cost"]) for d in data}
    assert got == want


def test_fdb_state_words():
    assert [fdb_state(s) for s in (0x80, 0x40, 0x04, 0x02)] == ["permanent", "static",
                                                                 "stale", ""]


def test_igmp_reports_from_a_bridge_with_an_address(node):
    """Measured: the bridge joins 224.0.0.106 when up and sends IGMPv3 reports
    (to 224.0.0.22) flooded to its ports, the first ~10 ms after it comes up."""
    deadline = time.monotonic() + 2.0  # the second report is due within 1 s of going up
    while True:
        reports = [f for f in node.frames() if f.data[12:14] == b"\x08\x00"
                   and f.data[23] == 2 and f.netns == "node" and f.dev == "cni0"]
        if reports or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert reports, "expected IGMP reports on cni0"
    first = reports[0].data
    assert first[:6] == bytes.fromhex("01005e000016")
    assert first[30:34] == bytes([224, 0, 0, 22])
    assert first[14 + 24] == 0x22  # IGMPv3 membership report (after the router alert)
    assert first[14 + 24 + 12:14 + 24 + 16] == bytes([224, 0, 0, 106])


def test_mac_rule_zero_without_ports_and_user_address_kept():
    with KernelBackend() as lab:
        lab.apply(LinkAddBridge(name="br0"))
        random_mac = lab.snapshot("root").link("br0").mac
        assert random_mac != ZERO_MAC
        lab.apply(LinkAddVeth(name="a1", peer="b1", address="02:00:00:00:00:05"))
        lab.apply(LinkSet(dev="a1", master="br0"))
        assert lab.snapshot("root").link("br0").mac == "02:00:00:00:00:05"
        lab.apply(LinkSet(dev="a1", nomaster=True))
        state = lab.snapshot("root")
        assert state.link("br0").mac == ZERO_MAC and state.link("a1").master is None
        lab.apply(LinkAddBridge(name="br1", address="02:00:00:00:00:aa"))
        lab.apply(LinkSet(dev="a1", master="br1"))
        assert lab.snapshot("root").link("br1").mac == "02:00:00:00:00:aa"
        fdb = [e for e in lab.snapshot("root").fdb if e.dev == "br1" and e.master == "br1"]
        assert [(e.mac, e.state) for e in fdb] == [("02:00:00:00:00:aa", "permanent")]


ERRORS = [
    (LinkSet(netns="node", dev="veth1", master="nosuch"),
     'Error: argument "nosuch" is wrong: Device does not exist\n', 255),
    (LinkSet(netns="node", dev="veth1", master="veth2"),
     "RTNETLINK answers: Operation not supported", 2),
    (LinkSet(netns="node", dev="lo", master="cni0"), "RTNETLINK answers: Invalid argument", 2),
    (LinkSet(netns="node", dev="cni0", master="cni0"),
     "Error: Can not enslave a bridge to a bridge.", 2),
    (LinkAddBridge(netns="node", name="cni0"), "RTNETLINK answers: File exists", 2),
    (LinkAddBridge(netns="node", name="br9", address="zz"), '"zz" is invalid lladdr.', 1),
]


@pytest.mark.parametrize("cmd,message,rc", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_bridge_errors(node, cmd, message, rc):
    with pytest.raises(CommandError) as info:
        node.apply(cmd)
    assert (info.value.message, info.value.rc) == (message, rc)
