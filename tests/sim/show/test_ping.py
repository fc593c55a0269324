"""Literal iputils-ping 20221126 output, copied from runs between veth ends."""
from __future__ import annotations

from sim.programs import PingLine, PingReport
from sim.show import render_ping
from sim.show.ping import format_rtt, loss_percent


def reply(seq, us, src="172.16.0.2", nbytes=64):
    return PingLine("reply", seq, src, nbytes=nbytes, ttl=64, rtt_us=us)


def test_three_replies():
    r = PingReport("172.16.0.2", "172.16.0.2", lines=(reply(1, 427), reply(2, 60), reply(3, 57)),
                   transmitted=3, received=3, elapsed_ms=405)
    assert render_ping(r) == (
        "PING 172.16.0.2 (172.16.0.2) 56(84) bytes of data.\n"
        "64 bytes from 172.16.0.2: icmp_seq=1 ttl=64 time=0.427 ms\n"
        "64 bytes from 172.16.0.2: icmp_seq=2 ttl=64 time=0.060 ms\n"
        "64 bytes from 172.16.0.2: icmp_seq=3 ttl=64 time=0.057 ms\n"
        "\n"
        "--- 172.16.0.2 ping statistics ---\n"
        "3 packets transmitted, 3 received, 0% packet loss, time 405ms\n"
        "rtt min/avg/max/mdev = 0.057/0.181/0.427/0.173 ms\n",
        "",
    )


def test_host_unreachable_with_pipe():
    errs = tuple(PingLine("error", i, "10.22.0.1", text="Destination Host Unreachable")
                 for i in range(1, 5))
    r = PingReport("10.22.0.9", "10.22.0.9", lines=errs, transmitted=4, errors=4,
                   elapsed_ms=963, pipe=4)
    assert render_ping(r)[0] == (
        "PING 10.22.0.9 (10.22.0.9) 56(84) bytes of data.\n"
        "From 10.22.0.1 icmp_seq=1 Destination Host Unreachable\n"
        "From 10.22.0.1 icmp_seq=2 Destination Host Unreachable\n"
        "From 10.22.0.1 icmp_seq=3 Destination Host Unreachable\n"
        "From 10.22.0.1 icmp_seq=4 Destination Host Unreachable\n"
        "\n"
        "--- 10.22.0.9 ping statistics ---\n"
        "4 packets transmitted, 0 received, +4 errors, 100% packet loss, time 963ms\n"
        "pipe 4\n"
    )


def test_no_reply_interrupted_ends_with_blank_line():
    r = PingReport("172.16.0.77", "172.16.0.77", transmitted=2, elapsed_ms=1000, interrupted=True)
    assert render_ping(r)[0] == (
        "PING 172.16.0.77 (172.16.0.77) 56(84) bytes of data.\n"
        "\n"
        "--- 172.16.0.77 ping statistics ---\n"
        "2 packets transmitted, 0 received, 100% packet loss, time 1000ms\n"
        "\n"
    )


def test_small_payload_has_no_times():
    r = PingReport("10.22.0.1", "10.22.0.1", size=8,
                   lines=(PingLine("reply", 1, "10.22.0.1", nbytes=16, ttl=64, rtt_us=30),
                          PingLine("reply", 2, "10.22.0.1", nbytes=16, ttl=64, rtt_us=30)),
                   transmitted=2, received=2, elapsed_ms=201)
    assert render_ping(r)[0] == (
        "PING 10.22.0.1 (10.22.0.1) 8(36) bytes of data.\n"
        "16 bytes from 10.22.0.1: icmp_seq=1 ttl=64\n"
        "16 bytes from 10.22.0.1: icmp_seq=2 ttl=64\n"
        "\n"
        "--- 10.22.0.1 ping statistics ---\n"
        "2 packets transmitted, 2 received, 0% packet loss, time 201ms\n"
        "\n"
    )


def test_fatal_goes_to_stderr():
    r = PingReport("192.168.77.1", "192.168.77.1", fatal="connect: Network is unreachable")
    assert render_ping(r) == ("", "ping: connect: Network is unreachable\n")
    assert r.rc == 2


def test_duplicates_and_partial_loss():
    dup = PingLine("reply", 1, "172.16.0.2", nbytes=64, ttl=64, rtt_us=1500, duplicate=True)
    lines = (reply(1, 1234), dup, reply(3, 15000))
    r = PingReport("172.16.0.2", "172.16.0.2", lines=lines, transmitted=3, received=2,
                   duplicates=1, elapsed_ms=2003)
    out = render_ping(r)[0]
    assert "icmp_seq=1 ttl=64 time=1.50 ms (DUP!)\n" in out
    assert "3 packets transmitted, 2 received, +1 duplicates, 33.3333% packet loss, time 2003ms\n" in out
    # tsum=17734, tsum2=228772756, total=3: var=(228772756-314494756//3)//3=41313723, isqrt 6427
    assert out.endswith("rtt min/avg/max/mdev = 1.234/5.911/15.000/6.427 ms\n")


def test_rtt_magnitudes():
    assert [format_rtt(u) for u in (57, 999, 1000, 1234, 9994, 9995, 12345, 99949, 99950, 123456)] == [
        "0.057", "0.999", "1.00", "1.23", "9.99", "10.0", "12.3", "99.9", "100", "123"]
    assert [loss_percent(3, n) for n in (0, 1, 2, 3)] == ["100", "66.6667", "33.3333", "0"]
    assert loss_percent(7, 6) == "14.2857"


# ---- -q -D -O -I (iputils 20221126, captured between two namespaces) --------------------

def test_quiet_prints_header_and_statistics_only():
    r = PingReport("10.0.0.2", "10.0.0.2", lines=(reply(1, 41), reply(2, 51)),
                   transmitted=2, received=2, elapsed_ms=1016, quiet=True)
    assert render_ping(r) == (
        "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n"
        "\n"
        "--- 10.0.0.2 ping statistics ---\n"
        "2 packets transmitted, 2 received, 0% packet loss, time 1016ms\n"
        "rtt min/avg/max/mdev = 0.041/0.046/0.051/0.005 ms\n",
        "",
    )


def test_quiet_hides_errors_but_not_outstanding_notices():
    lines = (PingLine("noanswer", 1, ""), PingLine("noanswer", 2, ""),
             *(PingLine("error", i, "10.0.0.1", text="Destination Host Unreachable")
               for i in (1, 2, 3)))
    r = PingReport("10.0.0.9", "10.0.0.9", lines=lines, transmitted=3, errors=3,
                   elapsed_ms=2044, pipe=3, quiet=True)
    assert render_ping(r)[0] == (
        "PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\n"
        "no answer yet for icmp_seq=1\n"
        "no answer yet for icmp_seq=2\n"
        "\n"
        "--- 10.0.0.9 ping statistics ---\n"
        "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2044ms\n"
        "pipe 3\n")
    assert render_ping(r)[0].count("From") == 0


def test_timestamps_prefix_every_line():
    lines = (PingLine("noanswer", 1, "", stamp_us=1796427423113550),
             PingLine("error", 1, "10.0.0.1", text="Destination Host Unreachable",
                      stamp_us=1796427424137660),
             PingLine("error", 2, "10.0.0.1", text="Destination Host Unreachable",
                      stamp_us=1796427424137720))
    r = PingReport("10.0.0.9", "10.0.0.9", lines=lines, transmitted=2, errors=2,
                   elapsed_ms=1021, pipe=2, timestamps=True)
    assert render_ping(r)[0] == (
        "PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\n"
        "[1796427423.113550] no answer yet for icmp_seq=1\n"
        "[1796427424.137660] From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n"
        "[1796427424.137720] From 10.0.0.1 icmp_seq=2 Destination Host Unreachable\n"
        "\n"
        "--- 10.0.0.9 ping statistics ---\n"
        "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1021ms\n"
        "pipe 2\n")


def test_bound_headers():
    dev = PingReport("10.0.1.2", "10.0.1.2", lines=(reply(1, 56, "10.0.1.2"),), transmitted=1,
                     received=1, bind_source="10.0.1.1", bind_dev="va2")
    assert render_ping(dev)[0].splitlines()[:2] == [
        "PING 10.0.1.2 (10.0.1.2) from 10.0.1.1 va2: 56(84) bytes of data.",
        "64 bytes from 10.0.1.2: icmp_seq=1 ttl=64 time=0.056 ms"]
    addr = PingReport("10.0.0.2", "10.0.0.2", transmitted=1, bind_source="10.0.1.1")
    assert render_ping(addr)[0] == (
        "PING 10.0.0.2 (10.0.0.2) from 10.0.1.1 : 56(84) bytes of data.\n"
        "\n"
        "--- 10.0.0.2 ping statistics ---\n"
        "1 packets transmitted, 0 received, 100% packet loss, time 0ms\n"
        "\n")
    warned = PingReport("10.0.0.2", "10.0.0.2", transmitted=1, bind_source="10.0.0.1",
                        bind_dev="lo",
                        warning="Warning: source address might be selected on device "
                                "other than: lo")
    out, err = render_ping(warned)
    assert out.startswith("PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 lo: 56(84) bytes of data.\n")
    assert err == "ping: Warning: source address might be selected on device other than: lo\n"


def test_deadline_with_count_exits_1_when_short():
    r = PingReport("10.0.0.2", "10.0.0.2", lines=(reply(1, 42), reply(2, 49)), transmitted=2,
                   received=2, elapsed_ms=1005, deadline_count=5)
    assert r.rc == 1
    assert "2 packets transmitted, 2 received, 0% packet loss, time 1005ms\n" in render_ping(r)[0]
    assert PingReport("x", "x", transmitted=2, received=2, deadline_count=2).rc == 0
    assert PingReport("x", "x", transmitted=3, received=2).rc == 0
