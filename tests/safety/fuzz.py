"""Hypothesis settings and strategies shared by the fuzz tests.

Deterministic (``derandomize``) so CI sees the same examples every run, no example
database written into the tree, modest example counts so the suite stays quick.
"""
from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ_SLOW = settings(FUZZ, max_examples=100)

#: Words of the lab language and values that sit on the edges of what they accept.
WORDS = [
    "ip", "netns", "add", "del", "delete", "exec", "list", "link", "set", "dev", "up", "down",
    "type", "veth", "bridge", "peer", "name", "address", "addr", "a", "route", "r", "neigh",
    "n", "show", "ls", "flush", "via", "src", "metric", "default", "lladdr", "nud",
    "permanent", "reachable", "stale", "master", "nomaster", "get", "fdb", "to", "-n",
    "-netns", "-j", "-br", "-s", "ping", "-c", "-i", "-W", "-t", "-q", "arping", "-I", "-w",
    "-U", "-A", "-D", "sysctl", "-w", "-q", "sleep", "sudo", "--", "-", "help",
    "ns1", "ns2", "root", "veth1", "veth1-peer", "br0", "lo", "eth0", "..", ".", "/",
    "../../etc", "a" * 16, "a" * 300, "net.ipv4.ip_forward", "net.ipv4.ip_forward=1",
    "net.ipv4.neigh.default.gc_thresh1=1", "net.ipv4.conf.all.arp_ignore=8",
    "172.16.0.1", "172.16.0.1/24", "172.16.0.1/33", "256.0.0.1", "0.0.0.0/0", "::1",
    "fe80::1/64", "aa:bb:cc:dd:ee:ff", "01:00:00:00:00:00", "00:00:00:00:00:00", "zz:zz",
    "0", "1", "-1", "2147483648", "9223372036854775808", "99999999999999999999", "1e400",
    "nan", "inf", "-inf", "0.0001", "1e-9", "0x10", "1m", "1d", "+5", "3s4",
    '"', "'", "\\", "#", "$", "$x", "$(rm -rf /)", "`id`", "|", ";", "&&", ">", "<", "(",
    "sh", "bash", "-c", "rm", "-rf", "/bin/sh", "python3", "ip;rm",
]

word = st.sampled_from(WORDS)
line_of_words = st.lists(word, min_size=1, max_size=12).map(" ".join)
prefix = st.sampled_from(["", "$ ", "sudo ", "ip netns exec ns1 ", "ip -n ns1 "])
soup = st.lists(st.tuples(prefix, line_of_words).map("".join), min_size=1, max_size=6) \
    .map("\n".join)

#: Numbers that overflow every integer type the tools use, and odd spellings of them.
big_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "1e999", "-0", "0.", ".5", "1_000", "٣", "１"]),
)
numeric_templates = st.sampled_from([
    "ping -c {} 172.16.0.2", "ping -i {} -c 1 172.16.0.2", "ping -W {} -c 1 172.16.0.2",
    "ping -s {} -c 1 172.16.0.2", "ping -t {} -c 1 172.16.0.2", "arping -c {} 172.16.0.2",
    "arping -w {} 172.16.0.2", "sleep {}", "sysctl -w net.ipv4.neigh.default.gc_thresh1={}",
    "sysctl -w net.ipv4.ip_forward={}", "ip route add 10.0.0.0/8 dev veth1 metric {}",
    "ip addr add 172.16.0.1/{} dev veth1", "ip neigh add 172.16.0.9 lladdr aa:bb:cc:dd:ee:{} dev veth1",
])
