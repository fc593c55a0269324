"""The command line as a user meets it: outputs, errors, exit statuses, no tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def vethlab(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def write(tmp_path: Path, text: str, name: str = "lab.ip") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_demo_prints_the_walk_through():
    r = vethlab("demo")
    assert r.returncode == 0, r.stderr
    assert "$ ip netns add ns1" in r.stdout
    assert "inet 172.16.0.1/24 scope global veth1" in r.stdout
    assert "PING 172.16.0.2 (172.16.0.2) 56(84) bytes of data." in r.stdout
    assert "64 bytes from 172.16.0.2: icmp_seq=1 ttl=64 time=" in r.stdout
    wire = r.stdout.split("# On the wire at ns1/veth1")[1].splitlines()[1:]
    assert "ARP, Request who-has 172.16.0.2 tell 172.16.0.1" in wire[0] and "->" in wire[0]
    assert "ARP, Reply 172.16.0.2 is-at" in wire[1] and "<-" in wire[1]
    assert sum("ICMP echo request" in w for w in wire) == 4
    assert "Traceback" not in r.stderr


def test_unparseable_line_stops_before_anything_runs(tmp_path):
    p = write(tmp_path, "ip netns add ns1\nip link frobnicate veth1\nip netns add ns2\n")
    r = vethlab("run", "--backend", "sim", str(p))
    assert r.returncode == 2
    assert r.stderr.startswith(f"{p}:2: ")
    assert "ip netns add" not in r.stdout  # nothing ran
    assert "Traceback" not in r.stderr


def test_failing_command_names_file_and_line_and_the_run_goes_on(tmp_path):
    p = write(tmp_path, "ip netns add ns1\nip link set veth9 up\nip netns list\n")
    r = vethlab("run", "--backend", "sim", str(p))
    assert f'{p}:2: Cannot find device "veth9"' in r.stderr
    assert "$ ip netns list" in r.stdout and "ns1" in r.stdout
    assert r.returncode == 0  # the last command's status, as a shell would


def test_exit_status_is_the_last_commands(tmp_path):
    p = write(tmp_path, "ip netns add ns1\nip netns add ns1\n")
    r = vethlab("run", "--backend", "sim", str(p))
    assert r.returncode == 1
    assert f'{p}:2: Cannot create namespace file "/run/netns/ns1": File exists' in r.stderr


def test_missing_script_file_is_one_line(tmp_path):
    r = vethlab("run", "--backend", "sim", str(tmp_path / "nope.ip"))
    assert r.returncode == 2
    assert "nope.ip" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_json_follows_the_contract(tmp_path):
    from sim.labs import SEED_SCRIPT

    out = tmp_path / "run.json"
    r = vethlab("run", "--backend", "sim", "--json", str(out), str(SEED_SCRIPT))
    assert r.returncode == 0, r.stderr
    d = json.loads(out.read_text())
    assert d["backend"] == "sim"
    assert {"line", "cmd", "rc", "stdout", "stderr"} <= set(d["commands"][0])
    assert not any(c["cmd"].startswith("$") for c in d["commands"])
    f = d["frames"][0]
    assert {"t", "netns", "dev", "dir", "hex"} <= set(f)
    assert f["dir"] in ("in", "out") and isinstance(f["t"], float)
    assert {(x["netns"], x["dev"]) for x in d["frames"]} == {("ns1", "veth1"), ("ns2", "veth1-peer")}


def test_interrupted_ping_is_said_once(tmp_path):
    p = write(tmp_path, "ip netns add a\nip netns add b\n"
              "ip link add v1 netns a type veth peer name v2 netns b\n"
              "ip -n a addr add 10.0.0.1/24 dev v1\nip -n b addr add 10.0.0.2/24 dev v2\n"
              "ip -n a link set v1 up\nip -n b link set v2 up\n"
              "ip netns exec a ping 10.0.0.2\nip netns exec a ping 10.0.0.2\n")
    r = vethlab("run", "--backend", "sim", str(p))
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("Ctrl-C") == 1
    assert r.stdout.count("4 packets transmitted, 4 received") == 2


@pytest.mark.parametrize("backend", ["kernel"])
def test_kernel_backend_without_capabilities_says_so(monkeypatch, backend, tmp_path):
    import sim.registry as reg
    from sim.cli import main

    monkeypatch.setattr(reg, "kernel_available", lambda: (False, "the kernel backend needs root "
                        "(CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_NET_RAW); use --backend sim"))
    p = write(tmp_path, "ip netns add ns1\n")
    assert main(["run", "--backend", backend, str(p)]) == 2


def test_nothing_is_run_through_a_shell():
    import ast

    root = Path(__file__).resolve().parents[2]
    for py in list((root / "sim").rglob("*.py")) + list((root / "backends").rglob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "shell":
                assert not (isinstance(node.value, ast.Constant) and node.value.value), py
            if isinstance(node, ast.Attribute) and node.attr in ("system", "popen"):
                assert not (isinstance(node.value, ast.Name) and node.value.id == "os"), py
