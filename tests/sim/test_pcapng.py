import io
import shutil
import subprocess

import pytest

from sim.pcapng import pcapng_bytes, read_pcapng, write_pcapng
from sim.result import Run
from sim.trace import Frame

ARP = bytes.fromhex("ffffffffffff02000000000108060001080006040001020000000001ac100001"
                    "000000000000ac100002")
REPLY = bytes.fromhex("02000000000102000000000208060001080006040002020000000002ac100002"
                      "020000000001ac100001")


def _run() -> Run:
    return Run(backend="sim", script="lab.ip", frames=[
        Frame(0.001, "ns1", "veth1", "out", ARP),
        Frame(0.001000007, "ns2", "veth2", "in", ARP),
        Frame(0.0015, "ns2", "veth2", "out", REPLY),
        Frame(0.0015, "ns1", "veth1", "in", REPLY),
        Frame(3.25, "ns1", "veth1", "out", b"\x01" * 43),  # odd length needs padding
    ])


def test_round_trip(tmp_path):
    run = _run()
    path = tmp_path / "x.pcapng"
    write_pcapng(run, str(path))
    back = read_pcapng(str(path))
    assert [(f.netns, f.dev, f.dir, f.data) for f in back] == \
        [(f.netns, f.dev, f.dir, f.data) for f in run.frames]
    for a, b in zip(back, run.frames):
        assert a.t == pytest.approx(b.t, abs=1e-9)


def test_file_object_and_layout():
    buf = io.BytesIO()
    write_pcapng(_run(), buf)
    data = buf.getvalue()
    assert data == pcapng_bytes(_run())
    assert data[:4] == bytes.fromhex("0a0d0d0a") and len(data) % 4 == 0
    assert data.count(b"ns1/veth1") == 1 and data.count(b"ns2/veth2") == 1
    assert read_pcapng(data)[1].t == pytest.approx(0.001000007, abs=1e-12)


def test_empty_run():
    assert read_pcapng(pcapng_bytes(Run(backend="sim"))) == []


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
def test_tshark_reads_names_and_directions(tmp_path):
    path = tmp_path / "x.pcapng"
    write_pcapng(_run(), path)
    out = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-e", "frame.interface_name",
         "-e", "frame.packet_flags_direction", "-e", "frame.time_epoch", "-e", "frame.len"],
        capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line.split("\t") for line in out]
    assert [r[0] for r in rows] == ["ns1/veth1", "ns2/veth2", "ns2/veth2", "ns1/veth1",
                                    "ns1/veth1"]
    assert [int(r[1], 0) for r in rows] == [2, 1, 2, 1, 2]
    assert float(rows[1][2]) == pytest.approx(0.001000007, abs=1e-9)
    assert [int(r[3]) for r in rows] == [42, 42, 42, 42, 43]
