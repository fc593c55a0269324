import pytest

from sim.wire import ARPOP_REPLY, ARPOP_REQUEST, ArpPacket, EthernetFrame, WireError


def test_parse(arp_request_bytes):
    arp = ArpPacket.parse(EthernetFrame.parse(arp_request_bytes).payload)
    assert arp == ArpPacket(op=ARPOP_REQUEST, sha="02:00:00:00:00:01", spa="172.16.0.1",
                            tha="00:00:00:00:00:00", tpa="172.16.0.2")


def test_emit(arp_request_bytes):
    arp = ArpPacket(ARPOP_REQUEST, "02:00:00:00:00:01", "172.16.0.1", "00:00:00:00:00:00",
                    "172.16.0.2")
    frame = EthernetFrame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 0x0806, arp.emit())
    assert frame.emit() == arp_request_bytes


def test_reply_round_trip():
    arp = ArpPacket(ARPOP_REPLY, "02:00:00:00:00:02", "172.16.0.2", "02:00:00:00:00:01",
                    "172.16.0.1")
    raw = arp.emit()
    assert raw == bytes.fromhex("0001080006040002" "020000000002ac100002"
                                "020000000001ac100001")
    assert ArpPacket.parse(raw) == arp
    assert ArpPacket.parse(raw + b"\0" * 18) == arp  # Ethernet padding ignored


def test_errors():
    good = ArpPacket(ARPOP_REQUEST, "02:00:00:00:00:01", "1.2.3.4", "00:00:00:00:00:00",
                     "1.2.3.5").emit()
    with pytest.raises(WireError):
        ArpPacket.parse(good[:27])
    with pytest.raises(WireError):
        ArpPacket.parse(b"\x00\x06" + good[2:])  # IEEE 802 htype
    with pytest.raises(WireError):
        ArpPacket.parse(good[:2] + b"\x86\xdd" + good[4:])  # IPv6 ptype
    with pytest.raises(WireError):
        ArpPacket(1, "02:00:00:00:00:01", "1.2.3", "00:00:00:00:00:00", "1.2.3.5").emit()
