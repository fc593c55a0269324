"""``sysctl`` on the kernel backend: /proc/sys/net of the lab namespace, procps' words.

Where procps' ``sysctl`` is installed, the same commands are also run with the real tool
inside the backend's namespace and the outputs compared (only ``net.`` keys).
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from backends.kernel.sysctl import key_path
from sim.commands import Sysctl
from sim.errors import CommandError
from tests.backends.kernel.kernel_lab import seeded_backend


@pytest.fixture(scope="module")
def be():
    yield from seeded_backend()


def test_key_path_maps_dots_to_slashes():
    assert key_path("net.ipv4.neigh.veth1.retrans_time_ms") == \
        "/proc/sys/net/ipv4/neigh/veth1/retrans_time_ms"
    assert key_path("net/ipv4/conf/eth0.100/arp_ignore") == \
        "/proc/sys/net/ipv4/conf/eth0.100/arp_ignore"


@pytest.mark.parametrize("key", ["kernel.hostname", "vm.swappiness", "net", "net..x",
                                 "net/../kernel/hostname", "netx.y"])
def test_only_net_keys(key):
    with pytest.raises(CommandError) as err:
        key_path(key)
    assert err.value.rc == 1 and "net." in err.value.message


def test_read_write_read_back(be):
    rd = Sysctl(netns="ns1", key="net.ipv4.neigh.veth1.retrans_time_ms")
    assert be.sysctl(rd) == "1000"
    # procps prints the value as written; the kernel keeps whole jiffies (HZ=250: 304)
    assert be.sysctl(Sysctl(netns="ns1", key=rd.key, value="301")) == "301"
    assert int(be.sysctl(rd)) in range(300, 311)
    assert be.sysctl(Sysctl(netns="ns1", key=rd.key, value="300")) == "300"
    assert be.sysctl(rd) == "300"


def test_namespaces_are_separate(be):
    be.sysctl(Sysctl(netns="ns2", key="net.ipv4.neigh.veth1-peer.mcast_solicit", value="5"))
    assert be.sysctl(Sysctl(netns="ns2", key="net.ipv4.neigh.veth1-peer.mcast_solicit")) == "5"
    assert be.sysctl(Sysctl(netns="ns1", key="net.ipv4.neigh.veth1.mcast_solicit")) == "3"
    with pytest.raises(CommandError):  # ns2's device is not in ns1
        be.sysctl(Sysctl(netns="ns1", key="net.ipv4.neigh.veth1-peer.mcast_solicit"))


def test_errors_in_procps_words(be):
    with pytest.raises(CommandError) as err:
        be.sysctl(Sysctl(netns="ns1", key="net.ipv4.neigh.veth9.retrans_time_ms"))
    assert (err.value.message, err.value.rc) == (
        "sysctl: cannot stat /proc/sys/net/ipv4/neigh/veth9/retrans_time_ms: "
        "No such file or directory", 1)
    with pytest.raises(CommandError) as err:
        be.sysctl(Sysctl(netns="ns1", key="net.ipv4.neigh.veth1.retrans_time_ms", value="abc"))
    assert (err.value.message, err.value.rc) == (
        'sysctl: setting key "net.ipv4.neigh.veth1.retrans_time_ms": Invalid argument', 1)
    with pytest.raises(CommandError) as err:
        be.sysctl(Sysctl(netns="nsX", key="net.ipv4.ip_forward"))
    assert err.value.rc == 255


def _real(be, args: list[str]) -> tuple[int, str, str]:
    p = subprocess.run(["ip", "netns", "exec", be.prefix + "ns1", "sysctl", *args],
                       capture_output=True, text=True, timeout=10)
    return p.returncode, p.stdout, p.stderr


def _ours(be, cmd: Sysctl) -> tuple[int, str, str]:
    try:
        value = be.sysctl(cmd)
    except CommandError as err:
        return err.rc, "", err.message + "\n"
    return 0, "" if cmd.quiet else f"{cmd.key} = {value}\n", ""


@pytest.mark.skipif(shutil.which("sysctl") is None, reason="procps sysctl not installed")
@pytest.mark.parametrize("key,value", [
    ("net.ipv4.neigh.veth1.delay_first_probe_time", None),
    ("net.ipv4.neigh.veth1.delay_first_probe_time", "2"),
    ("net.ipv4.neigh.veth1.base_reachable_time_ms", "0200"),
    ("net.ipv4.neigh.veth1.gc_stale_time", "x"),
    ("net.ipv4.neigh.veth9.gc_stale_time", None),
    ("net.ipv4.neigh.veth9.gc_stale_time", "3"),
    ("net.ipv4.neigh.veth1", "3"),
    ("net.ipv4.ip_forward", None),
])
def test_same_as_real_sysctl(be, key, value):
    args = [key] if value is None else ["-w", f"{key}={value}"]
    real = _real(be, args)
    ours = _ours(be, Sysctl(netns="ns1", key=key, value=value))
    assert ours == real
