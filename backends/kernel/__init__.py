"""The kernel backend: labs on real network namespaces and veth pairs (root only)."""
from backends.kernel.backend import KernelBackend
from backends.kernel.caps import kernel_available
from backends.kernel.sandbox import cleanup

__all__ = ["KernelBackend", "cleanup", "kernel_available"]
