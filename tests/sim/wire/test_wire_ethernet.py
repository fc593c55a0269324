import pytest

from sim.wire import ETH_P_ARP, ETH_P_IP, EthernetFrame, WireError, mac_bytes, mac_str


def test_parse(arp_request_bytes):
    f = EthernetFrame.parse(arp_request_bytes)
    assert f.dst == "ff:ff:ff:ff:ff:ff"
    assert f.src == "02:00:00:00:00:01"
    assert f.ethertype == ETH_P_ARP
    assert len(f.payload) == 28


def test_emit(arp_request_bytes):
    f = EthernetFrame.parse(arp_request_bytes)
    assert f.emit() == arp_request_bytes
    assert len(f.emit()) == 42  # no padding to 60 on a veth


def test_emit_literal():
    f = EthernetFrame("02:00:00:00:00:02", "02:00:00:00:00:01", ETH_P_IP, b"xy")
    assert f.emit() == bytes.fromhex("020000000002" "020000000001" "0800") + b"xy"


def test_short_frame():
    with pytest.raises(WireError):
        EthernetFrame.parse(b"\x00" * 13)
    assert EthernetFrame.parse(b"\x00" * 14).payload == b""


def test_mac_helpers():
    assert mac_bytes("02:AB:0c:00:00:01") == bytes([2, 0xAB, 0x0C, 0, 0, 1])
    assert mac_str(bytes([2, 0xAB, 0x0C, 0, 0, 1])) == "02:ab:0c:00:00:01"
    for bad in ("02:00:00:00:00", "zz:00:00:00:00:00", "002:00:00:00:00:00"):
        with pytest.raises(WireError):
            mac_bytes(bad)
    with pytest.raises(WireError):
        mac_str(b"\x00" * 5)


def test_wire_error_is_value_error():
    assert issubclass(WireError, ValueError)
