"""A TCP proxy that tests put between the app and PostgreSQL, Redis or SMTP to make the
server misbehave on demand: go silent (accept and read, never answer), refuse connections,
or answer slowly. Real servers misbehave in these ways during outages, and no mock can show
what a driver's timeouts really do.

Threads, not asyncio, so that synchronous tests and the app's own event loop both use it
without sharing a loop.
"""

from __future__ import annotations

import enum
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class Mode(enum.Enum):
    PASS = "pass"  # forward bytes both ways
    SILENT = "silent"  # accept and read, never forward or answer: a hung server
    REFUSE = "refuse"  # close new and existing connections at once: a server that is down


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to ``upstream_host:upstream_port``."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode = Mode.PASS
        self.delay_seconds = 0.0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.accepted = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def set_mode(self, mode: Mode) -> None:
        """Switch behaviour; REFUSE also cuts the connections already open."""
        self.mode = mode
        if mode is Mode.REFUSE:
            self._close_all()

    def stop(self) -> None:
        self._stopping.set()
        self._close_all()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def _close_all(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            for sock in (client, upstream):
                if sock is not None:
                    with suppress(OSError):
                        sock.close()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            if self.mode is Mode.REFUSE:
                client.close()
                continue
            upstream: socket.socket | None = None
            if self.mode is Mode.PASS:
                try:
                    upstream = socket.create_connection(self.upstream, timeout=5)
                except OSError:
                    client.close()
                    continue
            with self._lock:
                self._pairs.append((client, upstream))
            thread = threading.Thread(
                target=self._pump, args=(client, upstream), name="fault-proxy-pump", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _pump(self, client: socket.socket, upstream: socket.socket | None) -> None:
        selector = selectors.DefaultSelector()
        try:
            selector.register(client, selectors.EVENT_READ, upstream)
            if upstream is not None:
                selector.register(upstream, selectors.EVENT_READ, client)
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.1):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    target: socket.socket | None = key.data
                    data = source.recv(65536)
                    if not data:
                        return
                    if self.mode is Mode.SILENT or target is None:
                        continue  # swallow: the peer waits for an answer that never comes
                    if self.delay_seconds:
                        time.sleep(self.delay_seconds)
                    target.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                if sock is not None:
                    with suppress(OSError):
                        sock.close()


@contextmanager
def fault_proxy(upstream_host: str, upstream_port: int) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream_host, upstream_port).start()
    try:
        yield proxy
    finally:
        proxy.stop()
