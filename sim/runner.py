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
from sim.collector import collector_paused
from sim.commands import (
    AddrAdd, AddrDel, AddrFlush, AddrShow, Arping, BridgeFdbShow, BridgeLinkShow, Command,
    DEFAULT_PING_COUNT, LinkAddBridge, LinkAddVeth, LinkDel, LinkSet, LinkShow, NeighDel,
    NeighFlush, NeighModify, NeighShow, NetnsAdd, NetnsDel, NetnsList, Ping, RouteGet,
    RouteModify, RouteShow, Script, Sleep, Sysctl,
)
from sim.errors import CommandError
from sim.limits import LIMIT_RC, LimitExceeded, Limits
from sim.model import ROOT_NS
from sim.result import CommandResult, Run
from sim.trace import FrameLog

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
        return show.render_addr(state, cmd.dev, family=cmd.family, brief=cmd.brief,
                                oneline=cmd.oneline, color=cmd.color)
    if isinstance(cmd, LinkShow):
        return show.render_link(state, cmd.dev, master=cmd.master, brief=cmd.brief,
                                oneline=cmd.oneline, color=cmd.color)
    if isinstance(cmd, RouteShow):
        return show.render_route(state, color=cmd.color)
    if isinstance(cmd, NeighShow):
        return show.render_neigh(state, cmd.dev, brief=cmd.brief, color=cmd.color)
    if isinstance(cmd, BridgeFdbShow):
        return show.render_fdb(state, br=cmd.br, dev=cmd.dev)
    if isinstance(cmd, BridgeLinkShow):
        return show.render_bridge_link(state, cmd.dev)
    raise TypeError(f"not a listing: {type(cmd).__name__}")


LISTINGS = (NetnsList, AddrShow, LinkShow, RouteShow, NeighShow, BridgeFdbShow, BridgeLinkShow)


def _addr_flush(backend: Backend, cmd: AddrFlush) -> None:
    """``ip addr flush dev DEV`` as iproute2 does it: list the device's addresses, then
    delete each one (through ``Backend.apply``, so netlink on the kernel backend).

    Secondaries go first: deleting a primary takes its secondaries with it, and a later
    delete of one of those would fail.  Routes follow the addresses as in Linux (the
    backends' ``AddrDel`` models that).  A device without addresses is no error.
    """
    state = backend.snapshot(cmd.netns)
    if state.link(cmd.dev) is None:
        raise show.missing_device(cmd.dev)
    mine = [a for a in state.addresses if a.dev == cmd.dev]
    for a, _secondary in reversed(show.kernel_order(mine)):
        backend.apply(AddrDel(netns=cmd.netns, line=cmd.line, text=cmd.text, dev=cmd.dev,
                              cidr=f"{a.local}/{a.prefixlen}"))


def _perform(backend: Backend, cmd: Command) -> tuple[str, str, int]:
    """Run one command; return (stdout, stderr, rc).  ``CommandError`` propagates."""
    if isinstance(cmd, CONFIG_COMMANDS):
        backend.apply(cmd)
        return "", "", 0
    if isinstance(cmd, AddrFlush):
        _addr_flush(backend, cmd)
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


def _record_macs(backend: Backend, macs: dict[str, str],
                 only: list[str] | None = None) -> None:
    """Remember which interface owns each MAC, for comparisons that name MACs by owner.

    ``only``: the namespaces a command can change MACs in (default: all of them).
    """
    names = only if only is not None else \
        [ROOT_NS] + [e.name for e in backend.netns_list().entries]
    for ns in names:
        for mac, dev in backend.mac_owners(ns):
            macs[mac] = f"{ns}/{dev}"


def _mac_scope(cmd: Command) -> list[str] | None:
    """Where ``cmd`` can change or remove a MAC: ``ip link set … address|master`` only in
    its namespace (and the one it moves the device to); deletions anywhere (a veth's peer
    goes with it), so those record every namespace."""
    if isinstance(cmd, LinkSet):
        return [cmd.netns] + ([cmd.to_netns] if cmd.to_netns else [])
    return None


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
        self._noted_frames = False
        #: Set when a limit stopped the run (sim/limits.py): nothing more may run.
        self.stopped: LimitExceeded | None = None

    def step(self, cmd: Command) -> CommandResult:
        """Run one command and record its result (a failure is a result, not an error)."""
        backend, run = self.backend, self.run
        if _changes_macs(cmd):
            _record_macs(backend, run.macs, _mac_scope(cmd))
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
        except LimitExceeded as err:
            # A runaway (a bridge loop, a flood) hit a bound: keep what ran, say where.
            stdout, stderr, rc = "", err.message + "\n", LIMIT_RC
            self.stopped = err
            where = f" at {run.script}:{cmd.line}" if cmd.line else ""
            run.notes.append(f"the run stopped{where}: {Limits.flag(err.limit)} was reached, "
                             "so the lines after it did not run")
        result = CommandResult(line=cmd.line, cmd=cmd.to_script(), rc=rc, stdout=stdout,
                               stderr=stderr, netns=cmd.netns, t=start,
                               duration=max(0.0, backend.now() - start))
        run.commands.append(result)
        return result

    def collect(self) -> Run:
        """Bring the run's frames, events and MAC owners up to date and return it.

        The simulator hands over its ``FrameLog`` (compact, already in time order); a
        backend that returns a plain list has it sorted and, if the caller gave it a
        ``frame_log`` (``sim.run(keep_frames=..., max_frames=..., pcap=...)``), poured
        into that, so the options mean the same on both backends.
        """
        _record_macs(self.backend, self.run.macs)
        frames = self.backend.frames()
        if not isinstance(frames, FrameLog):
            ordered = sorted(frames, key=lambda f: f.t)
            log = getattr(self.backend, "frame_log", None)
            if isinstance(log, FrameLog):
                if log.seen == 0:  # once: a sink must not see a frame twice
                    for f in ordered:
                        log.record(f.t, f.netns, f.dev, f.dir, f.data)
                frames = log
            else:
                frames = ordered
        self.run.frames = frames  # type: ignore[assignment]
        if isinstance(frames, FrameLog) and frames.not_kept and not self._noted_frames:
            self._noted_frames = True
            why = "keep_frames=False" if not frames.keep else f"max_frames={frames.max_frames}"
            self.run.notes.append(f"{frames.not_kept} of {frames.seen} frames were not kept "
                                  f"({why}); the run holds {len(frames)}")
        self.run.events = sorted(self.backend.events(), key=lambda e: e.t)
        return self.run


def execute(script: Script, backend: Backend,
            on_result: Callable[[CommandResult], None] | None = None, *,
            progress: bool = False) -> Run:
    """Run every command of ``script`` on ``backend``, in order, and collect a ``Run``.

    ``on_result`` is called after each command (the CLI prints as it goes).
    ``progress``: a bar on stderr once the run has taken a second (``sim.progress``).
    """
    from sim.progress import bar

    runner = Runner(backend, script.path)
    pbar = bar(len(script.commands), f"{backend.name}: {script.path}", progress)
    log = getattr(backend, "frame_log", None)
    # the simulator's lab is a big, long-lived object graph (see sim.collector); a kernel
    # run is small in memory and long in time (pyroute2 makes cyclic garbage), so its
    # collector keeps running
    with collector_paused(backend.name == "sim"):
        try:
            for i, cmd in enumerate(script.commands):
                result = runner.step(cmd)
                if on_result is not None:
                    on_result(result)
                pbar.update(1)
                if progress and isinstance(log, FrameLog) and i % 64 == 0:
                    pbar.set_postfix_str(f"{log.seen} frames", refresh=False)
                if runner.stopped is not None:
                    break
        finally:
            pbar.close()
        return runner.collect()

