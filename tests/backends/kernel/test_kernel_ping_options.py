"""ping -q -n -w -I -D -O and arping -f -q -b: our kernel-backend programs next to the
real iputils 20221126 binaries, in the same namespaces, one after the other.

Text is compared with times masked (``sim.normalize.mask_times``: RTTs, ``time NNNms``,
``-D`` stamps), plus stderr and exit status.  Lo is left down in ns1, as in the seed lab.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from sim.commands import Arping, Ping
from sim.errors import CommandError
from sim.normalize import mask_times
from sim.show import render_arping, render_ping
from tests.backends.kernel.kernel_lab import seeded_backend

PING_CASES = [
    (Ping(netns="ns1", dest="172.16.0.2", count=2, quiet=True), ["-q", "-c", "2"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=1, numeric=True), ["-n", "-c", "1"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=5, deadline=2), ["-c", "5", "-w", "2"]),
    (Ping(netns="ns1", dest="172.16.0.2", deadline=2), ["-w", "2"]),
    (Ping(netns="ns1", dest="172.16.0.9", count=2, deadline=2), ["-c", "2", "-w", "2"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=2, timestamps=True), ["-D", "-c", "2"]),
    (Ping(netns="ns1", dest="172.16.0.7", count=2, interval=0.5, timeout=1.0,
          outstanding=True, timestamps=True), ["-O", "-D", "-c", "2", "-i", "0.5", "-W", "1"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=1, interface="veth1"), ["-c", "1", "-I", "veth1"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=1, interface="172.16.0.1"),
     ["-c", "1", "-I", "172.16.0.1"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=1, interface="veth9"), ["-c", "1", "-I", "veth9"]),
    (Ping(netns="ns1", dest="172.16.0.2", count=1, interface="10.9.9.9"),
     ["-c", "1", "-I", "10.9.9.9"]),
    (Ping(netns="ns1", dest="172.16.0.1", count=1, interface="veth1"), ["-c", "1", "-I", "veth1"]),
]

ARPING_CASES = [
    (Arping(netns="ns1", dest="172.16.0.2", count=3, first_reply=True), ["-f", "-c", "3"]),
    (Arping(netns="ns1", dest="172.16.0.2", count=2, quiet=True), ["-q", "-c", "2"]),
    (Arping(netns="ns1", dest="172.16.0.9", count=1, quiet=True), ["-q", "-c", "1"]),
    (Arping(netns="ns1", dest="172.16.0.2", count=2, broadcast_only=True), ["-b", "-c", "2"]),
    (Arping(netns="ns1", dest="172.16.0.9", count=2, first_reply=True), ["-f", "-c", "2"]),
]


@pytest.fixture(scope="module")
def be():
    yield from seeded_backend()


def _real(be, tool: str, args: list[str], dest: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", be.prefix + "ns1", tool, *args, dest],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.skipif(shutil.which("ping") is None, reason="iputils-ping not installed")
@pytest.mark.parametrize("cmd,args", PING_CASES, ids=[" ".join(a) for _, a in PING_CASES])
def test_same_as_real_ping(be, cmd, args):
    p = _real(be, "ping", args, cmd.dest)
    report = be.ping(cmd)
    out, err = render_ping(report)
    assert (mask_times(out), err, report.rc) == (mask_times(p.stdout), p.stderr, p.returncode)


@pytest.mark.skipif(shutil.which("arping") is None, reason="iputils-arping not installed")
@pytest.mark.parametrize("cmd,args", ARPING_CASES, ids=[" ".join(a) for _, a in ARPING_CASES])
def test_same_as_real_arping(be, cmd, args):
    p = _real(be, "arping", args, cmd.dest)
    report = be.arping(cmd)
    out, err = render_arping(report)
    assert (mask_times(out), err, report.rc) == (mask_times(p.stdout), p.stderr, p.returncode)


def test_bound_to_another_device_is_refused(be):
    with pytest.raises(CommandError) as e:
        be.ping(Ping(netns="ns1", dest="172.16.0.2", count=1, interface="lo"))
    assert e.value.message.startswith("vethlab: ping -I lo: the route to 172.16.0.2 leaves "
                                      "by veth1;")
