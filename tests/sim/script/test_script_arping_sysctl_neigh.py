"""The lab language for issue 3: sysctl, arping and the ip neigh verbs."""
from __future__ import annotations

import pytest

from sim.commands import Arping, NeighDel, NeighFlush, NeighModify, Sysctl
from sim.errors import ScriptError
from sim.script.parser import parse, parse_line


def one(line: str):
    return parse_line(line)


def error(line: str) -> str:
    with pytest.raises(ScriptError) as e:
        parse(line + "\n", "lab.ip")
    return e.value.message


@pytest.mark.parametrize("line,fields", [
    ("sysctl net.ipv4.ip_forward", dict(key="net.ipv4.ip_forward", value=None)),
    ("sysctl -w net.ipv4.neigh.veth1.delay_first_probe_time=2",
     dict(key="net.ipv4.neigh.veth1.delay_first_probe_time", value="2")),
    ("sysctl net.ipv4.neigh.veth1.retrans_time_ms=5",
     dict(key="net.ipv4.neigh.veth1.retrans_time_ms", value="5")),
    ("sysctl -q -w net.ipv4.ip_forward=1", dict(key="net.ipv4.ip_forward", value="1", quiet=True)),
    ("sysctl -qw net.ipv4.ip_forward=1", dict(value="1", quiet=True)),
    ("sysctl --write net/ipv4/ip_forward=1", dict(key="net.ipv4.ip_forward", value="1")),
])
def test_sysctl(line, fields):
    cmd = one(line)
    assert isinstance(cmd, Sysctl)
    for k, v in fields.items():
        assert getattr(cmd, k) == v


def test_sysctl_inside_a_namespace():
    cmd = one("ip netns exec ns2 sysctl -w net.ipv4.neigh.veth2.ucast_solicit=1")
    assert (cmd.netns, cmd.key, cmd.value) == ("ns2", "net.ipv4.neigh.veth2.ucast_solicit", "1")


@pytest.mark.parametrize("line,message", [
    ("sysctl -w", "sysctl: no variables specified"),
    ("sysctl -w net.ipv4.ip_forward", "sysctl: command line(0): invalid syntax, continuing..."),
    ("sysctl kernel.hostname", 'vethlab: the sysctl key "kernel.hostname" (only net.* keys '
                               'are modelled) is not supported yet (supported: sysctl [-q] '
                               '[-w] net.KEY[=VALUE])'),
])
def test_sysctl_errors(line, message):
    assert error(line) == message


@pytest.mark.parametrize("line,fields", [
    ("arping 172.16.0.2", dict(dest="172.16.0.2", count=None, interface=None)),
    ("arping -c 2 -I veth1 172.16.0.2", dict(count=2, interface="veth1")),
    ("arping -c2 -w 3 172.16.0.2", dict(count=2, deadline=3.0)),
    ("arping -D -I veth1 172.16.0.2", dict(dad=True)),
    ("arping -UA -s 172.16.0.1 172.16.0.1", dict(unsolicited=True, answer=True,
                                                 source="172.16.0.1")),
    ("arping 172.16.0.2 -c 1", dict(count=1)),
    ("arping -f 172.16.0.2", dict(first_reply=True, quiet=False, broadcast_only=False)),
    ("arping -q -c 2 172.16.0.2", dict(quiet=True, count=2)),
    ("arping -bfq 172.16.0.2", dict(broadcast_only=True, first_reply=True, quiet=True)),
])
def test_arping(line, fields):
    cmd = one(line)
    assert isinstance(cmd, Arping)
    for k, v in fields.items():
        assert getattr(cmd, k) == v


@pytest.mark.parametrize("line,message", [
    ("arping -c 0 172.16.0.2",
     "arping: invalid argument: '0': out of range: 1 <= value <= 2147483647"),
    ("arping -c x 172.16.0.2", "arping: invalid argument: 'x'"),
    ("arping -z 172.16.0.2", "arping: invalid option -- 'z'"),
    ("arping -c", "arping: option requires an argument -- 'c'"),
    ("arping -s foo 172.16.0.2", "arping: invalid source foo"),
    ("arping foo", "arping: foo: Name or service not known"),
    ("arping", "vethlab: arping takes one destination, got 0"),
    ("arping -i 2 172.16.0.2", 'vethlab: arping option "-i" is not supported yet (supported: '
                               '-c COUNT, -w DEADLINE, -I DEV, -s SOURCE, -U, -A, -D, -f, -q, '
                               '-b)'),
])
def test_arping_errors(line, message):
    assert error(line) == message


@pytest.mark.parametrize("line,expected", [
    ("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:05 dev veth1",
     NeighModify(op="add", dst="172.16.0.5", dev="veth1", lladdr="02:00:00:00:00:05")),
    ("ip n replace 172.16.0.5 dev veth1 nud reachable lladdr 02:00:00:00:00:05",
     NeighModify(op="replace", dst="172.16.0.5", dev="veth1", lladdr="02:00:00:00:00:05",
                 nud="reachable")),
    ("ip neigh change to 172.16.0.5 dev veth1 nud perm",
     NeighModify(op="change", dst="172.16.0.5", dev="veth1", nud="permanent")),
    ("ip neigh add 172.16.0.5 dev veth1 nud noarp lla 2:0:0:0:0:5",
     NeighModify(op="add", dst="172.16.0.5", dev="veth1", nud="noarp", lladdr="2:0:0:0:0:5")),
    ("ip neigh del 172.16.0.5 dev veth1", NeighDel(dst="172.16.0.5", dev="veth1")),
    ("ip neigh delete 172.16.0.5 lladdr 02:00:00:00:00:05 dev veth1",
     NeighDel(dst="172.16.0.5", dev="veth1")),
    ("ip neigh flush all", NeighFlush()),
    ("ip neigh flush dev veth1", NeighFlush(dev="veth1")),
    ("ip neigh flush dev veth1 nud stale", NeighFlush(dev="veth1", nud="stale")),
    ("ip neigh flush nud all", NeighFlush(nud="all")),
])
def test_ip_neigh_verbs(line, expected):
    cmd = one(line)
    assert type(cmd) is type(expected)
    for k in expected.__dataclass_fields__:
        if k not in ("line", "text"):
            assert getattr(cmd, k) == getattr(expected, k), k


@pytest.mark.parametrize("line,message", [
    ("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:05",
     "Device and destination are required arguments."),
    ("ip neigh del 172.16.0.5", "Device and destination are required arguments."),
    ("ip neigh add 172.16.0.5 lladdr zz dev veth1", '"zz" is invalid lladdr.'),
    ("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:05 dev veth1 nud bogus",
     'Error: argument "bogus" is wrong: nud state is bad'),
    ("ip neigh add foo lladdr 02:00:00:00:00:05 dev veth1",
     'Error: any valid address is expected rather than "foo".'),
    ("ip neigh add 172.16.0.16/24 lladdr 02:00:00:00:00:05 dev veth1",
     'Error: any valid address is expected rather than "172.16.0.16/24".'),
    ("ip neigh flush", "Flush requires arguments."),
])
def test_ip_neigh_errors(line, message):
    assert error(line) == message


def test_commands_render_back():
    for line in ("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:05 dev veth1 nud stale",
                 "ip neigh flush all", "arping -D -c 2 -I veth1 172.16.0.2",
                 "sysctl -q -w net.ipv4.ip_forward=1"):
        cmd = one(line)
        assert cmd._render() == line
