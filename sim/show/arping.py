"""iputils arping (20221126) text from an ``ArpingReport``.

    ARPING 172.16.0.2 from 172.16.0.1 veth1
    Unicast reply from 172.16.0.2 [3A:5E:48:42:28:F7]  0.600ms
    Sent 2 probes (1 broadcast(s))
    Received 2 response(s)

A reply line is ``KIND OP from IP [MAC] `` then the extra words iputils adds when the
answer was not addressed to our source address or MAC (``ArpingLine.text``, e.g.
``for 172.16.0.9 ``), then `` N.NNNms`` (two spaces when there are no extra words).
MACs are upper case.  A ``fatal`` report prints only its message (on stderr, or on
stdout for the "Interface ... is down / not ARPable" notices, which iputils printf()s).
"""
from __future__ import annotations

from sim.programs import ArpingLine, ArpingReport


def rtt_text(rtt_us: int) -> str:
    """``0.580ms``: microseconds as milliseconds with three decimals."""
    return f"{rtt_us // 1000}.{rtt_us % 1000:03d}ms"


def line_text(line: ArpingLine) -> str:
    return (f"{line.kind} {line.op} from {line.source} [{line.mac.upper()}] {line.text} "
            f"{rtt_text(line.rtt_us)}\n")


def render_arping(report: ArpingReport) -> tuple[str, str]:
    """(stdout, stderr) of one arping run."""
    if report.fatal:
        text = report.fatal + "\n"
        return (text, "") if report.fatal_stdout else ("", text)
    if report.quiet:
        return "", ""  # -q: iputils prints neither lines nor statistics
    out = [f"ARPING {report.dest} from {report.source or '0.0.0.0'} {report.dev}\n"]
    out += [line_text(l) for l in report.lines]
    out.append(f"Sent {report.sent} probes ({report.broadcasts} broadcast(s))\n")
    tail = f"Received {report.received} response(s)"
    if report.broadcasts_received or report.requests_received:
        parts = []
        if report.requests_received:
            parts.append(f"{report.requests_received} request(s)")
        if report.broadcasts_received:
            parts.append(f"{report.broadcasts_received} broadcast(s)")
        tail += " (" + ", ".join(parts) + ")"
    out.append(tail + "\n")
    return "".join(out), ""
