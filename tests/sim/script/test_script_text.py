"""Whole texts: prompts, comments, pasted output, shell syntax, the registry, the seed."""
from __future__ import annotations

from pathlib import Path

import pytest

from sim.commands import (
    AddrAdd,
    AddrShow,
    Command,
    LinkAddVeth,
    LinkSet,
    NetnsAdd,
    Ping,
    Sleep,
)
from sim.errors import ScriptError
from sim.script import LineError, parse, parse_file, parse_line, register, tools
from sim.script.tokenize import split

REPO = Path(__file__).resolve().parents[3]
SEED_MD = REPO / "sim" / "labs" / "seed-veth.md"
SEED_IP = REPO / "sim" / "labs" / "seed-veth.ip"


# ---- tokenizer -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,words",
    [("ip  link   show", ["ip", "link", "show"]),
     ("ping 'a b' \"c d\"", ["ping", "a b", "c d"]),
     (r"ping a\ b", ["ping", "a b"]),
     (r'echo "x\"y" "\$" "a\b"', ["echo", 'x"y', "$", r"a\b"]),
     ("ip addr # trailing comment", ["ip", "addr"]),
     ("ip a#b", ["ip", "a#b"]),
     ("echo ''", ["echo", ""]),
     ("echo '|;&'", ["echo", "|;&"]),
     ("echo 5$", ["echo", "5$"]),
     ("# only a comment", [])],
)
def test_split(text, words):
    assert split(text) == words


@pytest.mark.parametrize(
    "text,what",
    [("ip link | grep x", "|"), ("ip link; ip addr", ";"), ("ip a && ip l", "&&"),
     ("ip a || true", "||"), ("ip a > out", ">"), ("ip a >> out", ">>"), ("ip a < in", "<"),
     ("sleep 1 &", "&"), ("ping $(cat addr)", "$("), ("ping `cat addr`", "`"),
     ("ping $ADDR", "$A"), ('ping "${ADDR}"', "${"), ("(ip a)", "(")],
)
def test_shell_syntax_is_refused(text, what):
    with pytest.raises(LineError) as e:
        split(text)
    assert e.value.message.startswith(f'vethlab: shell syntax "{what}" is not supported')


@pytest.mark.parametrize(
    "text,message",
    [("ping 'x", "vethlab: unterminated quote (')"), ('ping "x', 'vethlab: unterminated quote (")')],
)
def test_unterminated_quotes(text, message):
    with pytest.raises(LineError) as e:
        split(text)
    assert e.value.message == message


# ---- lines ---------------------------------------------------------------------------

def test_plain_script_lines_comments_and_blank_lines():
    s = parse("# a lab\n\nip netns add ns1\n   \n  # indented comment\nsleep 1  # wait\n", "p.ip")
    assert s.path == "p.ip"
    assert [(c.line, c.text) for c in s.commands] == [(3, "ip netns add ns1"), (6, "sleep 1  # wait")]


def test_prompt_lines_only_when_any_prompt():
    text = "$ ip netns add ns1\n# a root prompt is a comment\n\n  $ sleep 1\n$\n"
    s = parse(text)
    assert [(type(c), c.line, c.text) for c in s.commands] == [
        (NetnsAdd, 1, "ip netns add ns1"),
        (Sleep, 4, "sleep 1"),
    ]


def test_output_line_is_an_error_in_strict_mode():
    text = "$ ip addr\n13: veth1@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n"
    with pytest.raises(ScriptError) as e:
        parse(text, "book.txt")
    assert e.value.line == 2
    assert e.value.message.startswith('not a command: "13: veth1@if12:')
    assert [c.text for c in parse(text, lenient_output=True).commands] == ["ip addr"]


@pytest.mark.parametrize("line", ["64 bytes from 172.16.0.2: icmp_seq=1 ttl=64 time=0.309 ms", "..."])
def test_output_without_prompts_is_an_unknown_command(line):
    with pytest.raises(ScriptError) as e:
        parse(line)
    assert e.value.message.startswith("vethlab: unsupported command")


def test_backslash_continuation_keeps_first_line_number():
    s = parse("sleep 1\nip link add veth1 \\\n  type veth peer name veth2\n")
    cmd = s.commands[1]
    assert isinstance(cmd, LinkAddVeth) and cmd.line == 2 and cmd.peer == "veth2"


def test_parse_line():
    assert parse_line("  # nothing") is None
    cmd = parse_line("ping -c 1 10.0.0.1", line=7, netns="ns1")
    assert cmd == Ping(netns="ns1", line=7, text="ping -c 1 10.0.0.1", dest="10.0.0.1", count=1)
    with pytest.raises(ValueError):
        parse_line("ip foo")


# ---- the registry --------------------------------------------------------------------

def test_unsupported_command_lists_tools():
    with pytest.raises(ScriptError) as e:
        parse("curl http://x")
    assert e.value.message == 'vethlab: unsupported command "curl" (supported: arping, bridge, ip, ping, sleep, sysctl)'


def test_register_a_tool_reaches_netns_exec():
    def parse_true(argv, ctx) -> Command:
        return ctx.make(Sleep, seconds=0.0)

    register("true", parse_true)
    try:
        assert "true" in tools()
        (cmd,) = parse("ip netns exec ns1 true").commands
        assert cmd == Sleep(netns="ns1", seconds=0.0, line=1, text="ip netns exec ns1 true")
    finally:
        from sim.script import parser

        parser._TOOLS.pop("true")
    assert "true" not in tools()


# ---- the seed section ------------------------------------------------------------------

SEED_COMMANDS = [
    AddrShow(),  # the Kubernetes-node aside
    NetnsAdd(name="ns1"),
    NetnsAdd(name="ns2"),
    LinkAddVeth(name="veth1", peer="veth1-peer"),
    LinkSet(dev="veth1", to_netns="ns1"),
    LinkSet(dev="veth1-peer", to_netns="ns2"),
    AddrAdd(netns="ns1", dev="veth1", cidr="172.16.0.1/24"),
    LinkSet(netns="ns1", dev="veth1", up=True),
    AddrAdd(netns="ns2", dev="veth1-peer", cidr="172.16.0.2/24"),
    LinkSet(netns="ns2", dev="veth1-peer", up=True),
    AddrShow(netns="ns1"),
    Ping(netns="ns1", dest="172.16.0.2"),  # no -c: the lab stops it
]


def _bare(commands):
    from dataclasses import replace

    return [replace(c, line=0, text="") for c in commands]


def test_seed_book_text_parses_leniently():
    script = parse(Path("/work/shared/seed-veth.md").read_text(), "seed-veth.md", lenient_output=True)
    assert _bare(script.commands) == SEED_COMMANDS
    assert script.commands[0].line == 13 and script.commands[0].text == "ip addr"
    assert script.commands[-1].text == "ip netns exec ns1 ping 172.16.0.2"
    assert script.commands[-1].interrupted


def test_seed_book_copy_is_verbatim_and_markdown_files_are_lenient():
    assert SEED_MD.read_text() == Path("/work/shared/seed-veth.md").read_text()
    assert _bare(parse_file(SEED_MD).commands) == SEED_COMMANDS
    with pytest.raises(ScriptError):
        parse_file(SEED_MD, lenient_output=False)


def test_seed_script_is_the_walk_through_without_the_aside():
    script = parse_file(SEED_IP)
    assert _bare(script.commands) == SEED_COMMANDS[1:]
    book = [c.text for c in parse_file(SEED_MD).commands[1:]]
    assert [c.text for c in script.commands] == book
