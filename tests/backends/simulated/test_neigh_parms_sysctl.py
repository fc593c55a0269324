"""Neighbour parameters and sysctl on the model: jiffies rounding, procps' messages,
and the NUD state machine reading the per-device values (time passed in)."""
from __future__ import annotations

import random

import pytest

from backends.simulated.stack import devconf
from backends.simulated.stack import neigh_parms as np_
from backends.simulated.stack import neighbour as nd
from backends.simulated.stack.netns import Netns
from backends.simulated.stack.sysctl import sysctl
from backends.simulated.stack.veth import veth_pair
from sim.errors import CommandError
from sim.trace import Event

IP = "172.16.0.2"
MAC = "02:00:00:00:00:02"


def ns_with_veth() -> Netns:
    ns = Netns("ns1", random.Random(1))
    a, _b = veth_pair("veth1", "02:00:00:00:00:01", "ns1", "veth2", MAC, "ns2")
    ns.attach(a)
    return ns


def rw(ns: Netns, key: str, value: str | None = None) -> str:
    return sysctl(ns, key, value, random.Random(0))


def of(acts, kind):
    return [a for a in acts if isinstance(a, kind)]


# ---- values as /proc prints them ---------------------------------------------------------

@pytest.mark.parametrize("name,value", [
    ("base_reachable_time_ms", "30000"), ("base_reachable_time", "30"),
    ("delay_first_probe_time", "5"), ("retrans_time_ms", "1000"), ("retrans_time", "100"),
    ("mcast_solicit", "3"), ("ucast_solicit", "3"), ("app_solicit", "0"),
    ("gc_stale_time", "60"), ("unres_qlen", "101"), ("unres_qlen_bytes", "212992"),
    ("locktime", "100"), ("proxy_delay", "80"), ("anycast_delay", "100"),
    ("interval_probe_time_ms", "5000"), ("mcast_resolicit", "0"), ("proxy_qlen", "64"),
])
def test_defaults_read_as_the_kernel_prints_them(name, value):
    assert rw(ns_with_veth(), f"net.ipv4.neigh.veth1.{name}") == value


@pytest.mark.parametrize("name,written,reads", [
    ("retrans_time_ms", "5", [("retrans_time_ms", "8")]),  # 2 jiffies at HZ=250
    ("retrans_time_ms", "500", [("retrans_time", "50")]),
    ("retrans_time", "50", [("retrans_time_ms", "500")]),
    ("base_reachable_time_ms", "1234", [("base_reachable_time_ms", "1236"),
                                        ("base_reachable_time", "1")]),
    ("base_reachable_time", "10", [("base_reachable_time_ms", "10000")]),
    ("delay_first_probe_time", "-1", [("delay_first_probe_time", "-1")]),
    ("unres_qlen", "5", [("unres_qlen_bytes", "10450")]),
    ("unres_qlen_bytes", "100000", [("unres_qlen", "47")]),
    ("mcast_solicit", " 5", [("mcast_solicit", "5")]),
])
def test_writes_round_through_jiffies(name, written, reads):
    ns = ns_with_veth()
    assert rw(ns, f"net.ipv4.neigh.veth1.{name}", written) == written.strip()
    for key, value in reads:
        assert rw(ns, f"net.ipv4.neigh.veth1.{key}") == value


@pytest.mark.parametrize("key", [
    "net.ipv4.neigh.default.retrans_time_ms",  # only in the initial namespace
    "net.ipv4.neigh.veth9.retrans_time_ms", "net.ipv4.neigh.veth1.nosuch",
    "net.ipv4.conf.veth9.arp_ignore", "net.core.nosuch",
])
def test_unknown_keys_are_procps_cannot_stat(key):
    with pytest.raises(CommandError) as e:
        rw(ns_with_veth(), key)
    path = "/proc/sys/" + key.replace(".", "/")
    assert e.value.message == f"sysctl: cannot stat {path}: No such file or directory"
    assert e.value.rc == 1


@pytest.mark.parametrize("key,value", [
    ("net.ipv4.neigh.veth1.mcast_solicit", "-1"), ("net.ipv4.neigh.veth1.mcast_solicit", "1.5"),
    ("net.ipv4.neigh.veth1.delay_first_probe_time", "abc"), ("net.ipv4.ip_forward", "x"),
])
def test_refused_values_are_invalid_argument(key, value):
    with pytest.raises(CommandError) as e:
        rw(ns_with_veth(), key, value)
    assert e.value.message == f'sysctl: setting key "{key}": Invalid argument'
    assert e.value.rc == 1


def test_ip_forward_is_conf_all_forwarding_and_reaches_every_device():
    ns = ns_with_veth()
    assert rw(ns, "net.ipv4.ip_forward") == "0"
    rw(ns, "net.ipv4.ip_forward", "1")
    assert ns.sysctl_ip_forward == 1
    assert rw(ns, "net.ipv4.conf.all.forwarding") == "1"
    assert rw(ns, "net.ipv4.conf.veth1.forwarding") == "1"
    assert devconf.forwarding(ns, "veth1")
    rw(ns, "net.ipv4.conf.veth1.forwarding", "0")
    assert not devconf.forwarding(ns, "veth1") and ns.sysctl_ip_forward == 1


def test_conf_default_reaches_devices_that_never_set_the_value():
    ns = ns_with_veth()
    rw(ns, "net.ipv4.conf.default.arp_ignore", "1")
    assert rw(ns, "net.ipv4.conf.veth1.arp_ignore") == "1"
    rw(ns, "net.ipv4.conf.veth1.arp_ignore", "2")
    rw(ns, "net.ipv4.conf.default.arp_ignore", "0")
    assert rw(ns, "net.ipv4.conf.veth1.arp_ignore") == "2"
    assert rw(ns, "net.ipv4.conf.all.arp_ignore") == "0"


# ---- the state machine reads the device's parameters --------------------------------------

def table_with(**fields) -> nd.NeighbourTable:
    parms = np_.NeighParms(**fields)
    return nd.NeighbourTable("ns1", "veth1", 30.0, parms=parms)


def test_delay_first_probe_time_comes_from_the_parameters():
    t = table_with(delay_probe_time=2 * np_.HZ)
    t.update(IP, MAC, nd.STALE, 0.0, create=True, override=True, reason="r")
    acts = t.output(IP, b"p", "s", 1.0)
    assert of(acts, nd.Timer)[0].at == pytest.approx(3.0)


def test_mcast_solicit_and_retrans_time_shape_resolution():
    t = table_with(mcast_probes=1, retrans_time=np_.HZ // 4)
    acts = t.output(IP, b"p", "s", 0.0)
    assert len(of(acts, nd.Solicit)) == 1
    (timer,) = of(acts, nd.Timer)
    assert timer.at == pytest.approx(0.248)  # 62 jiffies
    acts = t.timer(IP, timer.gen, timer.at)
    assert t.get(IP).state == nd.FAILED and of(acts, nd.Unreachable)


def test_no_multicast_probes_means_immediate_failure():
    t = table_with(mcast_probes=0)
    assert t.output(IP, b"p", "s", 0.0) == []
    assert t.get(IP).state == nd.FAILED


def test_reachable_timer_never_spins_at_the_same_instant():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    t.output(IP, b"p", "s", 0.0)
    acts = t.update(IP, MAC, nd.REACHABLE, 0.1, create=False, override=True, reason="r")
    (timer,) = of(acts, nd.Timer)
    again = t.timer(IP, timer.gen, timer.at - 5e-10)  # a hair early, as float rounding is
    assert not of(again, nd.Timer) or of(again, nd.Timer)[0].at > timer.at - 5e-10


# ---- ip neigh ------------------------------------------------------------------------------

def test_add_replace_change_errors_and_states():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    acts = t.modify("add", IP, MAC, nd.PERMANENT, 0.0)
    assert [(e.old, e.new, e.extra["netlink"]) for e in of(acts, Event)] == \
        [("NONE", "PERMANENT", True)]
    with pytest.raises(nd.NeighError, match="File exists"):
        t.modify("add", IP, "02:00:00:00:00:09", nd.PERMANENT, 1.0)
    with pytest.raises(nd.NeighError, match="No such file or directory"):
        t.modify("change", "172.16.0.9", MAC, nd.PERMANENT, 1.0)
    t.modify("replace", IP, "02:00:00:00:00:09", nd.PERMANENT, 1.0)
    assert t.get(IP).lladdr == "02:00:00:00:00:09"
    t.modify("change", IP, None, nd.STALE, 2.0)  # keeps the address; admin may set STALE
    assert (t.get(IP).state, t.get(IP).lladdr) == (nd.STALE, "02:00:00:00:00:09")


def test_permanent_entries_ignore_arp():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    t.modify("add", IP, MAC, nd.PERMANENT, 0.0)
    assert t.update(IP, "02:00:00:00:00:09", nd.REACHABLE, 5.0, create=True, override=True,
                    reason="reply") == []
    assert t.get(IP).lladdr == MAC


def test_add_without_address_fails_but_leaves_an_invisible_entry():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    with pytest.raises(nd.NeighError, match="No link layer address given"):
        t.modify("add", IP, None, nd.PERMANENT, 0.0)
    assert t.get(IP).state == nd.NONE and t.listing() == []
    with pytest.raises(nd.NeighError, match="File exists"):
        t.modify("add", IP, MAC, nd.PERMANENT, 0.0)


def test_admin_failed_and_none_are_not_notified():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    assert of(t.modify("add", IP, None, nd.FAILED, 0.0), Event) == []
    assert t.get(IP).state == nd.FAILED


def test_admin_delay_probes_at_once():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    acts = t.modify("add", IP, MAC, nd.DELAY, 0.0)
    (timer,) = of(acts, nd.Timer)
    assert timer.at == 0.0
    acts = t.timer(IP, timer.gen, 0.0)
    assert t.get(IP).state == nd.PROBE
    assert of(acts, nd.Solicit)[0].lladdr == MAC


def test_delete_reports_failed_then_gone():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    t.update(IP, MAC, nd.STALE, 0.0, create=True, override=True, reason="r")
    acts = t.delete(IP, 1.0)
    assert [(e.old, e.new) for e in of(acts, Event)] == [("STALE", "FAILED"), ("FAILED", "NONE")]
    assert t.get(IP) is None
    with pytest.raises(nd.NeighError, match="No such file or directory"):
        t.delete(IP, 2.0)


def test_flush_selects_states_and_carrier_loss_keeps_permanent():
    t = nd.NeighbourTable("ns1", "veth1", 30.0)
    t.modify("add", IP, MAC, nd.PERMANENT, 0.0)
    t.modify("add", "172.16.0.3", MAC, nd.STALE, 0.0)
    t.modify("add", "172.16.0.4", MAC, nd.NOARP, 0.0)
    t.flush(1.0, "flush", states=frozenset({nd.STALE}))
    assert sorted(t.entries) == [IP, "172.16.0.4"]
    t.flush(2.0, "carrier", skip_perm=True)
    assert sorted(t.entries) == [IP]
    t.flush(3.0, "down")
    assert t.entries == {}


def test_locktime_keeps_the_first_answer():
    from backends.simulated.stack.arp import handle_arp
    from sim.wire import ARPOP_REPLY, ArpPacket, EthernetFrame, ETH_P_ARP

    ns = ns_with_veth()
    dev = ns.dev("veth1")
    ns.addrs["veth1"] = []
    from backends.simulated.stack.route import IfAddr
    ns.addrs["veth1"].append(IfAddr("veth1", "172.16.0.1", 24))
    table = ns.neigh["veth1"]
    table.output(IP, b"p", "172.16.0.1", 0.0)

    def reply(mac: str, t: float):
        arp = ArpPacket(op=ARPOP_REPLY, sha=mac, spa=IP, tha=dev.mac, tpa="172.16.0.1")
        return handle_arp(ns, dev, EthernetFrame.parse(
            EthernetFrame(dev.mac, mac, ETH_P_ARP, arp.emit()).emit()), t)

    reply(MAC, 0.1)
    reply("02:00:00:00:00:99", 0.5)  # within locktime (1 s): ignored
    assert table.get(IP).lladdr == MAC
    reply("02:00:00:00:00:99", 1.2)  # after it: the address changes
    assert table.get(IP).lladdr == "02:00:00:00:00:99"
