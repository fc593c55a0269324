"""sim.compare: two runs of the same lab, one "sim" and one "kernel"-like.

The two runs differ in everything the host chooses (MACs, IPv4 ids, ping's id and
timestamps, timings by a few milliseconds, neighbour listing order); those must match.
"""
import dataclasses

from sim.compare import compare, normalize_frame, normalize_text, unordered_listing
from sim.dissect import summarize
from sim.result import CommandResult, Run
from sim.trace import Event, Frame
from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, ETH_P_ARP, ETH_P_IP, ICMP_DEST_UNREACH,
                      ICMP_ECHO, ICMP_ECHOREPLY, IPPROTO_ICMP, ArpPacket, EthernetFrame,
                      IcmpPacket, Ipv4Packet, echo, ping_payload)

BCAST = "ff:ff:ff:ff:ff:ff"


def _ping_text(mac2: str, rtt: str) -> tuple[str, str]:
    ping = ("PING 172.16.0.2 (172.16.0.2) 56(84) bytes of data.\n"
            f"64 bytes from 172.16.0.2: icmp_seq=1 ttl=64 time={rtt} ms\n\n"
            "--- 172.16.0.2 ping statistics ---\n"
            "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
            f"rtt min/avg/max/mdev = {rtt}/{rtt}/{rtt}/0.000 ms\n")
    neigh = (f"172.16.0.2 dev veth1 lladdr {mac2} REACHABLE\n"
             "172.16.0.9 dev veth1 FAILED\n")
    return ping, neigh


def make_run(backend: str, mac1: str, mac2: str, *, ip_id: int, ping_id: int, tv: int,
             t0: float, jitter: float, rtt: str, reverse_neigh: bool = False) -> Run:
    def eth(dst, src, etype, payload):
        return EthernetFrame(dst, src, etype, payload).emit()

    arp_req = eth(BCAST, mac1, ETH_P_ARP,
                  ArpPacket(ARPOP_REQUEST, mac1, "172.16.0.1", "00:00:00:00:00:00",
                            "172.16.0.2").emit())
    arp_rep = eth(mac1, mac2, ETH_P_ARP,
                  ArpPacket(ARPOP_REPLY, mac2, "172.16.0.2", mac1, "172.16.0.1").emit())
    data = ping_payload(56, tv, 1234)
    req = eth(mac2, mac1, ETH_P_IP, Ipv4Packet("172.16.0.1", "172.16.0.2", IPPROTO_ICMP,
                                               echo(ICMP_ECHO, ping_id, 1, data).emit(),
                                               ident=ip_id, df=True).emit())
    rep = eth(mac1, mac2, ETH_P_IP, Ipv4Packet("172.16.0.2", "172.16.0.1", IPPROTO_ICMP,
                                               echo(ICMP_ECHOREPLY, ping_id, 1, data).emit(),
                                               ident=ip_id + 77).emit())
    ping, neigh = _ping_text(mac2, rtt)
    if reverse_neigh:
        neigh = "".join(reversed(neigh.splitlines(keepends=True)))
    t = t0  # ping starts at t0
    frames = []
    for k, (data_, src, dst) in enumerate([(arp_req, 1, 2), (arp_rep, 2, 1), (req, 1, 2),
                                           (rep, 2, 1)]):
        tt = t + 0.001 * k + jitter * k
        frames.append(Frame(tt, f"ns{src}", f"veth{src}", "out", data_))
        frames.append(Frame(tt + 1e-5, f"ns{dst}", f"veth{dst}", "in", data_))
    commands = [
        CommandResult(1, "ip link add veth1 type veth peer name veth2", 0, "", "", t=0.0,
                      duration=0.01),
        CommandResult(2, "ip netns exec ns1 ping -c 1 172.16.0.2", 0, ping, "", "root",
                      t=t0, duration=0.01),
        CommandResult(3, "ip -n ns1 neigh", 0, neigh, "", t=t0 + 0.02, duration=0.001),
    ]
    events = [Event(t0, "ns1", "veth1", "neigh", "172.16.0.2", "NONE", "INCOMPLETE"),
              Event(t0 + 0.001 + jitter, "ns1", "veth1", "neigh", "172.16.0.2", "INCOMPLETE",
                    "REACHABLE", lladdr=mac2)]
    return Run(backend=backend, commands=commands, frames=frames, events=events,
               macs={mac1: "ns1/veth1", mac2: "ns2/veth2"})


def sim_run() -> Run:
    return make_run("sim", "02:00:00:00:00:01", "02:00:00:00:00:02", ip_id=0, ping_id=4242,
                    tv=0, t0=1.0, jitter=0.0, rtt="0.050")


def kernel_run() -> Run:
    return make_run("kernel", "ae:11:22:33:44:55", "6e:aa:bb:cc:dd:ee", ip_id=0x1234,
                    ping_id=999, tv=1700000000, t0=1.3, jitter=0.0004, rtt="0.073",
                    reverse_neigh=True)


def test_identical_runs_match():
    c = compare(sim_run(), sim_run())
    assert c.ok, c.report()
    assert c.report().startswith("MATCH")


def test_sim_and_kernel_match_after_normalisation():
    c = compare(sim_run(), kernel_run())
    assert c.ok, c.report()
    rep = c.report()
    assert rep.splitlines()[0].startswith("MATCH: sim and kernel agree")
    assert "masked: IPv4 id/checksum, ICMP id/checksum, ping timestamps" in rep
    assert "MACs named by owner" in rep
    assert "ns1/veth1 out: 2 frames match" in rep
    assert "ns1/veth1 172.16.0.2: 2 transitions match" in rep


def test_mac_renaming():
    a, b = sim_run(), kernel_run()
    assert normalize_frame(a.frames[0].data, a.macs) == normalize_frame(b.frames[0].data,
                                                                        b.macs)
    norm = normalize_frame(b.frames[2].data, b.macs)  # ARP reply
    assert norm[:2] == ("ns1/veth1", "ns2/veth2")
    assert "ns2/veth2" in norm and "ns1/veth1" in norm[3:]
    text = normalize_text("lladdr 6E:AA:BB:CC:DD:EE and 12:34:56:78:9a:bc brd "
                          "ff:ff:ff:ff:ff:ff", b.macs)
    assert text == "lladdr <ns2/veth2> and <mac> brd ff:ff:ff:ff:ff:ff"


def test_missing_frame():
    b = kernel_run()
    drop = next(i for i, f in enumerate(b.frames)
                if f.dev == "veth2" and f.dir == "in" and f.data[12:14] == b"\x08\x00")
    del b.frames[drop]
    c = compare(sim_run(), b)
    assert not c.ok
    [d] = c.diffs
    assert (d.area, d.where, d.kind, d.index) == ("frame", "ns2/veth2 in", "missing", 1)
    assert "ICMP echo request, id 4242, seq 1, length 64" in d.a
    rep = c.report()
    assert rep.startswith("DIFFER: sim and kernel differ in 1 places (frames: 1)")
    assert "ns2/veth2 in: 1 match, sim has 2, kernel has 1" in rep
    assert "#1 missing (not in kernel)" in rep


def test_changed_payload():
    b = kernel_run()
    i = next(i for i, f in enumerate(b.frames) if f.dev == "veth1" and f.dir == "out"
             and f.data[12:14] == b"\x08\x00")
    f = b.frames[i]
    ip = Ipv4Packet.parse(f.data[14:])
    icmp = IcmpPacket.parse(ip.payload)
    changed = echo(ICMP_ECHO, icmp.ident, 2, icmp.payload).emit()  # seq 2, not 1
    b.frames[i] = dataclasses.replace(f, data=f.data[:14] + dataclasses.replace(
        ip, payload=changed).emit())
    c = compare(sim_run(), b)
    [d] = c.diffs
    assert (d.where, d.kind, d.index) == ("ns1/veth1 out", "differs", 1)
    assert "seq 1" in d.a and "seq 2" in d.b


def test_changed_echo_data_beyond_timestamp():
    b = kernel_run()
    i = 4  # echo request out of veth1
    f = b.frames[i]
    data = bytearray(f.data)
    data[-1] ^= 0xFF  # the byte pattern, not the timeval: still bad ICMP checksum only
    b.frames[i] = dataclasses.replace(f, data=bytes(data))
    c = compare(sim_run(), b)
    assert [(d.where, d.kind) for d in c.diffs] == [("ns1/veth1 out", "differs")]


def test_shifted_time():
    b = kernel_run()
    b.frames = [dataclasses.replace(f, t=f.t + 0.5) if f.netns == "ns2" and f.dir == "out"
                else f for f in b.frames]
    c = compare(sim_run(), b)
    assert {(d.where, d.kind) for d in c.diffs} == {("ns2/veth2 out", "time")}
    assert len(c.diffs) == 2
    assert c.diffs[0].detail == "cmd 1 +0.001s vs cmd 2 +0.481s"
    assert "is-at <ns2/veth2>" in c.diffs[0].b
    assert compare(sim_run(), b, time_tolerance=0.6).ok


def _swap_veth1_out(run: Run, dt: float) -> Run:
    """ns1/veth1 out: move the ARP request after the echo request, ``dt`` later."""
    frames = list(run.frames)
    out = [i for i, f in enumerate(frames) if f.dev == "veth1" and f.dir == "out"]
    arp, req = frames[out[0]], frames[out[1]]
    frames[out[0]] = req
    frames[out[1]] = dataclasses.replace(arp, t=req.t + dt)
    return dataclasses.replace(run, frames=frames)


def test_frames_swapped_within_tolerance_match_out_of_order():
    # a timer firing a few ms after a packet in one world and before it in the other
    c = compare(sim_run(), _swap_veth1_out(kernel_run(), 0.003))
    assert c.ok, c.report()
    [g] = [g for g in c.groups if g.where == "ns1/veth1 out"]
    assert (g.matched, g.reordered) == (2, 1)
    assert "ns1/veth1 out: 2 frames match (1 in another order, within the time tolerance)" \
        in c.report()


def test_frames_swapped_beyond_tolerance_differ():
    c = compare(sim_run(), _swap_veth1_out(kernel_run(), 2.0))
    assert not c.ok
    [d] = c.diffs  # the echo requests pair up; the ARP request is 2 s late
    assert (d.where, d.kind) == ("ns1/veth1 out", "time") and "who-has" in d.b


def test_changed_ping_output():
    b = kernel_run()
    cmd = b.commands[1]
    b.commands[1] = dataclasses.replace(
        cmd, rc=1, stdout=cmd.stdout.replace("1 received, 0% packet loss",
                                             "0 received, 100% packet loss"))
    c = compare(sim_run(), b)
    kinds = sorted((d.area, d.kind, d.index) for d in c.diffs)
    assert kinds == [("command", "rc", 1), ("command", "stdout", 1)]
    d = next(d for d in c.diffs if d.kind == "stdout")
    assert "0 received, 100% packet loss" in d.b and "1 received" in d.a
    assert "time <t>ms" in d.a
    assert "command 1 (line 2)" in c.report()


def test_command_count_and_neigh_listing():
    b = kernel_run()
    b.commands[2] = dataclasses.replace(b.commands[2], stdout=b.commands[2].stdout.replace(
        "REACHABLE", "STALE"))
    b.commands.append(CommandResult(4, "sleep 1", 0, "", "", t=2.0))
    c = compare(sim_run(), b)
    assert {d.kind for d in c.diffs} == {"count", "stdout"}
    assert unordered_listing("ip -n ns1 neigh") and not unordered_listing("ip link")


def test_neighbour_events():
    b = kernel_run()
    b.events.append(Event(1.4, "ns1", "veth1", "neigh", "172.16.0.2", "REACHABLE", "STALE"))
    b.events[0] = dataclasses.replace(b.events[0], t=b.events[0].t + 1.0)
    c = compare(sim_run(), b)
    assert sorted((d.area, d.kind, d.index) for d in c.diffs) == \
        [("event", "extra", 2), ("event", "time", 0)]


def test_icmp_error_quotes_are_masked():
    def unreach(ip_id: int, echo_id: int) -> bytes:
        quoted = Ipv4Packet("172.16.0.1", "172.16.0.9", IPPROTO_ICMP,
                            echo(ICMP_ECHO, echo_id, 1, ping_payload(56, 5, 6)).emit(),
                            ident=ip_id).emit()[:28]
        msg = IcmpPacket(ICMP_DEST_UNREACH, 1, b"\0\0\0\0", quoted).emit()
        return EthernetFrame("02:00:00:00:00:01", "02:00:00:00:00:01", ETH_P_IP,
                             Ipv4Packet("172.16.0.1", "172.16.0.1", IPPROTO_ICMP, msg,
                                        ident=ip_id + 1).emit()).emit()
    macs = {"02:00:00:00:00:01": "ns1/veth1"}
    assert normalize_frame(unreach(1, 2), macs) == normalize_frame(unreach(3000, 4000), macs)
    assert summarize(unreach(1, 2)) == ("IP 172.16.0.1 > 172.16.0.1: ICMP host 172.16.0.9 "
                                        "unreachable, length 36")


def test_summarize():
    a = sim_run()
    assert summarize(a.frames[0].data) == ("ARP, Request who-has 172.16.0.2 tell 172.16.0.1, "
                                           "length 28")
    assert summarize(a.frames[2].data) == ("ARP, Reply 172.16.0.2 is-at 02:00:00:00:00:02, "
                                           "length 28")
    assert summarize(a.frames[4].data) == ("IP 172.16.0.1 > 172.16.0.2: ICMP echo request, "
                                           "id 4242, seq 1, length 64")
    assert summarize(a.frames[6].data).endswith("ICMP echo reply, id 4242, seq 1, length 64")
    assert summarize(b"\x00" * 5).startswith("[malformed")
    assert "ethertype 0x86dd" in summarize(bytes(12) + b"\x86\xdd" + b"x")
