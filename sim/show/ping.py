"""iputils ping (20221126) output from a ``PingReport``, digit for digit.

The arithmetic is iputils' own: round-trip times are integer microseconds, per-reply
times are rounded by magnitude, the summary uses integer division and an integer
Newton square root for mdev, and the loss percentage goes through a C ``float`` before
``%g``.  A SIGINT-ended run prints exactly what a ``-c``-ended one does (the ``^C`` on a
terminal is the tty's echo, not ping's output), so ``interrupted`` changes no text.
"""
from __future__ import annotations

import struct

from sim.programs import PingLine, PingReport

#: sizeof(struct timeval) on 64-bit Linux: payloads smaller than this carry no timestamp.
TIMEVAL_SIZE = 16
#: IPv4 header (20) + ICMP header (8), added to the payload in the ``56(84)`` header.
IP_ICMP_HEADERS = 28
INT_MAX = 2**31 - 1
LLONG_MAX = 2**63 - 1

_DEFAULT_TEXT = {"ttl": "Time to live exceeded", "error": "Destination Host Unreachable"}


def format_rtt(us: int) -> str:
    """`` time=...`` digits as ``gather_statistics`` prints them for ``us`` microseconds."""
    if us >= 100000 - 50:
        return f"{(us + 500) // 1000}"
    if us >= 10000 - 5:
        return f"{(us + 50) // 1000}.{((us + 50) % 1000) // 100:01d}"
    if us >= 1000:
        return f"{(us + 5) // 1000}.{((us + 5) % 1000) // 10:02d}"
    return f"{us // 1000}.{us % 1000:03d}"


def _cdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def llsqrt(a: int) -> int:
    """iputils' ``llsqrt``: Newton's method from ``a`` down, as written in ping_common.c."""
    prev, x = LLONG_MAX, a
    if x > 0:
        while x < prev:
            prev = x
            x = (x + a // x) // 2
    return x


def rtt_summary(rtts_us: list[int], total: int) -> str:
    """``rtt min/avg/max/mdev = ...`` for the timed replies (duplicates included)."""
    tsum = sum(rtts_us)
    tsum2 = sum(t * t for t in rtts_us)
    tmin, tmax = min(rtts_us), max(rtts_us)
    tmavg = _cdiv(tsum, total)
    if tsum < INT_MAX:
        tmvar = _cdiv(tsum2 - _cdiv(tsum * tsum, total), total)
    else:
        tmvar = _cdiv(tsum2, total) - tmavg * tmavg
    tmdev = llsqrt(tmvar)

    def ms(v: int) -> str:
        return f"{_cdiv(v, 1000)}.{abs(v) % 1000:03d}"

    return f"rtt min/avg/max/mdev = {ms(tmin)}/{ms(tmavg)}/{ms(tmax)}/{ms(tmdev)} ms"


def loss_percent(transmitted: int, received: int) -> str:
    """``%g`` of the loss, computed in double then narrowed to float as iputils does."""
    value = ((transmitted - received) * 100.0) / transmitted
    narrowed = struct.unpack("f", struct.pack("f", value))[0]
    return "%g" % narrowed


def stamp_text(stamp_us: int) -> str:
    """``-D``'s ``[1700000001.000123] ``: seconds and microseconds of Unix time."""
    return f"[{stamp_us // 1_000_000}.{stamp_us % 1_000_000:06d}] "


def line_text(line: PingLine, size: int, timestamps: bool = False) -> str:
    """One line printed while running (reply, ICMP error, TTL exceeded, ``-O`` notice)."""
    if timestamps and line.stamp_us is not None:
        return stamp_text(line.stamp_us) + line_text(line, size)
    if line.kind == "noanswer":
        return f"no answer yet for icmp_seq={line.seq}\n"
    if line.kind == "reply":
        nbytes = line.nbytes or size + 8
        out = f"{nbytes} bytes from {line.source}: icmp_seq={line.seq}"
        if line.ttl is not None:
            out += f" ttl={line.ttl}"
        if size >= TIMEVAL_SIZE and line.rtt_us is not None:
            out += f" time={format_rtt(line.rtt_us)} ms"
        if line.duplicate:
            out += " (DUP!)"
        return out + "\n"
    text = line.text or _DEFAULT_TEXT.get(line.kind, "")
    return f"From {line.source} icmp_seq={line.seq} {text}\n"


def statistics(report: PingReport) -> str:
    """The block ``finish()`` prints: blank line, title, counts, rtt/pipe, newline."""
    out = f"\n--- {report.dest} ping statistics ---\n"
    out += f"{report.transmitted} packets transmitted, {report.received} received"
    if report.duplicates:
        out += f", +{report.duplicates} duplicates"
    if report.errors:
        out += f", +{report.errors} errors"
    if report.transmitted:
        out += f", {loss_percent(report.transmitted, report.received)}% packet loss"
        out += f", time {report.elapsed_ms}ms"
    out += "\n"
    comma = ""
    rtts = list(report.rtts_us) or [
        l.rtt_us for l in report.lines if l.kind == "reply" and l.rtt_us is not None
    ]
    if report.received and report.size >= TIMEVAL_SIZE and rtts:
        out += rtt_summary(rtts, report.received + report.duplicates)
        comma = ", "
    pipe = getattr(report, "pipe", 0) or 0
    if pipe > 1:
        out += f"{comma}pipe {pipe}"
    return out + "\n"


def render_ping(report: PingReport) -> tuple[str, str]:
    """``(stdout, stderr)`` of ``ping``; a fatal report prints only ``ping: MSG`` on stderr."""
    if report.fatal:
        return "", f"ping: {report.fatal}\n"
    bound = ""
    if report.bind_source is not None:
        bound = f"from {report.bind_source} {report.bind_dev}: "
    out = [
        f"PING {report.dest} ({report.dest_addr}) {bound}"
        f"{report.size}({report.size + IP_ICMP_HEADERS}) bytes of data.\n"
    ]
    # -q hides what replies and errors print; -O's notices come from pinger() and stay
    out.extend(line_text(l, report.size, report.timestamps) for l in report.lines
               if not report.quiet or l.kind == "noanswer")
    out.append(statistics(report))
    err = f"ping: {report.warning}\n" if report.warning else ""
    return "".join(out), err
