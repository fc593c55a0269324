"""ARP (``net/ipv4/arp.c``): answering requests, learning from replies, soliciting.

``arp_process`` as Linux 6.x has it, with the namespace's ``net.ipv4.conf`` values
(``devconf.py``): ``arp_ignore`` (0 by default: answer for any local address, whichever
device the request came in on), ``arp_announce`` (0: the request's sender address is
the source of the packet waiting for resolution), ``arp_accept`` (0: an ARP packet only
updates an entry that already exists).  An update of an existing entry overrides its
address only after ``locktime`` since the entry last changed, or for a gratuitous ARP.
A veth does not pad: requests and replies are 42 bytes.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, BROADCAST, ETH_P_ARP, ZERO_MAC, ArpPacket,
                      EthernetFrame, WireError)

from backends.simulated.stack import devconf
from backends.simulated.stack import neighbour as nd
from backends.simulated.stack.actions import Action, Emit
from backends.simulated.stack.veth import Device

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns


def arp_request(dev: Device, target: str, saddr: str, lladdr: str | None) -> bytes:
    """arp_solicit(): who-has ``target``; broadcast, or unicast to ``lladdr`` (a probe).

    The target hardware address is zero either way, as Linux sends it.
    """
    arp = ArpPacket(op=ARPOP_REQUEST, sha=dev.mac, spa=saddr, tha=ZERO_MAC, tpa=target)
    return EthernetFrame(lladdr or BROADCAST, dev.mac, ETH_P_ARP, arp.emit()).emit()


def arp_reply(dev: Device, request: ArpPacket) -> bytes:
    """arp_send_reply(): ``tpa`` is at our MAC, unicast back to the asker."""
    arp = ArpPacket(op=ARPOP_REPLY, sha=dev.mac, spa=request.tpa, tha=request.sha,
                    tpa=request.spa)
    return EthernetFrame(request.sha, dev.mac, ETH_P_ARP, arp.emit()).emit()


def solicit_source(ns: "Netns", dev: Device, target: str, saddr: str | None) -> str:
    """arp_solicit()'s sender address under ``arp_announce`` (max of all and DEV)."""
    level = devconf.get_max(ns, dev.name, "arp_announce")
    if saddr and level < 2 and ns.is_local(saddr):
        if level == 0:
            return saddr
        own = [a for a in ns.addrs.get(dev.name, [])
               if ipaddress.IPv4Address(saddr) in a.network]
        if own:
            return saddr
    return ns.select_addr(dev.name, target) or "0.0.0.0"


def _ignore(ns: "Netns", dev: Device, sip: str, tip: str) -> bool:
    """arp_ignore(): whether to stay silent for a request for our ``tip``."""
    level = devconf.get_max(ns, dev.name, "arp_ignore")
    if level == 0:
        return False
    own = ns.addrs.get(dev.name, [])
    if level in (1, 3):  # the target must be configured on the incoming device
        return not any(a.local == tip for a in own)
    if level == 2:  # ... and the sender in one of its subnets
        return not any(a.local == tip and ipaddress.IPv4Address(sip) in a.network
                       for a in own)
    return level >= 8 or level > 3


def is_garp(ns: "Netns", arp: ArpPacket) -> bool:
    """arp_is_garp(): sender and target address equal (a reply must also name the
    sender's or the broadcast MAC as target), and the address a unicast one here."""
    if arp.spa != arp.tpa:
        return False
    if arp.op == ARPOP_REPLY and arp.tha not in (arp.sha, BROADCAST):
        return False
    ip = ipaddress.IPv4Address(arp.spa)
    return not (ns.is_local(arp.spa) or ip.is_multicast or ip.is_unspecified
                or ip == ipaddress.IPv4Address("255.255.255.255"))


@lru_cache(maxsize=4096)
def _loopback_or_multicast(ip: str) -> bool:
    """Cached: a bridge flood makes every pod ask this about the same address."""
    addr = ipaddress.IPv4Address(ip)
    return addr.is_loopback or addr.is_multicast


def handle_arp(ns: "Netns", dev: Device, eth: EthernetFrame, now: float) -> list[Action]:
    """arp_process(): what one received ARP packet changes and what it sends back."""
    try:
        arp = ArpPacket.parse(eth.payload)
    except WireError:
        return ns.drop("bad arp")
    if _loopback_or_multicast(arp.tpa):
        return ns.drop("arp for loopback/multicast")
    table = ns.neigh[dev.name]
    out: list[Action] = []
    if arp.spa == "0.0.0.0":
        # Duplicate address detection probe (RFC 2131): answer, learn nothing.
        if arp.op == ARPOP_REQUEST and ns.is_local(arp.tpa) and \
                not _ignore(ns, dev, arp.spa, arp.tpa):
            out.append(Emit(dev.name, arp_reply(dev, arp)))
        return out
    if arp.op == ARPOP_REQUEST and ns.is_local(arp.tpa):
        if not _ignore(ns, dev, arp.spa, arp.tpa):
            # neigh_event_ns() first (it may release queued packets), then the reply.
            acts = table.update(arp.spa, arp.sha, nd.STALE, now, create=True, override=True,
                                reason="ARP request received for our address: sender "
                                       "learned as STALE")
            out.extend(ns.neigh_actions(dev, acts, now))
            out.append(Emit(dev.name, arp_reply(dev, arp)))
        return out
    # A reply, or a request for someone else: refresh an entry we already have.
    entry = table.get(arp.spa)
    if entry is None:
        return out  # arp_accept=0: unsolicited ARP does not create entries
    garp = is_garp(ns, arp)
    override = now > entry.updated + table.parms.lock or garp
    unicast_reply = arp.op == ARPOP_REPLY and eth.dst == dev.mac
    state = nd.REACHABLE if unicast_reply else nd.STALE
    if garp:
        reason = "gratuitous ARP from a known neighbour: address taken as announced"
    elif unicast_reply:
        reason = "ARP reply received: reachability confirmed"
    else:
        reason = "ARP broadcast from a known neighbour: address refreshed, not confirmed"
    acts = table.update(arp.spa, arp.sha, state, now, create=False, override=override,
                        reason=reason)
    out.extend(ns.neigh_actions(dev, acts, now))
    return out
