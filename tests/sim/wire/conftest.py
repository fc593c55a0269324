"""Frames captured from Linux 6.x on a veth pair (AF_PACKET on the peer end).

veth0 02:00:00:00:00:01 172.16.0.1/24 -> veth1 02:00:00:00:00:02; ``ping -c1 172.16.0.2``
(iputils 20221126).  The ARP request is 42 bytes: a veth does not pad.
"""
import pytest

ARP_REQUEST_HEX = ("ffffffffffff020000000001080600010800060400010200000000"
                   "01ac100001000000000000ac100002")
ICMP_ECHO_HEX = ("020000000002020000000001080045000054d682400040010c03ac100001ac100002"
                 "080034c50f6800017122136b0000000065710b0000000000"
                 "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"
                 "3031323334353637")


@pytest.fixture
def arp_request_bytes() -> bytes:
    return bytes.fromhex(ARP_REQUEST_HEX)


@pytest.fixture
def icmp_echo_bytes() -> bytes:
    return bytes.fromhex(ICMP_ECHO_HEX)
