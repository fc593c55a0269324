"""The step-through's state model, driven without a browser."""
import pytest

from sim.notebook.stepper import Stepper, neighbour_tables, table_text

import synth


def test_walks_forward_and_back_and_clamps():
    st = Stepper(synth.seed_run())
    assert len(st) == 8 and st.index == 0
    assert st.back().index == 0  # stays at the start
    assert st.step().index == 1
    assert st.step().arrow.label == "ICMP echo request seq=1"
    assert st.back().index == 1
    assert st.at(99).index == 7 and st.at_end
    assert st.step().index == 7  # stays at the end
    assert st.at(-5).index == 0


def test_filter_keeps_cursor_on_the_same_or_next_frame():
    st = Stepper(synth.seed_run())
    st.at(2)  # first echo request
    st.set_protocol("ICMP")
    assert len(st) == 6 and st.index == 0
    st.at(3)
    st.set_protocol("all")
    assert st.current().arrow.label == "ICMP echo reply seq=2"
    st.at(1)  # ARP reply
    st.set_protocol("ICMP")
    assert st.current().arrow.label == "ICMP echo request seq=1"
    st.set_protocol("ARP")
    assert st.current().arrow.label.startswith("ARP 172.16.0.2 is-at")


def test_constructor_filter_and_bad_protocol():
    assert len(Stepper(synth.seed_run(), "ARP")) == 2
    assert len(Stepper(synth.seed_run(), {"ARP", "ICMP"})) == 8
    with pytest.raises(ValueError, match="unknown protocol"):
        Stepper(synth.seed_run(), "TCP")


def test_reasons_come_from_the_events_leading_up_to_the_frame():
    st = Stepper(synth.seed_run())
    assert st.current().reasons == ("no neighbour entry for 172.16.0.2: queue the echo "
                                    "request, broadcast an ARP request",)
    v = st.at(2)  # echo request: after the ARP reply made the entry REACHABLE
    assert v.reasons[0].startswith("ARP reply answers our request")
    assert [e.new for e in v.events] == ["REACHABLE"]
    v = st.at(4)  # second echo request: nothing new, the last explanation stands
    assert v.events == () and len(v.reasons) == 1


def test_neighbour_tables_at_each_step():
    st = Stepper(synth.seed_run())
    t0 = st.current().tables
    assert table_text(t0["ns1"]) == "172.16.0.2 dev veth1 INCOMPLETE"
    assert t0["ns2"] == []
    t2 = st.at(2).tables
    assert table_text(t2["ns1"]) == f"172.16.0.2 dev veth1 lladdr {synth.MAC2} REACHABLE"
    assert t2["ns2"][0].state == "STALE"
    assert st.at(3).tables["ns2"][0].state == "DELAY"


def test_entry_removed_by_none():
    from sim.trace import Event

    evs = [Event(1.0, "a", "e", "neigh", "10.0.0.1", "NONE", "STALE", "02:00:00:00:00:01"),
           Event(2.0, "a", "e", "neigh", "10.0.0.1", "STALE", "NONE")]
    assert neighbour_tables(evs, 1.5)["a"][0].lladdr == "02:00:00:00:00:01"
    assert neighbour_tables(evs, 2.5) == {"a": []}


def test_dissection_and_text():
    st = Stepper(synth.seed_run())
    st.at(2)
    d = st.current().dissection()
    assert "###[ Ethernet ]###" in d and "###[ IP ]###" in d and "echo-request" in d
    assert "neighbour tables now:" in st.text()


def test_empty_filter():
    st = Stepper(synth.failed_run(), "ICMP")
    assert len(st) == 0 and st.current() is None and st.step() is None
    assert "no ICMP frames" in st.text()
