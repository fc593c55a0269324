"""Backends that run a lab: ``simulated`` (simpy model) and ``kernel`` (real namespaces)."""
