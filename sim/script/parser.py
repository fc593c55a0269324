"""The lab language: text in, a ``Script`` of typed Commands out, nothing run.

Each tool has its own parser, ``(argv, ctx) -> Command``, kept in a small registry keyed
by ``argv[0]``; a later tool (``arping``, ``bridge``, ``sysctl``) is one ``register``
call.  The whole text is parsed before anything runs, and the first bad line stops it
with ``ScriptError(path, line, message)`` so a lab never half-builds a topology.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from sim.collector import collector_paused
from sim.commands import Command, Script
from sim.script.bridge import parse_bridge
from sim.errors import ScriptError
from sim.model import ROOT_NS
from sim.script.context import Context
from sim.script.ip import parse_ip
from sim.script.lines import source_lines
from sim.script.source import check_line, decode
from sim.script.arping import parse_arping
from sim.script.ping import parse_ping
from sim.script.sysctl import parse_sysctl
from sim.script.sleep import parse_sleep
from sim.script.tokenize import split
from sim.script.validate import LineError

ToolParser = Callable[[list[str], Context], Command]

_TOOLS: dict[str, ToolParser] = {}

#: Files whose lines outside ``$ `` prompts are prose and pasted output, not commands.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def register(tool: str, parser: ToolParser) -> None:
    """Make ``tool`` a command of the lab language (replacing any parser it had)."""
    _TOOLS[tool] = parser


def tools() -> tuple[str, ...]:
    """The commands a lab line may start with."""
    return tuple(sorted(_TOOLS))


register("ip", parse_ip)
register("bridge", parse_bridge)
register("ping", parse_ping)
register("arping", parse_arping)
register("sysctl", parse_sysctl)
register("sleep", parse_sleep)


def parse_argv(argv: list[str], ctx: Context) -> Command:
    """One command from its words; ``ip netns exec`` comes back here for its inner command."""
    if len(argv) > 1 and argv[0] == "sudo" and not argv[1].startswith("-"):
        argv = argv[1:]  # books write "sudo ip ..."; the lab already has the privileges
    tool = _TOOLS.get(argv[0])
    if tool is None:
        raise LineError(
            f'vethlab: unsupported command "{argv[0]}" (supported: {", ".join(tools())})'
        )
    return tool(argv, Context(ctx.netns, ctx.line, ctx.text, ctx.nested, parse_argv))


def parse_line(text: str, *, line: int = 0, netns: str = ROOT_NS) -> Command | None:
    """One command line (no prompt); ``None`` for a blank or comment-only line.

    Raises ``LineError`` (a ``ValueError``) with the message a script error would carry.
    """
    check_line(text)
    argv = split(text)
    if not argv:
        return None
    return parse_argv(argv, Context(netns=netns, line=line, text=text.strip()))


def parse(text: str, path: str = "<lab>", lenient_output: bool = False) -> Script:
    """Parse a whole lab.

    If any line starts with a ``$ `` prompt, only prompted lines are commands; other
    non-blank, non-comment lines are an error unless ``lenient_output`` (book and
    markdown text, where they are prose and the commands' printed output).  Without
    prompts, every non-blank, non-comment line is a command.
    """
    with collector_paused():  # a 60,000-line lab: see sim/collector.py
        return _parse(text, path, lenient_output)


def _parse(text: str, path: str, lenient_output: bool) -> Script:
    commands: list[Command] = []
    for src in source_lines(text, lenient_output=lenient_output):
        if src.is_output:
            raise ScriptError(
                path,
                src.line,
                f'not a command: "{src.text}" (this text has "$ " prompts, so only prompted '
                "lines are commands; delete pasted output, or run the text as a .md file "
                "to skip it)",
            )
        try:
            command = parse_line(src.text, line=src.line)
        except LineError as e:
            raise ScriptError(path, src.line, e.message) from None
        if command is not None:
            commands.append(command)
    return Script(path=path, commands=tuple(commands))


def parse_file(path: str | Path, lenient_output: bool | None = None) -> Script:
    """Parse a lab file; ``.md``/``.markdown`` files are read leniently unless told."""
    p = Path(path)
    if lenient_output is None:
        lenient_output = p.suffix.lower() in MARKDOWN_SUFFIXES
    return parse(decode(p.read_bytes(), str(path)), str(path), lenient_output=lenient_output)
