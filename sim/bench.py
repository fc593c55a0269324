"""``vethlab bench``: how fast and how big the simulator is, each figure beside its target.

Nothing here asserts a time (tests never do); the table says PASS or MISS against the
targets of issue 6.  The labs are Kubernetes-style nodes: a node namespace with a
``cni0`` bridge holding an address, and pods whose veth pairs are created straight into
the pod namespace, CNI style — the shape of a real cluster's data path.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from typing import TextIO

#: The targets (issue 6).
SIM_VS_FLOOR = 0.25  # simulator frames/s >= 0.25 x simpy Store hops/s
SCALE_SECONDS = 10.0  # 10,000 namespaces built and run in <= 10 s
SCALE_PEAK_PER_NS = 20_000  # <= 20 KB peak per namespace
KERNEL_VS_IP = 0.5  # kernel backend set-up + tear-down <= 0.5 x one `ip` per command
DEMO_SECONDS = 1.5


@dataclass
class Row:
    """One line of the table: a figure, what it is held against, and the verdict."""

    figure: str
    value: str
    target: str = ""
    ratio: str = ""
    ok: bool | None = None  # None: a baseline, not a target
    note: str = ""


# ---- the labs -------------------------------------------------------------------------------

def _node_ip(n: int, host: int) -> str:
    return f"10.{n // 256 % 256}.{n % 256}.{host}"


def node_commands(nodes: int, pods: int, name=lambda ns: ns) -> list[str]:  # type: ignore[no-untyped-def]
    """Set-up of ``nodes`` nodes with ``pods`` pods each, as ``ip`` command lines.

    Every command names its namespace with ``-n`` (nothing is configured in the
    namespace the lab starts in); pod namespaces are ``nNpP``; pods get .2 upwards of
    their node's /24 and the bridge .1.  ``name`` maps every namespace name (the
    ``ip`` baseline adds its per-run prefix).
    """
    if pods > 250:
        raise ValueError("a node's /24 holds at most 250 pods here")
    out: list[str] = []
    for n in range(nodes):
        node = name(f"node{n}")
        out += [f"ip netns add {node}", f"ip -n {node} link add cni0 type bridge",
                f"ip -n {node} link set cni0 up",
                f"ip -n {node} addr add {_node_ip(n, 1)}/24 dev cni0"]
        for p in range(pods):
            pod = name(f"n{n}p{p}")
            out += [f"ip netns add {pod}",
                    f"ip -n {node} link add v{p} type veth peer name eth0 netns {pod}",
                    f"ip -n {node} link set v{p} master cni0",
                    f"ip -n {node} link set v{p} up",
                    f"ip -n {pod} addr add {_node_ip(n, p + 2)}/24 dev eth0",
                    f"ip -n {pod} link set eth0 up"]
    return out


def node_script(nodes: int, pods: int, count: int) -> str:
    """The node lab, then every pod pinging its bridge's address ``count`` times."""
    lines = node_commands(nodes, pods)
    for n in range(nodes):
        for p in range(pods):
            lines.append(f"ip netns exec n{n}p{p} ping -c {count} -i 0.2 {_node_ip(n, 1)}")
    return "\n".join(lines) + "\n"


# ---- the figures ----------------------------------------------------------------------------

def simpy_floor(hops: int) -> float:
    """Items per second two simpy processes pass each other through two Stores: the
    least a veth hop can cost in a simpy model (measured here, in this process)."""
    import simpy

    env = simpy.Environment()
    a, b = simpy.Store(env), simpy.Store(env)

    def ping(env: simpy.Environment):
        for i in range(hops // 2):
            yield a.put(i)
            yield b.get()

    def pong(env: simpy.Environment):
        for _ in range(hops // 2):
            item = yield a.get()
            yield b.put(item)

    env.process(ping(env))
    env.process(pong(env))
    t0 = time.perf_counter()
    env.run()
    return hops / (time.perf_counter() - t0)


def _checked(run, what: str):  # type: ignore[no-untyped-def]
    bad = [c for c in run.commands if c.rc != 0]
    if bad:
        raise RuntimeError(f"{what}: {bad[0].cmd!r} failed: {bad[0].stderr.strip()}")
    return run


def sim_node(pods: int, count: int) -> tuple[float, int]:
    """Wall seconds and frames recorded for one node of ``pods`` pods pinging ``count``."""
    import sim

    text = node_script(1, pods, count)
    t0 = time.perf_counter()
    run = _checked(sim.run(text, path="<bench>"), "node lab")
    return time.perf_counter() - t0, len(run.frames)


def sim_scale(nodes: int, pods: int, keep_frames: bool = True) -> tuple[float, float, int]:
    """Build and run seconds, and frames seen, for ``nodes`` x ``pods`` pinging once.

    Build is parsing and every configuration command; run is the pings.  Like
    ``sim.run`` (``sim.runner.execute``), it runs with the cyclic collector paused.
    """
    from sim.collector import collector_paused

    text = node_script(nodes, pods, 1)
    with collector_paused():
        return _sim_scale(text, keep_frames)


def _sim_scale(text: str, keep_frames: bool) -> tuple[float, float, int]:
    from backends.simulated import SimulatedBackend
    from sim import load_script
    from sim.runner import Runner
    from sim.trace import FrameLog

    t0 = time.perf_counter()
    script = load_script(text, "<bench>")
    from sim.limits import Limits

    # The default frame bound (a runaway guard) is below this lab's honest flood count.
    be = SimulatedBackend(seed=0, limits=Limits(max_sim_frames=100_000_000))
    be.frame_log = FrameLog(keep=keep_frames)
    runner = Runner(be, "<bench>")
    cmds = script.commands
    first_ping = next(i for i, c in enumerate(cmds) if type(c).__name__ == "Ping")
    for c in cmds[:first_ping]:
        runner.step(c)
    t1 = time.perf_counter()
    for c in cmds[first_ping:]:
        runner.step(c)
    run = _checked(runner.collect(), "scale lab")
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, be.frame_log.seen if run else 0


def traced_peak(nodes: int, pods: int, keep_frames: bool = True) -> int:
    """Peak bytes tracemalloc sees while building and running the scale lab."""
    tracemalloc.start()
    try:
        sim_scale(nodes, pods, keep_frames)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def demo_time() -> tuple[float, list[str]]:
    """Wall seconds of ``vethlab demo`` in a fresh interpreter, and which of scapy and
    matplotlib its path imported (it should be neither)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", "demo"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    probe = ("import io, sys, contextlib\nfrom sim.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n    main(['demo'])\n"
             "print(' '.join(m for m in ('scapy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], check=True, env=env,
                         capture_output=True, text=True).stdout.split()
    return wall, out


# ---- the kernel against one `ip` per command ------------------------------------------------

def _ip_baseline(pods: int) -> float:
    """Seconds to make and remove one node of ``pods`` pods with one ``ip`` process per
    command, as Mininet-style tools do.  Names carry a per-run prefix in the product's
    form (``vl<pid>-<tag>-``, so ``vethlab cleanup`` finds them if this is killed), every
    link is made inside the lab's namespaces (``ip -n``), and everything goes again,
    even on error."""
    from backends.kernel.sandbox import NETNS_RUN_DIR

    prefix = f"vl{os.getpid()}-{random.Random().randrange(0x10000):04x}-"
    cmds = [line.split() for line in node_commands(1, pods, name=lambda ns: prefix + ns)]
    made = [c[3] for c in cmds if c[1:3] == ["netns", "add"]]
    t0 = time.perf_counter()
    try:
        for c in cmds:
            subprocess.run(c, check=True, stdout=subprocess.DEVNULL)
        for ns in made:
            subprocess.run(["ip", "netns", "del", ns], check=True)
        wall = time.perf_counter() - t0
    finally:
        for ns in made:
            if os.path.exists(os.path.join(NETNS_RUN_DIR, ns)):
                subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    left = [e for e in os.listdir(NETNS_RUN_DIR) if e.startswith(prefix)] \
        if os.path.isdir(NETNS_RUN_DIR) else []
    if left:
        raise RuntimeError(f"ip baseline left namespaces behind: {left}")
    return wall


def kernel_vs_ip(pods: int, progress: bool = False) -> tuple[float, float]:
    """Seconds for the kernel backend to set up and tear down one node of ``pods`` pods,
    and for the same with one ``ip`` per command.  Raises if either leaves anything."""
    import sim
    from backends.kernel.sandbox import NETNS_RUN_DIR

    def ours() -> set[str]:
        mine = f"vl{os.getpid()}-"
        return {e for e in os.listdir(NETNS_RUN_DIR) if e.startswith(mine)} \
            if os.path.isdir(NETNS_RUN_DIR) else set()

    before = ours()
    text = "\n".join(node_commands(1, pods)) + "\n"
    t0 = time.perf_counter()
    _checked(sim.run(text, backend="kernel", path="<bench>", progress=progress),
             "kernel lab")
    k_wall = time.perf_counter() - t0
    if ours() - before:
        raise RuntimeError(f"the kernel backend left namespaces behind: {ours() - before}")
    return k_wall, _ip_baseline(pods)


# ---- the table ------------------------------------------------------------------------------

def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "MISS")


def render(rows: list[Row], out: TextIO) -> None:
    heads = ("figure", "value", "target / baseline", "ratio", "")
    cols = [[r.figure, r.value, r.target, r.ratio, _verdict(r.ok)] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cols)) for i, h in enumerate(heads)]
    line = "  ".join(h.ljust(w) for h, w in zip(heads, widths)).rstrip()
    out.write(line + "\n" + "-" * len(line) + "\n")
    for c, r in zip(cols, rows):
        out.write("  ".join(v.ljust(w) for v, w in zip(c, widths)).rstrip() + "\n")
        if r.note:
            out.write(f"    {r.note}\n")


def main(args: argparse.Namespace, out: TextIO) -> int:
    from sim.registry import kernel_available

    quick = args.quick
    progress = not getattr(args, "no_progress", False) and sys.stderr.isatty()
    rows: list[Row] = []
    sim_node(5, 1)  # warm up: imports are not the simulator's speed

    floor = simpy_floor(20_000 if quick else 200_000)
    rows.append(Row("simpy Store ping-pong (floor)", f"{floor:,.0f} hops/s",
                    note="two processes passing items through two simpy Stores, this process"))

    pods, count = (50, 5) if quick else (250, 20)
    wall, frames = sim_node(pods, count)
    fps = frames / wall
    rows.append(Row(f"sim: 1 node x {pods} pods, ping bridge x{count}",
                    f"{fps:,.0f} frames/s", f">= {SIM_VS_FLOOR} x floor",
                    f"{fps / floor:.2f}", fps / floor >= SIM_VS_FLOOR,
                    note=f"{frames:,} frames in {wall:.2f} s wall"))

    nodes, npods = (4, 50) if quick else (40, 250)
    n_ns = nodes * (npods + 1)
    build, run_s, seen = sim_scale(nodes, npods)
    total = build + run_s
    rows.append(Row(f"sim: {n_ns:,} namespaces ({nodes} x {npods} pods), build",
                    f"{build:.2f} s"))
    rows.append(Row(f"sim: {n_ns:,} namespaces, run (1 ping each)", f"{run_s:.2f} s",
                    note=f"{seen:,} frames, all kept"))
    rows.append(Row(f"sim: {n_ns:,} namespaces, build + run", f"{total:.2f} s",
                    f"<= {SCALE_SECONDS:g} s" + (" (at 10,000)" if quick else ""),
                    f"{total / SCALE_SECONDS:.2f}", total <= SCALE_SECONDS if not quick else None))
    tnodes = nodes if quick else 10
    t_ns = tnodes * (npods + 1)
    per_ns = traced_peak(tnodes, npods) / t_ns
    rows.append(Row("sim: peak memory per namespace (frames kept)", f"{per_ns / 1000:.1f} KB",
                    f"<= {SCALE_PEAK_PER_NS // 1000} KB", f"{per_ns / SCALE_PEAK_PER_NS:.2f}",
                    per_ns <= SCALE_PEAK_PER_NS,
                    note=f"the target's figure: tracemalloc peak of a separate run of {tnodes} "
                         f"x {npods} pods ({t_ns:,} namespaces, same shape, every frame "
                         "kept), divided by its namespaces; timed runs are not traced"))
    bare = traced_peak(tnodes, npods, keep_frames=False) / t_ns
    rows.append(Row("sim: peak memory per namespace (keep_frames=False)",
                    f"{bare / 1000:.1f} KB",
                    note="the same run keeping only frame counts: what the lab itself, its "
                         "script and its results take"))

    use_kernel = args.backend != "sim" and kernel_available()[0]
    if use_kernel:
        kpods = 20 if quick else 100
        k_wall, ip_wall = kernel_vs_ip(kpods, progress)
        rows.append(Row(f"kernel backend: {kpods} pods on a bridge, set up + tear down",
                        f"{k_wall:.2f} s", f"<= {KERNEL_VS_IP} x ip: {ip_wall:.2f} s",
                        f"{k_wall / ip_wall:.2f}", k_wall / ip_wall <= KERNEL_VS_IP,
                        note="baseline: one `ip` process per command (ip -n NS ...), then "
                             "`ip netns del` each; nothing left behind (checked)"))
    else:
        why = "--backend sim" if args.backend == "sim" else kernel_available()[1]
        rows.append(Row("kernel backend vs one `ip` per command", "not measured",
                        note=why))

    d_wall, imported = demo_time()
    rows.append(Row("vethlab demo (fresh interpreter)", f"{d_wall:.2f} s",
                    f"<= {DEMO_SECONDS} s", f"{d_wall / DEMO_SECONDS:.2f}",
                    d_wall <= DEMO_SECONDS and not imported,
                    note="imports scapy/matplotlib: " + (", ".join(imported) or "neither")))
    out.write(f"vethlab bench{' --quick' if quick else ''} ({os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]})\n\n")
    render(rows, out)
    return 0
