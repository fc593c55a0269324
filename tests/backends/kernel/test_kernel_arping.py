"""arping on the kernel backend: our AF_PACKET implementation against iputils' arping.

The packet layout and the reply filter are checked on literal bytes; the whole program
is run next to the real arping (when installed) in the same namespaces: same frames on
the wire, same text (times masked), same exit status, about the same duration.
"""
from __future__ import annotations

import re
import shutil
import socket
import subprocess

import pytest

from backends.kernel.arping import ARPOP_REPLY, PACKET_HOST, _Setup, accept, build
from sim.commands import Arping
from sim.show import render_arping
from tests.backends.kernel.kernel_lab import seeded_backend

ME = bytes.fromhex("020000000001")
HE = bytes.fromhex("020000000002")
SETUP = _Setup(dev="veth1", ifindex=2, mac=ME, hatype=1, broadcast=b"\xff" * 6,
               gsrc="172.16.0.1")


def test_build_request_broadcast_then_unicast():
    req = build(SETUP, Arping(dest="172.16.0.2"), "172.16.0.2", b"\xff" * 6)
    assert req.hex() == ("0001080006040001" "020000000001" "ac100001"
                         "ffffffffffff" "ac100002")
    uni = build(SETUP, Arping(dest="172.16.0.2"), "172.16.0.2", HE)
    assert uni[18:24] == HE


def test_build_answer_mode():
    setup = _Setup(**{**SETUP.__dict__, "gsrc": "172.16.0.1"})
    pkt = build(setup, Arping(dest="172.16.0.1", answer=True), "172.16.0.1", b"\xff" * 6)
    assert pkt[6:8] == b"\x00\x02" and pkt[18:24] == ME and pkt[14:18] == pkt[24:28]


def _reply(spa="172.16.0.2", tpa="172.16.0.1", sha=HE, tha=ME, op=ARPOP_REPLY) -> bytes:
    return (bytes.fromhex("000108000604") + op.to_bytes(2, "big") + sha
            + socket.inet_aton(spa) + tha + socket.inet_aton(tpa))


def test_accept_filters_as_iputils():
    assert accept(_reply(), PACKET_HOST, 1, SETUP, False, "172.16.0.2") is not None
    assert accept(_reply(spa="172.16.0.3"), PACKET_HOST, 1, SETUP, False, "172.16.0.2") is None
    assert accept(_reply(tpa="172.16.0.9"), PACKET_HOST, 1, SETUP, False, "172.16.0.2") is None
    assert accept(_reply(tha=HE), PACKET_HOST, 1, SETUP, False, "172.16.0.2") is None
    assert accept(_reply(), 4, 1, SETUP, False, "172.16.0.2") is None  # outgoing
    dad = _Setup(**{**SETUP.__dict__, "gsrc": "0.0.0.0"})
    assert accept(_reply(tpa="0.0.0.0", tha=HE), PACKET_HOST, 1, dad, True,
                  "172.16.0.2") is not None
    assert accept(_reply(sha=ME), PACKET_HOST, 1, dad, True, "172.16.0.2") is None


@pytest.fixture(scope="module")
def be():
    yield from seeded_backend()


def _mask(text: str) -> str:
    return re.sub(r"\d+\.\d{3}ms", "<t>ms", text)


def _arp_out(be, since: float, until: float) -> list[bytes]:
    return [f.data[14:] for f in be.frames()
            if f.netns == "ns1" and f.dir == "out" and since <= f.t <= until
            and f.data[12:14] == b"\x08\x06"]


CASES = [
    (Arping(netns="ns1", dest="172.16.0.2", count=2), ["-c", "2", "172.16.0.2"]),
    (Arping(netns="ns1", dest="172.16.0.2", count=2, dad=True, interface="veth1"),
     ["-D", "-c", "2", "-I", "veth1", "172.16.0.2"]),
    (Arping(netns="ns1", dest="172.16.0.1", count=1, unsolicited=True, interface="veth1"),
     ["-U", "-c", "1", "-I", "veth1", "172.16.0.1"]),
    (Arping(netns="ns1", dest="172.16.0.1", count=1, answer=True, interface="veth1"),
     ["-A", "-c", "1", "-I", "veth1", "172.16.0.1"]),
    (Arping(netns="ns1", dest="172.16.0.9", count=3, deadline=1),
     ["-c", "3", "-w", "1", "172.16.0.9"]),
    (Arping(netns="ns1", dest="172.16.0.2", count=1, interface="veth9"),
     ["-c", "1", "-I", "veth9", "172.16.0.2"]),
    (Arping(netns="ns1", dest="10.9.9.9", count=1), ["-c", "1", "10.9.9.9"]),
    (Arping(netns="ns1", dest="172.16.0.1", count=1), ["-c", "1", "172.16.0.1"]),
    (Arping(netns="ns1", dest="172.16.0.2", count=1, unsolicited=True, interface="veth1"),
     ["-U", "-c", "1", "-I", "veth1", "172.16.0.2"]),
]


@pytest.mark.skipif(shutil.which("arping") is None, reason="iputils-arping not installed")
@pytest.mark.parametrize("cmd,args", CASES, ids=[" ".join(a) for _, a in CASES])
def test_same_as_real_arping(be, cmd, args):
    t0 = be.now()
    p = subprocess.run(["ip", "netns", "exec", be.prefix + "ns1", "arping", *args],
                       capture_output=True, text=True, timeout=20)
    t1 = be.now()
    report = be.arping(cmd)
    t2 = be.now()
    out, err = render_arping(report)
    assert (_mask(out), err, report.rc) == (_mask(p.stdout), p.stderr, p.returncode)
    assert abs((t2 - t1) - (t1 - t0)) < 0.2
    assert _arp_out(be, t1, t2) == _arp_out(be, t0, t1)
