"""Safety tests: bad input never crashes, the kernel backend leaves the host alone.

The helpers of the kernel backend's own tests (``kernel_lab``: the seed commands, the
host's links/addresses/routes as ``ip -j`` reports them, the child environment) are
reused from tests/backends/kernel rather than copied.
"""
from __future__ import annotations

import os
import sys

_KERNEL_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "backends", "kernel")
if _KERNEL_TESTS not in sys.path:
    sys.path.insert(0, _KERNEL_TESTS)
