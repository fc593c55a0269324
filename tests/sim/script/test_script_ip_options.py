"""``ip``'s global listing options (``-br``, ``-o``, ``-4``/``-f``, ``-c``) and
``ip addr flush``: the forms iproute2 6.1 accepts, its abbreviations and its errors."""
from __future__ import annotations

import pytest

from sim.commands import AddrFlush, AddrShow, LinkSet, LinkShow, NeighShow, RouteShow
from tests.sim.script.test_script_ip import error, one



@pytest.mark.parametrize("line, cmd", [
    ("ip -br a", AddrShow(brief=True)),
    ("ip -bri addr show", AddrShow(brief=True)),
    ("ip -brief link", LinkShow(brief=True)),
    ("ip --brief link show veth1", LinkShow(brief=True, dev="veth1")),
    ("ip -br neigh", NeighShow(brief=True)),
    ("ip -o a", AddrShow(oneline=True)),
    ("ip -on link", LinkShow(oneline=True)),
    ("ip -oneline -br a", AddrShow(oneline=True, brief=True)),
    ("ip -4 a", AddrShow(family="inet")),
    ("ip -f inet a", AddrShow(family="inet")),
    ("ip -fam inet route", RouteShow(family="inet")),
    ("ip -family inet neigh", NeighShow(family="inet")),
    ("ip -6 -4 a", AddrShow(family="inet")),  # the last one wins
    ("ip -c a", AddrShow(color=True)),
    ("ip -c= a", AddrShow(color=True)),
    ("ip -col=always link", LinkShow(color=True)),
    ("ip -color route", RouteShow(color=True)),
    ("ip -color=auto a", AddrShow()),  # the lab's output is not a terminal
    ("ip -color=never a", AddrShow()),
    ("ip -c -color=never a", AddrShow()),
    ("ip -n ns1 -br -4 a", AddrShow(netns="ns1", brief=True, family="inet")),
    ("ip -br -n ns1 link", LinkShow(netns="ns1", brief=True)),
    ("ip netns exec ns1 ip -o link", LinkShow(netns="ns1", oneline=True)),
    # options mean nothing to commands that print nothing
    ("ip -4 -br link set veth1 up", LinkSet(dev="veth1", up=True)),
    ("ip addr flush dev veth1", AddrFlush(dev="veth1")),
    ("ip a f veth1", AddrFlush(dev="veth1")),
    ("ip -n ns1 addr flush dev veth1", AddrFlush(netns="ns1", dev="veth1")),
])
def test_forms(line, cmd):
    assert one(line) == type(cmd)(**{**cmd.__dict__, "line": 1, "text": line})


@pytest.mark.parametrize("line, message", [
    ("ip -6 a", "vethlab: IPv6 is not modelled (the lab is IPv4 only): drop -6 / -f inet6"),
    ("ip -f inet6 route", "vethlab: IPv6 is not modelled (the lab is IPv4 only): drop -6 / -f inet6"),
    ("ip -4 -6 a", "vethlab: IPv6 is not modelled (the lab is IPv4 only): drop -6 / -f inet6"),
    ("ip -f bogus a", 'Error: argument "bogus" is wrong: invalid protocol family'),
    ("ip -0 a", 'vethlab: the address family "link" is not supported yet (supported: -4, -f inet)'),
    ("ip -f link a", 'vethlab: the address family "link" is not supported yet (supported: -4, -f inet)'),
    ("ip -color=bogus a", 'Option "-color=bogus" is unknown, try "ip -help".'),
    ("ip -colorx a", 'Option "-colorx" is unknown, try "ip -help".'),
    ("ip -f", 'Command line is not complete. Try option "help"'),
    # "-b" is -batch (tested before -brief), "-h" is -human
    ("ip -b a", 'vethlab: the ip option "-b" is not supported yet (supported: -n NETNS, -4, '
                "-f inet, -br[ief], -o[neline], -c[olor][=always|auto|never])"),
    ("ip -h a", 'vethlab: the ip option "-h" is not supported yet (supported: -n NETNS, -4, '
                "-f inet, -br[ief], -o[neline], -c[olor][=always|auto|never])"),
    ("ip addr flush", "Flush requires arguments."),
    ("ip addr flush dev veth1 scope global",
     'vethlab: the "scope" filter of "ip address show" is not supported yet '
     "(supported: ip address show [dev NAME])"),
])
def test_errors(line, message):
    assert error(line) == message


def test_to_script_spells_the_options():
    assert AddrShow(brief=True, family="inet").to_script() == "ip -4 -brief addr show"
    assert LinkShow(netns="ns1", oneline=True, color=True, dev="veth1").to_script() == \
        "ip netns exec ns1 ip -oneline -color link show dev veth1"
    assert AddrFlush(dev="veth1").to_script() == "ip addr flush dev veth1"
    for cmd in (AddrShow(brief=True, family="inet"), LinkShow(oneline=True, color=True),
                NeighShow(brief=True), AddrFlush(netns="ns1", dev="v")):
        assert one(cmd.to_script()) == type(cmd)(**{**cmd.__dict__, "line": 1,
                                                     "text": cmd.to_script()})
