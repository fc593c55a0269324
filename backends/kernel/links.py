"""Netlink (rtnetlink) requests over a socket bound to one namespace.

We build and decode messages with pyroute2's message classes but own the socket: it is
created by a thread *inside* the namespace (``NetlinkSocket.here()``), so it can never
talk to another namespace — pyroute2 0.9's ``IPRoute()`` makes its socket in its own
event-loop machinery and has been seen to end up in the host's namespace.  Before the
first change each socket is checked against the namespace it should see
(``verify_fresh``), and devices are only ever resolved by name through such a socket.

Kernel errors become ``NetlinkError(errno, extack)``; ``iproute_error`` renders them as
iproute2 6.1 does (``Error: <extack>.`` or ``RTNETLINK answers: <strerror>``, status 2).
"""
from __future__ import annotations

import errno as errno_mod
import os
import socket
import struct
import threading
from typing import Any, Callable, NamedTuple

from pyroute2.netlink import (NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST,
                              NLMSG_DONE, NLMSG_ERROR)
from pyroute2.netlink.rtnl import (RTM_DELADDR, RTM_DELLINK, RTM_DELNEIGH, RTM_GETADDR,
                                   RTM_GETLINK, RTM_GETNEIGH, RTM_GETNSID, RTM_GETROUTE,
                                   RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWNSID,
                                   RTM_NEWROUTE)
from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg
from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
from pyroute2.netlink.rtnl.ndmsg import ndmsg
from pyroute2.netlink.rtnl.nsidmsg import nsidmsg
from pyroute2.netlink.rtnl.rtmsg import rtmsg

from sim.errors import CommandError

SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
IFF_UP = 0x1
_HDR = struct.Struct("=IHHII")

_DECODERS = {RTM_NEWLINK: ifinfmsg, RTM_DELLINK: ifinfmsg, RTM_NEWADDR: ifaddrmsg,
             RTM_DELADDR: ifaddrmsg, RTM_NEWROUTE: rtmsg, RTM_NEWNEIGH: ndmsg,
             RTM_DELNEIGH: ndmsg, RTM_NEWNSID: nsidmsg}


class NetlinkError(Exception):
    def __init__(self, code: int, extack: str | None = None):
        super().__init__(extack or os.strerror(code))
        self.code = code
        self.extack = extack


def iproute_error(exc: NetlinkError) -> CommandError:
    """The message iproute2 6.1 prints for a failed rtnetlink request (status 2)."""
    if exc.extack:
        msg = exc.extack if exc.extack.endswith(".") else exc.extack + "."
        return CommandError(f"Error: {msg}", rc=2)
    return CommandError(f"RTNETLINK answers: {os.strerror(exc.code)}", rc=2)


def split_messages(data: bytes) -> list[tuple[int, int, int, bytes]]:
    """Split a netlink datagram into ``(type, flags, seq, whole message bytes)``."""
    out = []
    off = 0
    while off + _HDR.size <= len(data):
        length, mtype, flags, seq, _pid = _HDR.unpack_from(data, off)
        if length < _HDR.size:
            break
        out.append((mtype, flags, seq, data[off:off + length]))
        off += (length + 3) & ~3
    return out


def decode(mtype: int, raw: bytes) -> Any | None:
    cls = _DECODERS.get(mtype)
    if cls is None:
        return None
    msg = cls(raw)
    msg.decode()
    return msg


def parse_error(flags: int, raw: bytes) -> NetlinkError | None:
    """The error an NLMSG_ERROR carries (None for an ACK), with the extack text if any."""
    code = struct.unpack_from("=i", raw, 16)[0]
    if code == 0:
        return None
    extack = None
    if flags & NLM_F_ACK_TLVS:
        inner_len = struct.unpack_from("=I", raw, 20)[0]
        off = 20 + (16 if flags & NLM_F_CAPPED else (inner_len + 3) & ~3)
        while off + 4 <= len(raw):
            alen, atype = struct.unpack_from("=HH", raw, off)
            if alen < 4:
                break
            if atype == NLMSGERR_ATTR_MSG:
                extack = raw[off + 4:off + alen].split(b"\0", 1)[0].decode(errors="replace")
            off += (alen + 3) & ~3
    return NetlinkError(-code, extack)


class NetlinkSocket:
    """A NETLINK_ROUTE socket bound to the namespace of the thread that made it."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.seq = 0
        self.lock = threading.Lock()
        self.verified = False

    @classmethod
    def here(cls, groups: int = 0) -> "NetlinkSocket":
        """Open a socket in the *calling thread's* namespace (call it inside one)."""
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC,
                             socket.NETLINK_ROUTE)
        sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.bind((0, groups))
        return cls(sock)

    def close(self) -> None:
        self.sock.close()

    def request(self, msg: Any, mtype: int, flags: int) -> list[Any]:
        """Send one request; return the decoded replies (dump) or [] for an ACK."""
        msg["header"]["type"] = mtype
        if not flags & NLM_F_DUMP:
            flags |= NLM_F_ACK  # a non-dump reply has no DONE: end on the ACK
        msg["header"]["flags"] = NLM_F_REQUEST | flags
        with self.lock:
            self.seq += 1
            msg["header"]["sequence_number"] = self.seq
            msg.encode()
            replies = self._transact(msg.data, self.seq)
        return [d for rtype, raw in replies if (d := decode(rtype, raw)) is not None]

    def request_raw(self, build: "Callable[[int], bytes]") -> list[tuple[int, bytes]]:
        """Send the request ``build(seq)`` makes; return the raw ``(type, message)`` replies.

        For the hot paths (name lookups, link dumps): decoding a link with pyroute2
        costs ~0.3 ms, ``parse_link`` a few microseconds.
        """
        with self.lock:
            self.seq += 1
            return self._transact(build(self.seq), self.seq)

    def _transact(self, data: bytes, seq: int) -> list[tuple[int, bytes]]:
        """Send ``data`` (sequence ``seq``) and read its replies up to DONE or the ACK;
        a kernel error is raised as ``NetlinkError``.  Called with the lock held."""
        self.sock.send(data)
        out: list[tuple[int, bytes]] = []
        while True:
            data = self.sock.recv(1 << 18)
            for rtype, rflags, rseq, raw in split_messages(data):
                if rseq != seq:
                    continue
                if rtype == NLMSG_DONE:
                    return out
                if rtype == NLMSG_ERROR:
                    err = parse_error(rflags, raw)
                    if err is not None:
                        raise err
                    return out
                out.append((rtype, raw))

    # ---- reading --------------------------------------------------------------------

    def dump(self, mtype: int, family: int = 0) -> list[Any]:
        cls = {RTM_GETLINK: ifinfmsg, RTM_GETADDR: ifaddrmsg, RTM_GETROUTE: rtmsg,
               RTM_GETNEIGH: ndmsg}[mtype]
        msg = cls()
        msg["family"] = family
        return self.request(msg, mtype, NLM_F_DUMP)

    def links(self) -> list[Any]:
        return self.dump(RTM_GETLINK)

    def link_infos(self) -> list["LinkInfo"]:
        """Every device here as a ``LinkInfo`` (a cheap dump: no statistics, no pyroute2
        decoding) — what settling, name maps and the loop check need."""
        replies = self.request_raw(lambda seq: _getlink(seq, NLM_F_DUMP))
        return [parse_link(raw) for rtype, raw in replies if rtype == RTM_NEWLINK]

    def verify_fresh(self) -> None:
        """Check this socket sees a namespace holding only ``lo`` (a new namespace)."""
        names = [i.name for i in self.link_infos()]
        if names != ["lo"]:
            raise RuntimeError(f"netlink socket is not in a fresh namespace: sees {names}")
        self.verified = True

    def index_of(self, name: str) -> int | None:
        """The ifindex of device ``name`` here, or None (only on a verified socket)."""
        info = self.link_info(name)
        return None if info is None else info.index

    def link_info(self, name: str) -> "LinkInfo | None":
        """One device's ``LinkInfo`` by name, or None (verified sockets only)."""
        if not self.verified:
            raise RuntimeError("refusing to resolve a name on an unverified socket")
        try:
            replies = self.request_raw(lambda seq: _getlink(seq, 0, name))
        except NetlinkError as exc:
            if exc.code in (errno_mod.ENODEV, errno_mod.EINVAL):
                return None
            raise
        for rtype, raw in replies:
            if rtype == RTM_NEWLINK:
                return parse_link(raw)
        return None

    def link(self, name: str) -> Any | None:
        """One device's RTM_NEWLINK message by name, or None (verified sockets only)."""
        if not self.verified:
            raise RuntimeError("refusing to resolve a name on an unverified socket")
        msg = ifinfmsg()
        msg["attrs"] = [("IFLA_IFNAME", name)]
        try:
            got = self.request(msg, RTM_GETLINK, 0)
        except NetlinkError as exc:
            if exc.code in (errno_mod.ENODEV, errno_mod.EINVAL):
                return None
            raise
        return got[0] if got else None

    def nsid_of(self, fd: int) -> int | None:
        """The nsid this namespace has assigned to namespace ``fd`` (None if none yet).

        RTM_GETNSID never allocates an id, so asking does not change what it reports.
        """
        msg = nsidmsg()
        msg["attrs"] = [("NETNSA_FD", fd)]
        got = self.request(msg, RTM_GETNSID, 0)
        if not got:
            return None
        nsid = got[0].get_attr("NETNSA_NSID")
        if nsid is None:
            return None
        nsid = struct.unpack("=i", struct.pack("=I", nsid & 0xFFFFFFFF))[0]
        return None if nsid < 0 else nsid

    # ---- changing -------------------------------------------------------------------

    def _change(self, msg: Any, mtype: int, flags: int = 0) -> None:
        if not self.verified:
            raise RuntimeError("refusing to change a namespace through an unverified socket")
        self.request(msg, mtype, NLM_F_ACK | flags)

    def add_veth(self, name: str, peer: str, *, address: bytes | None = None,
                 netns_fd: int | None = None, peer_address: bytes | None = None,
                 peer_netns_fd: int | None = None) -> None:
        peer_attrs: list[tuple[str, Any]] = [("IFLA_IFNAME", peer)]
        if peer_address is not None:
            peer_attrs.append(("IFLA_ADDRESS", _mac(peer_address)))
        if peer_netns_fd is not None:
            peer_attrs.append(("IFLA_NET_NS_FD", peer_netns_fd))
        attrs: list[tuple[str, Any]] = [("IFLA_IFNAME", name)]
        if address is not None:
            attrs.append(("IFLA_ADDRESS", _mac(address)))
        if netns_fd is not None:
            attrs.append(("IFLA_NET_NS_FD", netns_fd))
        attrs.append(("IFLA_LINKINFO", {"attrs": [
            ("IFLA_INFO_KIND", "veth"),
            ("IFLA_INFO_DATA", {"attrs": [("VETH_INFO_PEER", {"attrs": peer_attrs})]})]}))
        msg = ifinfmsg()
        msg["attrs"] = attrs
        self._change(msg, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)

    def set_link(self, index: int, *, up: bool | None = None, netns_fd: int | None = None,
                 address: bytes | None = None, master: int | None = None) -> None:
        """One RTM_NEWLINK, as ``ip link set`` sends: the kernel moves, re-addresses,
        then changes flags.  ``master`` is the bridge's ifindex (0 for ``nomaster``)."""
        msg = ifinfmsg()
        msg["index"] = index
        if up is not None:
            msg["change"] = IFF_UP
            msg["flags"] = IFF_UP if up else 0
        attrs: list[tuple[str, Any]] = []
        if netns_fd is not None:
            attrs.append(("IFLA_NET_NS_FD", netns_fd))
        if address is not None:
            attrs.append(("IFLA_ADDRESS", _mac(address)))
        if master is not None:
            attrs.append(("IFLA_MASTER", master))
        msg["attrs"] = attrs
        self._change(msg, RTM_NEWLINK)

    def del_link(self, index: int) -> None:
        msg = ifinfmsg()
        msg["index"] = index
        self._change(msg, RTM_DELLINK)

    def addr(self, add: bool, index: int, local: str, prefixlen: int) -> None:
        msg = ifaddrmsg()
        msg["family"] = socket.AF_INET
        msg["prefixlen"] = prefixlen
        msg["index"] = index
        msg["attrs"] = [("IFA_LOCAL", local), ("IFA_ADDRESS", local)]
        if add:
            self._change(msg, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL)
        else:
            self._change(msg, RTM_DELADDR)


# ---- the cheap path: hand-built GETLINK requests and a direct parser --------------------

IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, IFLA_MASTER = 1, 3, 5, 10
IFLA_LINKINFO, IFLA_EXT_MASK, IFLA_LINK_NETNSID, IFLA_INFO_KIND = 18, 29, 37, 1
RTEXT_FILTER_SKIP_STATS = 1 << 3
NLA_TYPE_MASK = 0x3FFF
_IFINFO = struct.Struct("=BxHiII")
_NLA = struct.Struct("=HH")


def _nla(atype: int, payload: bytes) -> bytes:
    return _NLA.pack(4 + len(payload), atype) + payload + b"\0" * (-len(payload) % 4)


def _getlink(seq: int, flags: int, name: str | None = None) -> bytes:
    """RTM_GETLINK (a dump, or one device by name) asking the kernel to leave out the
    statistics (a third of each reply, and work for the kernel to gather)."""
    body = _IFINFO.pack(0, 0, 0, 0, 0)
    if name is not None:
        body += _nla(IFLA_IFNAME, name.encode() + b"\0")
    body += _nla(IFLA_EXT_MASK, struct.pack("=I", RTEXT_FILTER_SKIP_STATS))
    if not flags & NLM_F_DUMP:
        flags |= NLM_F_ACK
    return _HDR.pack(_HDR.size + len(body), RTM_GETLINK, NLM_F_REQUEST | flags, seq, 0) + body


class LinkInfo(NamedTuple):
    """What the backend's own bookkeeping needs of a device (listings still decode the
    whole message with pyroute2, in state.py)."""

    index: int
    name: str
    flags: int
    kind: str | None
    mac: str | None
    master: int | None  # the bridge's ifindex (None: not a port)
    link: int | None  # IFLA_LINK: a veth's peer ifindex
    link_netnsid: int | None  # the peer's namespace, as this one numbers it


def _attrs(data: bytes, off: int, end: int):
    while off + 4 <= end:
        alen, atype = _NLA.unpack_from(data, off)
        if alen < 4:
            return
        yield atype & NLA_TYPE_MASK, off + 4, off + alen
        off += (alen + 3) & ~3


_U32 = struct.Struct("=I").unpack_from
_S32 = struct.Struct("=i").unpack_from
_NLA_AT = _NLA.unpack_from
_WANTED = frozenset((IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, IFLA_MASTER, IFLA_LINKINFO,
                     IFLA_LINK_NETNSID))


def parse_link(raw: bytes) -> LinkInfo:
    """A ``LinkInfo`` from one RTM_NEWLINK message (header included).

    A plain loop over the top-level attributes (a device has ~50), looking only at the
    six it needs: this runs for every device of every dump the backend takes.
    """
    _fam, _type, index, flags, _change = _IFINFO.unpack_from(raw, _HDR.size)
    name = ""
    kind = mac = master = link = netnsid = None
    off, end = _HDR.size + _IFINFO.size, len(raw)
    while off + 4 <= end:
        alen, atype = _NLA_AT(raw, off)
        if alen < 4:
            break
        atype &= NLA_TYPE_MASK
        if atype in _WANTED:
            start, stop = off + 4, off + alen
            if atype == IFLA_IFNAME:
                name = raw[start:stop].split(b"\0", 1)[0].decode()
            elif atype == IFLA_ADDRESS:
                mac = raw[start:stop].hex(":")
            elif atype == IFLA_MASTER:
                master = _U32(raw, start)[0] or None
            elif atype == IFLA_LINK:
                link = _U32(raw, start)[0]
            elif atype == IFLA_LINK_NETNSID:
                netnsid = _S32(raw, start)[0]
            else:  # IFLA_LINKINFO
                for itype, istart, istop in _attrs(raw, start, stop):
                    if itype == IFLA_INFO_KIND:
                        kind = raw[istart:istop].split(b"\0", 1)[0].decode()
                        break
        off += (alen + 3) & ~3
    return LinkInfo(index, name, flags, kind, mac, master, link, netnsid)


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def parse_mac(text: str) -> bytes:
    """``aa:bb:..`` -> 6 bytes, or iproute2's complaint (status 1)."""
    parts = text.split(":")
    try:
        raw = bytes(int(p, 16) for p in parts)
        if len(parts) != 6 or any(not 1 <= len(p) <= 2 for p in parts):
            raise ValueError
    except ValueError:
        raise CommandError(f'"{text}" is invalid lladdr.', rc=1) from None
    return raw


__all__ = ["NetlinkSocket", "NetlinkError", "LinkInfo", "parse_link", "iproute_error", "parse_mac", "split_messages",
           "decode", "RTM_NEWNEIGH", "RTM_DELNEIGH", "RTM_GETNEIGH", "RTM_GETADDR",
           "RTM_GETROUTE"]
