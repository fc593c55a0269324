import pytest

from sim.wire import IPPROTO_ICMP, EthernetFrame, Ipv4Packet, WireError, checksum


def test_checksum_rfc1071_example():
    # RFC 1071 section 3 example: the one's-complement sum is 0xddf2.
    assert checksum(bytes.fromhex("0001f203f4f5f6f7")) == (~0xDDF2) & 0xFFFF
    assert checksum(b"") == 0xFFFF
    assert checksum(b"\x01") == checksum(b"\x01\x00")  # odd length padded


def test_parse(icmp_echo_bytes):
    ip = Ipv4Packet.parse(EthernetFrame.parse(icmp_echo_bytes).payload)
    assert (ip.src, ip.dst, ip.proto) == ("172.16.0.1", "172.16.0.2", IPPROTO_ICMP)
    assert (ip.ttl, ip.ident, ip.df, ip.tos) == (64, 0xD682, True, 0)
    assert len(ip.payload) == 64
    assert ip.header_ok


def test_emit(icmp_echo_bytes):
    raw = EthernetFrame.parse(icmp_echo_bytes).payload
    ip = Ipv4Packet(src="172.16.0.1", dst="172.16.0.2", proto=IPPROTO_ICMP, payload=raw[20:],
                    ttl=64, ident=0xD682, df=True)
    assert ip.emit() == raw


def test_round_trip_checksum():
    ip = Ipv4Packet("10.0.0.1", "10.0.0.2", 17, b"hello", ttl=3, ident=7, tos=0x10)
    raw = ip.emit()
    assert checksum(raw[:20]) == 0
    assert Ipv4Packet.parse(raw) == ip


def test_trailing_padding_ignored():
    ip = Ipv4Packet("10.0.0.1", "10.0.0.2", 1, b"abcd")
    assert Ipv4Packet.parse(ip.emit() + b"\0" * 10).payload == b"abcd"


def test_errors():
    raw = bytearray(Ipv4Packet("10.0.0.1", "10.0.0.2", 1, b"abcd").emit())
    with pytest.raises(WireError):
        Ipv4Packet.parse(bytes(raw[:19]))
    bad = bytearray(raw); bad[0] = 0x65  # version 6
    with pytest.raises(WireError):
        Ipv4Packet.parse(bytes(bad))
    bad = bytearray(raw); bad[0] = 0x44  # IHL 16 bytes
    with pytest.raises(WireError):
        Ipv4Packet.parse(bytes(bad))
    with pytest.raises(WireError):  # total length beyond the data
        Ipv4Packet.parse(bytes(raw[:-1]))
    bad = bytearray(raw); bad[8] ^= 1  # TTL changed, checksum stale
    with pytest.raises(WireError, match="checksum"):
        Ipv4Packet.parse(bytes(bad))
