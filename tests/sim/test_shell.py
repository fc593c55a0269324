"""``vethlab shell``: a typed session gives what the same lines as a script give."""
from __future__ import annotations

import io

import sim
from backends.simulated import SimulatedBackend
from sim.shell import Shell, interact

LINES = """\
ip netns add a
ip netns add b
ip link add v1 netns a type veth peer name v2 netns b
ip -n a addr add 10.0.0.1/24 dev v1
ip -n b addr add 10.0.0.2/24 dev v2
ip -n a link set v1 up
ip -n b link set v2 up
ip netns exec a ping -c 2 10.0.0.2
ip netns exec b ip neigh
"""


def test_typed_session_matches_the_script():
    out, err = io.StringIO(), io.StringIO()
    with SimulatedBackend(seed=0) as be:
        rc = interact(be, io.StringIO(LINES), out, err)
    script_run = sim.run(LINES, backend="sim")
    assert rc == 0 and err.getvalue() == ""
    assert out.getvalue() == "".join(c.stdout for c in script_run.commands)


def test_session_commands_and_errors(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with SimulatedBackend(seed=0) as be:
        sh = Shell(be, out, err)
        for line in LINES.splitlines():
            sh.handle(line)
        sh.handle(":frames 2")
        assert out.getvalue().rstrip().splitlines()[-1].endswith("ICMP echo reply, id 30208, seq 2, length 64")
        sh.handle(":events")
        assert "NONE -> STALE" in out.getvalue()
        sh.handle(f":save {tmp_path / 'run.json'}")
        assert sim.Run.load(str(tmp_path / "run.json")).frames
        sh.handle("ip link frob")
        assert "<stdin>:" in err.getvalue() and 'Command "frob" is unknown' in err.getvalue()
        assert sh.last_rc == 2
        sh.handle("ip link set v9 up")
        assert 'Cannot find device "v9"' in err.getvalue() and sh.last_rc == 1
        assert sh.handle(":quit") is False
