"""ARP (``net/ipv4/arp.c``): answering requests, learning from replies, soliciting.

Defaults throughout: ``arp_ignore=0`` (answer for any local address, whichever device
the request came in on), ``arp_announce=0`` (the request's sender address is the source
of the packet waiting for resolution), ``arp_accept=0`` (a reply only updates an entry
that already exists).  A veth does not pad: requests and replies are 42 bytes.
"""
from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, BROADCAST, ETH_P_ARP, ZERO_MAC, ArpPacket,
                      EthernetFrame, WireError)

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


def handle_arp(ns: "Netns", dev: Device, eth: EthernetFrame, now: float) -> list[Action]:
    """arp_process(): what one received ARP packet changes and what it sends back."""
    try:
        arp = ArpPacket.parse(eth.payload)
    except WireError:
        return ns.drop("bad arp")
    tip = ipaddress.IPv4Address(arp.tpa)
    if tip.is_loopback or tip.is_multicast:
        return ns.drop("arp for loopback/multicast")
    table = ns.neigh[dev.name]
    out: list[Action] = []
    if arp.op == ARPOP_REQUEST and arp.spa == "0.0.0.0":
        # Duplicate address detection probe: answer, learn nothing.
        if ns.is_local(arp.tpa):
            out.append(Emit(dev.name, arp_reply(dev, arp)))
        return out
    if arp.op == ARPOP_REQUEST and ns.is_local(arp.tpa):
        # neigh_event_ns() first (it may release queued packets), then the reply.
        acts = table.update(arp.spa, arp.sha, nd.STALE, now, create=True, override=True,
                            reason="ARP request received for our address: sender "
                                   "learned as STALE")
        out.extend(ns.neigh_actions(dev, acts, now))
        out.append(Emit(dev.name, arp_reply(dev, arp)))
        return out
    # A reply, or a request for someone else: refresh an entry we already have.
    unicast_reply = arp.op == ARPOP_REPLY and eth.dst == dev.mac
    state = nd.REACHABLE if unicast_reply else nd.STALE
    reason = ("ARP reply received: reachability confirmed" if unicast_reply else
              "ARP broadcast from a known neighbour: address refreshed, not confirmed")
    acts = table.update(arp.spa, arp.sha, state, now, create=False, override=True,
                        reason=reason)
    out.extend(ns.neigh_actions(dev, acts, now))
    return out
