"""Property: any lab built from valid lines runs on the simulator to the end (or to a
limit) with no exception but the project's own, and one seed gives one run."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.errors import VethlabError
from sim.limits import Limits

from fuzz import FUZZ_SLOW

NS = ["ns1", "ns2", "ns3"]
DEVS = ["v1", "v2", "v3", "v4", "brx"]
IPS = [f"10.0.0.{i}" for i in range(1, 7)]
#: Small bounds: a random lab may well build a bridge loop.
LIMITS = Limits(max_sim_frames=5000, max_virtual_time=3600.0)


@st.composite
def lab_line(draw) -> str:
    ns, ns2 = draw(st.sampled_from(NS)), draw(st.sampled_from(NS))
    d, d2 = draw(st.sampled_from(DEVS)), draw(st.sampled_from(DEVS))
    ip = draw(st.sampled_from(IPS))
    where = draw(st.sampled_from(["", "", f"ip netns exec {ns} ", f"-n {ns} "]))
    run_in = where if where.startswith("ip netns exec") else ""
    ipn = f"ip -n {ns}" if where.startswith("-n") else "ip"
    if run_in:
        ipn = run_in + "ip"
    choices = [
        f"ip netns add {ns}", f"ip netns del {ns}", "ip netns list",
        f"ip link add {d} type veth peer name {d2}",
        f"ip link add {d} type veth peer name {d2} netns {ns}",
        f"{ipn} link add brx type bridge",
        f"{ipn} link set {d} netns {ns2}",
        f"{ipn} link set {d} up", f"{ipn} link set dev {d} down",
        f"{ipn} link set {d} master brx", f"{ipn} link set {d} nomaster",
        f"{ipn} link set {d} address aa:bb:cc:00:00:0{draw(st.integers(1, 9))}",
        f"{ipn} addr add {ip}/24 dev {d}", f"{ipn} addr del {ip}/24 dev {d}",
        f"{ipn} route add 10.1.0.0/16 via {ip}", f"{ipn} route add default dev {d}",
        f"{ipn} route del default",
        f"{ipn} neigh add {ip} lladdr aa:bb:cc:00:00:01 dev {d}",
        f"{ipn} neigh flush dev {d}", f"{ipn} link del {d}",
        f"{ipn} addr", f"{ipn} link show", f"{ipn} route", f"{ipn} neigh show",
        f"{ipn} route get {ip}", "bridge fdb show", "bridge link show",
        f"{run_in}ping -c {draw(st.integers(1, 3))} -i 0.2 -W 1 {ip}",
        f"{run_in}arping -c 1 -w 1 {ip}", f"{run_in}arping -c 1 -I {d} {ip}",
        f"sleep {draw(st.sampled_from(['0.5', '5', '30']))}",
        f"{run_in}sysctl -w net.ipv4.ip_forward=1",
        f"{run_in}sysctl net.ipv4.neigh.default.base_reachable_time_ms",
        f"{run_in}sysctl -w net.ipv4.conf.all.arp_ignore=1",
    ]
    traffic = [  # programs from inside a namespace, where the preludes put addresses
        f"ip netns exec {ns} ping -c {draw(st.integers(1, 3))} -i 0.2 -W 1 {ip}",
        f"ip netns exec {ns} arping -c 2 -w 2 {ip}",
        f"ip netns exec {ns} ping -c 1 -s {draw(st.sampled_from([0, 56, 1472, 9000]))} {ip}",
    ]
    return draw(st.one_of(st.sampled_from(choices), st.sampled_from(traffic)))


#: Topologies that carry traffic, for the random lines to poke at: a veth pair between
#: two namespaces, and two namespaces on a bridge in a third.
PRELUDES = [
    "",
    """ip netns add ns1
ip netns add ns2
ip link add v1 netns ns1 type veth peer name v2 netns ns2
ip -n ns1 addr add 10.0.0.1/24 dev v1
ip -n ns2 addr add 10.0.0.2/24 dev v2
ip -n ns1 link set v1 up
ip -n ns2 link set v2 up""",
    """ip netns add ns1
ip netns add ns2
ip netns add ns3
ip -n ns3 link add brx type bridge
ip -n ns3 link set brx up
ip -n ns3 addr add 10.0.0.3/24 dev brx
ip link add v1 netns ns1 type veth peer name v3 netns ns3
ip link add v2 netns ns2 type veth peer name v4 netns ns3
ip -n ns3 link set v3 master brx
ip -n ns3 link set v4 master brx
ip -n ns1 addr add 10.0.0.1/24 dev v1
ip -n ns2 addr add 10.0.0.2/24 dev v2
ip -n ns1 link set v1 up
ip -n ns2 link set v2 up
ip -n ns3 link set v3 up
ip -n ns3 link set v4 up""",
]

labs = st.tuples(st.sampled_from(PRELUDES), st.lists(lab_line(), min_size=1, max_size=20)) \
    .map(lambda p: "\n".join(([p[0]] if p[0] else []) + p[1]))


@FUZZ_SLOW
@given(labs)
def test_random_labs_run_to_the_end(text):
    try:
        run = sim.run(text, backend="sim", path="fuzz.ip", limits=LIMITS)
    except VethlabError:
        return  # a line the parser refuses: the project's own error
    assert all(isinstance(c.rc, int) for c in run.commands)
    assert "Traceback" not in run.transcript()
    again = sim.run(text, backend="sim", path="fuzz.ip", limits=LIMITS)
    assert again.transcript() == run.transcript()
    assert [f.to_json() for f in again.frames] == [f.to_json() for f in run.frames]
