"""``ping`` (iputils getopt rules and messages) and ``sleep`` (coreutils) lines."""
from __future__ import annotations

import pytest

from sim.commands import Ping, Sleep
from sim.errors import ScriptError
from sim.script import parse

PING_FORMS = [
    ("ping 172.16.0.2", {}),
    ("ping -c 3 172.16.0.2", {"count": 3}),
    ("ping -c3 172.16.0.2", {"count": 3}),
    ("ping 172.16.0.2 -c 3", {"count": 3}),  # GNU getopt permutes
    ("ping -c1 -- 172.16.0.2", {"count": 1}),
    ("ping -c 2 -i 0.2 172.16.0.2", {"count": 2, "interval": 0.2}),
    ("ping -i.5 172.16.0.2", {"interval": 0.5}),
    ("ping -W 2 172.16.0.2", {"timeout": 2.0}),
    ("ping -W0 172.16.0.2", {"timeout": 0.0}),
    ("ping -s 1000 172.16.0.2", {"size": 1000}),
    ("ping -s 0 172.16.0.2", {"size": 0}),
    ("ping -t 1 172.16.0.2", {"ttl": 1}),
    ("ping -c 5 -i 0.5 -W 1 -s 100 -t 64 10.0.0.1", {"count": 5, "interval": 0.5, "timeout": 1.0,
                                                    "size": 100, "ttl": 64, "dest": "10.0.0.1"}),
    ("ping -c 2 -c 3 172.16.0.2", {"count": 3}),  # the last one wins, as in iputils
    ("ping -q -c 2 172.16.0.2", {"quiet": True, "count": 2}),
    ("ping -qc2 172.16.0.2", {"quiet": True, "count": 2}),
    ("ping -n 172.16.0.2", {"numeric": True}),
    ("ping -w 5 172.16.0.2", {"deadline": 5}),
    ("ping -w0 -c 1 172.16.0.2", {"deadline": 0, "count": 1}),
    ("ping -c 3 -w 10 172.16.0.2", {"count": 3, "deadline": 10}),
    ("ping -I veth1 172.16.0.2", {"interface": "veth1"}),
    ("ping -I 172.16.0.1 172.16.0.2", {"interface": "172.16.0.1"}),
    ("ping -DO 172.16.0.2", {"timestamps": True, "outstanding": True}),
    ("ping 172.16.0.2 -qnDO -w3", {"quiet": True, "numeric": True, "timestamps": True,
                                   "outstanding": True, "deadline": 3}),
]


@pytest.mark.parametrize("line,fields", PING_FORMS, ids=[f[0] for f in PING_FORMS])
def test_ping_forms(line, fields):
    (cmd,) = parse(line).commands
    assert cmd == Ping(**{"dest": "172.16.0.2", **fields}, line=1, text=line)


PING_ERRORS = [
    ("ping", "ping: usage error: Destination address required"),
    ("ping -c", "ping: option requires an argument -- 'c'"),
    ("ping -c x 1.1.1.1", "ping: invalid argument: 'x'"),
    ("ping -c 1.5 1.1.1.1", "ping: invalid argument: '1.5'"),
    ("ping -c 0 1.1.1.1", "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"),
    ("ping -c -1 1.1.1.1", "ping: invalid argument: '-1': out of range: 1 <= value <= 9223372036854775807"),
    ("ping -i x 1.1.1.1", "ping: option argument contains garbage: x"),
    ("ping -i 1x 1.1.1.1", "ping: option argument contains garbage: x"),
    ("ping -i 0 1.1.1.1", "vethlab: ping -i 0 (flood mode) is not supported; use an interval of 0.001 s or more"),
    ("ping -i -1 1.1.1.1", "ping: bad timing interval: -1"),
    ("ping -W -1 1.1.1.1", "ping: bad linger time: -1"),
    ("ping -W x 1.1.1.1", "ping: option argument contains garbage: x"),
    ("ping -s x 1.1.1.1", "ping: invalid argument: 'x'"),
    ("ping -s -1 1.1.1.1", "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647"),
    ("ping -s 70000 1.1.1.1",
     "vethlab: ping -s 70000: more than 65507 bytes of payload do not fit in one IPv4 packet"),
    ("ping -t x 1.1.1.1", "ping: invalid argument: 'x'"),
    ("ping -t 256 1.1.1.1", "ping: invalid argument: '256': out of range: 0 <= value <= 255"),
    ("ping -t 0 1.1.1.1", "ping: cannot set unicast time-to-live: Invalid argument"),
    ("ping -z 1.1.1.1", "ping: invalid option -- 'z'"),
    ("ping --count 1 1.1.1.1", "ping: invalid option -- '-'"),
    ("ping -f 1.1.1.1",
     'vethlab: ping option "-f" is not supported yet '
     "(supported: -c COUNT, -i INTERVAL, -W TIMEOUT, -s SIZE, -t TTL, -w DEADLINE, "
     "-I IFACE|ADDR, -q, -n, -D, -O)"),
    ("ping -qc1 -R 1.1.1.1",
     'vethlab: ping option "-R" is not supported yet '
     "(supported: -c COUNT, -i INTERVAL, -W TIMEOUT, -s SIZE, -t TTL, -w DEADLINE, "
     "-I IFACE|ADDR, -q, -n, -D, -O)"),
    ("ping -w x 1.1.1.1", "ping: invalid argument: 'x'"),
    ("ping -w -1 1.1.1.1", "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647"),
    ("ping -w", "ping: option requires an argument -- 'w'"),
    ("ping -I", "ping: option requires an argument -- 'I'"),
    ("ping foo.invalid", "ping: foo.invalid: Name or service not known"),
    ("ping 127.1", "ping: 127.1: Name or service not known"),
    ("ping 1.1.1.1 2.2.2.2", "vethlab: ping takes one destination, got 2: 1.1.1.1 2.2.2.2"),
]


@pytest.mark.parametrize("line,message", PING_ERRORS, ids=[e[0] for e in PING_ERRORS])
def test_ping_errors(line, message):
    with pytest.raises(ScriptError) as e:
        parse(line)
    assert e.value.message == message


@pytest.mark.parametrize(
    "line,seconds",
    [("sleep 1", 1.0), ("sleep 0.5", 0.5), ("sleep .25", 0.25), ("sleep 2s", 2.0),
     ("sleep 1m", 60.0), ("sleep 1h", 3600.0), ("sleep 1d", 86400.0), ("sleep 1m 30", 90.0),
     ("sleep 0", 0.0), ("sleep -- 3", 3.0)],
)
def test_sleep_forms(line, seconds):
    (cmd,) = parse(line).commands
    assert cmd == Sleep(seconds=seconds, line=1, text=line)


@pytest.mark.parametrize(
    "line,message",
    [("sleep", "sleep: missing operand"),
     ("sleep x", "sleep: invalid time interval ‘x’"),
     ("sleep 1x", "sleep: invalid time interval ‘1x’"),
     ("sleep inf", "sleep: invalid time interval ‘inf’"),
     ("sleep -1", "sleep: invalid option -- '1'"),
     ("sleep --foo", "sleep: unrecognized option '--foo'")],
)
def test_sleep_errors(line, message):
    with pytest.raises(ScriptError) as e:
        parse(line)
    assert e.value.message == message
