"""``net.ipv4.conf.{all,default,DEV}.*`` and ``net.ipv4.ip_forward`` of one namespace.

Linux gives every device a copy of ``default`` when its IPv4 state is created and, when
``default`` changes later, updates the devices that never had the value written
(``devinet_copy_dflt_conf``).  Both come to the same thing as: a device reads its own
value if one was written, else the current ``default`` — which is how this is kept
(``Netns.devconf``: "all", "default" and device names -> the values written).

``net.ipv4.ip_forward`` is ``conf.all.forwarding``; writing either sets ``default`` and
every device too (``inet_forward_change``).  The value lives in
``Netns.sysctl_ip_forward`` for the forwarding code to read; ``forwarding(ns, dev)``
is IN_DEV_FORWARD, what ``ip_route_input`` consults for a packet arriving on ``dev``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns

#: The keys the lab models and their defaults in a new namespace.
DEFAULTS: dict[str, int] = {
    "arp_accept": 0, "arp_announce": 0, "arp_filter": 0, "arp_ignore": 0, "arp_notify": 0,
    "forwarding": 0, "proxy_arp": 0, "rp_filter": 0,
}


def _table(ns: "Netns") -> dict[str, dict[str, int]]:
    table = getattr(ns, "devconf", None)
    if table is None:
        table = ns.devconf = {}  # type: ignore[attr-defined]
    return table


def get(ns: "Netns", scope: str, key: str) -> int:
    """The value ``net.ipv4.conf.SCOPE.KEY`` reads (SCOPE: all, default or a device)."""
    if key == "forwarding" and scope == "all":
        return int(getattr(ns, "sysctl_ip_forward", 0))
    table = _table(ns)
    own = table.get(scope, {})
    if key in own:
        return own[key]
    if scope not in ("all", "default"):
        return table.get("default", {}).get(key, DEFAULTS[key])
    return DEFAULTS[key]


def set(ns: "Netns", scope: str, key: str, value: int) -> None:  # noqa: A001 - sysctl verb
    table = _table(ns)
    if key == "forwarding" and scope == "all":
        ns.sysctl_ip_forward = value  # type: ignore[attr-defined]
        for name in [n for n in table if n != "all"] + ["default"] + list(ns.neigh):
            table.setdefault(name, {})["forwarding"] = value
        return
    table.setdefault(scope, {})[key] = value


def forget(ns: "Netns", dev: str) -> None:
    """A device left the namespace: its written values go with its IPv4 state."""
    _table(ns).pop(dev, None)


def get_max(ns: "Netns", dev: str, key: str) -> int:
    """IN_DEV_MAXCONF: the larger of ``all`` and the device's value."""
    return max(get(ns, "all", key), get(ns, dev, key))


def forwarding(ns: "Netns", dev: str) -> bool:
    """IN_DEV_FORWARD(in_dev): whether packets arriving on ``dev`` may be forwarded."""
    return bool(get(ns, dev, "forwarding"))
