"""A Kubernetes-style node on both backends: a cni0 bridge and three pods made CNI-style.

Each pod's pair is created straight into two namespaces (``ip link add vethN netns node
type veth peer name eth0 netns podN``), so every pod has an ``eth0``.  The kernel run is
the reference; besides ``cmp.ok`` the tests check facts measured on Linux:

- the bridge takes the smallest MAC among its ports (it was created without one); veth1
  gets a fixed, smallest-possible address so that the same port wins in both worlds —
  with all-random MACs which port holds the bridge's address is a coin toss per run,
  and listings would differ by it;
- the first ARP request is flooded to every other port and to the bridge itself;
- ``bridge fdb show`` lists each port's own MAC as ``permanent``, the learned pod MACs
  without a state word, and the devices' multicast lists as ``self permanent``
  (33:33:00:00:00:01 and 01:00:5e:00:00:01 even with IPv6 off; the bridge also
  01:00:5e:00:00:6a and 33:33:00:00:00:6a);
- the bridge, up with multicast snooping, sends IGMPv3 reports for 224.0.0.106.
"""
from __future__ import annotations

import re

import pytest

import sim
from sim.compare import compare
from tests.conformance.helpers import output

pytestmark = pytest.mark.kernel

NODE = """\
ip netns add node
ip netns add pod1
ip netns add pod2
ip netns add pod3
ip -n node link add cni0 type bridge
ip -n node link set cni0 up
ip -n node addr add 10.244.1.1/24 dev cni0
ip link add veth1 address 02:00:00:00:00:01 netns node type veth peer name eth0 netns pod1
ip link add veth2 netns node type veth peer name eth0 netns pod2
ip link add veth3 netns node type veth peer name eth0 netns pod3
ip -n node link set veth1 master cni0
ip -n node link set veth2 master cni0
ip -n node link set veth3 master cni0
ip -n node link set veth1 up
ip -n node link set veth2 up
ip -n node link set veth3 up
ip -n pod1 link set eth0 up
ip -n pod2 link set eth0 up
ip -n pod3 link set eth0 up
ip -n pod1 addr add 10.244.1.2/24 dev eth0
ip -n pod2 addr add 10.244.1.3/24 dev eth0
ip -n pod3 addr add 10.244.1.4/24 dev eth0
ip -n pod1 route add default via 10.244.1.1
ip netns exec pod1 ping -c 2 -i 0.2 10.244.1.3
ip netns exec pod1 ping -c 1 10.244.1.1
ip netns exec pod3 ping -c 1 10.244.1.2
ip -n node link show master cni0
ip -n node link
bridge -n node link
bridge -n node fdb show
bridge -n node fdb show br cni0
ip netns exec pod1 ip route
ip netns exec pod1 ip route get 10.244.1.3
ip netns exec pod1 ip route get 192.0.2.7
"""

MAC = re.compile(r"([0-9a-f]{2}:){5}[0-9a-f]{2}")


@pytest.fixture(scope="module")
def kernel_run():
    return sim.run(NODE, backend="kernel", path="bridge-node.ip")


@pytest.fixture(scope="module")
def comparison(kernel_run):
    return compare(sim.run(NODE, backend="sim", path="bridge-node.ip"), kernel_run)


def test_node_matches_the_kernel(comparison):
    assert comparison.ok, comparison.report()


def test_every_command_succeeds_on_the_kernel(kernel_run):
    assert all(c.rc == 0 for c in kernel_run.commands), \
        [(c.cmd, c.stderr) for c in kernel_run.commands if c.rc]


def test_pings_across_the_bridge(kernel_run):
    assert "2 packets transmitted, 2 received" in output(kernel_run, "ip netns exec pod1 ping").stdout
    gw = output(kernel_run, "ip netns exec pod1 ping", 1).stdout
    assert "64 bytes from 10.244.1.1: icmp_seq=1 ttl=64" in gw
    assert "1 received" in output(kernel_run, "ip netns exec pod3 ping").stdout


def exact(run, cmd: str):
    """The result of the command written exactly ``cmd``."""
    return next(c for c in run.commands if c.cmd == cmd)


def _link_macs(text: str) -> dict[str, str]:
    pairs = re.findall(r"^\d+: ([^:@]+)[@:].*\n\s+link/\w+ (\S+)", text, re.M)
    return dict(pairs)


def test_bridge_mac_is_the_smallest_port_mac(kernel_run):
    macs = _link_macs(exact(kernel_run, "ip -n node link").stdout)
    assert macs["cni0"] == min(macs[p] for p in ("veth1", "veth2", "veth3"))


def test_link_show_master_lists_the_three_ports(kernel_run):
    text = output(kernel_run, "ip -n node link show master cni0").stdout
    assert re.findall(r"^\d+: (\S+):", text, re.M) == ["veth1@if2", "veth2@if2", "veth3@if2"]
    assert text.count("master cni0") == 3 and "link-netns pod3" in text


def test_bridge_link(kernel_run):
    lines = output(kernel_run, "bridge -n node link").stdout.splitlines()
    assert [l.split()[1] for l in lines] == ["veth1@cni0:", "veth2@cni0:", "veth3@cni0:"]
    assert all("master cni0 state forwarding priority 32 cost 2 " in l for l in lines)


def test_fdb_lists_learned_permanent_and_multicast_entries(kernel_run):
    text = output(kernel_run, "bridge -n node fdb show").stdout
    owner = kernel_run.macs
    learned = {}
    for line in text.splitlines():
        parts = line.split()
        if parts[-1] == "cni0" and parts[3] == "master":  # no state word: learned
            learned[owner.get(parts[0])] = parts[2]
    assert learned == {"pod1/eth0": "veth1", "pod2/eth0": "veth2", "pod3/eth0": "veth3"}
    for port in ("veth1", "veth2", "veth3"):
        assert f"dev {port} master cni0 permanent" in text
        assert f"33:33:00:00:00:01 dev {port} self permanent" in text
        assert f"01:00:5e:00:00:01 dev {port} self permanent" in text
    assert text.splitlines()[:4] == [
        "33:33:00:00:00:01 dev cni0 self permanent", "01:00:5e:00:00:6a dev cni0 self permanent",
        "33:33:00:00:00:6a dev cni0 self permanent", "01:00:5e:00:00:01 dev cni0 self permanent"]
    assert output(kernel_run, "bridge -n node fdb show br cni0").stdout == text


def test_first_arp_request_is_flooded(kernel_run):
    arp = [f for f in kernel_run.frames if f.data[12:14] == b"\x08\x06"
           and f.data[:6] == b"\xff" * 6 and f.data[38:42] == bytes([10, 244, 1, 3])]
    seen = {(f.netns, f.dev, f.dir) for f in arp}
    assert {("node", "veth1", "in"), ("node", "cni0", "in"), ("node", "veth2", "out"),
            ("node", "veth3", "out"), ("pod2", "eth0", "in"), ("pod3", "eth0", "in")} <= seen


def test_pod_routes(kernel_run):
    assert output(kernel_run, "ip netns exec pod1 ip route").stdout == (
        "default via 10.244.1.1 dev eth0 \n"
        "10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2 \n")
    assert output(kernel_run, "ip netns exec pod1 ip route get 192.0.2.7").stdout == (
        "192.0.2.7 via 10.244.1.1 dev eth0 src 10.244.1.2 uid 0 \n    cache \n")


def test_bridge_sends_igmp_reports(kernel_run):
    igmp = [f for f in kernel_run.frames if f.netns == "node" and f.dev == "cni0"
            and f.data[12:14] == b"\x08\x00" and f.data[23] == 2]
    assert igmp, "a bridge that is up sends IGMPv3 reports for 224.0.0.106"
    assert all(f.data[30:34] == bytes([224, 0, 0, 22]) for f in igmp)
