"""The two kinds of failure a lab reports to its user.

``ScriptError`` is a line that cannot be parsed (or a lab that cannot be validated): the
run stops before anything is created.  ``CommandError`` is a command that failed while
running, carrying iproute2's / iputils' own message and exit status; the script goes on
as a shell would.  Neither ever prints a traceback.
"""
from __future__ import annotations


class VethlabError(Exception):
    """Base class of every error vethlab reports to its user."""


class ScriptError(VethlabError):
    """A script line that cannot be parsed: ``FILE:LINE: message``, exit status 2."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class CommandError(VethlabError):
    """A command that failed while running, with the real tool's message and status.

    ``message`` is exactly what iproute2 (or iputils) prints on stderr, without the
    trailing newline, e.g. ``Cannot find device "veth9"`` (rc 1) or
    ``RTNETLINK answers: File exists`` (rc 2).
    """

    def __init__(self, message: str, rc: int = 2):
        super().__init__(message)
        self.message = message
        self.rc = rc


class BackendUnavailable(VethlabError):
    """The asked-for backend cannot run here (e.g. the kernel backend without root)."""
