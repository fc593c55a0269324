"""Failures carry iproute2 6.1's own text and status, with the script's names."""
from __future__ import annotations

import pytest

from backends.kernel import KernelBackend
from sim.commands import AddrAdd, AddrDel, LinkAddVeth, LinkDel, LinkSet, NetnsAdd, NetnsDel, Ping
from sim.errors import CommandError

from kernel_lab import SEED


@pytest.fixture(scope="module")
def lab():
    backend = KernelBackend()
    try:
        for cmd in SEED:
            backend.apply(cmd)
        yield backend
    finally:
        backend.close()


CASES = [
    (NetnsAdd(name="ns1"), 'Cannot create namespace file "/run/netns/ns1": File exists', 1),
    (NetnsDel(name="ns9"), 'Cannot remove namespace file "/run/netns/ns9": No such file or directory', 1),
    (LinkSet(dev="veth9", up=True), 'Cannot find device "veth9"', 1),
    (LinkDel(dev="veth9"), 'Cannot find device "veth9"', 1),
    (AddrAdd(netns="ns1", dev="veth9", cidr="10.0.0.1/24"), 'Cannot find device "veth9"', 1),
    (LinkSet(netns="ns9", dev="veth1", up=True),
     'Cannot open network namespace "ns9": No such file or directory', 255),
    (LinkSet(netns="ns1", dev="veth1", to_netns="ns9"),
     'Error: argument "ns9" is wrong: Invalid "netns" value\n', 255),
    (LinkAddVeth(name="p1", peer="p2", peer_netns="ns9"),
     'Error: argument "ns9" is wrong: Invalid "netns" value\n', 255),
    (AddrAdd(netns="ns1", dev="veth1", cidr="172.16.0.1/24"),
     "Error: ipv4: Address already assigned.", 2),
    (AddrDel(netns="ns1", dev="veth1", cidr="172.16.0.9/24"), "Error: ipv4: Address not found.", 2),
    (LinkAddVeth(netns="ns1", name="veth1", peer="x1"), "RTNETLINK answers: File exists", 2),
    (LinkAddVeth(name="abcdefghijklmnopq", peer="b1"),
     "Error: Attribute failed policy validation.", 2),
    (LinkSet(netns="ns1", dev="veth1", address="ff:ff:ff:ff:ff:ff"),
     "RTNETLINK answers: Cannot assign requested address", 2),
    (LinkSet(netns="ns1", dev="lo", to_netns="ns2"), "Error: The interface netns is immutable.", 2),
]


@pytest.mark.parametrize("cmd,message,rc", CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_error_text(lab, cmd, message, rc):
    with pytest.raises(CommandError) as info:
        lab.apply(cmd)
    assert (info.value.message, info.value.rc) == (message, rc)
    assert lab.prefix not in info.value.message


def test_same_name_in_target(lab):
    lab.apply(LinkAddVeth(name="veth1", peer="tmp-peer"))
    try:
        with pytest.raises(CommandError) as info:
            lab.apply(LinkSet(dev="veth1", to_netns="ns1"))
        assert info.value.message == \
            "Error: An interface with the same name exists in the target netns."
    finally:
        lab.apply(LinkDel(dev="veth1"))


def test_ping_without_route(lab):
    report = lab.ping(Ping(netns="ns1", dest="10.9.9.9", count=1))
    assert report.fatal == "connect: Network is unreachable" and report.rc == 2


def test_netns_del_removes_peer(lab):
    lab.apply(NetnsAdd(name="ns3"))
    lab.apply(LinkAddVeth(name="a3", peer="b3", name_netns="ns3"))
    assert lab.snapshot("ns3").link("a3").link_netns == "root"
    assert lab.snapshot("root").link("b3").link_netns == "ns3"
    lab.apply(NetnsDel(name="ns3"))
    assert [e.name for e in lab.netns_list().entries] == ["ns1", "ns2"]
    with pytest.raises(CommandError):
        lab.snapshot("ns3")
