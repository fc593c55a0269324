"""Shared fixtures: the kernel backend runs for real wherever it can.

Kernel tests are skipped only when this process lacks the capabilities or cannot make
network namespaces, and the skip says exactly why.  CI runs as root inside a throwaway
namespace (`unshare --net`), so there they always run.
"""
from __future__ import annotations

import pytest


def _kernel() -> tuple[bool, str]:
    from sim.registry import kernel_available

    return kernel_available()


@pytest.fixture(scope="session")
def kernel_ok() -> None:
    ok, why = _kernel()
    if not ok:
        pytest.skip(f"kernel backend unavailable here: {why}")


def pytest_collection_modifyitems(config, items):  # noqa: D103 - pytest hook
    ok, why = _kernel()
    if ok:
        return
    skip = pytest.mark.skip(reason=f"kernel backend unavailable here: {why}")
    for item in items:
        if "kernel" in item.keywords:
            item.add_marker(skip)
