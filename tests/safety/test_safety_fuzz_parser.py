"""Property: no text, no bytes and no arrangement of the lab's own words makes the parser
raise anything but ``ScriptError`` — and every ``ScriptError`` names a real line."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ScriptError
from sim.script import parse
from sim.script.source import decode, split_lines

from fuzz import FUZZ, big_number, numeric_templates, soup

PATH = "fuzz.ip"


def _parse_or_script_error(text: str, lenient: bool = False) -> None:
    lines = max(1, len(split_lines(text)))
    try:
        parse(text, PATH, lenient_output=lenient)
    except ScriptError as exc:
        assert 1 <= exc.line <= lines, (exc.line, lines)
        assert str(exc).startswith(f"{PATH}:{exc.line}: "), str(exc)
        assert exc.message and "Traceback" not in exc.message


@FUZZ
@given(st.text(max_size=400), st.booleans())
def test_arbitrary_text(text, lenient):
    _parse_or_script_error(text, lenient)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_the_cli_reads_them(data):
    try:
        text = decode(data, PATH)
    except ScriptError as exc:
        assert 1 <= exc.line <= data.count(b"\n") + 1
        return
    _parse_or_script_error(text)


@FUZZ
@given(soup, st.booleans())
def test_soups_of_lab_words(text, lenient):
    _parse_or_script_error(text, lenient)


@FUZZ
@given(numeric_templates, big_number)
def test_numbers_out_of_range(template, number):
    _parse_or_script_error(template.format(number))


def test_every_message_has_its_line():
    text = "ip netns add ns1\n\n# comment\nping -c 99999999999999999999 172.16.0.2\n"
    try:
        parse(text, PATH)
    except ScriptError as exc:
        assert exc.line == 4
        assert str(exc) == (f"{PATH}:4: ping: invalid argument: '99999999999999999999': out "
                            "of range: 1 <= value <= 9223372036854775807")
    else:
        raise AssertionError("accepted an out-of-range count")
