"""``vethlab shell``: type a lab one command at a time and look at the wire as you go.

Each line is parsed and run at once on one backend that lives for the whole session, so
namespaces, neighbour entries and timers carry over from line to line exactly as in a
script.  Lines starting with ``:`` look at the session instead of changing it.  Input can
be piped, which makes a typed session reproducible.
"""
from __future__ import annotations

from typing import TextIO

from backends.base import Backend
from sim.dissect import summarize
from sim.errors import VethlabError
from sim.result import CommandResult
from sim.runner import Runner
from sim.script import parse_line
from sim.script.validate import LineError

HELP = """\
Type lab commands as in a script: ip …, ip netns exec NS …, ping …, arping …, bridge …,
sysctl …, sleep SEC.  Session commands:
  :frames [N]      the last N frames (default 20), one line each
  :events [N]      the last N neighbour state changes, with reasons
  :save FILE       write the session as JSON
  :pcap FILE       write every frame as pcapng
  :plot FILE       draw the ladder diagram (PNG/SVG)
  :help            this text
  :quit            leave (Ctrl-D too); the backend removes everything it made
"""


class Shell:
    """A read-run-print loop over one backend."""

    def __init__(self, backend: Backend, out: TextIO, err: TextIO, path: str = "<stdin>"):
        self.runner = Runner(backend, path)
        self.out, self.err, self.path = out, err, path
        self.line = 0
        self.last_rc = 0

    def prompt(self) -> str:
        return f"vethlab({self.runner.backend.name})$ "

    def handle(self, text: str) -> bool:
        """Run one input line; return False when the session should end."""
        self.line += 1
        text = text.strip()
        if text.startswith("$ "):
            text = text[2:].strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith(":"):
            return self._session(text[1:].split())
        try:
            cmd = parse_line(text, line=self.line)
        except LineError as exc:
            self.err.write(f"{self.path}:{self.line}: {exc}\n")
            self.last_rc = 2
            return True
        if cmd is not None:
            self._print(self.runner.step(cmd))
        return True

    def _print(self, r: CommandResult) -> None:
        self.out.write(r.stdout)
        self.out.flush()
        for line in r.stderr.splitlines():
            self.err.write(f"{self.path}:{r.line}: {line}\n")
        self.err.flush()
        self.last_rc = r.rc

    def _session(self, words: list[str]) -> bool:
        if not words or words[0] in ("help", "h", "?"):
            self.out.write(HELP)
            return True
        verb, args = words[0], words[1:]
        if verb in ("quit", "q", "exit"):
            return False
        run = self.runner.collect()
        try:
            if verb == "frames":
                n = int(args[0]) if args else 20
                for f in run.frames[-n:]:
                    self.out.write(f"{f.t:12.6f} {f.netns}/{f.dev} {f.dir:<3} "
                                   f"{summarize(f.data)}\n")
            elif verb == "events":
                n = int(args[0]) if args else 20
                for e in run.events[-n:]:
                    why = f"  ({e.reason})" if e.reason else ""
                    self.out.write(f"{e.t:12.6f} {e.netns}/{e.dev} {e.subject} "
                                   f"{e.old} -> {e.new}{why}\n")
            elif verb in ("save", "pcap", "plot") and len(args) == 1:
                if verb == "save":
                    run.save(args[0])
                elif verb == "pcap":
                    from sim.pcapng import write_pcapng

                    write_pcapng(run, args[0])
                else:
                    from sim.plot import save_plot

                    save_plot(run, args[0])
                self.out.write(f"wrote {args[0]}\n")
            else:
                self.err.write(f"vethlab: unknown session command :{' '.join(words)} (:help)\n")
        except (ValueError, OSError) as exc:
            self.err.write(f"vethlab: {exc}\n")
        return True


def interact(backend: Backend, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Read lines until EOF or ``:quit``; return the last command's status."""
    shell = Shell(backend, out, err)
    tty = stdin.isatty()
    if tty:
        out.write(f"vethlab shell on the {backend.name} backend; :help for help, Ctrl-D to leave\n")
    while True:
        if tty:
            out.write(shell.prompt())
            out.flush()
        text = stdin.readline()
        if not text:
            break
        try:
            if not shell.handle(text):
                break
        except VethlabError as exc:
            err.write(f"{exc}\n")
    return shell.last_rc
