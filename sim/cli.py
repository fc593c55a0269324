"""``vethlab``: run, compare, demo, bench, cleanup.

Every user-facing failure ends here as one line on stderr and a non-zero status, never a
traceback: script errors as ``FILE:LINE: message`` (status 2), failed commands as the real
tool's message prefixed with ``FILE:LINE:`` (the run goes on and exits with the last
command's status), an unavailable backend as one sentence saying what works instead.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from sim.errors import BackendUnavailable, ScriptError, VethlabError
from sim.limits import Limits
from sim.limits import add_arguments as add_limit_flags
from sim.result import CommandResult, Run


def _read(path: str) -> str:
    """The lab's text; bytes that are not UTF-8 are a ``FILE:LINE:`` error."""
    from sim.script.source import decode

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise VethlabError(f"vethlab: cannot read {path}: {exc.strerror}") from None
    return decode(data, path)


class Terminal:
    """Prints results as a terminal session would: ``$ cmd``, its output, its errors."""

    def __init__(self, path: str, out: TextIO, err: TextIO, comments: dict[int, list[str]] | None = None):
        self.path, self.out, self.err = path, out, err
        self.comments = comments or {}

    def __call__(self, r: CommandResult) -> None:
        for c in self.comments.get(r.line, []):
            self.out.write(f"{c}\n")
        self.out.write(f"$ {r.cmd}\n")
        self.out.write(r.stdout)
        self.out.flush()
        for line in r.stderr.splitlines():
            where = f"{self.path}:{r.line}: " if r.line else ""
            self.err.write(f"{where}{line}\n")
        self.err.flush()


def _comments_before(text: str, lines: Sequence[int]) -> dict[int, list[str]]:
    """The ``#`` comment lines that stand before each command line (for the demo)."""
    src = text.splitlines()
    out: dict[int, list[str]] = {}
    prev = 0
    for ln in lines:
        block: list[str] = []
        for s in src[prev:ln - 1]:
            s = s.strip()
            if s.startswith("#"):
                block.append(s)
            elif not s and block and block[-1]:
                block.append("")  # keep paragraph breaks between comment blocks
        while block and not block[-1]:
            block.pop()
        if block:
            out[ln] = [""] + block if prev else block
        prev = ln
    return out


def _run_script(path: str, backend: str, seed: int, out: TextIO, err: TextIO,
                comments: bool = False, limits: "Limits | None" = None,
                args: argparse.Namespace | None = None) -> Run:
    from sim import load_script
    from sim.registry import make_backend
    from sim.runner import execute

    text = _read(path)
    script = load_script(text, path)
    be, note = make_backend(backend, seed=seed, limits=limits, script=script)
    if note:
        err.write(f"vethlab: {note}\n")
    cmts = _comments_before(text, [c.line for c in script.commands]) if comments else None
    from sim.progress import wanted

    progress = args is not None and not getattr(args, "no_progress", False) and wanted(None, err)
    with be:
        stream = _frame_log(be, args, path)
        try:
            run = execute(script, be, on_result=Terminal(path, out, err, cmts),
                          progress=progress)
        finally:
            if stream is not None:
                stream.close()
    if stream is not None and args is not None:
        run.notes.append(f"{stream.count} frames were written to {args.pcap} as the run went")
    if note:
        run.notes.insert(0, note)
    for n in run.notes[1 if note else 0:]:
        err.write(f"vethlab: {n}\n")
    return run


def _frame_log(be: object, args: argparse.Namespace | None, path: str):  # type: ignore[no-untyped-def]
    """``--no-frames`` / ``--max-frames N`` (with ``--pcap FILE``: streamed while the run
    goes): give the backend a FrameLog that keeps less.  Returns the stream, if any."""
    if args is None:
        return None
    keep = not getattr(args, "no_frames", False)
    cap = getattr(args, "max_frames", None)
    if keep and cap is None:
        return None
    from sim.trace import FrameLog

    stream = None
    if getattr(args, "pcap", None):
        from sim.pcapng import PcapngStream

        stream = PcapngStream(args.pcap, f"{getattr(be, 'name', '')} backend: {path}")
        args.pcap_streamed = True
    be.frame_log = FrameLog(keep=keep, max_frames=cap, sink=stream)  # type: ignore[attr-defined]
    return stream


def _write_outputs(run: Run, args: argparse.Namespace) -> None:
    if getattr(args, "json", None):
        run.save(args.json)
    if getattr(args, "pcap", None) and not getattr(args, "pcap_streamed", False):
        from sim.pcapng import write_pcapng

        write_pcapng(run, args.pcap)
    if getattr(args, "plot", None):
        from sim.plot import save_plot

        save_plot(run, args.plot)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.limits import from_arguments

    run = _run_script(args.script, args.backend, args.seed, sys.stdout, sys.stderr,
                      limits=from_arguments(args), args=args)
    _write_outputs(run, args)
    return run.rc


def cmd_demo(args: argparse.Namespace) -> int:
    from sim.labs import SEED_SCRIPT

    run = _run_script(str(SEED_SCRIPT), "sim", args.seed, sys.stdout, sys.stderr, comments=True,
                      args=args)
    tail = _trailing_comments(SEED_SCRIPT.read_text(encoding="utf-8"))
    if tail:
        sys.stdout.write("\n" + "\n".join(tail) + "\n")
    sys.stdout.write(_wire_summary(run, "ns1", "veth1"))
    _write_outputs(run, args)
    return run.rc


def _wire_summary(run: Run, netns: str, dev: str) -> str:
    """What crossed one interface, tcpdump-style, with times since the run began."""
    from sim.dissect import summarize

    lines = [f"\n# On the wire at {netns}/{dev} (vethlab run --pcap FILE opens it in Wireshark):"]
    for f in run.frames:
        if (f.netns, f.dev) == (netns, dev):
            arrow = "->" if f.dir == "out" else "<-"
            lines.append(f"#   {f.t:10.6f} s {arrow} {summarize(f.data)}")
    return "\n".join(lines) + "\n"


def _trailing_comments(text: str) -> list[str]:
    """The ``#`` lines after a script's last command (the demo's closing explanation)."""
    lines = text.splitlines()
    tail: list[str] = []
    for s in reversed(lines):
        s = s.strip()
        if s.startswith("#"):
            tail.append(s)
        elif s:
            break
    return tail[::-1]


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import compare

    if args.kernel_json:
        sim_run = _run_script(args.script, "sim", args.seed, _Null(), _Null())
        kern_run = Run.load(args.kernel_json)
    else:
        from sim.registry import kernel_available

        ok, why = kernel_available()
        if not ok:
            raise BackendUnavailable(f"vethlab compare: {why}; or pass --kernel-json FILE "
                                     "from an earlier kernel run")
        sim_run = _run_script(args.script, "sim", args.seed, _Null(), _Null())
        kern_run = _run_script(args.script, "kernel", args.seed, _Null(), _Null())
    if args.json_dir:
        import os

        os.makedirs(args.json_dir, exist_ok=True)
        sim_run.save(os.path.join(args.json_dir, "sim.json"))
        kern_run.save(os.path.join(args.json_dir, "kernel.json"))
    result = compare(sim_run, kern_run)
    sys.stdout.write(result.report())
    if not result.report().endswith("\n"):
        sys.stdout.write("\n")
    return 0 if result.ok else 1


def cmd_cleanup(args: argparse.Namespace) -> int:
    from backends.kernel.sandbox import cleanup

    removed = cleanup(all_runs=args.all)
    for name in removed:
        sys.stdout.write(f"removed {name}\n")
    if not removed:
        sys.stdout.write("nothing to clean up\n")
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    from sim.registry import make_backend
    from sim.shell import interact

    from sim.limits import from_arguments

    be, note = make_backend(args.backend, seed=args.seed, limits=from_arguments(args))
    if note:
        sys.stderr.write(f"vethlab: {note}\n")
    with be:
        return interact(be, sys.stdin, sys.stdout, sys.stderr)


def cmd_bench(args: argparse.Namespace) -> int:
    from sim.bench import main as bench_main

    return bench_main(args, sys.stdout)


class _Null:
    """A stream that swallows output (compare prints only its report)."""

    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vethlab", description=(
        "See how Linux networking works: run a lab script of ip/ping commands on a "
        "simulator or on real network namespaces, and compare the two."))
    sub = p.add_subparsers(dest="command", required=True)

    def outputs(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", metavar="FILE", help="write the run as JSON")
        sp.add_argument("--pcap", metavar="FILE", help="write every frame as pcapng")
        sp.add_argument("--plot", metavar="FILE", help="draw the frames as a ladder diagram (PNG/SVG)")
        sp.add_argument("--seed", type=int, default=0, help="seed for the simulator's MACs and timers")
        sp.add_argument("--no-frames", action="store_true",
                        help="keep only frame counts (with --pcap: frames stream to the file)")
        sp.add_argument("--max-frames", type=int, metavar="N", help="keep only the first N frames")
        sp.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    r = sub.add_parser("run", help="run a lab script")
    r.add_argument("script")
    r.add_argument("--backend", choices=["sim", "kernel", "auto"], default="auto",
                   help="sim: simulator; kernel: real namespaces (root); auto: kernel if possible")
    outputs(r)
    add_limit_flags(r)
    r.set_defaults(func=cmd_run)

    d = sub.add_parser("demo", help="run the book's veth walk-through on the simulator")
    outputs(d)
    d.set_defaults(func=cmd_demo)

    c = sub.add_parser("compare", help="run a script on both backends and diff the results")
    c.add_argument("script")
    c.add_argument("--kernel-json", metavar="FILE", help="use a recorded kernel run instead of running one")
    c.add_argument("--json-dir", metavar="DIR", help="save both runs as JSON here")
    c.add_argument("--seed", type=int, default=0)
    c.set_defaults(func=cmd_compare)

    b = sub.add_parser("bench", help="measure the simulator (and the kernel backend if possible)")
    b.add_argument("--quick", action="store_true", help="smaller sizes")
    b.add_argument("--backend", choices=["sim", "kernel", "auto"], default="auto")
    b.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    b.set_defaults(func=cmd_bench)

    sh = sub.add_parser("shell", help="type a lab one command at a time")
    sh.add_argument("--backend", choices=["sim", "kernel", "auto"], default="sim",
                    help="sim (default), kernel (root) or auto")
    sh.add_argument("--seed", type=int, default=0)
    add_limit_flags(sh)
    sh.set_defaults(func=cmd_shell)

    k = sub.add_parser("cleanup", help="remove namespaces left behind by killed kernel runs")
    k.add_argument("--all", action="store_true", help="remove every vethlab namespace, not only dead runs'")
    k.set_defaults(func=cmd_cleanup)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ScriptError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except BackendUnavailable as exc:
        sys.stderr.write(f"vethlab: {exc}\n" if not str(exc).startswith("vethlab") else f"{exc}\n")
        return 2
    except VethlabError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("vethlab: interrupted; everything the run created was removed\n")
        return 130
    except BrokenPipeError:
        return 141


if __name__ == "__main__":
    sys.exit(main())
