"""The simulator against a kernel run recorded in the repository (runs without root).

``notebooks/data/seed-kernel.json`` is ``vethlab run sim/labs/seed-veth.ip --backend
kernel --json …`` from a real machine; notebook 05 loads it when no kernel is at hand.
This keeps the simulator honest where the live conformance tests cannot run.
"""
from __future__ import annotations

from pathlib import Path

import sim
from sim.compare import compare
from sim.labs import SEED_SCRIPT
from sim.result import Run

RECORDED = Path(__file__).resolve().parents[2] / "notebooks" / "data" / "seed-kernel.json"


def test_recorded_kernel_run_is_a_kernel_run():
    k = Run.load(str(RECORDED))
    assert k.backend == "kernel"
    assert {(f.netns, f.dev) for f in k.frames} == {("ns1", "veth1"), ("ns2", "veth1-peer")}


def test_simulator_matches_the_recorded_kernel_run():
    s = sim.run(SEED_SCRIPT.read_text(encoding="utf-8"), backend="sim", path=str(SEED_SCRIPT))
    cmp = compare(s, Run.load(str(RECORDED)))
    assert cmp.ok, cmp.report()
