"""``ping -D``'s ``[unix time]`` prefixes are host clock readings: comparisons mask them."""
from __future__ import annotations

from sim.normalize import mask_times


def test_d_prefix_masked_at_line_start_only():
    text = ("PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\n"
            "[1796427423.113550] no answer yet for icmp_seq=1\n"
            "[1700000001.000070] 64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.035 ms\n")
    assert mask_times(text) == (
        "PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\n"
        "[<time>] no answer yet for icmp_seq=1\n"
        "[<time>] 64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=<t> ms\n")
    assert mask_times("x [1.000001] y") == "x [1.000001] y"
