"""The pure model of a namespace's kernel: no clock, no I/O, no simpy.

Every entry point takes ``now`` and returns actions (``stack.actions``): frames to emit,
timers to arm, packets for lo or for sockets, and ``sim.trace.Event`` records.
"""
