"""Bad files through the CLI: ``FILE:LINE: message`` on stderr, a non-zero status, no
traceback — as a subprocess (``vethlab run``) and through ``main()``."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sim.cli import main

_SCRIPT = os.path.join(os.path.dirname(sys.executable), "vethlab")
#: The installed console script (what a user runs), else the module.
VETHLAB = [_SCRIPT] if os.path.exists(_SCRIPT) else [sys.executable, "-m", "sim"]

CASES = [  # (file bytes, line, the message after "FILE:LINE: ")
    (b"ip netns add ns1\n\xff\xfe bad\n", 2,
     "vethlab: byte 0xff at column 1 is not UTF-8 text (save the lab as UTF-8)"),
    (b"ip netns add ns1\nip link add v1 type veth peer name \xe9\n", 2, "is not UTF-8 text"),
    (b"ip netns add " + b"a" * 100_000 + b"\n", 1,
     "vethlab: this line is 100013 bytes long; a lab line may have at most 4096"),
    (b"ip netns add ns1\nip\0 netns add ns2\n", 2,
     "vethlab: control character U+0000 at column 3 (a lab line holds printable text only)"),
    (b"ip netns add ns1\x1b[2J\n", 1, "control character U+001B"),
    (b"ping -c 99999999999999999999 172.16.0.2\n", 1,
     "ping: invalid argument: '99999999999999999999': out of range: "
     "1 <= value <= 9223372036854775807"),
    (b"ip netns add ns1\nip netns exec ns1 bash\n", 2,
     'vethlab: unsupported command "bash" (supported: arping, bridge, ip, ping, sleep, sysctl)'),
    (b'sh -c "ip netns add x; rm -rf /"\n', 1, 'vethlab: unsupported command "sh"'),
    (b"rm -rf /\n", 1, 'vethlab: unsupported command "rm"'),
    (b"sudo rm -rf /\n", 1, 'vethlab: unsupported command "rm"'),
    (b"ip netns exec ns1 /bin/sh -c id\n", 1, 'vethlab: unsupported command "/bin/sh"'),
    (b"ip netns add ns1; rm -rf /\n", 1, 'vethlab: shell syntax ";" is not supported'),
    (b"ip netns add $(rm -rf /)\n", 1, 'vethlab: shell syntax "$(" is not supported'),
    (b"ip netns add ../../etc\n", 1, 'Invalid netns name "../../etc"'),
    (b"ip link add abcdefghijklmnop type veth peer name b\n", 1,
     'Error: argument "abcdefghijklmnop" is wrong: "name" not a valid ifname'),
    (b"ip addr add 300.1.1.1/24 dev veth1\n", 1,
     'Error: any valid prefix is expected rather than "300.1.1.1/24".'),
    (b"ip link set veth1 address 01:02:03:04:05:zz\n", 1, '"zz" is invalid lladdr.'),
    (b"ip frobnicate\n", 1, 'Object "frobnicate" is unknown, try "ip help".'),
]


def _check(err: str, rc: int, path: str, line: int, message: str) -> None:
    assert rc != 0
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:{line}: "), err
    assert message in first, err


@pytest.mark.parametrize("data, line, message", CASES)
def test_bad_file_through_main(tmp_path, capsys, data, line, message):
    path = tmp_path / "bad.ip"
    path.write_bytes(data)
    rc = main(["run", "--backend", "sim", str(path)])
    out, err = capsys.readouterr()
    _check(err, rc, str(path), line, message)
    assert out == ""  # nothing ran: the whole file is checked first


@pytest.mark.parametrize("data, line, message", CASES[:3] + CASES[6:9])
def test_bad_file_through_vethlab_run(tmp_path, data, line, message):
    path = tmp_path / "bad.ip"
    path.write_bytes(data)
    res = subprocess.run(VETHLAB + ["run", "--backend", "sim", str(path)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    _check(res.stderr, res.returncode, str(path), line, message)
    assert res.returncode == 2 and res.stdout == ""


def test_duplicate_names_fail_at_their_line_and_the_run_goes_on(tmp_path, capsys):
    path = tmp_path / "dup.ip"
    path.write_text("ip netns add ns1\nip netns add ns1\n"
                    "ip link add v1 type veth peer name v1\nip netns list\n")
    rc = main(["run", "--backend", "sim", str(path)])
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f'{path}:2: Cannot create namespace file "/run/netns/ns1": File exists',
        f"{path}:3: RTNETLINK answers: File exists",
    ]
    assert out.endswith("$ ip netns list\nns1\n") and rc == 0


def test_crlf_and_bom_files_are_read(tmp_path, capsys):
    path = tmp_path / "dos.ip"
    path.write_bytes(b"\xef\xbb\xbfip netns add ns1\r\nip netns list\r\n")
    assert main(["run", "--backend", "sim", str(path)]) == 0
    assert capsys.readouterr().out == "$ ip netns add ns1\n$ ip netns list\nns1\n"


def test_a_form_feed_does_not_shift_line_numbers(tmp_path, capsys):
    path = tmp_path / "ff.ip"
    path.write_bytes(b"ip netns add ns1\n# a\x0cpage\nip netns add ns1\n")
    main(["run", "--backend", "sim", str(path)])
    assert capsys.readouterr().err.startswith(f"{path}:3: ")


def test_unreadable_file(tmp_path, capsys):
    assert main(["run", "--backend", "sim", str(tmp_path / "missing.ip")]) == 2
    assert capsys.readouterr().err.startswith("vethlab: cannot read ")


def test_limit_flags_reach_the_simulator(tmp_path, capsys):
    from test_safety_limits import BRIDGE_LOOP

    path = tmp_path / "loop.ip"
    path.write_text(BRIDGE_LOOP)
    rc = main(["run", "--backend", "sim", "--max-sim-frames", "300", str(path)])
    _out, err = capsys.readouterr()
    assert rc == 124
    assert err.splitlines() == [
        f"{path}:16: vethlab: the simulation put 300 frames on the wire, its limit "
        "(--max-sim-frames); a bridge loop or a flood never ends on its own, so the run "
        "stops here",
        f"vethlab: the run stopped at {path}:16: --max-sim-frames was reached, so the "
        "lines after it did not run",
    ]


@pytest.mark.parametrize("flag", ["--max-namespaces", "--max-ping-count", "--max-ping-time",
                                  "--max-virtual-time", "--max-sim-frames"])
def test_limit_flags_refuse_nonsense(flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--backend", "sim", flag, "-1", "x.ip"])
    assert exc.value.code == 2
    assert flag in capsys.readouterr().err


def test_the_shell_reads_bad_bytes_without_a_traceback():
    res = subprocess.run(VETHLAB + ["shell"], input=b"ip netns add ns1\n\xff\nip netns list\n",
                         capture_output=True, timeout=60)
    err = res.stderr.decode()
    assert "Traceback" not in err
    assert "<stdin>:2: vethlab: byte 0xff at column 1 is not UTF-8 text" in err
    assert res.stdout.decode().endswith("ns1\n")
