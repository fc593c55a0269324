"""The simulator's bridge and router, against facts measured on kernel 6.18."""
from __future__ import annotations

import sim
from sim.show import render_link

NODE = """\
ip netns add node
ip netns add pod1
ip netns add pod2
ip -n node link add cni0 type bridge
ip -n node link set cni0 up
ip -n node addr add 10.244.1.1/24 dev cni0
ip link add veth1 netns node type veth peer name eth0 netns pod1
ip link add veth2 netns node type veth peer name eth0 netns pod2
ip -n node link set veth1 master cni0 up
ip -n node link set veth2 master cni0 up
ip -n pod1 link set eth0 up
ip -n pod2 link set eth0 up
ip -n pod1 addr add 10.244.1.2/24 dev eth0
ip -n pod2 addr add 10.244.1.3/24 dev eth0
ip netns exec pod1 ping -c 1 10.244.1.3
ip netns exec pod1 ping -c 1 10.244.1.1
bridge -n node fdb show
bridge -n node link
"""


def out(run, prefix):
    return next(c for c in run.commands if c.cmd.startswith(prefix))


def test_pods_ping_each_other_and_the_gateway():
    run = sim.run(NODE, backend="sim")
    assert all(c.rc == 0 for c in run.commands), [(c.cmd, c.stderr) for c in run.commands]
    assert "1 received" in out(run, "ip netns exec pod1 ping -c 1 10.244.1.3").stdout
    assert "64 bytes from 10.244.1.1" in out(run, "ip netns exec pod1 ping -c 1 10.244.1.1").stdout


def test_fdb_learns_and_lists_permanent_and_multicast():
    run = sim.run(NODE, backend="sim")
    text = out(run, "bridge -n node fdb").stdout
    lines = text.splitlines()
    assert lines[:4] == ["33:33:00:00:00:01 dev cni0 self permanent",
                         "01:00:5e:00:00:6a dev cni0 self permanent",
                         "33:33:00:00:00:6a dev cni0 self permanent",
                         "01:00:5e:00:00:01 dev cni0 self permanent"]
    learned = [l for l in lines if l.endswith("master cni0 ")]
    assert len(learned) == 2
    assert sum(l.endswith("master cni0 permanent") for l in lines) == 2


def test_first_arp_is_flooded_to_the_other_port_and_the_bridge():
    run = sim.run(NODE, backend="sim")
    arp = {(f.netns, f.dev, f.dir) for f in run.frames
           if f.data[12:14] == b"\x08\x06" and f.data[:6] == b"\xff" * 6
           and f.data[38:42] == bytes([10, 244, 1, 3])}
    assert {("node", "veth1", "in"), ("node", "cni0", "in"), ("node", "veth2", "out"),
            ("pod2", "eth0", "in")} <= arp


def test_bridge_mac_carrier_and_ports():
    from backends.simulated.engine import SimulatedBackend
    from sim.script import parse

    be = SimulatedBackend(seed=3)
    lab = parse("ip link add br0 type bridge\nip link set br0 up\n"
                "ip link add v1 type veth peer name p1\nip link add v2 type veth peer name p2\n")
    for c in lab.commands:
        be.apply(c)
    st = be.snapshot("root")
    assert st.link("br0").operstate == "UNKNOWN"  # never had a port
    be.apply(parse("ip link set v1 master br0").commands[0])
    be.apply(parse("ip link set v2 master br0").commands[0])
    st = be.snapshot("root")
    br = st.link("br0")
    assert br.mac == min(st.link("v1").mac, st.link("v2").mac)
    assert br.operstate == "DOWN" and "NO-CARRIER" in render_link(st, "br0")
    for c in parse("ip link set v1 up\nip link set p1 up").commands:
        be.apply(c)
    st = be.snapshot("root")
    assert st.link("br0").operstate == "UP"
    assert [(p.name, p.state) for p in st.bridge_ports] == [("v1", "forwarding"),
                                                            ("v2", "disabled")]
    for c in parse("ip link set v1 nomaster\nip link set v2 nomaster").commands:
        be.apply(c)
    st = be.snapshot("root")
    assert st.link("br0").mac == "00:00:00:00:00:00" and st.link("br0").operstate == "DOWN"


ROUTERS = """\
ip netns add a
ip netns add r1
ip netns add r2
ip netns add b
ip link add va netns a type veth peer name r1a netns r1
ip link add r1b netns r1 type veth peer name r2a netns r2
ip link add r2b netns r2 type veth peer name vb netns b
ip -n a addr add 10.0.1.2/24 dev va
ip -n a link set va up
ip -n r1 addr add 10.0.1.1/24 dev r1a
ip -n r1 addr add 10.0.2.1/24 dev r1b
ip -n r1 link set r1a up
ip -n r1 link set r1b up
ip -n r2 addr add 10.0.2.2/24 dev r2a
ip -n r2 addr add 10.0.3.1/24 dev r2b
ip -n r2 link set r2a up
ip -n r2 link set r2b up
ip -n b addr add 10.0.3.2/24 dev vb
ip -n b link set vb up
ip -n a route add default via 10.0.1.1
ip -n b route add default via 10.0.3.1
ip -n r1 route add 10.0.3.0/24 via 10.0.2.2
ip -n r2 route add default via 10.0.2.1
ip netns exec a ping -c 1 -W 1 10.0.3.2
ip netns exec r1 sysctl -w net.ipv4.ip_forward=1
ip netns exec r2 sysctl -w net.ipv4.ip_forward=1
ip netns exec a ping -c 1 10.0.3.2
ip netns exec a ping -c 1 -t 1 10.0.3.2
ip netns exec a ping -c 1 -t 2 10.0.3.2
ip netns exec a ping -c 1 10.0.9.9
ip -n r1 route
ip -n a route get 10.0.3.2
ip -n a route add 10.9.0.0/16 via 10.0.5.1
ip -n a route del 10.5.0.0/16
ip -n a route add default via 10.0.1.1
"""


def test_routers():
    run = sim.run(ROUTERS, backend="sim")
    off = out(run, "ip netns exec a ping -c 1 -W 1")
    assert "0 received" in off.stdout and "From" not in off.stdout  # forwarding off: silence
    assert "ttl=62" in out(run, "ip netns exec a ping -c 1 10.0.3.2").stdout
    assert "From 10.0.1.1 icmp_seq=1 Time to live exceeded" in \
        out(run, "ip netns exec a ping -c 1 -t 1").stdout
    assert "From 10.0.2.2 icmp_seq=1 Time to live exceeded" in \
        out(run, "ip netns exec a ping -c 1 -t 2").stdout
    assert "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable" in \
        out(run, "ip netns exec a ping -c 1 10.0.9.9").stdout
    assert next(c for c in run.commands if c.cmd == "ip -n r1 route").stdout == (
        "10.0.1.0/24 dev r1a proto kernel scope link src 10.0.1.1 \n"
        "10.0.2.0/24 dev r1b proto kernel scope link src 10.0.2.1 \n"
        "10.0.3.0/24 via 10.0.2.2 dev r1b \n")
    assert out(run, "ip -n a route get").stdout == \
        "10.0.3.2 via 10.0.1.1 dev va src 10.0.1.2 uid 0 \n    cache \n"
    bad = out(run, "ip -n a route add 10.9")
    assert (bad.stderr, bad.rc) == ("Error: Nexthop has invalid gateway.\n", 2)
    assert out(run, "ip -n a route del").stderr == "RTNETLINK answers: No such process\n"
    assert [c for c in run.commands if c.cmd.startswith("ip -n a route add default")][-1].stderr == "RTNETLINK answers: File exists\n"


def test_routes_go_with_their_device():
    run = sim.run("ip link add v1 type veth peer name v2\nip addr add 10.0.1.2/24 dev v1\n"
                  "ip link set v1 up\nip route add 10.8.0.0/16 dev v1\n"
                  "ip route add default via 10.0.1.1 metric 5\nip route\n"
                  "ip link set v1 down\nip link set v1 up\nip route\n", backend="sim")
    assert run.commands[5].stdout == (
        "default via 10.0.1.1 dev v1 metric 5 linkdown \n"
        "10.0.1.0/24 dev v1 proto kernel scope link src 10.0.1.2 linkdown \n"
        "10.8.0.0/16 dev v1 scope link linkdown \n")
    assert run.commands[8].stdout == "10.0.1.0/24 dev v1 proto kernel scope link src 10.0.1.2 linkdown \n"
