"""Kernel backend tests: real namespaces, so they need the capabilities (else skipped,
saying why).  Run them inside a throwaway namespace: ``unshare --net -- python3 -m pytest``."""
from __future__ import annotations

import os

import pytest

from backends.kernel import kernel_available

OK, WHY = kernel_available()


def pytest_collection_modifyitems(config, items):  # noqa: D103 - pytest hook
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.kernel)
            if not OK:
                item.add_marker(pytest.mark.skip(reason=WHY))
