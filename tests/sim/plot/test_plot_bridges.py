"""sim.plot on a bridge node and a router chain: the model is replayed from the commands,
and a bridge's or router's hop between two of its devices is an arrow of its own."""
import pytest

import sim
from sim.plot import save_plot
from sim.plot.ladder import arrows, infer_pairs, run_pairs
from sim.plot.topology import from_run
from tests.conformance.test_bridge_node import NODE
from tests.conformance.test_routing import ROUTER

import synth


@pytest.fixture(scope="module")
def node_run():
    return sim.run(NODE, path="bridge-node.ip")


def test_bridge_node_model(node_run):
    topo = from_run(node_run)
    assert topo.bridges() == [("node", "cni0")]
    assert topo.ports(("node", "cni0")) == [("node", "veth1"), ("node", "veth2"),
                                            ("node", "veth3")]
    assert sorted(topo.cables) == [(("node", f"veth{p}"), (f"pod{p}", "eth0"))
                                   for p in (1, 2, 3)]
    assert topo.ifaces[("node", "cni0")].addresses == ["10.244.1.1/24"]
    # the pods' addresses are on the pods' ends, not on the node's ports
    assert [topo.ifaces[("node", f"veth{p}")].addresses for p in (1, 2, 3)] == [[], [], []]
    assert topo.ifaces[("pod2", "eth0")].addresses == ["10.244.1.3/24"]
    assert topo.ifaces[("node", "veth1")].mac == "02:00:00:00:00:01"
    assert ("root", "veth1") not in topo.ifaces and "root" not in topo.namespaces


def test_moved_and_deleted_devices_follow_the_commands():
    run = synth.seed_run()
    topo = from_run(run)
    assert topo.cables == [(("ns1", "veth1"), ("ns2", "veth1-peer"))]
    run.commands = run.commands[:5] + [
        synth.CommandResult(20, "ip netns exec ns1 ip link del veth1", 0, "", "")]
    run.frames, run.macs = [], {}  # a deleted device has no MAC at the end
    assert from_run(run).ifaces == {}


def test_frames_alone_pair_the_veths_not_the_bridge(node_run):
    pairs = infer_pairs(node_run.frames)
    assert pairs == run_pairs(node_run)
    assert ("node", "cni0") not in pairs


def test_bridged_arrows(node_run):
    arrs = arrows(node_run.frames, pairs=run_pairs(node_run))
    veth = [a for a in arrs if a.kind == "veth"]
    bridged = [a for a in arrs if a.kind == "bridged"]
    assert all(a.src[0] != a.dst[0] for a in veth)
    assert all(a.src[0] == a.dst[0] == "node" for a in bridged)
    # every sighting but the receiving ones is a hop: 62 frames, 28 veth crossings; the
    # bridge forwards 14 times port to port, hands 4 frames up to cni0 and sends 2 down
    assert (len(arrs), len(veth), len(bridged)) == (48, 28, 20)
    assert sum(a.dst == ("node", "cni0") for a in bridged) == 4
    assert sum(a.src == ("node", "cni0") for a in bridged) == 2
    first = arrs[:4]
    assert [(a.kind, a.src, a.dst) for a in first] == [
        ("veth", ("pod1", "eth0"), ("node", "veth1")),
        ("bridged", ("node", "veth1"), ("node", "veth2")),
        ("veth", ("node", "veth2"), ("pod2", "eth0")),
        ("bridged", ("node", "veth1"), ("node", "veth3"))]
    assert all(a.dst is not None for a in arrs)  # nothing lost to the bridge's own out
    assert arrows(node_run.frames) == arrs  # the guessed pairs agree


def test_router_forwarding_arrows():
    run = sim.run(ROUTER + "ip netns exec router sysctl -w net.ipv4.ip_forward=1\n"
                  "ip netns exec left ping -c 1 10.0.2.2\n", path="router.ip")
    fwd = [a for a in arrows(run.frames, pairs=run_pairs(run)) if a.kind == "forwarded"]
    assert [(a.src, a.dst, a.label.split(" seq")[0]) for a in fwd] == [
        (("router", "r-left"), ("router", "r-right"), "ICMP echo request"),
        (("router", "r-right"), ("router", "r-left"), "ICMP echo reply")]


def test_bridge_pictures_render(node_run, tmp_path):
    for kind in ("topology", "ladder"):
        save_plot(node_run, str(tmp_path / f"{kind}.png"), kind)
        assert (tmp_path / f"{kind}.png").stat().st_size > 5000
