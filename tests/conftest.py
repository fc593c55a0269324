"""Shared fixtures: the kernel backend runs for real wherever it can.

Kernel tests are skipped only when this process lacks the capabilities or cannot make
network namespaces, and the skip says exactly why.  CI runs as root inside a throwaway
namespace (`unshare --net`), so there they always run.

At the end of the session, any vethlab namespace the suite left in ``/run/netns`` (a run
of this process, or of a child that died without cleaning up) fails the session.
"""
from __future__ import annotations

import os

import pytest


def _kernel() -> tuple[bool, str]:
    from sim.registry import kernel_available

    return kernel_available()


@pytest.fixture(scope="session")
def kernel_ok() -> None:
    ok, why = _kernel()
    if not ok:
        pytest.skip(f"kernel backend unavailable here: {why}")


def _our_namespaces() -> set[str]:
    """vethlab's entries in /run/netns (``vl<pid>-<tag>-NAME``)."""
    from backends.kernel.sandbox import NETNS_RUN_DIR, PREFIX_RE

    try:
        return {e for e in os.listdir(NETNS_RUN_DIR) if PREFIX_RE.match(e)}
    except (FileNotFoundError, ImportError):
        return set()


def _leaked(start: set[str]) -> list[str]:
    """Namespaces made during the session that no live run owns any more (or that this
    process still holds).  /run/netns is shared with the whole machine, so another
    session's live runs are not ours to judge."""
    from backends.kernel.sandbox import PREFIX_RE, _pid_alive

    out = []
    for e in sorted(_our_namespaces() - start):
        pid = int(PREFIX_RE.match(e).group(1))  # type: ignore[union-attr]
        if pid == os.getpid() or not _pid_alive(pid):
            out.append(e)
    return out


def pytest_sessionstart(session):  # noqa: D103 - pytest hook
    session.config._vethlab_netns_at_start = _our_namespaces()


def pytest_sessionfinish(session, exitstatus):  # noqa: D103 - pytest hook
    """After the whole suite nothing of ours may be left in ``ip netns list``."""
    start = getattr(session.config, "_vethlab_netns_at_start", None)
    if start is None:
        return
    leaked = _leaked(start)
    if leaked:  # another session's killed run may be between its kill and its cleanup
        import time

        time.sleep(2.0)
        leaked = sorted(set(leaked) & set(_leaked(start)))
    if leaked:
        from backends.kernel.sandbox import cleanup

        cleanup()  # leave the machine clean, but fail the session: something leaked
        session.config._vethlab_leaked = leaked
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: D103
    leaked = getattr(config, "_vethlab_leaked", None)
    if leaked:
        terminalreporter.section("vethlab namespaces left behind", red=True)
        terminalreporter.write_line(f"the suite left {len(leaked)} namespace(s) in "
                                    f"/run/netns: {', '.join(leaked)}")


def pytest_collection_modifyitems(config, items):  # noqa: D103 - pytest hook
    ok, why = _kernel()
    if ok:
        return
    skip = pytest.mark.skip(reason=f"kernel backend unavailable here: {why}")
    for item in items:
        if "kernel" in item.keywords:
            item.add_marker(skip)
