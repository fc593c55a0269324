"""``ip link show`` text from a ``NetnsState``, as iproute2 6.1 prints it.

The first two lines of every device are shared with ``ip addr show`` (which drops the
``mode DEFAULT`` word), so ``link_header`` is the one place that knows them.  iproute2
prints every field as ``"name value "`` — hence the trailing space before ``qlen`` and
the bare trailing space when a device's queue length is 0.
"""
from __future__ import annotations

from sim.errors import CommandError
from sim.model import Link, NetnsState
from sim.show.style import IFNAME, MAC, oper_color, paint

#: The IFF_* names in the order iproute2's ``print_link_flags`` tests them.
IFF_ORDER: tuple[str, ...] = (
    "LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP", "ALLMULTI",
    "PROMISC", "MASTER", "SLAVE", "DEBUG", "DYNAMIC", "AUTOMEDIA", "PORTSEL",
    "NOTRAILERS", "UP", "LOWER_UP", "DORMANT", "ECHO",
)

#: Words iproute2 derives rather than reads from ifi_flags (we derive them too), and
#: IFF_RUNNING, which iproute2 masks out before printing.
_DERIVED = ("NO-CARRIER", "M-DOWN", "RUNNING")


def missing_device(dev: str) -> CommandError:
    """The error ``ip link show dev X`` / ``ip addr show dev X`` give (exit status 1)."""
    return CommandError(f'Device "{dev}" does not exist.', rc=1)


def _same_ns_peer(link: Link, state: NetnsState) -> Link | None:
    """The veth peer when it lives in this namespace (printed ``@NAME``), else None."""
    if link.link_netns is not None and link.link_netns != state.netns:
        return None
    if link.peer_name is not None:
        return state.link(link.peer_name)
    if link.peer_ifindex is not None:
        return next((l for l in state.links if l.index == link.peer_ifindex), None)
    return None


def flags_text(link: Link, state: NetnsState) -> str:
    """``<...>``: NO-CARRIER first (UP without carrier), M-DOWN last (same-ns peer down).

    iproute2 prints NO-CARRIER when IFF_UP is set without IFF_RUNNING, which the kernel
    derives from the operstate, so it is derived here too.  M-DOWN appears only when
    the ``@`` name was resolved in this namespace and that device is not UP.
    """
    given = [f for f in link.flags if f not in _DERIVED]
    words = [f for f in IFF_ORDER if f in given] + [f for f in given if f not in IFF_ORDER]
    # The kernel sets IFF_RUNNING when the operstate is UP or UNKNOWN (netif_oper_up);
    # a bridge whose ports lost carrier stays UNKNOWN: RUNNING without LOWER_UP.
    running = link.operstate in ("UP", "UNKNOWN") and "NO-CARRIER" not in link.flags
    if "UP" in given and not running:
        words.insert(0, "NO-CARRIER")
    peer = _same_ns_peer(link, state) if link.kind == "veth" else None
    if "M-DOWN" in link.flags or (peer is not None and "UP" not in peer.flags):
        words.append("M-DOWN")
    return "<" + ",".join(words) + ">"


def _at_suffix(link: Link, state: NetnsState) -> str:
    """``@veth1-peer`` (peer here), ``@if2`` (peer elsewhere) or ``""`` (not a veth)."""
    if link.kind != "veth":
        return ""
    if link.link_netns is not None and link.link_netns != state.netns:
        return f"@if{link.peer_ifindex}" if link.peer_ifindex else "@NONE"
    peer = _same_ns_peer(link, state)
    if peer is not None:
        return f"@{peer.name}"
    if link.peer_name is not None:
        return f"@{link.peer_name}"
    return f"@if{link.peer_ifindex}" if link.peer_ifindex else "@NONE"


def link_header(link: Link, state: NetnsState, *, mode: bool, color: bool = False,
                family: str | None = None) -> str:
    """The two lines iproute2 prints for a device; ``mode`` adds ``mode DEFAULT`` (ip link).

    ``color``: iproute2's ``-color`` painting of the name, operstate and MACs.
    ``family`` (``ip -4 addr``): iproute2 prints the ``link/ether`` part only for the
    link family, but still the `` link-netns NS`` that follows it — so on the first line.
    """
    line = f"{link.index}: " + paint(f"{link.name}{_at_suffix(link, state)}: ", IFNAME, color)
    line += f"{flags_text(link, state)} mtu {link.mtu} qdisc {link.qdisc} "
    if link.master:
        line += f"master {link.master} "
    line += "state " + paint(f"{link.operstate} ", oper_color(link.operstate), color)
    if mode:
        line += "mode DEFAULT "
    line += f"group {link.group} "
    if link.qlen:
        line += f"qlen {link.qlen}"
    lltype = "loopback" if link.kind == "loopback" else "ether"
    if family is not None:
        return line + _netns_suffix(link, state) + "\n"
    second = (f"    link/{lltype} " + paint(link.mac, MAC, color) + " brd "
              + paint(link.brd, MAC, color))
    return line + "\n" + second + _netns_suffix(link, state) + "\n"


def _netns_suffix(link: Link, state: NetnsState) -> str:
    """`` link-netns NS`` when the veth's peer lives in another namespace."""
    if link.link_netns is not None and link.link_netns != state.netns:
        return f" link-netns {link.link_netns}"
    return ""


def join_lines(text: str) -> str:
    """``-oneline``: iproute2 prints ``\\`` where a record's inner newlines were."""
    return text[:-1].replace("\n", "\\") + "\n"


def brief_head(link: Link, state: NetnsState, color: bool = False) -> str:
    """``-brief``'s first two columns: ``NAME[@PEER]`` and the operstate, padded."""
    return (paint(f"{link.name + _at_suffix(link, state):<16} ", IFNAME, color)
            + paint(f"{link.operstate:<14} ", oper_color(link.operstate), color))


def brief_link(link: Link, state: NetnsState, color: bool = False) -> str:
    """One ``ip -br link`` line: name, operstate, MAC and flags, each ending in a space."""
    return (brief_head(link, state, color) + paint(f"{link.mac} ", MAC, color)
            + flags_text(link, state) + " \n")


def select_links(state: NetnsState, dev: str | None) -> list[Link]:
    """Links in ifindex order (the kernel's dump order), or the one named ``dev``."""
    if dev is not None:
        link = state.link(dev)
        if link is None:
            raise missing_device(dev)
        return [link]
    return sorted(state.links, key=lambda l: l.index)


def render_link(state: NetnsState, dev: str | None = None, master: str | None = None, *,
                brief: bool = False, oneline: bool = False, color: bool = False) -> str:
    """``ip [-br] [-o] [-c] link show [dev X] [master BR]``; a missing ``dev`` raises
    iproute2's error (rc 1), a missing ``master`` the one iproute2 gives while parsing
    (rc 255).  ``-brief`` wins over ``-oneline``, as in iproute2."""
    if master is not None and state.link(master) is None:
        raise CommandError(f'Error: argument "{master}" is wrong: Device does not exist\n',
                           rc=255)
    links = select_links(state, dev)
    if master is not None:
        links = [l for l in links if l.master == master]
    if brief:
        return "".join(brief_link(l, state, color) for l in links)
    texts = (link_header(l, state, mode=True, color=color) for l in links)
    return "".join(join_lines(t) if oneline else t for t in texts)
