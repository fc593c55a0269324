"""Nothing is ever run through a shell, and nothing forks while threads run.

The product's source is scanned: no ``os.system``/``popen``/``exec*``/``spawn*``, no
``shell=True``, no ``subprocess`` outside ``sim/bench.py`` (which may time real ``ip``
and ``vethlab demo`` with argument lists, never a shell); no ``os.fork`` or
``multiprocessing`` anywhere (the kernel backend runs reader threads, and a fork
while they hold a lock deadlocks the child); and pyroute2's forking/namespace-switching
helpers (``NetNS``, ``IPRoute(netns=…)``) are not used — pyroute2 is only a message codec.
"""
from __future__ import annotations

import ast
import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGES = ("sim", "backends")
#: Modules allowed to start programs, with argument lists only.
SUBPROCESS_OK = {"sim/bench.py"}


def _sources() -> list[str]:
    out = []
    for pkg in PACKAGES:
        for root, _dirs, files in os.walk(os.path.join(REPO, pkg)):
            out += [os.path.relpath(os.path.join(root, f), REPO) for f in files
                    if f.endswith(".py")]
    return sorted(out)


SOURCES = _sources()


def _tree(rel: str) -> ast.AST:
    with open(os.path.join(REPO, rel), encoding="utf-8") as fh:
        return ast.parse(fh.read(), rel)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return "?"


def test_the_scan_sees_the_product():
    assert "backends/kernel/backend.py" in SOURCES and "sim/cli.py" in SOURCES


@pytest.mark.parametrize("rel", SOURCES)
def test_no_shell_no_fork(rel):
    tree = _tree(rel)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            mod = node.module if isinstance(node, ast.ImportFrom) else None
            for name in ([mod] if mod else []) + names:
                top = (name or "").split(".")[0]
                if top in ("multiprocessing", "pty", "pexpect", "sh"):
                    problems.append(f"imports {name}")
                if top == "subprocess" and rel not in SUBPROCESS_OK:
                    problems.append("imports subprocess")
                if mod == "os" and re.fullmatch(r"system|popen|fork\w*|exec\w*|spawn\w*|posix_spawn\w*", name):
                    problems.append(f"imports os.{name}")
                if mod and mod.startswith("pyroute2") and name in ("NetNS", "IPRoute", "IPDB", "NDB"):
                    problems.append(f"imports pyroute2's {name}")
        elif isinstance(node, ast.Call):
            fn = _dotted(node.func)
            if re.fullmatch(r"os\.(system|popen|fork\w*|exec\w*|spawn\w*|posix_spawn\w*)", fn):
                problems.append(f"calls {fn}")
            for kw in node.keywords:
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant)
                                              and kw.value.value is False):
                    problems.append(f"{fn}(shell=...)")
            if fn.startswith("subprocess.") and rel in SUBPROCESS_OK and node.args:
                if not isinstance(node.args[0], (ast.List, ast.Tuple, ast.Name)):
                    problems.append(f"{fn} with a command string")
    assert problems == [], f"{rel}: {problems}"


def test_pyroute2_only_in_the_kernel_backend():
    for rel in SOURCES:
        if rel.startswith("backends/kernel/"):
            continue
        for node in ast.walk(_tree(rel)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pyroute2"):
                pytest.fail(f"{rel} imports pyroute2")
            if isinstance(node, ast.Import) and any(a.name.startswith("pyroute2") for a in node.names):
                pytest.fail(f"{rel} imports pyroute2")
