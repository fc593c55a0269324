"""Helpers shared by the kernel backend tests (a uniquely named module, not conftest)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from sim.commands import AddrAdd, LinkAddVeth, LinkSet, NetnsAdd

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


#: The book's walk-through (seed-veth.md) as commands.
SEED = (
    NetnsAdd(name="ns1"),
    NetnsAdd(name="ns2"),
    LinkAddVeth(name="veth1", peer="veth1-peer"),
    LinkSet(dev="veth1", to_netns="ns1"),
    LinkSet(dev="veth1-peer", to_netns="ns2"),
    AddrAdd(netns="ns1", dev="veth1", cidr="172.16.0.1/24"),
    LinkSet(netns="ns1", dev="veth1", up=True),
    AddrAdd(netns="ns2", dev="veth1-peer", cidr="172.16.0.2/24"),
    LinkSet(netns="ns2", dev="veth1-peer", up=True),
)


def seeded_backend():
    """A kernel backend with the seed's set-up applied, closed when the generator is:
    ``yield from seeded_backend()`` in a fixture of whatever scope the module needs."""
    from backends.kernel import KernelBackend

    with KernelBackend() as backend:
        for c in SEED:
            backend.apply(c)
        yield backend


def host_state() -> dict[str, object]:
    """The starting namespace as iproute2 reports it (tests may run `ip`; the product
    never does)."""
    out: dict[str, object] = {}
    for what in ("link", "addr", "route"):
        res = subprocess.run(["ip", "-j", what], capture_output=True, text=True, check=True)
        items = json.loads(res.stdout or "[]")
        for item in items:  # counters and timers change on their own
            for key in ("stats64", "stats", "valid_life_time", "preferred_life_time"):
                item.pop(key, None)
        out[what] = items
    return out


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return env


PYTHON = sys.executable
