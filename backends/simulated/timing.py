"""The simulator's processing delays, in seconds: one place to tune them.

Linux on a veth answers an echo in roughly 50-100 us (measured here with iputils on
kernel 6.18: 72, 97, 107 us; the book's run shows 79 us), the first one longer because
of ARP.  The model spends that time in four named steps:

    ping stamps the data ──PING_SEND_DELAY──► frame out on the sender's veth
    ──XMIT_DELAY──► frame in on the peer ──STACK_DELAY──► the peer's answer goes out
    (the reply comes back the same way; ping's SO_TIMESTAMP is the reply's "in" time)

so a resolved echo takes PING_SEND_DELAY + 2 * XMIT_DELAY + STACK_DELAY.
"""
from __future__ import annotations

#: sendmsg() to the first frame on the wire: socket, routing, neighbour, qdisc.
PING_SEND_DELAY = 25e-6
#: veth_xmit(): out on one end to in on the other (the peer's backlog/NAPI hop).
XMIT_DELAY = 3e-6
#: A received frame's turnaround: ARP reply, echo reply, releasing queued packets,
#: handing an ICMP reply to the pinging socket.
STACK_DELAY = 20e-6
#: A packet to one of our own addresses, through lo, to its receive processing.
LOOPBACK_DELAY = 5e-6
#: Configuration commands take no virtual time.
CONFIG_DELAY = 0.0
#: arping's exit (closing its sockets, the process ending) before the next command: the
#: kernel still answers the last probe meanwhile, so its reply is on the wire too.
ARPING_EXIT_DELAY = 1e-3
