"""What a program run (``ping``) produced, as data; ``sim.show.ping`` turns it into text.

Both backends fill a ``PingReport`` the same way, so the text that users compare is made
by one renderer.  Round-trip times are integer microseconds, as iputils measures them.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PingLine:
    """One line ping prints while running.

    ``kind``: ``"reply"`` (``64 bytes from X: icmp_seq=N ttl=T time=R ms``), ``"error"``
    (``From X icmp_seq=N Destination Host Unreachable``; ``text`` holds the words after
    the sequence number), ``"ttl"`` (``From X icmp_seq=N Time to live exceeded``) or
    ``"noanswer"`` (``-O``: ``no answer yet for icmp_seq=N``, printed before the next send).
    """

    kind: str
    seq: int
    source: str
    t: float = 0.0  # seconds since the run began, when it was printed
    nbytes: int = 0  # ICMP bytes received (8 + payload), for replies
    ttl: int | None = None
    rtt_us: int | None = None
    text: str = ""
    duplicate: bool = False
    #: When it was printed, in microseconds since the Unix epoch (``-D`` prints it).
    stamp_us: int | None = None


@dataclass(frozen=True)
class PingReport:
    """Everything ``ping`` printed, as data.

    ``fatal`` is set when ping stopped before sending (``connect: Network is
    unreachable``); then only that message is printed, on stderr.
    """

    dest: str  # as the user typed it
    dest_addr: str  # resolved IPv4 address
    size: int = 56
    lines: tuple[PingLine, ...] = ()
    transmitted: int = 0
    received: int = 0
    errors: int = 0
    duplicates: int = 0
    elapsed_ms: int = 0  # "time NNNNms" in the statistics
    interrupted: bool = False
    fatal: str | None = None
    rtts_us: tuple[int, ...] = field(default_factory=tuple)
    #: iputils' ``pipesize``: the most probes outstanding when one was answered (reply
    #: or ICMP error), i.e. max(ntransmitted_then - seq + 1); printed as ``pipe N`` if > 1.
    pipe: int = 0
    quiet: bool = False  # -q: the renderer prints the header and statistics only
    timestamps: bool = False  # -D: lines start with "[sec.usec] "
    #: -I: the header's ``from SRC DEV: `` (DEV is "" when -I named an address).
    bind_source: str | None = None
    bind_dev: str = ""
    #: A notice on stderr before the header (``ping: Warning: source address ...``).
    warning: str | None = None
    #: -w with -c: iputils exits 1 unless ``-c`` replies came before the deadline.
    deadline_count: int = 0

    @property
    def rc(self) -> int:
        """iputils' exit status: 0 if any reply, 1 if none (or errors), 2 on fatal errors;
        with ``-w`` and ``-c``, 1 when fewer than ``-c`` replies came."""
        if self.fatal:
            return 2
        if self.deadline_count and self.received < self.deadline_count:
            return 1
        return 0 if self.received > 0 else 1


@dataclass(frozen=True)
class ArpingLine:
    """One reply line of iputils arping:
    ``Unicast reply from 172.16.0.2 [3A:5E:48:42:28:F7]  0.600ms``."""

    kind: str  # "Unicast" | "Broadcast"
    source: str
    mac: str
    rtt_us: int
    t: float = 0.0
    text: str = ""  # extra words iputils adds, e.g. "for 172.16.0.9" with -D
    #: "reply" | "request": what the answering packet was (iputils prints the word).
    op: str = "reply"


@dataclass(frozen=True)
class ArpingReport:
    """Everything ``arping`` printed, as data (``sim.show.arping`` renders it).

    ``fatal`` holds a message for stderr when arping could not start
    (``arping: Device veth9 not available.``), with ``fatal_rc``.
    """

    dest: str
    source: str | None
    dev: str
    lines: tuple[ArpingLine, ...] = ()
    sent: int = 0
    broadcasts: int = 0
    received: int = 0
    mode: str = "request"  # "request" | "dad" | "unsolicited" | "answer"
    fatal: str | None = None
    fatal_rc: int = 2
    rc_override: int | None = None
    #: iputils' brd_recv / req_recv: answers that came broadcast or as requests,
    #: printed as ``Received N response(s) (R request(s), B broadcast(s))``.
    broadcasts_received: int = 0
    requests_received: int = 0
    #: ``fatal`` goes to stdout (``Interface "lo" is not ARPable`` is a printf).
    fatal_stdout: bool = False
    quiet: bool = False  # -q: nothing is printed

    @property
    def rc(self) -> int:
        if self.fatal:
            return self.fatal_rc
        if self.rc_override is not None:
            return self.rc_override
        return 0 if self.received > 0 or self.mode in ("unsolicited", "answer") else 1


#: The Unix time (seconds) a simulated lab starts at: ``ping -D`` prints epoch + virtual
#: time, so a simulated run prints the same stamps every time (comparisons mask them).
SIM_EPOCH = 1_700_000_000


def ping_ident(index: int) -> int:
    """The ICMP echo identifier of the ``index``-th ping of a run (0-based).

    iputils uses its pid; a lab uses a deterministic value so that both backends put the
    same identifier on the wire and a run is repeatable.
    """
    return (0x7600 + index) & 0xFFFF


def device_refusal(iface: str, dest: str, out: str | None) -> str:
    """The lab's words for ``-I DEV`` naming a device the route does not use."""
    via = f"leaves by {out}" if out else "does not exist"
    return (f"vethlab: ping -I {iface}: the route to {dest} {via}; sending from another "
            "device (the kernel then assumes the destination is on-link) is not modelled")
