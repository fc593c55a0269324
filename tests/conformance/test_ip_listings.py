"""``ip``'s listing options (``-br``, ``-4``, ``-o``, ``-c``) and ``ip addr flush`` on
both backends, and the kernel backend's text against the real ``ip`` (iproute2 6.1) run
in the very namespaces the kernel backend built.

Facts measured on Linux with iproute2 6.1 that these runs pin:

- ``ip -4 a`` leaves out devices without an IPv4 address (``ip -br -4 a`` too);
- ``ip -o a`` prints one line per address and none for address-less devices;
- ``ip addr flush dev DEV`` prints nothing, also when there is nothing to flush; when
  the device's last address goes, every route through it goes too (``fib_disable_ip``),
  including a default route via a gateway on that subnet.
"""
from __future__ import annotations

import subprocess

import pytest

from backends.kernel import KernelBackend
from sim.runner import Runner
from sim.script import parse
from tests.conformance.helpers import both, output

pytestmark = pytest.mark.kernel

LAB = """\
ip netns add ns1
ip link add veth1 type veth peer name veth1-peer netns ns1
ip link add vA type veth peer name vB
ip link add br0 type bridge
ip link set vB master br0
ip link set lo up
ip addr add 172.16.0.1/24 dev veth1
ip addr add 172.16.0.5/24 dev veth1
ip addr add 10.9.0.1/16 dev veth1
ip link set veth1 up
ip -n ns1 addr add 172.16.0.2/24 dev veth1-peer
ip -n ns1 link set veth1-peer up
ip link set vA up
ip route add default via 172.16.0.2
ip neigh add 172.16.0.9 lladdr 02:00:00:00:00:09 dev veth1
ip -br a
ip -br link
ip -brief -4 address show
ip -4 a
ip -o a
ip -o link
ip -n ns1 -br link
ip -n ns1 -o link
ip -br neigh
ip -br neigh show dev veth1
ip -c a
ip -c -br link
ip -c route
ip -c neigh
ip -color=never -4 route
ip addr flush dev vA
ip addr flush dev veth1
ip -br a
ip route
ip -n ns1 addr flush dev veth1-peer
ip -n ns1 -4 a
ip addr flush dev nosuch
"""


def test_listing_options_and_flush_on_both_backends():
    s, k, cmp = both(LAB)
    assert cmp.ok, cmp.report()
    for run in (s, k):
        brief = output(run, "ip -br a").stdout
        assert brief.splitlines()[0] == "lo               UNKNOWN        127.0.0.1/8 "
        assert "veth1@if2        UP             172.16.0.1/24 10.9.0.1/16 172.16.0.5/24 \n" \
            in brief
        four = output(run, "ip -4 a").stdout
        assert "vA" not in four and "br0" not in four
        assert output(run, "ip addr flush dev veth1").stdout == ""
        after = output(run, "ip -br a", 1).stdout
        assert "veth1@if2        UP             \n" in after
        assert output(run, "ip route").stdout == ""  # the default route went too
        assert output(run, "ip -n ns1 -4 a").stdout == ""
        missing = output(run, "ip addr flush dev nosuch")
        assert (missing.stderr, missing.rc) == ('Device "nosuch" does not exist.\n', 1)


#: (script line, the real ip's argv after ``ip -n NS``) compared in the same namespace.
REAL = [
    ("ip -br a", ["root", "-br", "a"]),
    ("ip -br link", ["root", "-br", "link"]),
    ("ip -4 a", ["root", "-4", "a"]),
    ("ip -br -4 a", ["root", "-br", "-4", "a"]),
    ("ip -o a", ["root", "-o", "a"]),
    ("ip -o link", ["root", "-o", "link"]),
    ("ip -br neigh", ["root", "-br", "neigh"]),
    ("ip -br neigh show dev veth1", ["root", "-br", "neigh", "show", "dev", "veth1"]),
    ("ip -c a", ["root", "-c", "a"]),
    ("ip -c link", ["root", "-c", "link"]),
    ("ip -c -br a", ["root", "-c", "-br", "a"]),
    ("ip -c -br link", ["root", "-c", "-br", "link"]),
    ("ip -c -o a", ["root", "-c", "-o", "a"]),
    ("ip -c -o link", ["root", "-c", "-o", "link"]),
    ("ip -c route", ["root", "-c", "route"]),
    ("ip -c neigh", ["root", "-c", "neigh"]),
    ("ip -c -br neigh", ["root", "-c", "-br", "neigh"]),
    ("ip -n ns1 -br link", ["ns1", "-br", "link"]),
    ("ip -n ns1 -o link", ["ns1", "-o", "link"]),
    ("ip -n ns1 -c a", ["ns1", "-c", "a"]),
]


def test_kernel_backend_matches_real_ip_in_the_same_namespace():
    setup = LAB.split("ip -br a\n")[0] + "ip addr add 10.22.0.1/24 dev br0\n"
    script = parse(setup + "".join(line + "\n" for line, _ in REAL), "<lab>")
    with KernelBackend() as be:
        runner = Runner(be, "<lab>")
        got: dict[str, str] = {}
        for cmd in script.commands:
            result = runner.step(cmd)
            assert result.rc == 0, (result.cmd, result.stderr)
            got[result.cmd] = result.stdout
        for line, (ns, *argv) in REAL:
            real = subprocess.run(["ip", "-n", be.prefix + ns, *argv], capture_output=True,
                                  text=True, check=True).stdout
            # the real ip names the sandbox's namespaces with their prefix
            real = real.replace(f"link-netns {be.prefix}", "link-netns ")
            assert got[line] == real, line
