"""sim.show.arping: iputils arping 20221126's text, checked against the real binary.

The real arping runs in a throwaway network namespace (``unshare -m --net``) between two
lab namespaces; each output is parsed back into an ``ArpingReport`` and re-rendered, and
must come out byte for byte the same.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from sim.programs import ArpingLine, ArpingReport
from sim.show import render_arping
from sim.show.arping import rtt_text

MAC = "3a:5e:48:42:28:f7"


def test_reply_lines_statistics_and_upper_case_mac():
    r = ArpingReport(dest="172.16.0.2", source="172.16.0.1", dev="veth1", sent=2, broadcasts=1,
                     received=2, lines=(ArpingLine("Unicast", "172.16.0.2", MAC, 600),
                                        ArpingLine("Unicast", "172.16.0.2", MAC, 1234)))
    assert render_arping(r) == (
        "ARPING 172.16.0.2 from 172.16.0.1 veth1\n"
        "Unicast reply from 172.16.0.2 [3A:5E:48:42:28:F7]  0.600ms\n"
        "Unicast reply from 172.16.0.2 [3A:5E:48:42:28:F7]  1.234ms\n"
        "Sent 2 probes (1 broadcast(s))\n"
        "Received 2 response(s)\n", "")


def test_extra_words_requests_and_broadcasts():
    r = ArpingReport(dest="172.16.0.2", source="0.0.0.0", dev="veth1", sent=1, broadcasts=1,
                     received=1, requests_received=1, broadcasts_received=1,
                     lines=(ArpingLine("Broadcast", "172.16.0.2", MAC, 12, op="request",
                                       text="for 172.16.0.2 [FF:FF:FF:FF:FF:FF]"),))
    out, _ = render_arping(r)
    assert ("Broadcast request from 172.16.0.2 [3A:5E:48:42:28:F7] for 172.16.0.2 "
            "[FF:FF:FF:FF:FF:FF] 0.012ms\n") in out
    assert out.endswith("Received 1 response(s) (1 request(s), 1 broadcast(s))\n")


def test_fatal_messages_go_where_iputils_prints_them():
    err = ArpingReport(dest="x", source=None, dev="", fatal="arping: Device veth9 not available.")
    assert render_arping(err) == ("", "arping: Device veth9 not available.\n")
    out = ArpingReport(dest="x", source=None, dev="", fatal='Interface "lo" is not ARPable',
                       fatal_stdout=True)
    assert render_arping(out) == ('Interface "lo" is not ARPable\n', "")


def test_rtt_text():
    assert [rtt_text(u) for u in (0, 26, 580, 1000, 12345)] == \
        ["0.000ms", "0.026ms", "0.580ms", "1.000ms", "12.345ms"]


# ---- against the real arping ------------------------------------------------------------

LAB = r"""
set -e
mount -t tmpfs none /run; mkdir -p /run/netns
ip netns add ns1; ip netns add ns2
ip link add veth1 netns ns1 type veth peer name veth2 netns ns2
ip -n ns1 addr add 172.16.0.1/24 dev veth1
ip -n ns2 addr add 172.16.0.2/24 dev veth2
ip -n ns1 link set veth1 up; ip -n ns2 link set veth2 up
sleep 0.3
set +e
for args in "-c 2 -I veth1 172.16.0.2" "-c 1 -I veth1 172.16.0.9" "-D -c 2 -I veth1 172.16.0.2" \
            "-U -c 1 -I veth1 172.16.0.1" "-A -c 1 -I veth1 172.16.0.1" "-w 1 172.16.0.2" \
            "-c 1 -I veth9 172.16.0.2"; do
  echo "=== $args"
  ip netns exec ns1 arping $args 2>&1
  echo "rc=$?"
done
"""

_LINE = re.compile(r"(Unicast|Broadcast) (reply|request) from (\S+) \[([0-9A-F:]+)\] (.*?) ?"
                   r"(\d+)\.(\d{3})ms$")


def parse_output(text: str) -> ArpingReport:
    """An ArpingReport from real arping output (the inverse of render_arping)."""
    lines = text.splitlines()
    m = re.fullmatch(r"ARPING (\S+) from (\S+) (\S+)", lines[0])
    if m is None:
        return ArpingReport(dest="", source=None, dev="", fatal=text.rstrip("\n"))
    replies = []
    for line in lines[1:-2]:
        r = _LINE.fullmatch(line)
        assert r is not None, line
        replies.append(ArpingLine(r[1], r[3], r[4].lower(), int(r[6]) * 1000 + int(r[7]),
                                  op=r[2], text=r[5]))
    sent = re.fullmatch(r"Sent (\d+) probes \((\d+) broadcast\(s\)\)", lines[-2])
    got = re.fullmatch(r"Received (\d+) response\(s\)(?: \((?:(\d+) request\(s\))?(?:, )?"
                       r"(?:(\d+) broadcast\(s\))?\))?", lines[-1])
    assert sent and got, lines[-2:]
    return ArpingReport(dest=m[1], source=m[2], dev=m[3], lines=tuple(replies),
                        sent=int(sent[1]), broadcasts=int(sent[2]), received=int(got[1]),
                        requests_received=int(got[2] or 0),
                        broadcasts_received=int(got[3] or 0))


@pytest.fixture(scope="module")
def real_outputs() -> dict[str, tuple[str, int]]:
    if os.geteuid() != 0 or shutil.which("arping") is None or shutil.which("unshare") is None:
        pytest.skip("needs root, unshare and iputils-arping")
    if subprocess.run(["unshare", "-m", "--net", "true"], capture_output=True).returncode:
        pytest.skip("unshare -m --net refused")
    p = subprocess.run(["unshare", "-m", "--net", "sh", "-c", LAB], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out: dict[str, tuple[str, int]] = {}
    for block in p.stdout.split("=== ")[1:]:
        args, _, rest = block.partition("\n")
        body, _, rc = rest.rpartition("rc=")
        out[args] = (body, int(rc))
    return out


def test_real_arping_outputs_round_trip(real_outputs):
    assert len(real_outputs) == 7
    for args, (text, rc) in real_outputs.items():
        report = parse_output(text)
        out, err = render_arping(report)
        assert out + err == text, args


def test_real_arping_facts(real_outputs):
    text, rc = real_outputs["-c 2 -I veth1 172.16.0.2"]
    assert "Sent 2 probes (1 broadcast(s))" in text and rc == 0
    assert real_outputs["-D -c 2 -I veth1 172.16.0.2"][1] == 1
    assert "Sent 2 probes" in real_outputs["-w 1 172.16.0.2"][0]
    assert real_outputs["-c 1 -I veth9 172.16.0.2"] == (
        "arping: Device veth9 not available.\n", 2)


def test_quiet_prints_nothing():
    """``arping -q -c 2 10.0.0.2`` (answered, status 0) and ``-q -D`` print nothing."""
    line = ArpingLine("Unicast", "10.0.0.2", "b6:b2:92:bd:41:a8", 529)
    r = ArpingReport("10.0.0.2", "10.0.0.1", "va", lines=(line, line), sent=2, broadcasts=1,
                     received=2, quiet=True)
    assert render_arping(r) == ("", "")
    assert r.rc == 0


def test_first_reply_statistics():
    """``arping -f -c 3 10.0.0.2``: one probe, one answer."""
    line = ArpingLine("Unicast", "10.0.0.2", "b6:b2:92:bd:41:a8", 529)
    r = ArpingReport("10.0.0.2", "10.0.0.1", "va", lines=(line,), sent=1, broadcasts=1,
                     received=1)
    assert render_arping(r) == (
        "ARPING 10.0.0.2 from 10.0.0.1 va\n"
        "Unicast reply from 10.0.0.2 [B6:B2:92:BD:41:A8]  0.529ms\n"
        "Sent 1 probes (1 broadcast(s))\n"
        "Received 1 response(s)\n", "")
