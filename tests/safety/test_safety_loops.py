"""The kernel backend's bridge-loop check, on plain records (no root needed)."""
from __future__ import annotations

from backends.kernel.loops import Dev, loop_message
from sim.commands import LinkSet


def _two_bridges(*, b2_up: bool) -> list[Dev]:
    """br1(a1,a2) and br2(b1,b2) in root, a1-b1 and a2-b2 veth pairs, all up but b2."""
    return [
        Dev("root", 2, "br1", "bridge", True, None, None, None),
        Dev("root", 3, "br2", "bridge", True, None, None, None),
        Dev("root", 4, "a1", "veth", True, 2, 5, None),
        Dev("root", 5, "b1", "veth", True, 3, 4, None),
        Dev("root", 6, "a2", "veth", True, 2, 7, None),
        Dev("root", 7, "b2", "veth", b2_up, 3, 6, None),
    ]


def _no_nsids(viewer: str, nsid: int) -> str | None:
    return None


def test_the_link_that_closes_the_loop_is_refused():
    why = loop_message(LinkSet(dev="b2", up=True), _two_bridges(b2_up=False), _no_nsids)
    assert why is not None and why.startswith("vethlab: refusing to close a bridge loop: ")
    assert "the veth pair b2 and a2 would join bridges br2 and br1, which are already connected" in why


def test_other_changes_pass():
    assert loop_message(LinkSet(dev="a1", up=True), _two_bridges(b2_up=False), _no_nsids) is None
    assert loop_message(LinkSet(dev="nosuch", up=True), _two_bridges(b2_up=False), _no_nsids) is None


def test_a_down_bridge_forwards_nothing():
    devs = _two_bridges(b2_up=False)
    devs[1].up = False
    assert loop_message(LinkSet(dev="b2", up=True), devs, _no_nsids) is None
    assert loop_message(LinkSet(dev="br2", up=True), devs, _no_nsids) is None  # b2 still down


def test_both_ends_on_one_bridge():
    devs = [Dev("root", 2, "br", "bridge", True, None, None, None),
            Dev("root", 3, "v1", "veth", True, 2, 4, None),
            Dev("root", 4, "v2", "veth", True, None, 3, None)]
    why = loop_message(LinkSet(dev="v2", master="br"), devs, _no_nsids)
    assert why is not None and "would join bridge br to itself" in why


def test_a_chain_of_bridges_is_no_loop():
    devs = [Dev("root", 2, "br1", "bridge", True, None, None, None),
            Dev("root", 3, "br2", "bridge", True, None, None, None),
            Dev("root", 4, "br3", "bridge", True, None, None, None),
            Dev("root", 5, "a", "veth", True, 2, 6, None),
            Dev("root", 6, "b", "veth", True, 3, 5, None),
            Dev("root", 7, "c", "veth", True, 3, 8, None),
            Dev("root", 8, "d", "veth", False, 4, 7, None)]
    assert loop_message(LinkSet(dev="d", up=True), devs, _no_nsids) is None


def test_across_namespaces_peers_are_found_by_nsid():
    devs = [Dev("a", 2, "bra", "bridge", True, None, None, None),
            Dev("b", 2, "brb", "bridge", True, None, None, None),
            Dev("a", 3, "x1", "veth", True, 2, 3, 0),
            Dev("b", 3, "y1", "veth", True, 2, 3, 0),
            Dev("a", 4, "x2", "veth", True, 2, 4, 0),
            Dev("b", 4, "y2", "veth", False, 2, 4, 0)]
    names = {("a", 0): "b", ("b", 0): "a"}
    why = loop_message(LinkSet(netns="b", dev="y2", up=True), devs,
                       lambda viewer, nsid: names.get((viewer, nsid)))
    assert why is not None and "b/y2" in why and "a/bra" in why


def test_the_cheap_filter():
    from backends.kernel.loops import may_close

    veth = Dev("root", 4, "vh0", "veth", False, None, 5, 0)
    assert not may_close(veth, LinkSet(dev="vh0", up=True), "pod0", {"root"})  # no bridge port
    assert not may_close(veth, LinkSet(dev="vh0", master="br0"), "pod0", {"root"})  # peer: no bridge
    assert may_close(veth, LinkSet(dev="vh0", master="br0"), "ns3", {"root", "ns3"})
    assert may_close(veth, LinkSet(dev="vh0", master="br0"), None, {"root"})  # unknown peer
    assert may_close(Dev("root", 2, "br0", "bridge", False, None, None, None),
                     LinkSet(dev="br0", up=True), "root", {"root"})
    assert not may_close(Dev("root", 1, "lo", None, False, None, None, None),
                         LinkSet(dev="lo", up=True), "root", {"root"})
