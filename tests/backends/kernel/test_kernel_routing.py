"""Routing on the kernel backend: route add/del/replace, ``ip route get``, forwarding,
TTL expiry and routers' ICMP errors as ping reports them.

Topology (a chain of two routers)::

    a (10.0.1.2) -- r1 (10.0.1.1 | 10.0.2.1) -- r2 (10.0.2.2 | 10.0.3.1) -- b (10.0.3.2)
"""
from __future__ import annotations

import subprocess

import pytest

from backends.kernel import KernelBackend
from backends.kernel.routes import parse_prefix
from sim.commands import (AddrAdd, LinkAddVeth, LinkSet, NetnsAdd, Ping, RouteGet,
                          RouteModify, Sysctl)
from sim.errors import CommandError


def _chain() -> tuple:
    cmds = [NetnsAdd(name=n) for n in ("a", "r1", "r2", "b")]
    for name, ns, peer, pns in (("a0", "a", "r1a", "r1"), ("r1b", "r1", "r2a", "r2"),
                                ("r2b", "r2", "b0", "b")):
        cmds.append(LinkAddVeth(name=name, name_netns=ns, peer=peer, peer_netns=pns))
    for ns, dev, cidr in (("a", "a0", "10.0.1.2/24"), ("r1", "r1a", "10.0.1.1/24"),
                          ("r1", "r1b", "10.0.2.1/24"), ("r2", "r2a", "10.0.2.2/24"),
                          ("r2", "r2b", "10.0.3.1/24"), ("b", "b0", "10.0.3.2/24")):
        cmds += [AddrAdd(netns=ns, dev=dev, cidr=cidr), LinkSet(netns=ns, dev=dev, up=True)]
    cmds += [RouteModify(netns="a", op="add", dst="default", via="10.0.1.1"),
             RouteModify(netns="b", op="add", dst="default", via="10.0.3.1"),
             RouteModify(netns="r1", op="add", dst="10.0.3.0/24", via="10.0.2.2"),
             RouteModify(netns="r2", op="add", dst="10.0.1.0/24", via="10.0.2.1")]
    return tuple(cmds)


@pytest.fixture(scope="module")
def chain():
    backend = KernelBackend()
    try:
        for cmd in _chain():
            backend.apply(cmd)
        yield backend
    finally:
        backend.close()


def _ping(lab, dest, **kw):
    return lab.ping(Ping(netns="a", dest=dest, interval=0.2, **kw))


def test_forwarding_off_drops_silently(chain):
    assert chain.sysctl(Sysctl(netns="r1", key="net.ipv4.ip_forward")) == "0"
    report = _ping(chain, "10.0.3.2", count=1, timeout=1)
    assert (report.received, report.errors, report.lines) == (0, 0, ())
    # the router still answers for its other interface (the weak host model)
    assert _ping(chain, "10.0.2.1", count=1).received == 1


def test_forwarding_ttl_and_errors(chain):
    for r in ("r1", "r2"):
        chain.sysctl(Sysctl(netns=r, key="net.ipv4.ip_forward", value="1"))
    ok = _ping(chain, "10.0.3.2", count=1)
    assert ok.received == 1 and ok.lines[0].ttl == 62
    for ttl, router in ((1, "10.0.1.1"), (2, "10.0.2.2")):
        report = _ping(chain, "10.0.3.2", count=2, ttl=ttl)
        assert [(l.kind, l.seq, l.source, l.text) for l in report.lines] == [
            ("ttl", 1, router, "Time to live exceeded"),
            ("ttl", 2, router, "Time to live exceeded")]
        assert (report.received, report.errors, report.rc) == (0, 2, 1)
    assert _ping(chain, "10.0.3.2", count=1, ttl=3).received == 1
    net = _ping(chain, "10.0.9.9", count=1)
    assert [(l.kind, l.source, l.text) for l in net.lines] == [
        ("error", "10.0.1.1", "Destination Net Unreachable")]


def test_host_unreachable_from_the_last_router(chain):
    chain.sysctl(Sysctl(netns="r1", key="net.ipv4.ip_forward", value="1"))
    chain.sysctl(Sysctl(netns="r2", key="net.ipv4.ip_forward", value="1"))
    report = _ping(chain, "10.0.3.9", count=1, timeout=5)
    assert [(l.kind, l.source, l.text) for l in report.lines] == [
        ("error", "10.0.2.2", "Destination Host Unreachable")]


def test_route_get(chain):
    get = lambda ns, d: chain.route_get(RouteGet(netns=ns, dst=d))  # noqa: E731
    r = get("a", "10.0.3.2")
    assert (r.dst, r.dev, r.via, r.src, r.kind) == ("10.0.3.2", "a0", "10.0.1.1", "10.0.1.2",
                                                    "unicast")
    r = get("a", "10.0.1.2")
    assert (r.dev, r.kind) == ("lo", "local")
    assert get("a", "10.0.1.255").kind == "broadcast"
    r = get("r1", "10.0.3.2")
    assert (r.via, r.dev, r.src) == ("10.0.2.2", "r1b", "10.0.2.1")
    with pytest.raises(CommandError) as info:
        get("r1", "192.168.0.1")
    assert (info.value.message, info.value.rc) == ("RTNETLINK answers: Network is unreachable",
                                                   2)


def test_route_get_text_matches_ip(chain):
    from sim import show
    for ns, dst in (("a", "10.0.3.2"), ("a", "10.0.1.2"), ("a", "10.0.1.255"),
                    ("r1", "10.0.2.2")):
        want = subprocess.run(["ip", "-n", chain.prefix + ns, "route", "get", dst],
                              capture_output=True, text=True, check=True).stdout
        assert show.render_route_get(chain.route_get(RouteGet(netns=ns, dst=dst))) == want


ERRORS = [
    (RouteModify(netns="a", op="add", dst="default", via="10.0.1.1"),
     "RTNETLINK answers: File exists", 2),
    (RouteModify(netns="a", op="add", dst="10.0.5.0/24", via="10.0.9.1"),
     "Error: Nexthop has invalid gateway.", 2),
    (RouteModify(netns="a", op="add", dst="10.0.5.0/24", dev="lo"),
     "Error: Device for nexthop is not up.", 2),
    (RouteModify(netns="a", op="add", dst="10.0.5.0/24", via="10.0.1.1", src="10.0.5.5"),
     "Error: Invalid prefsrc address.", 2),
    (RouteModify(netns="a", op="add", dst="10.0.5.5/24", dev="a0"),
     "Error: Invalid prefix for given prefix length.", 2),
    (RouteModify(netns="a", op="del", dst="10.0.7.0/24"), "RTNETLINK answers: No such process", 2),
    (RouteModify(netns="a", op="del", dst="default", via="10.0.1.9"),
     "RTNETLINK answers: No such process", 2),
    (RouteModify(netns="a", op="add", dst="10.0.5.0/24", dev="nosuch"),
     'Cannot find device "nosuch"', 1),
]


@pytest.mark.parametrize("cmd,message,rc", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_route_errors(chain, cmd, message, rc):
    with pytest.raises(CommandError) as info:
        chain.apply(cmd)
    assert (info.value.message, info.value.rc) == (message, rc)


def test_add_replace_del_and_listing():
    with KernelBackend() as lab:
        lab.apply(LinkAddVeth(name="v1", peer="v2"))
        lab.apply(AddrAdd(dev="v1", cidr="10.0.1.2/24"))
        lab.apply(LinkSet(dev="v1", up=True))
        lab.apply(LinkSet(dev="v2", up=True))
        for cmd in (RouteModify(op="add", dst="10.0.8.0/24", via="10.0.1.1", metric=100),
                    RouteModify(op="add", dst="10.0.8.0/24", via="10.0.1.1", metric=50,
                                src="10.0.1.2"),
                    RouteModify(op="replace", dst="10.0.8.0/24", via="10.0.1.1", metric=100,
                                src="10.0.1.2"),
                    RouteModify(op="add", dst="10.0.3.5", dev="v1"),
                    RouteModify(op="replace", dst="default", via="10.0.1.1", dev="v1")):
            lab.apply(cmd)
        routes = {(r.dst, r.via, r.src, r.metric, r.scope, r.proto)
                  for r in lab.snapshot("root").routes}
        assert routes == {
            ("default", "10.0.1.1", None, None, None, None),
            ("10.0.1.0/24", None, "10.0.1.2", None, "link", "kernel"),
            ("10.0.3.5/32", None, None, None, "link", None),
            ("10.0.8.0/24", "10.0.1.1", "10.0.1.2", 50, None, None),
            ("10.0.8.0/24", "10.0.1.1", "10.0.1.2", 100, None, None)}
        lab.apply(RouteModify(op="del", dst="10.0.8.0/24"))  # the first match goes
        assert [r.metric for r in lab.snapshot("root").routes if r.dst == "10.0.8.0/24"] == [100]
        from sim import show
        want = subprocess.run(["ip", "-n", lab.prefix + "root", "route"], capture_output=True,
                              text=True, check=True).stdout
        assert show.render_route(lab.snapshot("root")) == want


def test_parse_prefix():
    assert parse_prefix("default") == (None, 0)
    assert parse_prefix("10.0.3.5") == ("10.0.3.5", 32)
    assert parse_prefix("10.0.0.0/8") == ("10.0.0.0", 8)
    with pytest.raises(CommandError):
        parse_prefix("10.0.0.0/33")


def test_linkdown_when_the_peer_is_down():
    with KernelBackend() as lab:
        lab.apply(LinkAddVeth(name="v1", peer="v2"))
        lab.apply(AddrAdd(dev="v1", cidr="10.0.1.2/24"))
        lab.apply(LinkSet(dev="v1", up=True))
        (route,) = lab.snapshot("root").routes
        assert route.linkdown
        lab.apply(LinkSet(dev="v2", up=True))
        (route,) = lab.snapshot("root").routes
        assert not route.linkdown


def test_icmp_errors_are_rate_limited_per_destination():
    """Measured: a router sends at most 6 ICMP errors to one host at once (the token
    bucket of icmp_ratelimit = 1000 ms, burst 6), then one a second."""
    with KernelBackend() as lab:
        for cmd in _chain():
            lab.apply(cmd)
        lab.sysctl(Sysctl(netns="r1", key="net.ipv4.ip_forward", value="1"))
        report = lab.ping(Ping(netns="a", dest="10.0.3.2", count=9, interval=0.02, ttl=1,
                               timeout=1))
        assert [l.seq for l in report.lines] == [1, 2, 3, 4, 5, 6]
        assert all(l.kind == "ttl" and l.source == "10.0.1.1" for l in report.lines)
