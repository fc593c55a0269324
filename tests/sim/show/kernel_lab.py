"""Build a small lab on the real kernel and dump what iproute2 and iputils print.

Run only inside a throwaway network + mount namespace (``unshare -m --net``): it mounts
a private tmpfs on /run so ``ip netns add`` never touches the host's /run/netns.  Every
namespace is named (``root``, ``ns1``, ``ns2``, ``ns3``) so every ``link-netns`` resolves
to a name, as on the kernel backend.  Prints one JSON document on stdout; the test that
starts it compares the real text with ``sim.show``'s rendering of the real JSON.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

NAMESPACES = ("root", "ns1", "ns2", "ns3")


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(argv, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: {p.stderr}")
    return p


def ip(ns: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return sh("ip", "-n", ns, *args, check=check)


def setup() -> None:
    sh("mount", "-t", "tmpfs", "tmpfs", "/run")
    for ns in NAMESPACES:
        sh("ip", "netns", "add", ns)
        for conf in ("all", "default", "lo"):
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{conf}.disable_ipv6=1")
    ip("root", "link", "add", "veth1", "type", "veth", "peer", "name", "veth1-peer", "netns", "ns1")
    ip("root", "link", "add", "veth2", "type", "veth", "peer", "name", "veth2-peer", "netns", "ns2")
    ip("root", "link", "add", "vA", "type", "veth", "peer", "name", "vB")
    ip("root", "link", "add", "cni0", "type", "bridge")
    ip("root", "link", "set", "vB", "master", "cni0")


def configure() -> None:
    ip("root", "link", "set", "lo", "up")
    ip("root", "addr", "add", "172.16.0.1/24", "dev", "veth1")
    ip("root", "addr", "add", "172.16.0.5/24", "brd", "+", "dev", "veth1")
    ip("root", "addr", "add", "10.0.0.1/8", "dev", "veth1")
    ip("root", "addr", "add", "10.0.0.9/16", "dev", "veth1")
    ip("root", "addr", "add", "172.17.0.1/24", "dev", "veth2")
    ip("root", "addr", "add", "10.22.0.1/24", "dev", "cni0")
    for dev in ("veth1", "veth2", "cni0", "vB", "vA"):
        ip("root", "link", "set", dev, "up")
    ip("root", "link", "set", "veth2", "txqueuelen", "0")
    ip("root", "route", "add", "default", "via", "172.16.0.2", "metric", "5")
    ip("root", "route", "add", "10.1.0.0/16", "via", "172.16.0.2", "metric", "100")
    ip("root", "route", "add", "10.1.0.0/16", "via", "172.16.0.2", "metric", "50")
    ip("root", "route", "add", "192.168.9.9", "dev", "veth1")
    ip("ns1", "link", "set", "lo", "up")
    ip("ns1", "addr", "add", "172.16.0.2/24", "dev", "veth1-peer")
    ip("ns1", "link", "set", "veth1-peer", "up")
    ip("ns1", "route", "add", "10.1.0.0/16", "dev", "veth1-peer")
    sh("ip", "netns", "exec", "ns1", "sysctl", "-qw", "net.ipv4.ip_forward=1")
    ip("root", "neigh", "add", "172.16.0.9", "lladdr", "02:00:00:00:00:09", "dev", "veth1")
    ip("root", "neigh", "add", "172.16.0.10", "lladdr", "02:00:00:00:00:0a", "dev", "veth1",
       "nud", "reachable", "router")
    ip("root", "neigh", "add", "172.16.0.11", "lladdr", "02:00:00:00:00:0b", "dev", "veth1",
       "nud", "noarp")
    ip("root", "neigh", "add", "172.16.0.12", "dev", "veth1", "nud", "failed")
    time.sleep(0.3)  # let linkwatch settle operstates


def stable_pair(ns: str, text_args: list[str], json_args: list[str]) -> tuple[str, str]:
    """Text and JSON taken back to back, retried until the text did not change around
    the JSON dump (neighbour states move on their own)."""
    for _ in range(5):
        before = ip(ns, *text_args).stdout
        js = ip(ns, "-j", *json_args).stdout
        after = ip(ns, *text_args).stdout
        if before == after:
            return before, js
    return before, js


def dump(phase: str) -> list[dict]:
    out = []
    for ns in NAMESPACES:
        links = json.loads(ip(ns, "-d", "-j", "link", "show").stdout)
        entry: dict = {"phase": phase, "netns": ns, "links_json": links, "text": {}}
        entry["text"]["link"], _ = stable_pair(ns, ["link", "show"], ["link", "show"])
        entry["text"]["addr"], entry["addr_json"] = stable_pair(ns, ["addr", "show"], ["addr", "show"])
        entry["text"]["route"], entry["route_json"] = stable_pair(ns, ["route", "show"], ["route", "show"])
        entry["text"]["neigh"], entry["neigh_json"] = stable_pair(ns, ["neigh", "show"],
                                                                  ["neigh", "show", "nud", "all"])
        for l in links:
            dev = l["ifname"]
            entry["text"][f"link dev {dev}"] = ip(ns, "link", "show", "dev", dev).stdout
            entry["text"][f"addr dev {dev}"] = ip(ns, "addr", "show", "dev", dev).stdout
            entry["text"][f"neigh dev {dev}"] = ip(ns, "neigh", "show", "dev", dev).stdout
        entry["netns_text"] = ip(ns, "netns", "list").stdout
        entry["netns_json"] = json.loads(ip(ns, "-j", "netns", "list").stdout or "[]")
        out.append(entry)
    return out


def errors() -> list[dict]:
    res = []
    for what in (["link", "show", "dev", "nosuch"], ["addr", "show", "dev", "nosuch"],
                 ["link", "show", "nosuch"], ["neigh", "show", "dev", "nosuch"]):
        p = ip("root", *what, check=False)
        res.append({"cmd": " ".join(what), "stderr": p.stderr, "rc": p.returncode})
    return res


def ping(ns: str, *args: str, sigint_after: float | None = None) -> dict:
    argv = ["ip", "netns", "exec", ns, "ping", *args]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if sigint_after is not None:
        time.sleep(sigint_after)
        p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=30)
    return {"argv": args, "stdout": stdout, "stderr": stderr, "rc": p.returncode,
            "interrupted": sigint_after is not None}


def pings() -> list[dict]:
    return [
        ping("root", "-c", "3", "-i", "0.2", "172.16.0.2"),
        ping("root", "-c", "2", "-s", "8", "-i", "0.2", "172.16.0.2"),
        ping("root", "-c", "2", "-s", "1000", "-i", "0.2", "172.16.0.2"),
        ping("root", "-c", "4", "-i", "0.3", "10.22.0.9"),
        ping("root", "-c", "2", "-W", "1", "-i", "0.5", "172.16.0.77"),
        ping("root", "-c", "2", "-t", "1", "-i", "0.3", "10.1.0.1"),
        ping("ns2", "-c", "1", "192.168.77.1"),
        ping("root", "-i", "0.4", "172.16.0.2", sigint_after=1.0),
        ping("ns1", "-c", "5", "-i", "0.2", "-s", "20", "172.16.0.1"),
    ]


def main() -> None:
    setup()
    result = {"dumps": dump("created"), "errors": errors()}
    configure()
    result["pings"] = pings()
    result["dumps"] += dump("configured")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
