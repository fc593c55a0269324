"""Walk a lab's commands on a backend and collect the result.

This is the one place that turns commands into terminal text: configuration commands go
to ``Backend.apply``; listings come from ``Backend.snapshot`` and are rendered by
``sim.show``; programs run on the backend and are rendered by ``sim.show`` too.  So the
two backends' outputs can only differ where their state or their wire behaviour does.

A failing command is reported the way a shell running the script would see it (its
message and exit status) and the lab goes on, as a shell would.
"""
from __future__ import annotations

from collections.abc import Callable

from backends.base import Backend
from sim import show
from sim.commands import (
    AddrAdd, AddrDel, AddrShow, Arping, BridgeFdbShow, BridgeLinkShow, Command,
    DEFAULT_PING_COUNT, LinkAddBridge, LinkAddVeth, LinkDel, LinkSet, LinkShow, NeighDel,
    NeighFlush, NeighModify, NeighShow, NetnsAdd, NetnsDel, NetnsList, Ping, RouteGet,
    RouteModify, RouteShow, Script, Sleep, Sysctl,
)
from sim.errors import CommandError
from sim.model import ROOT_NS
from sim.result import CommandResult, Run

#: Commands that only change state: the backend carries them out, they print nothing.
CONFIG_COMMANDS = (NetnsAdd, NetnsDel, LinkAddVeth, LinkAddBridge, LinkSet, LinkDel, AddrAdd,
                   AddrDel, RouteModify, NeighModify, NeighDel, NeighFlush)

INTERRUPTED_PING_NOTE = (
    "ping without -c runs until Ctrl-C; the lab stops it after {n} echo requests, "
    "as if interrupted there"
)


def _listing(backend: Backend, cmd: Command) -> str:
    """Render one ``ip … show`` command from a fresh snapshot."""
    if isinstance(cmd, NetnsList):
        return show.render_netns_list(backend.netns_list())
    state = backend.snapshot(cmd.netns)
    if isinstance(cmd, AddrShow):
        return show.render_addr(state, cmd.dev)
    if isinstance(cmd, LinkShow):
        if cmd.master:
            return show.render_link(state, cmd.dev, master=cmd.master)
        return show.render_link(state, cmd.dev)
    if isinstance(cmd, RouteShow):
        return show.render_route(state)
    if isinstance(cmd, NeighShow):
        return show.render_neigh(state, cmd.dev)
    if isinstance(cmd, BridgeFdbShow):
        return show.render_fdb(state, br=cmd.br, dev=cmd.dev)
    if isinstance(cmd, BridgeLinkShow):
        return show.render_bridge_link(state, cmd.dev)
    raise TypeError(f"not a listing: {type(cmd).__name__}")


LISTINGS = (NetnsList, AddrShow, LinkShow, RouteShow, NeighShow, BridgeFdbShow, BridgeLinkShow)


def _perform(backend: Backend, cmd: Command) -> tuple[str, str, int]:
    """Run one command; return (stdout, stderr, rc).  ``CommandError`` propagates."""
    if isinstance(cmd, CONFIG_COMMANDS):
        backend.apply(cmd)
        return "", "", 0
    if isinstance(cmd, LISTINGS):
        return _listing(backend, cmd), "", 0
    if isinstance(cmd, Ping):
        report = backend.ping(cmd)
        out, err = show.render_ping(report)
        return out, err, report.rc
    if isinstance(cmd, Arping):
        areport = backend.arping(cmd)
        out, err = show.render_arping(areport)
        return out, err, areport.rc
    if isinstance(cmd, Sysctl):
        value = backend.sysctl(cmd)
        return ("" if cmd.quiet else f"{cmd.key} = {value}\n"), "", 0
    if isinstance(cmd, RouteGet):
        return show.render_route_get(backend.route_get(cmd)), "", 0
    if isinstance(cmd, Sleep):
        backend.sleep(cmd.seconds)
        return "", "", 0
    raise CommandError(f"vethlab: {type(cmd).__name__} is not supported by this backend", 1)


def _record_macs(backend: Backend, macs: dict[str, str]) -> None:
    """Remember which interface owns each MAC, for comparisons that name MACs by owner."""
    backend.settle()
    names = [ROOT_NS] + [e.name for e in backend.netns_list().entries]
    for ns in names:
        try:
            state = backend.snapshot(ns)
        except CommandError:
            continue
        # A bridge takes one of its ports' MACs (the smallest); which port that is
        # depends on random MACs, so a shared MAC is named after the bridge, which is
        # also the device that sends frames from it.
        for link in sorted(state.links, key=lambda l: l.kind == "bridge"):
            if link.kind != "loopback" and link.mac:
                macs[link.mac] = f"{ns}/{link.name}"


def _changes_macs(cmd: Command) -> bool:
    """Commands after which an interface (and so its MAC) may be gone or renamed."""
    return isinstance(cmd, (NetnsDel, LinkDel)) or (
        isinstance(cmd, LinkSet) and bool(cmd.address or cmd.master or cmd.nomaster))


class Runner:
    """Runs commands one at a time on a backend, accumulating a ``Run``.

    ``execute`` drives it over a whole script; ``vethlab shell`` feeds it a line at a
    time, so a typed session and a script give the same result.
    """

    def __init__(self, backend: Backend, path: str = "<lab>"):
        self.backend = backend
        self.run = Run(backend=backend.name, script=path)
        self._noted_ping = False

    def step(self, cmd: Command) -> CommandResult:
        """Run one command and record its result (a failure is a result, not an error)."""
        backend, run = self.backend, self.run
        if _changes_macs(cmd):
            _record_macs(backend, run.macs)
        if isinstance(cmd, (Ping, Arping)) and cmd.interrupted and not self._noted_ping:
            run.notes.append(INTERRUPTED_PING_NOTE.format(n=DEFAULT_PING_COUNT))
            self._noted_ping = True
        if not isinstance(cmd, CONFIG_COMMANDS):
            backend.settle()
        start = backend.now()
        try:
            stdout, stderr, rc = _perform(backend, cmd)
        except CommandError as err:
            stdout, stderr, rc = "", err.message + "\n", err.rc
        result = CommandResult(line=cmd.line, cmd=cmd.to_script(), rc=rc, stdout=stdout,
                               stderr=stderr, netns=cmd.netns, t=start,
                               duration=max(0.0, backend.now() - start))
        run.commands.append(result)
        return result

    def collect(self) -> Run:
        """Bring the run's frames, events and MAC owners up to date and return it."""
        _record_macs(self.backend, self.run.macs)
        self.run.frames = sorted(self.backend.frames(), key=lambda f: f.t)
        self.run.events = sorted(self.backend.events(), key=lambda e: e.t)
        return self.run


def execute(script: Script, backend: Backend,
            on_result: Callable[[CommandResult], None] | None = None) -> Run:
    """Run every command of ``script`` on ``backend``, in order, and collect a ``Run``.

    ``on_result`` is called after each command (the CLI prints as it goes).
    """
    runner = Runner(backend, script.path)
    for cmd in script.commands:
        result = runner.step(cmd)
        if on_result is not None:
            on_result(result)
    return runner.collect()
