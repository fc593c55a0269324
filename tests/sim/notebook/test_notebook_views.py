"""HTML reprs, the cell magic's options and output, and the widget wiring."""
import pytest

import sim
from sim.notebook.html import comparison_html, run_html
from sim.notebook.magic import DEFAULT_OUT, Options, parse_options, run_cell

import synth


def test_run_html_shows_session_and_frames():
    html = run_html(synth.seed_run())
    assert "ip netns exec ns1 ping -c 3 172.16.0.2" in html
    assert "ARP, Request who-has 172.16.0.2 tell 172.16.0.1" in html
    assert "&lt;BROADCAST,MULTICAST,UP,LOWER_UP&gt;" in html  # escaped


def test_comparison_html():
    from sim.compare import compare

    run = synth.seed_run()
    html = comparison_html(compare(run, run))
    assert "MATCH" in html


def test_parse_options():
    assert parse_options("") == Options()
    o = parse_options("--backend auto --ladder --neighbours --out seed --seed=3")
    assert (o.backend, o.pictures, o.out, o.seed) == ("auto", ("ladder", "neighbours"),
                                                      "seed", 3)
    for bad in ("--backend vm", "--out 1x", "--frobnicate", "--out"):
        with pytest.raises(ValueError):
            parse_options(bad)


def test_bad_option_is_shown_not_raised():
    run, shown = run_cell("--backend vm", "ip netns add ns1\n")
    assert run is None and "unknown backend" in repr(shown[0])


def test_magic_registers_and_stores_the_run(monkeypatch):
    IPython = pytest.importorskip("IPython")
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    sim.notebook.load_ipython_extension(ip) if hasattr(sim, "notebook") else None
    from sim.notebook import load_ipython_extension

    load_ipython_extension(ip)
    assert "vethlab" in ip.magics_manager.magics["cell"]
    monkeypatch.setattr(sim, "run", lambda text, **kw: synth.seed_run())
    ip.run_cell_magic("vethlab", "--out seedrun", "ip netns add ns1\n")
    assert ip.user_ns["seedrun"].backend == "sim"
    ip.run_cell_magic("vethlab", "", "ip netns add ns1\n")
    assert DEFAULT_OUT in ip.user_ns


def test_run_cell_with_pictures(monkeypatch):
    monkeypatch.setattr(sim, "run", lambda text, **kw: synth.seed_run())
    run, shown = run_cell("--ladder --topology", "ip netns add ns1\n")
    assert run is not None and len(shown) == 3
    assert "$ ip netns add ns1" in repr(shown[0])
    assert shown[1].__class__.__name__ == "Figure"


def test_script_error_is_shown_not_raised(monkeypatch):
    from sim.errors import ScriptError

    def boom(text, **kw):
        raise ScriptError("<cell>", 2, 'Cannot find device "veth9"')

    monkeypatch.setattr(sim, "run", boom)
    run, shown = run_cell("", "x\n")
    assert run is None and repr(shown[0]) == '<cell>:2: Cannot find device "veth9"'


def test_widget_drives_the_stepper():
    pytest.importorskip("ipywidgets")
    from sim.notebook import step_widget

    box = step_widget(synth.seed_run())
    player, back, fwd, slider, proto = box.children[0].children
    st = box.stepper
    fwd.click()
    fwd.click()
    assert st.index == 2 and "ICMP echo request" in box.children[1].value
    back.click()
    assert st.index == 1
    proto.value = "ARP"
    assert slider.max == 1 and st.current().arrow.protocol == "ARP"
    proto.value = "ICMP"
    assert "ICMP" in box.children[1].value
