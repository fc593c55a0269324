"""The kernel backend leaves the starting namespace exactly as it found it.

Each test snapshots links, addresses, routes, ``/run/netns`` and the writable sysctls
before and after one way a run can end — success, a failing script, a refused script,
SIGINT, SIGTERM, SIGKILL followed by ``vethlab cleanup``, two runs at once — and
demands equality.  Run only inside a throwaway namespace (``unshare --net``).
"""
from __future__ import annotations

import re
import signal
import subprocess
import time

import pytest

from host_snapshot import VETHLAB, entries_of, snapshot, start, wait_for_entries
from kernel_lab import child_env
from tests.conformance.arp_lab import SETUP_FIXED_MACS

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("kernel_ok")]

LAB = SETUP_FIXED_MACS + """\
ip netns exec ns1 sysctl -w net.ipv4.ip_forward=1
ip netns exec ns1 sysctl -w net.ipv4.neigh.default.base_reachable_time_ms=5000
ip netns exec ns1 sysctl -w net.ipv4.conf.all.arp_ignore=1
ip netns exec ns1 ip addr
ip netns exec ns1 ping -c 2 -i 0.2 172.16.0.2
ip netns list
"""


def _lab(tmp_path, text: str = LAB, name: str = "lab.ip") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _normal(out: str) -> str:
    """Ping's times vary from run to run; everything else must not."""
    out = re.sub(r"time=[\d.]+ ms", "time=T ms", out)
    out = re.sub(r"time \d+ms", "time Tms", out)
    return re.sub(r"rtt min/avg/max/mdev = \S+ ms", "rtt = T ms", out)


def _run(path: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(VETHLAB + ["run", "--backend", "kernel", *extra, path],
                          capture_output=True, text=True, timeout=120, env=child_env())


def test_normal_run(tmp_path):
    before = snapshot()
    res = _run(_lab(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "2 packets transmitted, 2 received" in res.stdout
    assert snapshot() == before


def test_failing_script(tmp_path):
    before = snapshot()
    res = _run(_lab(tmp_path, LAB + "ip link set nosuch up\nip -n ns9 link show\n"
                               "ip netns exec ns1 ping -c 1 -W 1 172.16.0.9\n"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "lab.ip:16: Cannot find device \"nosuch\"" in res.stderr
    assert snapshot() == before


def test_refused_script_creates_nothing(tmp_path, monkeypatch, capsys):
    """A bad line or a limit stops the run before the first namespace is made."""
    from backends.kernel import sandbox
    from sim.cli import main

    def no(*_a, **_k):
        raise AssertionError("a namespace was about to be made")

    monkeypatch.setattr(sandbox.Sandbox, "__init__", no)
    before = snapshot()
    bad = _lab(tmp_path, LAB + "ip netns exec ns1 bash\n", "bad.ip")
    assert main(["run", "--backend", "kernel", bad]) == 2
    assert capsys.readouterr().err == (f'{bad}:16: vethlab: unsupported command "bash" '
                                       "(supported: arping, bridge, ip, ping, sleep, sysctl)\n")
    lab = _lab(tmp_path)
    for flags, line, words in ((["--max-namespaces", "1"], 2, "at most 1 per run"),
                               (["--max-ping-count", "1"], 14, "at most 1 echo requests"),
                               (["--max-ping-time", "1"], 14, "stops programs at 1 s")):
        assert main(["run", "--backend", "kernel", *flags, lab]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{lab}:{line}: vethlab: ") and words in err, err
    assert snapshot() == before


@pytest.mark.parametrize("sig, rc", [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM)])
def test_interrupted(tmp_path, sig, rc):
    before = snapshot()
    proc = start(_lab(tmp_path, LAB + "sleep 30\n"))
    wait_for_entries(proc, 3)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == rc and "Traceback" not in err
    if sig == signal.SIGINT:
        assert err.endswith("vethlab: interrupted; everything the run created was removed\n")
    assert entries_of(proc.pid) == []
    assert snapshot() == before


def test_sigkill_then_cleanup_then_the_next_run_works(tmp_path):
    before = snapshot()
    lab = _lab(tmp_path, LAB + "sleep 30\n")
    proc = start(lab)
    left = wait_for_entries(proc, 3)
    proc.kill()
    proc.communicate(timeout=20)
    time.sleep(0.1)
    assert entries_of(proc.pid) == left  # the kernel keeps them: nobody removed them
    res = subprocess.run(VETHLAB + ["cleanup"], capture_output=True, text=True, timeout=60,
                         env=child_env())
    assert res.returncode == 0
    assert set(f"removed {e}" for e in left) <= set(res.stdout.splitlines())
    assert entries_of(proc.pid) == []
    assert snapshot() == before
    res = _run(_lab(tmp_path))
    assert res.returncode == 0 and "2 received" in res.stdout
    assert snapshot() == before


def test_two_runs_at_once_do_not_collide(tmp_path):
    before = snapshot()
    lab = _lab(tmp_path, LAB.replace("ip netns list\n", "sleep 0.5\nip netns list\n"))
    procs = [start(lab), start(lab)]
    seen = [wait_for_entries(p, 3) for p in procs]
    assert not set(seen[0]) & set(seen[1])  # each run under its own prefix
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert _normal(results[0][0]) == _normal(results[1][0])
    assert "2 received" in results[0][0]
    assert all(entries_of(p.pid) == [] for p in procs)
    assert snapshot() == before


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_while_setting_up(tmp_path, sig, delay):
    """A signal in the middle of making namespaces (one may be half-made) leaves nothing."""
    lab = "".join(f"ip netns add n{i}\nip link add a{i} type veth peer name b{i} netns n{i}\n"
                  f"ip link set a{i} up\n" for i in range(40)) + "sleep 30\n"
    before = snapshot()
    proc = start(_lab(tmp_path, lab))
    wait_for_entries(proc, 1)
    time.sleep(delay)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode in (130, -signal.SIGTERM) and "Traceback" not in err
    assert entries_of(proc.pid) == []
    assert snapshot() == before
