"""Argument checks shared by the script parser and ``sim.Lab``.

A lab is validated before anything runs, so every value a command carries is checked
here once, with the message the real tool would print where it has one (iproute2's
``invarg``/``duparg`` wording, ``ll_addr_a2n``'s "is invalid lladdr").  The parser turns
a ``LineError`` into ``ScriptError(path, line, message)``; ``Lab`` lets it escape as the
``ValueError`` it is.

Values that have more than one spelling (MACs, CIDRs) are returned normalised, so a
backend never has to parse them again and a lab printed back and re-read is equal.
"""
from __future__ import annotations

import re

from sim.model import ROOT_NS

#: Linux IFNAMSIZ (16) less the terminating NUL.
IFNAMSIZ_MAX = 15
#: iproute2's check_altifname limit (ALTIFNAMSIZ 128 less the NUL) for names that refer
#: to an existing link, which may be an alternative name.
ALTIFNAMSIZ_MAX = 127
#: NAME_MAX: a named namespace is a file under /run/netns.
NETNS_NAME_MAX = 255


class LineError(ValueError):
    """A bad command line; ``message`` is what the user sees after ``FILE:LINE:``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- iproute2's own error helpers (lib/utils.c) ------------------------------------------

def incomplete() -> LineError:
    """NEXT_ARG() with nothing left."""
    return LineError('Command line is not complete. Try option "help"')


def duparg(key: str, arg: str) -> LineError:
    return LineError(f'Error: duplicate "{key}": "{arg}" is the second value.')


def duparg2(key: str, arg: str) -> LineError:
    return LineError(f'Error: either "{key}" is duplicate, or "{arg}" is a garbage.')


def invarg(msg: str, arg: str) -> LineError:
    return LineError(f'Error: argument "{arg}" is wrong: {msg}')


def need_dev() -> LineError:
    return LineError('Not enough information: "dev" argument is required.')


def unsupported(what: str, supported: str) -> LineError:
    """Something the real tool accepts but the lab does not model (yet)."""
    return LineError(f"vethlab: {what} is not supported yet (supported: {supported})")


def matches(prefix: str, word: str) -> bool:
    """iproute2's ``matches()``: a non-empty abbreviation of ``word``."""
    return bool(prefix) and word.startswith(prefix)


# ---- names ---------------------------------------------------------------------------

def _bad_ifname(name: str, limit: int) -> bool:
    # iproute2 check_ifname() plus the kernel's dev_valid_name(): no "/", ":" or spaces.
    return (
        not name
        or len(name.encode()) > limit
        or name in (".", "..")
        or any(c in "/:" or c.isspace() for c in name)
    )


def check_ifname(name: str, what: str = "name") -> str:
    """A name for a link being created: at most 15 bytes, no ``/``, ``:`` or spaces."""
    if _bad_ifname(name, IFNAMSIZ_MAX):
        raise invarg(f'"{what}" not a valid ifname', name)
    return name


def check_dev(name: str) -> str:
    """A name that refers to an existing link (iproute2 allows altnames up to 127)."""
    if _bad_ifname(name, ALTIFNAMSIZ_MAX):
        raise invarg('"dev" not a valid ifname', name)
    return name


def reserved_netns(name: str) -> LineError:
    return LineError(
        f'vethlab: namespace name "{name}" is reserved for the lab\'s root namespace'
    )


def check_netns_name(name: str) -> str:
    """A named namespace (``ip netns add NAME``): iproute2's invalid_name(), and not ``root``."""
    if not name or len(name.encode()) > NETNS_NAME_MAX or "/" in name or name in (".", ".."):
        raise LineError(f'Invalid netns name "{name}"')
    if name == ROOT_NS:
        raise reserved_netns(name)
    return name


def check_netns_value(name: str) -> str:
    """The NS of ``netns NS`` in ``ip link``: iproute2 words a bad one as an invarg."""
    try:
        return check_netns_name(name)
    except LineError as e:
        if name == ROOT_NS:
            raise
        raise invarg('Invalid "netns" value', name) from e


def check_run_netns(name: str) -> str:
    """Where a command runs: ``ROOT_NS`` (the lab's root) or a named namespace."""
    return name if name == ROOT_NS else check_netns_name(name)


# ---- addresses -----------------------------------------------------------------------

_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def is_ipv4(text: str) -> bool:
    """A dotted-quad IPv4 address (the lab has no DNS and no inet_aton shorthands)."""
    return _IPV4.fullmatch(text) is not None


def check_cidr(text: str) -> str:
    """``ADDR[/LEN]`` for ``ip addr add``; returns ``"a.b.c.d/len"`` (bare means /32)."""
    addr, slash, plen = text.partition("/")
    if ":" in addr:
        raise LineError(f'vethlab: IPv6 addresses are not supported yet ("{text}")')
    ok = is_ipv4(addr) and (not slash or (plen.isdigit() and int(plen) <= 32))
    if not ok:
        raise LineError(f'Error: any valid prefix is expected rather than "{text}".')
    return f"{addr}/{int(plen) if slash else 32}"


def check_mac(text: str) -> str:
    """An Ethernet address as ``ip link ... address MAC`` takes it; returns ``aa:bb:..``.

    The per-byte message is iproute2's ``ll_addr_a2n``; a wrong length or a multicast or
    all-zero address is refused by the kernel, whose answer is used here.
    """
    if "." in text:  # ll_addr_a2n reads a dotted string as an IPv4 lladdr
        raise LineError(f'"{text}" is invalid lladdr.')
    parts = text.split(":")
    for part in parts:
        if not re.fullmatch(r"[0-9a-fA-F]{1,2}", part):
            # iproute2 prints the offending byte, not the whole address
            raise LineError(f'"{part}" is invalid lladdr.')
    if len(parts) != 6:
        raise LineError("RTNETLINK answers: Invalid argument")
    octets = [int(p, 16) for p in parts]
    if octets[0] & 1 or not any(octets):
        raise LineError("RTNETLINK answers: Cannot assign requested address")
    return ":".join(f"{o:02x}" for o in octets)


def keyword(word: str, table: list[tuple[str, bool]]) -> str | None:
    """The first ``(name, abbreviable)`` of ``table`` that ``word`` spells, iproute2-style.

    iproute2 tests its keywords one after another, some with ``strcmp`` and some with
    ``matches``; the table keeps that order, so ``a`` is ``address`` but ``t`` is
    ``txqueuelen`` (it is tested before ``type``), exactly as the real ``ip`` reads them.
    """
    key = (id(table), word)
    hit = _KEYWORDS.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    found = None
    for name, abbreviable in table:
        if word == name or (abbreviable and matches(word, name)):
            found = name
            break
    if len(_KEYWORDS) >= 4096:
        _KEYWORDS.clear()
    _KEYWORDS[key] = (table, found)
    return found


#: (id(table), word) -> (table, keyword): a 60,000-line lab asks the same few questions.
#: The table itself is kept to check the id still names it.
_KEYWORDS: dict[tuple[int, str], tuple[list[tuple[str, bool]], str | None]] = {}
