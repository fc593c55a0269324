"""Frame storage options (keep_frames, max_frames, streaming pcapng), the compact
FrameLog, and ``vethlab bench``'s labs and table.  Nothing here asserts a time."""
import io
import shutil
import subprocess
import argparse

import pytest

import sim
from sim.bench import Row, node_script, render, simpy_floor
from sim.cli import main
from sim.labs import SEED_SCRIPT
from sim.pcapng import PcapngStream, read_pcapng
from sim.trace import Frame, FrameLog

SEED = SEED_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def full():
    return sim.run(SEED, path="seed-veth.ip")


def test_framelog_reads_like_a_list():
    frames = [Frame(0.1 * i, "ns1", "veth1", "out" if i % 2 else "in", bytes([i]) * 20)
              for i in range(5)]
    log = FrameLog(frames)
    assert len(log) == 5 and log == frames and list(log) == frames
    assert log[0] == frames[0] and log[-1] == frames[-1] and log[1:3] == frames[1:3]
    with pytest.raises(IndexError):
        log[5]
    del log[0]  # edits turn it into a plain list underneath
    log[0] = frames[4]
    assert log == [frames[4]] + frames[2:]


def test_framelog_keep_and_cap_count_everything():
    log = FrameLog(keep=False)
    cap = FrameLog(max_frames=2)
    for i in range(5):
        log.record(float(i), "a", "b", "in", b"x")
        cap.record(float(i), "a", "b", "in", b"x")
    assert (len(log), log.seen, log.not_kept) == (0, 5, 5)
    assert (len(cap), cap.seen, cap.not_kept) == (2, 5, 3)


def test_default_run_keeps_every_frame(full):
    assert isinstance(full.frames, FrameLog) and full.frames.not_kept == 0
    assert not any("not kept" in n for n in full.notes)
    assert full.frames == sorted(full.frames, key=lambda f: f.t)


def test_no_frames_keeps_counts_and_says_so(full):
    run = sim.run(SEED, path="seed-veth.ip", keep_frames=False)
    assert len(run.frames) == 0
    assert run.frames.seen == len(full.frames)
    assert f"{len(full.frames)} of {len(full.frames)} frames were not kept" in " ".join(run.notes)
    assert [c.stdout for c in run.commands] == [c.stdout for c in full.commands]
    assert "not kept" in run.dumps()  # the notes go into the JSON too


def test_max_frames_keeps_the_first(full):
    run = sim.run(SEED, path="seed-veth.ip", max_frames=3)
    assert list(run.frames) == list(full.frames)[:3]
    assert f"{len(full.frames) - 3} of {len(full.frames)} frames were not kept" in \
        " ".join(run.notes)


def test_pcap_streamed_while_running(full, tmp_path):
    path = tmp_path / "s.pcapng"
    run = sim.run(SEED, path="seed-veth.ip", keep_frames=False, pcap=path)
    back = read_pcapng(str(path))
    assert len(back) == len(full.frames) and len(run.frames) == 0
    for a, b in zip(back, full.frames):
        assert (a.netns, a.dev, a.dir, a.data) == (b.netns, b.dev, b.dir, b.data)
        assert abs(a.t - b.t) < 1e-9


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")
def test_streamed_pcap_opens_in_tshark(full, tmp_path):
    path = tmp_path / "s.pcapng"
    sim.run(SEED, path="seed-veth.ip", keep_frames=False, pcap=path)
    out = subprocess.run(["tshark", "-r", str(path)], capture_output=True, text=True,
                         check=True).stdout
    assert len(out.splitlines()) == len(full.frames)


def test_stream_to_an_open_file():
    buf = io.BytesIO()
    s = PcapngStream(buf)
    s(0.5, "ns1", "veth1", "out", b"\x00" * 42)
    s(0.6, "ns2", "veth2", "in", b"\x00" * 42)
    s.close()
    back = read_pcapng(buf.getvalue())
    assert [(f.netns, f.dev, f.dir) for f in back] == [("ns1", "veth1", "out"),
                                                       ("ns2", "veth2", "in")]


def test_cli_no_frames_with_pcap_streams(tmp_path, capsys, full):
    path = tmp_path / "c.pcapng"
    rc = main(["run", "--backend", "sim", "--no-frames", "--pcap", str(path), str(SEED_SCRIPT)])
    err = capsys.readouterr().err
    assert rc == 0 and len(read_pcapng(str(path))) == len(full.frames)
    assert "frames were not kept" in err and "written to" in err
    assert "\r" not in err  # no progress bar when stderr is not a terminal


def test_node_script_runs_clean_and_bench_table():
    run = sim.run(node_script(2, 3, 1), path="<bench>")
    assert all(c.rc == 0 for c in run.commands)
    assert sum("ping" in c.cmd for c in run.commands) == 6
    assert simpy_floor(200) > 0
    out = io.StringIO()
    render([Row("a", "1 s", "<= 2 s", "0.50", True), Row("b", "3", note="why")], out)
    text = out.getvalue()
    assert "PASS" in text and "why" in text and "target" in text


def test_bench_quick_sim_only_prints_every_figure(capsys, monkeypatch):
    import sim.bench as bench

    monkeypatch.setattr(bench, "demo_time", lambda: (0.1, []))
    monkeypatch.setattr(bench, "sim_scale", lambda n, p, keep_frames=True: (0.1, 0.2, 100))
    monkeypatch.setattr(bench, "traced_peak",
                        lambda n, p, keep_frames=True: 1000 * n * (p + 1))
    monkeypatch.setattr(bench, "sim_node", lambda p, c: (0.5, 1000))
    args = argparse.Namespace(quick=True, backend="sim", no_progress=True)
    assert bench.main(args, out := io.StringIO()) == 0
    text = out.getvalue()
    for figure in ("floor", "frames/s", "build", "peak memory", "keep_frames=False",
                   "kernel backend", "demo"):
        assert figure in text
