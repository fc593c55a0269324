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
    """Reads the sockets as data arrives (its own thread) and on demand (``drain``).

    Readiness comes from one epoll set, so a drain — before every configuration
    command — touches only the sockets that hold data, not every namespace's (a
    hundred-pod lab would otherwise try 200 empty reads per command), and there is no
    ``select`` limit of 1024 descriptors.
    """

    def __init__(self, handler: Handler, name: str, parallel_close: bool = False):
        self.handler = handler
        #: Close the sockets side by side on close() (AF_PACKET: see close_all).
        self.parallel_close = parallel_close
        self.socks: dict[Hashable, socket.socket] = {}
        self._by_fd: dict[int, tuple[Hashable, socket.socket]] = {}
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._ep = select.epoll()
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._ep.register(self._wake_r, select.EPOLLIN)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def add(self, key: Hashable, sock: socket.socket) -> None:
        sock.setblocking(False)
        with self.lock:
            self.socks[key] = sock
            self._by_fd[sock.fileno()] = (key, sock)
            self._ep.register(sock.fileno(), select.EPOLLIN)

    def remove(self, key: Hashable) -> None:
        """Read what is pending on the socket, then close it."""
        with self.lock:
            sock = self.socks.pop(key, None)
            if sock is not None:
                self._read(key, sock)
                self._forget(sock)
                sock.close()

    def drain(self) -> None:
        with self.lock:
            for fd, _ev in self._ep.poll(0):
                entry = self._by_fd.get(fd)
                if entry is not None:
                    self._read(*entry)

    def close(self) -> None:
        self._stop.set()
        self._wake()
        self._thread.join(timeout=2)
        with self.lock:
            socks = list(self.socks.values())
            for sock in socks:
                self._forget(sock)
            self.socks.clear()
        if self.parallel_close:
            close_all(socks)
        else:
            for sock in socks:
                sock.close()
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._ep.close()

    def _forget(self, sock: socket.socket) -> None:
        fd = sock.fileno()
        if fd >= 0 and self._by_fd.pop(fd, None) is not None:
            try:
                self._ep.unregister(fd)
            except (OSError, ValueError):
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
            try:
                ready = self._ep.poll(0.2)
            except InterruptedError:
                continue
            except (OSError, ValueError):
                return  # closed under us
            if any(fd == self._wake_r for fd, _ in ready):
                try:
                    while os.read(self._wake_r, 512):
                        pass
                except OSError:
                    pass
            with self.lock:
                for fd, _ev in ready:
                    entry = self._by_fd.get(fd)
                    if entry is not None:
                        self._read(*entry)


def close_all(socks: list[socket.socket]) -> None:
    """Close sockets side by side.

    Closing an AF_PACKET socket waits for an RCU grace period (``synchronize_net``),
    ~12 ms here; closed one after another, a hundred namespaces' capture sockets took
    1.2 s.  Closed from parallel threads the waits overlap (~25 ms for a hundred).
    """
    if len(socks) <= 1:
        for sock in socks:
            sock.close()
        return
    threads = []
    for chunk in (socks[i::_CLOSERS] for i in range(min(_CLOSERS, len(socks)))):
        t = threading.Thread(target=lambda c=chunk: [s.close() for s in c],
                             name="vethlab-close", daemon=True)
        try:
            t.start()
        except RuntimeError:  # no threads to spare: close them here
            for sock in chunk:
                sock.close()
            continue
        threads.append(t)
    for t in threads:
        t.join()


#: Threads closing sockets at once (each grace period is shared by all of them).
_CLOSERS = 128


class PumpedCollector:
    """Base of the capture and the neighbour listener: one socket per lab namespace,
    read by one ``SocketPump`` thread; subclasses say how to read a socket
    (``_read``) and what the pump's thread is called (``THREAD``)."""

    THREAD = "vethlab-reader"
    #: Whether closing a socket waits for the kernel (AF_PACKET does: see close_all).
    SLOW_CLOSE = False

    def __init__(self) -> None:
        self.pump = SocketPump(self._read, self.THREAD, self.SLOW_CLOSE)

    def _read(self, key: Hashable, sock: socket.socket) -> None:  # pragma: no cover
        raise NotImplementedError

    def add(self, netns: str, sock: socket.socket) -> None:
        self.pump.add(netns, sock)

    def remove(self, netns: str) -> None:
        self.pump.remove(netns)

    def drain(self) -> None:
        self.pump.drain()
