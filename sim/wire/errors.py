"""The one error the wire layer raises: bytes that are not a valid packet."""
from __future__ import annotations


class WireError(ValueError):
    """Malformed bytes (too short, bad checksum, unsupported type).

    A ``ValueError`` so callers that drop bad packets, like the kernel does, can catch it
    without importing this module.
    """
