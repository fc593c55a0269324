"""sim.plot: the three pictures draw synthetic runs and their models say the right things."""
import pytest

from sim.model import Address, Link, NetnsState
from sim.plot import KINDS, figure, ladder, neighbours, save_plot, topology
from sim.plot.ladder import arrows, columns
from sim.plot.neighbours import spans
from sim.plot.topology import from_run, from_states, layout

import synth


def test_arrows_pair_out_with_in():
    arrs = arrows(synth.seed_run().frames)
    assert len(arrs) == 8
    assert arrs[0].src == ("ns1", "veth1") and arrs[0].dst == ("ns2", "veth1-peer")
    assert arrs[0].label == "ARP who-has 172.16.0.2 tell 172.16.0.1"
    assert arrs[1].src == ("ns2", "veth1-peer") and arrs[1].protocol == "ARP"
    assert [a.protocol for a in arrows(synth.seed_run().frames, {"ICMP"})] == ["ICMP"] * 6


def test_unanswered_frame_is_an_arrow_to_nowhere():
    arrs = arrows(synth.failed_run().frames)
    assert len(arrs) == 3 and all(a.dst is None for a in arrs)


def test_columns_group_by_namespace():
    assert columns(synth.star_run(2)) == [("pod1", "eth0"), ("node", "veth1"),
                                          ("node", "veth2"), ("pod2", "eth0")]


def test_topology_from_run():
    topo = from_run(synth.seed_run())
    assert topo.namespaces == ["ns1", "ns2"]
    assert topo.cables == [(("ns1", "veth1"), ("ns2", "veth1-peer"))]
    assert topo.ifaces[("ns1", "veth1")].addresses == ["172.16.0.1/24"]
    assert topo.ifaces[("ns2", "veth1-peer")].mac == synth.MAC2


def test_topology_falls_back_to_addresses_on_the_wire():
    run = synth.seed_run()
    run.commands = []
    assert from_run(run).ifaces[("ns1", "veth1")].addresses == ["172.16.0.1"]


def test_topology_from_states():
    ns1 = NetnsState("ns1", links=(
        Link(1, "lo", "loopback", "00:00:00:00:00:00", ("LOOPBACK",), "UNKNOWN"),
        Link(13, "veth1", "veth", synth.MAC1, ("UP",), "UP", peer_ifindex=12,
             peer_name="veth1-peer", link_netns="ns2")),
        addresses=(Address("veth1", "172.16.0.1", 24),))
    ns2 = NetnsState("ns2", links=(
        Link(12, "veth1-peer", "veth", synth.MAC2, ("UP",), "UP", peer_ifindex=13,
             peer_name="veth1", link_netns="ns1"),))
    topo = from_states([ns1, ns2])
    assert list(topo.ifaces) == [("ns1", "veth1"), ("ns2", "veth1-peer")]
    assert topo.cables == [(("ns1", "veth1"), ("ns2", "veth1-peer"))]
    assert topo.ifaces[("ns1", "veth1")].addresses == ["172.16.0.1/24"]
    topology([ns1, ns2])


def test_layout_chain_and_star():
    pos = layout(from_run(synth.seed_run()))
    assert pos["ns1"][1] == pos["ns2"][1] and pos["ns1"][0] < pos["ns2"][0]
    star = layout(from_run(synth.star_run(4)))
    assert star["node"] == (0.0, 0.0)


def test_neighbour_spans():
    sp = spans(synth.seed_run())
    ns1 = [(s.state, s.subject) for s in sp if s.netns == "ns1"]
    assert ns1 == [("INCOMPLETE", "172.16.0.2"), ("REACHABLE", "172.16.0.2")]
    ns2 = [s.state for s in sp if s.netns == "ns2"]
    assert ns2 == ["STALE", "DELAY", "REACHABLE"]
    failed = spans(synth.failed_run())
    assert [s.state for s in failed] == ["INCOMPLETE", "FAILED"]
    assert failed[0].end == 4.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("make", [synth.seed_run, synth.failed_run, synth.star_run])
def test_every_picture_renders(kind, make, tmp_path):
    path = tmp_path / f"{kind}.png"
    save_plot(make(), str(path), kind)
    assert path.stat().st_size > 5000


def test_empty_run_draws(tmp_path):
    from sim.result import Run

    for kind in KINDS:
        figure(Run(backend="sim"), kind).savefig(tmp_path / f"{kind}.png")


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown picture"):
        figure(synth.seed_run(), "pie")


def test_ladder_highlight_and_truncation():
    fig = ladder(synth.seed_run(), highlight=2, max_arrows=4)
    assert "first 4 of 8" in fig.axes[0].get_title()
    assert neighbours(synth.seed_run(), until=1.0)
