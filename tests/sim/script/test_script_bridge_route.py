"""``bridge``, ``ip route add|del|replace|get``, bridges and ``master`` in ``ip link``."""
from __future__ import annotations

import pytest

from sim.commands import (BridgeFdbShow, BridgeLinkShow, LinkAddBridge, LinkAddVeth, LinkSet,
                          LinkShow, RouteGet, RouteModify)
from sim.errors import ScriptError
from sim.script import parse


def one(line: str):
    (cmd,) = parse(line).commands
    return cmd


def error(line: str) -> str:
    with pytest.raises(ScriptError) as e:
        parse(line)
    return e.value.message


@pytest.mark.parametrize("line, cmd", [
    ("bridge fdb", BridgeFdbShow()),
    ("bridge f s", BridgeFdbShow()),
    ("bridge fdb show br cni0", BridgeFdbShow(br="cni0")),
    ("bridge fdb show dev veth1", BridgeFdbShow(dev="veth1")),
    ("bridge link", BridgeLinkShow()),
    ("bridge l", BridgeLinkShow()),
    ("bridge link show dev veth1", BridgeLinkShow(dev="veth1")),
    ("ip link add cni0 type bridge", LinkAddBridge(name="cni0")),
    ("ip link add cni0 address 02:00:00:00:00:09 type bridge",
     LinkAddBridge(name="cni0", address="02:00:00:00:00:09")),
    ("ip link set veth1 master cni0", LinkSet(dev="veth1", master="cni0")),
    ("ip link set veth1 master cni0 up", LinkSet(dev="veth1", master="cni0", up=True)),
    ("ip link set veth1 nomaster", LinkSet(dev="veth1", nomaster=True)),
    ("ip link set veth1 nomaster master br2", LinkSet(dev="veth1", master="br2")),
    ("ip link show master cni0", LinkShow(master="cni0")),
    ("ip link add veth-p1 netns node type veth peer name eth0 netns pod1",
     LinkAddVeth(name="veth-p1", peer="eth0", name_netns="node", peer_netns="pod1")),
    ("ip route add default via 10.0.0.1", RouteModify(op="add", dst="default", via="10.0.0.1")),
    ("ip route add 0.0.0.0/0 via 10.0.0.1", RouteModify(op="add", dst="default", via="10.0.0.1")),
    ("ip r a 10.1.0.0/16 via 10.0.1.9 dev va src 10.0.1.2 metric 5",
     RouteModify(op="add", dst="10.1.0.0/16", via="10.0.1.9", dev="va", src="10.0.1.2", metric=5)),
    ("ip route add 10.6.0.5 dev va", RouteModify(op="add", dst="10.6.0.5/32", dev="va")),
    ("ip route del default", RouteModify(op="del", dst="default")),
    ("ip route replace 10.6.0.0/24 dev vb", RouteModify(op="replace", dst="10.6.0.0/24", dev="vb")),
    ("ip route add 10.0.0.0/8 dev va dev vb", RouteModify(op="add", dst="10.0.0.0/8", dev="vb")),
    ("ip route get 10.0.0.2", RouteGet(dst="10.0.0.2")),
    ("ip route get to 10.0.0.2", RouteGet(dst="10.0.0.2")),
])
def test_forms(line, cmd):
    got = one(line)
    assert type(got) is type(cmd)
    assert got == type(cmd)(**{**cmd.__dict__, "text": line, "line": 1})


@pytest.mark.parametrize("line, message", [  # iproute2 6.1's words
    ("bridge foo", 'Object "foo" is unknown, try "bridge help".'),
    ("bridge fdb foo", 'Command "foo" is unknown, try "bridge fdb help".'),
    ("bridge link foo", 'Command "foo" is unknown, try "bridge link help".'),
    ("bridge fdb show br", 'Command line is not complete. Try option "help"'),
    ("bridge link show dev v1 dev v2", 'Error: duplicate "dev": "v2" is the second value.'),
    ("ip link set br0 master", 'Command line is not complete. Try option "help"'),
    ("ip link show master", 'Command line is not complete. Try option "help"'),
    ("ip link add br1 type bridge foo", 'bridge: unknown command "foo"?'),
    ("ip route add 10.0.0.0/8 via foo", 'Error: inet address is expected rather than "foo".'),
    ("ip route add 10.0.0.0/8 via", 'Command line is not complete. Try option "help"'),
    ("ip route add 10.0.0.0/8 metric x", 'Error: argument "x" is wrong: "metric" value is invalid\n'),
    ("ip route add foo dev va", 'Error: any valid prefix is expected rather than "foo".'),
    ("ip route add 10.0.0.0/33 dev va", 'Error: any valid prefix is expected rather than "10.0.0.0/33".'),
    ("ip route add 10.0.0.0/8 10.1.0.0/16 dev va",
     'Error: either "to" is duplicate, or "10.1.0.0/16" is a garbage.'),
    ("ip route get", "need at least a destination address"),
    ("ip route get foo", 'Error: any valid prefix is expected rather than "foo".'),
])
def test_errors(line, message):
    assert error(line) == message
