"""A thread that reads a changing set of non-blocking sockets as data arrives.

Capture (AF_PACKET) and neighbour events (netlink) both keep one socket per namespace
and must read promptly (kernel timestamps are taken on arrival, but netlink events are
stamped when read) and be drained on demand before results are handed out.  Sockets
are added and removed while the thread runs; every read happens under one lock so
``drain()`` and ``remove()`` never race the thread.
"""
from __future__ import annotations

import os
import select
import socket
import threading
from typing import Callable, Hashable

#: ``handler(key, sock)`` reads everything pending on ``sock`` (non-blocking).
Handler = Callable[[Hashable, socket.socket], None]


class SocketPump:
    def __init__(self, handler: Handler, name: str):
        self.handler = handler
        self.socks: dict[Hashable, socket.socket] = {}
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def add(self, key: Hashable, sock: socket.socket) -> None:
        sock.setblocking(False)
        with self.lock:
            self.socks[key] = sock
        self._wake()

    def remove(self, key: Hashable) -> None:
        """Read what is pending on the socket, then close it."""
        with self.lock:
            sock = self.socks.pop(key, None)
            if sock is not None:
                self._read(key, sock)
                sock.close()
        self._wake()

    def drain(self) -> None:
        with self.lock:
            for key, sock in list(self.socks.items()):
                self._read(key, sock)

    def close(self) -> None:
        self._stop.set()
        self._wake()
        self._thread.join(timeout=2)
        with self.lock:
            for sock in self.socks.values():
                sock.close()
            self.socks.clear()
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def _read(self, key: Hashable, sock: socket.socket) -> None:
        try:
            self.handler(key, sock)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            pass  # a socket whose namespace went away; it is removed soon

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.lock:
                items = list(self.socks.items())
            fds = [s.fileno() for _, s in items if s.fileno() >= 0]
            try:
                ready, _, _ = select.select(fds + [self._wake_r], [], [], 0.2)
            except (OSError, ValueError):
                continue
            if self._wake_r in ready:
                try:
                    while os.read(self._wake_r, 512):
                        pass
                except OSError:
                    pass
            with self.lock:
                for key, sock in items:
                    if self.socks.get(key) is sock and sock.fileno() in ready:
                        self._read(key, sock)


class PumpedCollector:
    """Base of the capture and the neighbour listener: one socket per lab namespace,
    read by one ``SocketPump`` thread; subclasses say how to read a socket
    (``_read``) and what the pump's thread is called (``THREAD``)."""

    THREAD = "vethlab-reader"

    def __init__(self) -> None:
        self.pump = SocketPump(self._read, self.THREAD)

    def _read(self, key: Hashable, sock: socket.socket) -> None:  # pragma: no cover
        raise NotImplementedError

    def add(self, netns: str, sock: socket.socket) -> None:
        self.pump.add(netns, sock)

    def remove(self, netns: str) -> None:
        self.pump.remove(netns)

    def drain(self) -> None:
        self.pump.drain()
