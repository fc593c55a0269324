"""sim.show against the real tools: iproute2 6.1 and iputils ping 20221126.

``kernel_lab.py`` runs under ``unshare -m --net`` (a throwaway network namespace with a
private /run), builds namespaces, veth pairs, a bridge, addresses, routes and neighbour
entries, and dumps each listing twice: as the real text and as ``ip -j`` JSON.  Here the
JSON becomes snapshots (``snapshot_from_ip_json``), ``sim.show`` renders them and the
result must equal the real text byte for byte.  Real ping outputs are parsed back into
``PingReport``s and re-rendered the same way, which catches formatting drift.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.errors import CommandError
from sim.model import (Address, Link, NetnsEntry, NetnsListing, NetnsState, Neighbour,
                       Route)
from sim.programs import PingLine, PingReport
from sim.show import (render_addr, render_link, render_neigh, render_netns_list,
                      render_ping, render_route)

LAB = Path(__file__).with_name("kernel_lab.py")
REPO = Path(__file__).resolve().parents[3]


def _unshare_reason() -> str | None:
    """Why the kernel lab cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN) to unshare a network namespace"
    for tool in ("unshare", "ip", "ping"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (ping: apt-get install -y iputils-ping)"
    probe = subprocess.run(["unshare", "-m", "--net", "true"], capture_output=True)
    if probe.returncode != 0:
        return "unshare -m --net refused (no CAP_SYS_ADMIN in this container)"
    return None


@pytest.fixture(scope="module")
def lab() -> dict:
    reason = _unshare_reason()
    if reason:
        pytest.skip(reason)
    p = subprocess.run(["unshare", "-m", "--net", sys.executable, str(LAB)],
                       capture_output=True, text=True, timeout=180, cwd=REPO)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


# --- ip -j JSON -> snapshots ---------------------------------------------------------

_DERIVED_FLAGS = {"NO-CARRIER", "M-DOWN"}  # the renderer must derive these itself


def snapshot_from_ip_json(netns: str, links: list, addrs: list, routes: list,
                          neighs: list, nsid_names: dict[int, str]) -> NetnsState:
    """A ``NetnsState`` from ``ip -d -j link``, ``ip -j addr``, ``ip -j route`` and
    ``ip -j neigh show nud all`` of one namespace; ``nsid_names`` maps this namespace's
    nsids to names (from ``ip -j netns list``)."""
    by_name = {l["ifname"]: l for l in links}
    out_links = []
    for l in links:
        kind = l.get("linkinfo", {}).get("info_kind") or (
            "loopback" if l["link_type"] == "loopback" else "veth")
        peer_name, peer_index, link_netns = l.get("link"), l.get("link_index"), None
        if "link_netnsid" in l:
            link_netns = nsid_names[l["link_netnsid"]]
        elif peer_name is not None:
            peer_index = by_name[peer_name]["ifindex"]
        out_links.append(Link(
            index=l["ifindex"], name=l["ifname"], kind=kind, mac=l["address"],
            flags=tuple(f for f in l["flags"] if f not in _DERIVED_FLAGS),
            operstate=l["operstate"], mtu=l["mtu"], qdisc=l["qdisc"], qlen=l.get("txqlen", 0),
            brd=l["broadcast"], peer_ifindex=peer_index, peer_name=peer_name,
            link_netns=link_netns, master=l.get("master"), group=l["group"]))
    out_addrs = [
        Address(dev=a["ifname"], local=i["local"], prefixlen=i["prefixlen"],
                scope=i["scope"], broadcast=i.get("broadcast"), label=i.get("label"))
        for a in addrs for i in a["addr_info"] if i["family"] == "inet"
    ]
    out_routes = [
        Route(dst=r["dst"], dev=r["dev"], via=r.get("gateway"), proto=r.get("protocol"),
              scope=r.get("scope"), src=r.get("prefsrc"), metric=r.get("metric"),
              linkdown="linkdown" in r.get("flags", []))
        for r in routes
    ]
    out_neighs = [
        Neighbour(dst=n["dst"], dev=n["dev"], lladdr=n.get("lladdr"), state=n["state"][0],
                  router="router" in n, proxy="proxy" in n)
        for n in neighs
    ]
    return NetnsState(netns, tuple(out_links), tuple(out_addrs), tuple(out_routes),
                      tuple(out_neighs))


def _states(lab: dict):
    for d in lab["dumps"]:
        names = {e["id"]: e["name"] for e in d["netns_json"] if "id" in e}
        state = snapshot_from_ip_json(d["netns"], d["links_json"], json.loads(d["addr_json"]),
                                      json.loads(d["route_json"]), json.loads(d["neigh_json"]),
                                      names)
        yield d, state


def test_listings_match_iproute2(lab):
    compared = 0
    for d, state in _states(lab):
        where = f"{d['phase']}/{d['netns']}"
        text = d["text"]
        assert render_link(state) == text["link"], where
        assert render_addr(state) == text["addr"], where
        assert render_route(state) == text["route"], where
        assert render_neigh(state) == text["neigh"], where
        for link in state.links:
            assert render_link(state, link.name) == text[f"link dev {link.name}"], where
            assert render_addr(state, link.name) == text[f"addr dev {link.name}"], where
            assert render_neigh(state, link.name) == text[f"neigh dev {link.name}"], where
        compared += 1
    assert compared == 8


def test_features_were_exercised(lab):
    """Guard against the lab silently losing the cases the comparison is meant to cover."""
    all_text = "".join(v for d in lab["dumps"] for v in d["text"].values())
    for needle in ("M-DOWN", "NO-CARRIER", "link-netns ns1", "master cni0", " secondary ",
                   " brd 172.16.0.255 ", "linkdown \n", " metric 50 \n", "router REACHABLE",
                   "PERMANENT", "FAILED", "group default \n", "<LOOPBACK,UP,LOWER_UP>"):
        assert needle in all_text, needle


def test_netns_list_matches(lab):
    for d in lab["dumps"]:
        listing = NetnsListing(tuple(NetnsEntry(e["name"], e.get("id"))
                                     for e in d["netns_json"]))
        assert render_netns_list(listing) == d["netns_text"], d["netns"]


def test_missing_device_errors_match(lab):
    state = NetnsState("root")
    render = {"link show dev nosuch": lambda: render_link(state, "nosuch"),
              "addr show dev nosuch": lambda: render_addr(state, "nosuch"),
              "link show nosuch": lambda: render_link(state, "nosuch"),
              "neigh show dev nosuch": lambda: render_neigh(state, "nosuch")}
    for e in lab["errors"]:
        with pytest.raises(CommandError) as err:
            render[e["cmd"]]()
        assert (err.value.message + "\n", err.value.rc) == (e["stderr"], e["rc"])


# --- ping ------------------------------------------------------------------------------

_HEADER = re.compile(r"PING (\S+) \((\S+)\) (\d+)\((\d+)\) bytes of data\.$")
_REPLY = re.compile(r"(\d+) bytes from ([^:]+): icmp_seq=(\d+) ttl=(\d+)"
                    r"(?: time=([\d.]+) ms)?( \(DUP!\))?$")
_FROM = re.compile(r"From (\S+) icmp_seq=(\d+) (.+)$")
_STATS = re.compile(r"(\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?"
                    r"(?:, \+(\d+) errors)?, [\d.]+% packet loss, time (\d+)ms$")
_PIPE = re.compile(r"(?:^|, )pipe (\d+)$")


def report_from_ping_output(stdout: str, stderr: str, interrupted: bool) -> tuple[PingReport, bool]:
    """A ``PingReport`` holding the numbers real ping printed, and whether every rtt was
    printed with microsecond precision (so the rtt summary can be recomputed exactly)."""
    if not stdout and stderr.startswith("ping: "):
        return PingReport("?", "?", fatal=stderr[len("ping: "):].rstrip("\n")), True
    rows = stdout.split("\n")
    dest, addr, size, _ = _HEADER.match(rows[0]).groups()
    lines, exact = [], True
    for row in rows[1:rows.index("")]:
        if m := _REPLY.match(row):
            us = None
            if m[5] is not None:
                us = round(float(m[5]) * 1000)
                exact &= len(m[5].split(".")[-1]) == 3
            lines.append(PingLine("reply", int(m[3]), m[2], nbytes=int(m[1]), ttl=int(m[4]),
                                  rtt_us=us, duplicate=bool(m[6])))
        elif m := _FROM.match(row):
            kind = "ttl" if m[3].startswith("Time to live") else "error"
            lines.append(PingLine(kind, int(m[2]), m[1], text=m[3]))
        else:
            raise AssertionError(f"unparsed ping line {row!r}")
    stats = next(_STATS.match(r) for r in rows if _STATS.match(r))
    pipe = next((int(m[1]) for r in rows if (m := _PIPE.search(r))), 0)
    report = PingReport(dest, addr, size=int(size), lines=tuple(lines),
                        transmitted=int(stats[1]), received=int(stats[2]),
                        duplicates=int(stats[3] or 0), errors=int(stats[4] or 0),
                        elapsed_ms=int(stats[5]), interrupted=interrupted, pipe=pipe)
    return report, exact


def test_ping_matches_iputils(lab):
    kinds = set()
    for p in lab["pings"]:
        report, exact = report_from_ping_output(p["stdout"], p["stderr"], p["interrupted"])
        out, err = render_ping(report)
        # iputils keeps round-trip times in finer units than it prints, so avg and mdev
        # recomputed from the printed times can be 1 µs off; min and max are exact when
        # every reply was under 1 ms (printed to the µs).
        rtt = r"rtt min/avg/max/mdev = ([\d.]+)/[\d.]+/([\d.]+)/[\d.]+ ms"
        strip = lambda s: re.sub(rtt, "rtt", s)
        assert strip(out) == strip(p["stdout"]), p["argv"]
        assert err == p["stderr"], p["argv"]
        if exact:
            assert re.findall(rtt, out) == re.findall(rtt, p["stdout"]), p["argv"]
        assert report.rc == p["rc"], p["argv"]
        kinds |= {l.kind for l in report.lines} | ({"fatal"} if report.fatal else set())
        kinds |= {"pipe"} if report.pipe else set()
    assert kinds >= {"reply", "error", "ttl", "fatal", "pipe"}
