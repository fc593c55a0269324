"""pcapng writer (and a small reader) for a Run's frames.

One Section Header Block, one Interface Description Block per lab interface (named
``netns/dev`` so Wireshark's interface column reads like the script), nanosecond
timestamps (``if_tsresol = 9``) and the direction of each frame in the Enhanced Packet
Block's ``epb_flags`` — the two things a classic pcap cannot say, and the reason this is
pcapng.  Timestamps are seconds since the run began counted from the Unix epoch (a Run
has no wall-clock start), so Wireshark shows them as 1970-01-01 00:00:0t.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

from sim.result import Run
from sim.trace import Frame

SHB_TYPE = 0x0A0D0D0A
IDB_TYPE = 0x00000001
EPB_TYPE = 0x00000006
BYTE_ORDER_MAGIC = 0x1A2B3C4D
LINKTYPE_ETHERNET = 1
SNAPLEN = 262144
OPT_ENDOFOPT = 0
OPT_COMMENT = 1
SHB_USERAPPL = 4
IF_NAME = 2
IF_TSRESOL = 9
EPB_FLAGS = 2
#: epb_flags bits 0-1: 0 unknown, 1 inbound, 2 outbound.
DIR_FLAGS = {"in": 1, "out": 2}
FLAG_DIRS = {1: "in", 2: "out"}


def _pad4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def _option(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + _pad4(value)


def _options(opts: list[bytes]) -> bytes:
    return b"".join(opts) + struct.pack("<HH", OPT_ENDOFOPT, 0) if opts else b""


def _block(btype: int, body: bytes) -> bytes:
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def _shb(comment: str) -> bytes:
    opts = [_option(SHB_USERAPPL, b"vethlab")]
    if comment:
        opts.append(_option(OPT_COMMENT, comment.encode()))
    body = struct.pack("<IHHq", BYTE_ORDER_MAGIC, 1, 0, -1) + _options(opts)
    return _block(SHB_TYPE, body)


def _idb(name: str) -> bytes:
    opts = [_option(IF_NAME, name.encode()), _option(IF_TSRESOL, bytes([9]))]
    return _block(IDB_TYPE, struct.pack("<HHI", LINKTYPE_ETHERNET, 0, SNAPLEN) + _options(opts))


def _epb(iface: int, frame: Frame) -> bytes:
    ns = max(0, round(frame.t * 1e9))
    data = bytes(frame.data)
    body = struct.pack("<IIIII", iface, ns >> 32, ns & 0xFFFFFFFF, len(data), len(data))
    body += _pad4(data)
    flags = DIR_FLAGS.get(frame.dir, 0)
    body += _options([_option(EPB_FLAGS, struct.pack("<I", flags))])
    return _block(EPB_TYPE, body)


def pcapng_bytes(run: Run) -> bytes:
    """The whole capture as bytes: handy for tests and for notebooks that offer a download."""
    index = {iface: i for i, iface in enumerate(run.interfaces)}
    parts = [_shb(f"{run.backend} backend: {run.script}" if run.script else
                  f"{run.backend} backend")]
    parts += [_idb(f"{ns}/{dev}") for ns, dev in index]
    parts += [_epb(index[(f.netns, f.dev)], f) for f in run.frames]
    return b"".join(parts)


def write_pcapng(run: Run, path_or_file: str | os.PathLike[str] | BinaryIO) -> None:
    """Write ``run.frames`` as pcapng to a path or an open binary file."""
    data = pcapng_bytes(run)
    if hasattr(path_or_file, "write"):
        path_or_file.write(data)  # type: ignore[union-attr]
    else:
        with open(path_or_file, "wb") as fh:  # type: ignore[arg-type]
            fh.write(data)


class PcapngStream:
    """A pcapng file written frame by frame while a run goes on (``sim.run(pcap=...)``).

    For labs too big to hold every frame: with ``keep_frames=False`` the run keeps only
    counts and the frames go straight to disk.  Each interface's description block is
    written just before its first frame (pcapng allows blocks in any order after the
    section header), so nothing has to be known in advance.  Use as the ``sink`` of a
    ``sim.trace.FrameLog``; ``close()`` flushes and closes a file it opened.
    """

    def __init__(self, path_or_file: str | os.PathLike[str] | BinaryIO, comment: str = ""):
        self._own = not hasattr(path_or_file, "write")
        self._fh: BinaryIO = (open(path_or_file, "wb") if self._own  # type: ignore[arg-type]
                              else path_or_file)  # type: ignore[assignment]
        self._ifaces: dict[tuple[str, str], int] = {}
        self.count = 0
        self._fh.write(_shb(comment))

    def __call__(self, t: float, netns: str, dev: str, dir: str, data: bytes) -> None:
        key = (netns, dev)
        iface = self._ifaces.get(key)
        if iface is None:
            iface = self._ifaces[key] = len(self._ifaces)
            self._fh.write(_idb(f"{netns}/{dev}"))
        self._fh.write(_epb(iface, Frame(t, netns, dev, dir, data)))
        self.count += 1

    def close(self) -> None:
        if self._own:
            self._fh.close()
        else:
            self._fh.flush()

    def __enter__(self) -> "PcapngStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Iface:
    name: str = ""
    linktype: int = LINKTYPE_ETHERNET
    tsresol: int = 6  # the pcapng default: microseconds


def _parse_options(buf: bytes, endian: str) -> list[tuple[int, bytes]]:
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos + 4 <= len(buf):
        code, length = struct.unpack_from(endian + "HH", buf, pos)
        pos += 4
        if code == OPT_ENDOFOPT:
            break
        out.append((code, buf[pos:pos + length]))
        pos += length + (-length % 4)
    return out


def _ticks_per_second(tsresol: int) -> int:
    return 2 ** (tsresol & 0x7F) if tsresol & 0x80 else 10 ** tsresol


def read_pcapng(path_or_data: str | os.PathLike[str] | bytes) -> list[Frame]:
    """Read a pcapng file back into Frames (interface ``netns/dev`` split at the ``/``).

    Enough of pcapng for round-trip tests and for loading captures made elsewhere: every
    section, either byte order, IDB name and timestamp resolution, EPB direction flags.
    Other block types are skipped.
    """
    if isinstance(path_or_data, (bytes, bytearray)):
        data = bytes(path_or_data)
    else:
        with open(path_or_data, "rb") as fh:
            data = fh.read()
    frames: list[Frame] = []
    ifaces: list[_Iface] = []
    endian = "<"
    pos = 0
    while pos + 12 <= len(data):
        (btype,) = struct.unpack_from("<I", data, pos)
        if btype == SHB_TYPE:
            magic = data[pos + 8:pos + 12]
            endian = "<" if magic == struct.pack("<I", BYTE_ORDER_MAGIC) else ">"
            ifaces = []
        (total,) = struct.unpack_from(endian + "I", data, pos + 4)
        if total < 12 or pos + total > len(data):
            raise ValueError(f"truncated pcapng block at offset {pos}")
        body = data[pos + 8:pos + total - 4]
        if btype == IDB_TYPE:
            linktype, _res, _snap = struct.unpack_from(endian + "HHI", body, 0)
            iface = _Iface(linktype=linktype)
            for code, value in _parse_options(body[8:], endian):
                if code == IF_NAME:
                    iface.name = value.decode(errors="replace")
                elif code == IF_TSRESOL and value:
                    iface.tsresol = value[0]
            ifaces.append(iface)
        elif btype == EPB_TYPE:
            iid, hi, lo, caplen, _orig = struct.unpack_from(endian + "IIIII", body, 0)
            packet = body[20:20 + caplen]
            flags = 0
            for code, value in _parse_options(body[20 + caplen + (-caplen % 4):], endian):
                if code == EPB_FLAGS and len(value) == 4:
                    (flags,) = struct.unpack(endian + "I", value)
            iface = ifaces[iid]
            netns, _, dev = iface.name.rpartition("/")
            t = ((hi << 32) | lo) / _ticks_per_second(iface.tsresol)
            frames.append(Frame(t=t, netns=netns or "root", dev=dev,
                                dir=FLAG_DIRS.get(flags & 3, "?"), data=packet))
        pos += total
    return frames
