"""Routing on both backends: a router between two subnets, a chain of two routers with
``ping -t``, forwarding left off, ``ip route get`` and route add/del/replace errors.

Facts measured on Linux 6.18 that the tests pin on the kernel run:

- forwarding is off by default (``net.ipv4.ip_forward = 0``); a router that does not
  forward drops the packet silently (no ICMP), yet answers pings to any of its own
  addresses (the weak host model);
- ``ping -t N`` gets ``From <router N> icmp_seq=K Time to live exceeded`` from the N-th
  router, each an error (``+N errors``, status 1);
- a router without a route sends ``Destination Net Unreachable``; the last router,
  when ARP for the host fails (after 3 s), ``Destination Host Unreachable``;
- routers rate-limit these ICMP errors per destination (6 at once, then one a second),
  which the short pings here stay well under.
"""
from __future__ import annotations

import pytest

import sim
from sim.compare import compare

pytestmark = pytest.mark.kernel

ROUTER = """\
ip netns add left
ip netns add router
ip netns add right
ip link add eth0 netns left type veth peer name r-left netns router
ip link add eth0 netns right type veth peer name r-right netns router
ip -n left addr add 10.0.1.2/24 dev eth0
ip -n left link set eth0 up
ip -n router addr add 10.0.1.1/24 dev r-left
ip -n router link set r-left up
ip -n router addr add 10.0.2.1/24 dev r-right
ip -n router link set r-right up
ip -n right addr add 10.0.2.2/24 dev eth0
ip -n right link set eth0 up
ip -n left route add default via 10.0.1.1
ip -n right route add default via 10.0.2.1
"""

FORWARDING = ROUTER + """\
ip netns exec router sysctl -w net.ipv4.ip_forward=1
ip netns exec left ping -c 2 -i 0.2 10.0.2.2
ip netns exec left ip route
ip netns exec router ip route
ip netns exec left ip route get 10.0.2.2
ip netns exec router ip route get 10.0.2.2
ip netns exec router ip neigh
ip netns exec right ip neigh
"""

NO_FORWARDING = ROUTER + """\
ip netns exec router sysctl net.ipv4.ip_forward
ip netns exec left ping -c 2 -i 0.2 -W 1 10.0.2.2
ip netns exec left ping -c 1 10.0.2.1
ip netns exec router ip neigh
"""

CHAIN = """\
ip netns add a
ip netns add r1
ip netns add r2
ip netns add b
ip link add eth0 netns a type veth peer name r1a netns r1
ip link add r1b netns r1 type veth peer name r2a netns r2
ip link add r2b netns r2 type veth peer name eth0 netns b
ip -n a addr add 10.0.1.2/24 dev eth0
ip -n a link set eth0 up
ip -n r1 addr add 10.0.1.1/24 dev r1a
ip -n r1 link set r1a up
ip -n r1 addr add 10.0.2.1/24 dev r1b
ip -n r1 link set r1b up
ip -n r2 addr add 10.0.2.2/24 dev r2a
ip -n r2 link set r2a up
ip -n r2 addr add 10.0.3.1/24 dev r2b
ip -n r2 link set r2b up
ip -n b addr add 10.0.3.2/24 dev eth0
ip -n b link set eth0 up
ip -n a route add default via 10.0.1.1
ip -n b route add default via 10.0.3.1
ip -n r1 route add 10.0.3.0/24 via 10.0.2.2
ip -n r2 route add default via 10.0.2.1
ip netns exec r1 sysctl -w net.ipv4.ip_forward=1
ip netns exec r2 sysctl -w net.ipv4.ip_forward=1
ip netns exec a ping -c 2 -i 0.2 -t 1 10.0.3.2
ip netns exec a ping -c 2 -i 0.2 -t 2 10.0.3.2
ip netns exec a ping -c 2 -i 0.2 -t 3 10.0.3.2
ip netns exec a ping -c 1 10.0.9.9
ip netns exec a ping -c 1 10.0.3.9
ip netns exec r2 ip neigh
"""

ERRORS = """\
ip netns add a
ip link add eth0 netns a type veth peer name peer0
ip -n a addr add 10.0.1.2/24 dev eth0
ip -n a link set eth0 up
ip link set peer0 up
ip -n a route add default via 10.0.1.1
ip -n a route add default via 10.0.1.1
ip -n a route add 10.0.5.0/24 via 10.0.9.1
ip -n a route add 10.0.5.0/24 dev lo
ip -n a route add 10.0.5.0/24 via 10.0.1.1 src 10.0.5.5
ip -n a route add 10.0.5.5/24 dev eth0
ip -n a route add 10.0.5.0/24 dev nosuch
ip -n a route del 10.0.7.0/24
ip -n a route del default via 10.0.1.9
ip -n a route add 10.0.8.0/24 via 10.0.1.1 metric 100
ip -n a route add 10.0.8.0/24 via 10.0.1.1 metric 50 src 10.0.1.2
ip -n a route replace 10.0.8.0/24 via 10.0.1.1 metric 100 src 10.0.1.2
ip -n a route add 10.0.3.5 dev eth0
ip -n a route
ip -n a route del 10.0.8.0/24
ip -n a route replace default via 10.0.1.1 metric 10
ip -n a route
ip -n a route get 10.0.8.1
ip -n a route get 10.0.1.2
ip -n a route get 10.0.1.255
ip netns exec a ip route get 10.0.3.5
ip -n a link set eth0 down
ip -n a route
ip -n a route get 10.0.8.1
"""


@pytest.fixture(scope="module", params=[("forwarding", FORWARDING), ("no-forwarding",
                                        NO_FORWARDING), ("chain", CHAIN), ("errors", ERRORS)],
                ids=lambda p: p[0])
def scenario(request):
    name, script = request.param
    return name, script, sim.run(script, backend="kernel", path=f"{name}.ip")


def test_scenario_matches_the_kernel(scenario):
    name, script, k = scenario
    cmp = compare(sim.run(script, backend="sim", path=f"{name}.ip"), k)
    assert cmp.ok, cmp.report()


def _out(run, cmd: str):
    return next(c for c in run.commands if c.cmd == cmd)


def test_kernel_facts(scenario):
    name, _, k = scenario
    CHECKS[name](k)


def _forwarding(k) -> None:
    assert all(c.rc == 0 for c in k.commands), [(c.cmd, c.stderr) for c in k.commands if c.rc]
    assert _out(k, "ip netns exec router sysctl -w net.ipv4.ip_forward=1").stdout == \
        "net.ipv4.ip_forward = 1\n"
    ping = _out(k, "ip netns exec left ping -c 2 -i 0.2 10.0.2.2").stdout
    assert "64 bytes from 10.0.2.2: icmp_seq=1 ttl=63" in ping and " 2 received" in ping
    assert _out(k, "ip netns exec left ip route").stdout == (
        "default via 10.0.1.1 dev eth0 \n"
        "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.2 \n")
    assert _out(k, "ip netns exec router ip route").stdout == (
        "10.0.1.0/24 dev r-left proto kernel scope link src 10.0.1.1 \n"
        "10.0.2.0/24 dev r-right proto kernel scope link src 10.0.2.1 \n")
    assert _out(k, "ip netns exec left ip route get 10.0.2.2").stdout == (
        "10.0.2.2 via 10.0.1.1 dev eth0 src 10.0.1.2 uid 0 \n    cache \n")
    assert _out(k, "ip netns exec router ip route get 10.0.2.2").stdout == (
        "10.0.2.2 dev r-right src 10.0.2.1 uid 0 \n    cache \n")
    # the echo request leaves the router with TTL 63 (decremented once)
    fwd = [f for f in k.frames if f.netns == "router" and f.dev == "r-right" and f.dir == "out"
           and f.data[12:14] == b"\x08\x00" and f.data[34] == 8]
    assert fwd and all(f.data[22] == 63 for f in fwd)


def _no_forwarding(k) -> None:
    assert _out(k, "ip netns exec router sysctl net.ipv4.ip_forward").stdout == \
        "net.ipv4.ip_forward = 0\n"
    lost = _out(k, "ip netns exec left ping -c 2 -i 0.2 -W 1 10.0.2.2")
    assert lost.rc == 1 and "2 packets transmitted, 0 received, 100% packet loss" in lost.stdout
    assert "From" not in lost.stdout  # dropped silently, no ICMP error
    assert _out(k, "ip netns exec left ping -c 1 10.0.2.1").rc == 0  # weak host model
    out = [f for f in k.frames if f.netns == "router" and f.dev == "r-right" and f.dir == "out"]
    assert not any(f.data[12:14] == b"\x08\x00" and f.data[34] == 8 for f in out)


def _chain(k) -> None:
    for ttl, router in ((1, "10.0.1.1"), (2, "10.0.2.2")):
        c = _out(k, f"ip netns exec a ping -c 2 -i 0.2 -t {ttl} 10.0.3.2")
        assert c.rc == 1
        assert (f"From {router} icmp_seq=1 Time to live exceeded\n"
                f"From {router} icmp_seq=2 Time to live exceeded\n") in c.stdout
        assert "2 packets transmitted, 0 received, +2 errors, 100% packet loss" in c.stdout
    ok = _out(k, "ip netns exec a ping -c 2 -i 0.2 -t 3 10.0.3.2")
    assert ok.rc == 0 and "icmp_seq=1 ttl=62" in ok.stdout
    net = _out(k, "ip netns exec a ping -c 1 10.0.9.9").stdout
    assert "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable\n" in net  # r1: no route
    host = _out(k, "ip netns exec a ping -c 1 10.0.3.9").stdout
    assert "From 10.0.2.2 icmp_seq=1 Destination Host Unreachable\n" in host
    assert "10.0.3.9 dev r2b FAILED" in _out(k, "ip netns exec r2 ip neigh").stdout


def _errors(k) -> None:
    want = {
        "ip -n a route add default via 10.0.1.1": (2, "RTNETLINK answers: File exists\n"),
        "ip -n a route add 10.0.5.0/24 via 10.0.9.1": (2, "Error: Nexthop has invalid gateway.\n"),
        "ip -n a route add 10.0.5.0/24 dev lo": (2, "Error: Device for nexthop is not up.\n"),
        "ip -n a route add 10.0.5.0/24 via 10.0.1.1 src 10.0.5.5":
            (2, "Error: Invalid prefsrc address.\n"),
        "ip -n a route add 10.0.5.5/24 dev eth0":
            (2, "Error: Invalid prefix for given prefix length.\n"),
        "ip -n a route add 10.0.5.0/24 dev nosuch": (1, 'Cannot find device "nosuch"\n'),
        "ip -n a route del 10.0.7.0/24": (2, "RTNETLINK answers: No such process\n"),
        "ip -n a route del default via 10.0.1.9": (2, "RTNETLINK answers: No such process\n"),
    }
    seen = {}
    for c in k.commands:
        if c.cmd in want and c.cmd not in seen and c.rc:
            seen[c.cmd] = (c.rc, c.stderr)
    assert seen == want
    listings = [c.stdout for c in k.commands if c.cmd == "ip -n a route"]
    assert listings[0] == (
        "default via 10.0.1.1 dev eth0 \n"
        "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.2 \n"
        "10.0.3.5 dev eth0 scope link \n"
        "10.0.8.0/24 via 10.0.1.1 dev eth0 src 10.0.1.2 metric 50 \n"
        "10.0.8.0/24 via 10.0.1.1 dev eth0 src 10.0.1.2 metric 100 \n")
    assert listings[1] == (
        "default via 10.0.1.1 dev eth0 \n"
        "default via 10.0.1.1 dev eth0 metric 10 \n"
        "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.2 \n"
        "10.0.3.5 dev eth0 scope link \n"
        "10.0.8.0/24 via 10.0.1.1 dev eth0 src 10.0.1.2 metric 100 \n")
    assert listings[2] == ""  # a device going down takes its routes with it
    gets = [c for c in k.commands if c.cmd.startswith("ip -n a route get")]
    assert [c.stdout for c in gets[:3]] == [
        "10.0.8.1 via 10.0.1.1 dev eth0 src 10.0.1.2 uid 0 \n    cache \n",
        "local 10.0.1.2 dev lo src 10.0.1.2 uid 0 \n    cache <local> \n",
        "broadcast 10.0.1.255 dev eth0 src 10.0.1.2 uid 0 \n    cache <local,brd> \n"]
    assert (gets[3].rc, gets[3].stderr) == (2, "RTNETLINK answers: Network is unreachable\n")


CHECKS = {"forwarding": _forwarding, "no-forwarding": _no_forwarding, "chain": _chain,
          "errors": _errors}
