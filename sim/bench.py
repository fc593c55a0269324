"""``vethlab bench``: how fast and how big the simulator is, next to the real kernel.

Prints figures and ratios; nothing here asserts a time (tests never do).  Sizes scale a
"star" lab: N pod namespaces, each joined to the lab's root namespace by a veth pair on
its own /30, each pinged once from the root — the shape of a node full of pods.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import TextIO


def star_script(pods: int, count: int = 1) -> str:
    """A lab with ``pods`` namespaces on /30 links to root, each pinged ``count`` times."""
    lines: list[str] = []
    for i in range(pods):
        ns, host, pod = f"pod{i}", f"vh{i}", f"vp{i}"
        base = 4 * i
        a, b = f"10.{base // 65536 % 256}.{base // 256 % 256}.{base % 256 + 1}", \
               f"10.{base // 65536 % 256}.{base // 256 % 256}.{base % 256 + 2}"
        lines += [f"ip netns add {ns}",
                  f"ip link add {host} type veth peer name {pod} netns {ns}",
                  f"ip addr add {a}/30 dev {host}",
                  f"ip link set {host} up",
                  f"ip -n {ns} addr add {b}/30 dev {pod}",
                  f"ip -n {ns} link set {pod} up"]
    for i in range(pods):
        base = 4 * i
        b = f"10.{base // 65536 % 256}.{base // 256 % 256}.{base % 256 + 2}"
        lines.append(f"ping -c {count} -i 0.2 {b}")
    return "\n".join(lines) + "\n"


def _measure(script: str, backend: str) -> tuple[float, int, int]:
    """Wall seconds, peak traced bytes (sim only) and frames for one run.

    Time and memory come from separate runs: tracing allocations slows Python down
    several-fold, so a traced run's time would say more about tracemalloc than the lab.
    """
    import sim

    t0 = time.perf_counter()
    run = sim.run(script, backend=backend, path="<bench>")
    wall = time.perf_counter() - t0
    bad = [c for c in run.commands if c.rc != 0]
    if bad:
        raise RuntimeError(f"bench lab failed at {bad[0].cmd!r}: {bad[0].stderr.strip()}")
    peak = 0
    if backend == "sim":
        tracemalloc.start()
        sim.run(script, backend=backend, path="<bench>")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return wall, peak, len(run.frames)


def main(args: argparse.Namespace, out: TextIO) -> int:
    from sim.labs import SEED_SCRIPT
    from sim.registry import kernel_available

    use_kernel = args.backend == "kernel" or (args.backend == "auto" and kernel_available()[0])
    sizes = [1, 10, 50] if args.quick else [1, 10, 100]
    seed_text = SEED_SCRIPT.read_text(encoding="utf-8")
    _measure(star_script(1), "sim")  # warm up: imports are not the simulator's speed
    rows: list[tuple[str, float, int, int, float | None]] = []
    cases = [("seed walk-through", seed_text)] + [(f"star, {n} pods", star_script(n)) for n in sizes]
    for name, text in cases:
        s_wall, s_peak, s_frames = _measure(text, "sim")
        k_wall = _measure(text, "kernel")[0] if use_kernel else None
        rows.append((name, s_wall, s_peak, s_frames, k_wall))
    out.write(f"{'lab':<22}{'sim s':>9}{'sim peak MiB':>14}{'frames':>8}{'frames/s':>11}"
              f"{'kernel s':>10}{'kernel/sim':>11}\n")
    for name, s_wall, s_peak, frames, k_wall in rows:
        fps = frames / s_wall if s_wall > 0 else 0.0
        k = f"{k_wall:10.3f}" if k_wall is not None else f"{'-':>10}"
        ratio = f"{k_wall / s_wall:11.1f}" if k_wall is not None and s_wall > 0 else f"{'-':>11}"
        out.write(f"{name:<22}{s_wall:9.3f}{s_peak / 2**20:14.2f}{frames:8d}{fps:11.0f}{k}{ratio}\n")
    if not use_kernel:
        why = "--backend sim" if args.backend == "sim" else kernel_available()[1]
        out.write(f"kernel backend not measured: {why}\n")
    out.write("sim s is wall-clock time to simulate the whole lab (virtual time runs faster "
              "than real time); kernel s is the same lab on real namespaces.\n")
    return 0
