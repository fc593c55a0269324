"""``ip`` lines: every accepted form and every error, with iproute2's wording."""
from __future__ import annotations

import pytest

from sim.commands import (
    AddrAdd,
    AddrDel,
    AddrShow,
    LinkAddVeth,
    LinkDel,
    LinkSet,
    LinkShow,
    NeighShow,
    NetnsAdd,
    NetnsDel,
    NetnsList,
    Ping,
    RouteShow,
    Sleep,
)
from sim.errors import ScriptError
from sim.script import parse


def one(line: str):
    (cmd,) = parse(line).commands
    return cmd


def error(line: str) -> str:
    with pytest.raises(ScriptError) as e:
        parse(line, "lab.ip")
    assert e.value.path == "lab.ip" and e.value.line == 1
    return e.value.message


FORMS = [
    # ip netns
    ("ip netns add ns1", NetnsAdd(name="ns1")),
    ("ip netns a ns1", NetnsAdd(name="ns1")),
    ("ip netns add ns1 extra", NetnsAdd(name="ns1")),  # iproute2 ignores the rest
    ("ip netns del ns1", NetnsDel(name="ns1")),
    ("ip netns delete ns1", NetnsDel(name="ns1")),
    ("ip netns d ns1", NetnsDel(name="ns1")),
    ("ip netns", NetnsList()),
    ("ip netns list", NetnsList()),
    ("ip netns ls", NetnsList()),
    ("ip netns show", NetnsList()),
    ("ip netns l", NetnsList()),
    ("ip net", NetnsList()),
    # ip link add
    ("ip link add veth1 type veth peer name veth2", LinkAddVeth(name="veth1", peer="veth2")),
    ("ip link add veth1 type veth peer veth2", LinkAddVeth(name="veth1", peer="veth2")),
    ("ip link add name veth1 type veth peer name veth2", LinkAddVeth(name="veth1", peer="veth2")),
    ("ip link add dev veth1 type veth peer dev veth2", LinkAddVeth(name="veth1", peer="veth2")),
    ("ip l a veth1 ty veth peer name veth2", LinkAddVeth(name="veth1", peer="veth2")),
    ("ip link add veth1 type veth peer name veth1-peer", LinkAddVeth(name="veth1", peer="veth1-peer")),
    (
        "ip link add veth1 address 02:00:00:00:00:01 netns ns1 type veth "
        "peer name veth2 address 2:0:0:0:0:AB netns ns2",
        LinkAddVeth(name="veth1", peer="veth2", address="02:00:00:00:00:01", name_netns="ns1",
                    peer_address="02:00:00:00:00:ab", peer_netns="ns2"),
    ),
    ("ip link add veth1 addr 02:00:00:00:00:01 type veth peer name veth2",
     LinkAddVeth(name="veth1", peer="veth2", address="02:00:00:00:00:01")),
    ("ip link add veth1 type veth peer name veth2 netns ns1",
     LinkAddVeth(name="veth1", peer="veth2", peer_netns="ns1")),
    ("ip link add aaaaaaaaaaaaaaa type veth peer name b1",  # 15 bytes is the limit
     LinkAddVeth(name="aaaaaaaaaaaaaaa", peer="b1")),
    # ip link set
    ("ip link set veth1 up", LinkSet(dev="veth1", up=True)),
    ("ip link set dev veth1 up", LinkSet(dev="veth1", up=True)),
    ("ip link set veth1 down", LinkSet(dev="veth1", up=False)),
    ("ip link set veth1 up down", LinkSet(dev="veth1", up=False)),  # last one wins
    ("ip link set veth1 netns ns1", LinkSet(dev="veth1", to_netns="ns1")),
    ("ip link set veth1 address 02:00:00:00:00:09", LinkSet(dev="veth1", address="02:00:00:00:00:09")),
    ("ip link set veth1 netns ns1 address 02:00:00:00:00:01 down",
     LinkSet(dev="veth1", to_netns="ns1", address="02:00:00:00:00:01", up=False)),
    ("ip link set veth1", LinkSet(dev="veth1")),
    ("ip li s veth1 up", LinkSet(dev="veth1", up=True)),
    ("ip link change veth1 up", LinkSet(dev="veth1", up=True)),
    # ip link del / show
    ("ip link del veth1", LinkDel(dev="veth1")),
    ("ip link delete dev veth1", LinkDel(dev="veth1")),
    ("ip l d veth1", LinkDel(dev="veth1")),
    ("ip link", LinkShow()),
    ("ip l", LinkShow()),
    ("ip link show", LinkShow()),
    ("ip link list", LinkShow()),
    ("ip link ls", LinkShow()),
    ("ip link lst", LinkShow()),
    ("ip link sh veth1", LinkShow(dev="veth1")),
    ("ip link show dev veth1", LinkShow(dev="veth1")),
    ("ip link l veth1", LinkShow(dev="veth1")),
    # ip addr add / del
    ("ip addr add 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip address add 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip a add 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip a a 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip addr a 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip ad add 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip addr add dev veth1 172.16.0.1/24", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip addr add local 172.16.0.1/24 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/24")),
    ("ip addr add 172.16.0.1 dev veth1", AddrAdd(dev="veth1", cidr="172.16.0.1/32")),
    ("ip addr add 10.0.0.1/0 dev veth1", AddrAdd(dev="veth1", cidr="10.0.0.1/0")),
    ("ip addr add 10.0.0.1/24 dev veth1 dev veth2", AddrAdd(dev="veth2", cidr="10.0.0.1/24")),
    ("ip addr del 172.16.0.1/24 dev veth1", AddrDel(dev="veth1", cidr="172.16.0.1/24")),
    ("ip addr delete 172.16.0.1/24 dev veth1", AddrDel(dev="veth1", cidr="172.16.0.1/24")),
    ("ip a d 172.16.0.1/24 dev veth1", AddrDel(dev="veth1", cidr="172.16.0.1/24")),
    # ip addr show
    ("ip addr", AddrShow()),
    ("ip a", AddrShow()),
    ("ip addr show", AddrShow()),
    ("ip addr s", AddrShow()),
    ("ip addr list", AddrShow()),
    ("ip addr ls", AddrShow()),
    ("ip addr show veth1", AddrShow(dev="veth1")),
    ("ip addr show dev veth1", AddrShow(dev="veth1")),
    ("ip a s veth1", AddrShow(dev="veth1")),
    # ip route / neigh
    ("ip route", RouteShow()),
    ("ip r", RouteShow()),
    ("ip ro", RouteShow()),
    ("ip route show", RouteShow()),
    ("ip route list", RouteShow()),
    ("ip r s", RouteShow()),
    ("ip neigh", NeighShow()),
    ("ip neighbor", NeighShow()),
    ("ip neighbour", NeighShow()),
    ("ip n", NeighShow()),
    ("ip ne", NeighShow()),
    ("ip neigh show", NeighShow()),
    ("ip neigh list", NeighShow()),
    ("ip n s", NeighShow()),
    ("ip neigh show dev veth1", NeighShow(dev="veth1")),
    # namespaces
    ("ip netns exec ns1 ip addr", AddrShow(netns="ns1")),
    ("ip netns exec ns1 ip link set dev veth1 up", LinkSet(netns="ns1", dev="veth1", up=True)),
    ("ip netns exec ns1 ping 172.16.0.2", Ping(netns="ns1", dest="172.16.0.2")),
    ("ip netns exec ns1 sleep 1", Sleep(netns="ns1", seconds=1.0)),
    ("ip netns e ns1 ip r", RouteShow(netns="ns1")),
    ("ip -n ns1 addr", AddrShow(netns="ns1")),
    ("ip -netns ns1 link show veth1", LinkShow(netns="ns1", dev="veth1")),
    ("ip --netns ns1 neigh", NeighShow(netns="ns1")),
    ("ip -net ns1 route", RouteShow(netns="ns1")),
    ("ip -n ns1 link add veth1 type veth peer name veth2",
     LinkAddVeth(netns="ns1", name="veth1", peer="veth2")),
    ("ip netns exec ns1 ip -n ns2 addr", AddrShow(netns="ns2")),
    ("ip netns exec ns1 ip netns exec ns2 ip addr", AddrShow(netns="ns2")),
    ("ip -- addr", AddrShow()),
    ("sudo ip addr", AddrShow()),
]


@pytest.mark.parametrize("line,expected", FORMS, ids=[f[0] for f in FORMS])
def test_forms(line, expected):
    cmd = one(line)
    assert cmd == type(expected)(**{**expected.__dict__, "line": 1, "text": line})


ERRORS = [
    # objects, verbs, options
    ("ip foo", 'Object "foo" is unknown, try "ip help".'),
    ("ip link foo", 'Command "foo" is unknown, try "ip link help".'),
    ("ip addr foo", 'Command "foo" is unknown, try "ip address help".'),
    ("ip route foo", 'Command "foo" is unknown, try "ip route help".'),
    ("ip neigh foo", 'Command "foo" is unknown, try "ip neigh help".'),
    ("ip netns foo", 'Command "foo" is unknown, try "ip netns help".'),
    ("ip -foo link", 'Option "-foo" is unknown, try "ip -help".'),
    ("ip --foo link", 'Option "-foo" is unknown, try "ip -help".'),
    ("ip -s link", 'vethlab: the ip option "-s" is not supported yet (supported: -n NETNS, -4, '
                   "-f inet, -br[ief], -o[neline], -c[olor][=always|auto|never])"),
    ("ip -n", 'Command line is not complete. Try option "help"'),
    ("ip", 'vethlab: "ip" needs an object (supported: address, link, neighbour, netns, route)'),
    ("ip rule", 'vethlab: "ip rule" is not supported yet (supported: address, link, neighbour, netns, route)'),
    ("ip m", 'vethlab: "ip maddress" is not supported yet (supported: address, link, neighbour, netns, route)'),
    ("ip route add default via 10.0.0.1 table 5", 'vethlab: "table" in "ip route add" is not supported yet (supported: ip route add|del|replace DST [via GW] [dev DEV] [src ADDR] [metric N])'),
    ("ip neigh get 10.0.0.1 dev veth1", 'vethlab: "ip neigh get" is not supported yet (supported: ip neigh add|change|replace|delete|flush|show)'),
    ("ip addr save", 'vethlab: "ip address save" is not supported yet (supported: ip address add|delete|flush|show)'),
    ("ip link replace veth1", 'vethlab: "ip link replace" is not supported yet (supported: ip link add|set|delete|show)'),
    # ip link add
    ("ip link add", 'Not enough information: "type" argument is required'),
    ("ip link add veth1", 'Not enough information: "type" argument is required'),
    ("ip link add veth1 type", 'Command line is not complete. Try option "help"'),
    ("ip link add veth1 type vxlan", 'vethlab: link type "vxlan" is not supported yet (supported: veth, bridge)'),
    ("ip link add veth1 type veth", 'vethlab: "type veth" needs "peer name PEER" (the lab names both ends of a pair)'),
    ("ip link add veth1 type veth pe name veth2", "Usage: ip link <options> type veth [peer <options>]"),
    ("ip link add veth1 type veth peer name", 'Command line is not complete. Try option "help"'),
    ("ip link add veth1 type veth peer", 'vethlab: "peer" needs a name (the lab names every link it creates)'),
    ("ip link add type veth peer name veth2", 'vethlab: "ip link add" needs a name (the lab names every link it creates)'),
    ("ip link add veth3 foo type veth peer name veth4", 'Error: either "dev" is duplicate, or "foo" is a garbage.'),
    ("ip link add name veth3 foo type veth peer name veth4", 'both "name" and "dev" cannot be used when creating devices.'),
    ("ip link add veth3 type veth peer name veth4 foo", 'both "name" and "dev" cannot be used when creating devices.'),
    ("ip link add veth3 type veth peer name veth4 name veth5", 'Error: duplicate "name": "veth5" is the second value.'),
    ("ip link add veth3 type veth peer name veth4 type veth", 'Error: duplicate "type": "veth" is the second value.'),
    ("ip link add veth9 netns ns1 netns ns1 type veth peer name veth10", 'Error: duplicate "netns": "ns1" is the second value.'),
    ("ip link add veth3 t veth peer name veth4",
     'vethlab: "txqueuelen" in "ip link add" is not supported yet '
     '(supported: ip link add NAME [address MAC] [netns NS] type veth peer name PEER ...)'),
    ("ip link add veth3 type veth peer name veth4 up",
     'vethlab: "up" in "ip link add" is not supported yet '
     '(supported: ip link add NAME [address MAC] [netns NS] type veth peer name PEER ...)'),
    ("ip link add a type veth peer name b", '"type" is invalid lladdr.'),  # "a" is "address"
    ("ip link add aaaaaaaaaaaaaaaa type veth peer name b1",
     'Error: argument "aaaaaaaaaaaaaaaa" is wrong: "name" not a valid ifname'),
    ("ip link add name aaaaaaaaaaaaaaaa type veth peer name b1",
     'Error: argument "aaaaaaaaaaaaaaaa" is wrong: "name" not a valid ifname'),
    ("ip link add name a/b type veth peer name b1", 'Error: argument "a/b" is wrong: "name" not a valid ifname'),
    ("ip link add veth1 type veth peer name bbbbbbbbbbbbbbbb",
     'Error: argument "bbbbbbbbbbbbbbbb" is wrong: "name" not a valid ifname'),
    ("ip link add veth7 address zz type veth peer name veth8", '"zz" is invalid lladdr.'),
    ("ip link add veth7 address 111:22:33:44:55:66 type veth peer name veth8", '"111" is invalid lladdr.'),
    ("ip link add veth7 address 1122.3344.5566 type veth peer name veth8", '"1122.3344.5566" is invalid lladdr.'),
    ("ip link add veth7 address 11:22:33:44:55 type veth peer name veth8", "RTNETLINK answers: Invalid argument"),
    ("ip link add veth7 address 11:22:33:44:55:66:77 type veth peer name veth8", "RTNETLINK answers: Invalid argument"),
    ("ip link add veth7 address 01:22:33:44:55:66 type veth peer name veth8",
     "RTNETLINK answers: Cannot assign requested address"),
    ("ip link add veth7 address 00:00:00:00:00:00 type veth peer name veth8",
     "RTNETLINK answers: Cannot assign requested address"),
    ("ip link add veth9 netns a/b type veth peer name veth10", 'Error: argument "a/b" is wrong: Invalid "netns" value'),
    ("ip link add veth9 netns root type veth peer name veth10",
     'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    # ip link set / del / show
    ("ip link set", 'Not enough information: "dev" argument is required.'),
    ("ip link set up", 'Not enough information: "dev" argument is required.'),
    ("ip link set dev", 'Command line is not complete. Try option "help"'),
    ("ip link set veth1 foo", 'Error: either "dev" is duplicate, or "foo" is a garbage.'),
    ("ip link set dev veth1 dev veth2", 'Error: either "dev" is duplicate, or "veth2" is a garbage.'),
    ("ip link set veth1 netns", 'Command line is not complete. Try option "help"'),
    ("ip link set veth1 netns root", 'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    ("ip link set veth1 address xx:00:00:00:00:01", '"xx" is invalid lladdr.'),
    ("ip link set veth1 name veth9",
     'vethlab: "name" in "ip link set" is not supported yet '
     '(supported: ip link set [dev] NAME [up|down] [netns NS] [address MAC] [master BR|nomaster])'),
    ("ip link set veth1 mtu 9000",
     'vethlab: "mtu" in "ip link set" is not supported yet '
     '(supported: ip link set [dev] NAME [up|down] [netns NS] [address MAC] [master BR|nomaster])'),
    ("ip link set dev " + "x" * 128 + " up", f'Error: argument "{"x" * 128}" is wrong: "dev" not a valid ifname'),
    ("ip link del", 'Not enough information: "dev" argument is required.'),
    ("ip link del veth5 veth6", 'Error: either "dev" is duplicate, or "veth6" is a garbage.'),
    ("ip link del veth5 up",
     'vethlab: "up" in "ip link delete" is not supported yet (supported: ip link delete [dev] NAME)'),
    ("ip link show a b", 'Error: either "dev" is duplicate, or "b" is a garbage.'),
    ("ip link show dev", 'Command line is not complete. Try option "help"'),
    ("ip link show up",
     'vethlab: the "up" filter of "ip link show" is not supported yet (supported: ip link show [dev NAME])'),
    # ip addr
    ("ip addr add 1.2.3.4/24", 'Not enough information: "dev" argument is required.'),
    ("ip addr add 10.0.0.1/24 dev", 'Command line is not complete. Try option "help"'),
    ("ip addr add dev veth1", 'vethlab: "ip address add" needs an address (e.g. 172.16.0.1/24)'),
    ("ip addr add 1.2.3.4 1.2.3.5 dev veth1", 'Error: either "local" is duplicate, or "1.2.3.5" is a garbage.'),
    ("ip addr add 10.0.0.1/24 veth1", 'Error: either "local" is duplicate, or "veth1" is a garbage.'),
    ("ip addr add local 1.2.3.4/24 local 1.2.3.5 dev veth1",
     'Error: either "local" is duplicate, or "1.2.3.5" is a garbage.'),
    ("ip addr add foo dev veth1", 'Error: any valid prefix is expected rather than "foo".'),
    ("ip addr add 1.2.3.4/33 dev veth1", 'Error: any valid prefix is expected rather than "1.2.3.4/33".'),
    ("ip addr add 10.0.0.1/ dev veth1", 'Error: any valid prefix is expected rather than "10.0.0.1/".'),
    ("ip addr add 10.0.0.256/24 dev veth1", 'Error: any valid prefix is expected rather than "10.0.0.256/24".'),
    ("ip addr add 10.0.0.1/-1 dev veth1", 'Error: any valid prefix is expected rather than "10.0.0.1/-1".'),
    ("ip addr add 1.2.3/24 dev veth1", 'Error: any valid prefix is expected rather than "1.2.3/24".'),
    ("ip addr add local dev veth1", 'Error: any valid prefix is expected rather than "dev".'),
    ("ip addr add fe80::1/64 dev veth1", 'vethlab: IPv6 addresses are not supported yet ("fe80::1/64")'),
    ("ip addr add 10.0.0.1/24 brd + dev veth1",
     'vethlab: "brd" in "ip address add" is not supported yet (supported: ip address add ADDR/LEN dev NAME)'),
    ("ip addr del 10.0.0.1/24", 'Not enough information: "dev" argument is required.'),
    ("ip addr show dev veth1 veth2", 'Error: either "dev" is duplicate, or "veth2" is a garbage.'),
    ("ip addr show dev", 'Command line is not complete. Try option "help"'),
    # ip route / neigh
    ("ip route show foo", 'Error: any valid prefix is expected rather than "foo".'),
    ("ip route show dev veth1", 'vethlab: "dev" in "ip route show" is not supported yet (supported: ip route show)'),
    ("ip neigh show foo", 'Error: any valid prefix is expected rather than "foo".'),
    ("ip neigh show dev", 'Command line is not complete. Try option "help"'),
    ("ip neigh show dev veth1 dev veth2", 'Error: duplicate "dev": "veth2" is the second value.'),
    ("ip neigh show 10.0.0.1",
     'vethlab: "10.0.0.1" in "ip neigh show" is not supported yet (supported: ip neigh show [dev NAME])'),
    # ip netns
    ("ip netns add", "No netns name specified"),
    ("ip netns del", "No netns name specified"),
    ("ip netns exec", "No netns name specified"),
    ("ip netns exec ns1", "No command specified"),
    ("ip netns add a/b", 'Invalid netns name "a/b"'),
    ("ip netns add ..", 'Invalid netns name ".."'),
    ("ip netns exec a/b ip addr", 'Invalid netns name "a/b"'),
    ("ip netns add root", 'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    ("ip netns exec root ip addr", 'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    ("ip -n root addr", 'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    ("ip netns exec ns1 ip netns add ns2",
     'vethlab: "ip netns add" cannot run inside namespace "ns1" '
     "(namespaces are named globally: give it a line of its own)"),
    ("ip -n ns1 netns del ns2",
     'vethlab: "ip netns delete" cannot run inside namespace "ns1" '
     "(namespaces are named globally: give it a line of its own)"),
    ("ip netns exec ns1 ip netns",
     'vethlab: "ip netns list" cannot run inside namespace "ns1" '
     "(namespaces are named globally: give it a line of its own)"),
    ("ip netns exec ns1 bash", 'vethlab: unsupported command "bash" (supported: arping, bridge, ip, ping, sleep, sysctl)'),
    ("ip netns pids ns1", 'vethlab: "ip netns pids" is not supported yet (supported: ip netns add|delete|list|exec)'),
]


@pytest.mark.parametrize("line,message", ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_errors(line, message):
    assert error(line) == message


def test_error_is_reported_at_its_line():
    text = "ip netns add ns1\n\n# comment\nip link add veth1 type veth\n"
    with pytest.raises(ScriptError) as e:
        parse(text, "x.ip")
    assert (e.value.path, e.value.line) == ("x.ip", 4)
    assert str(e.value).startswith("x.ip:4: vethlab:")
