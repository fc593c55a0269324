import pytest

from sim.wire import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, EthernetFrame, IcmpPacket,
                      Ipv4Packet, WireError, echo, payload_timeval, ping_payload)


def _icmp(frame: bytes) -> bytes:
    return Ipv4Packet.parse(EthernetFrame.parse(frame).payload).payload


def test_parse(icmp_echo_bytes):
    icmp = IcmpPacket.parse(_icmp(icmp_echo_bytes))
    assert (icmp.type, icmp.code, icmp.ident, icmp.seq) == (ICMP_ECHO, 0, 0x0F68, 1)
    assert len(icmp.payload) == 56
    assert payload_timeval(icmp.payload) == (0x6B132271, 0x0B7165)


def test_emit(icmp_echo_bytes):
    data = ping_payload(56, 0x6B132271, 0x0B7165)
    assert echo(ICMP_ECHO, 0x0F68, 1, data).emit() == _icmp(icmp_echo_bytes)


def test_ping_payload_layout():
    assert ping_payload(8, 1, 2) == bytes(range(8))  # too short for a timeval
    p = ping_payload(300, 1, 2)
    assert p[:16] == (1).to_bytes(8, "little") + (2).to_bytes(8, "little")
    assert p[16:20] == bytes([16, 17, 18, 19]) and p[256] == 0 and len(p) == 300
    assert payload_timeval(p[:15]) is None


def test_reply_round_trip():
    req = echo(ICMP_ECHO, 4242, 3, b"abc")
    rep = IcmpPacket.parse(echo(ICMP_ECHOREPLY, req.ident, req.seq, req.payload).emit())
    assert (rep.type, rep.ident, rep.seq, rep.payload) == (ICMP_ECHOREPLY, 4242, 3, b"abc")


def test_other_types():
    msg = IcmpPacket(ICMP_DEST_UNREACH, 1, b"\0\0\0\0", b"x" * 28)
    assert IcmpPacket.parse(msg.emit()) == msg


def test_errors():
    raw = bytearray(echo(ICMP_ECHO, 1, 1, b"abcd").emit())
    with pytest.raises(WireError):
        IcmpPacket.parse(bytes(raw[:7]))
    raw[-1] ^= 0xFF
    with pytest.raises(WireError, match="checksum"):
        IcmpPacket.parse(bytes(raw))
    with pytest.raises(WireError):
        IcmpPacket(8, 0, b"\0", b"").emit()
