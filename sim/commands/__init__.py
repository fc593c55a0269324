"""The typed commands a lab is made of.

A lab script is parsed into these (``sim.script``) before anything runs; ``sim.Lab``
builds the same objects from Python.  Each command knows the namespace it runs in
(``netns``: ``ROOT_NS`` unless the line used ``ip netns exec NS`` or ``ip -n NS``) and
the source position it came from, so errors can name ``FILE:LINE``.

Every command can print itself back as the script line that makes it (``to_script``);
for parsed commands that is the line as written.  ``ip`` commands live in
``sim.commands.ip``, the other tools' in ``sim.commands.tools``.
"""
from sim.commands.base import Command, Script
from sim.commands.ip import (
    AddrAdd, AddrDel, AddrFlush, AddrShow, IpListing, LinkAddBridge, LinkAddVeth, LinkDel,
    LinkSet, LinkShow, NeighDel, NeighFlush, NeighModify, NeighShow, NetnsAdd, NetnsDel,
    NetnsList, RouteGet, RouteModify, RouteShow,
)
from sim.commands.tools import (
    Arping, BridgeFdbShow, BridgeLinkShow, DEFAULT_PING_COUNT, Ping, Sleep, Sysctl,
)

__all__ = [
    "Command", "Script", "AddrAdd", "AddrDel", "AddrFlush", "AddrShow", "IpListing",
    "LinkAddBridge", "LinkAddVeth", "LinkDel", "LinkSet", "LinkShow", "NeighDel",
    "NeighFlush", "NeighModify", "NeighShow", "NetnsAdd", "NetnsDel", "NetnsList",
    "RouteGet", "RouteModify", "RouteShow", "Arping", "BridgeFdbShow", "BridgeLinkShow",
    "DEFAULT_PING_COUNT", "Ping", "Sleep", "Sysctl",
]
