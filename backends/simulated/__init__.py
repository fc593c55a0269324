"""The simulated backend: a discrete-event model of namespaces, veths, ARP, IPv4, ICMP.

``stack/`` is the pure model of one namespace's kernel (time passed in, frames and
timers returned); ``world.py`` holds the namespaces and the configuration commands;
``engine.py`` (the only simpy importer) runs it all on a virtual clock; ``ping.py`` is
iputils' ping as a state machine; ``timing.py`` names the processing delays.
"""
from backends.simulated.engine import SimulatedBackend

__all__ = ["SimulatedBackend"]
