"""The fault proxy itself: it must forward faithfully, and its faults must be real ones
(a silent server makes a client's read time out; a refused one closes the socket)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.faults.proxy import FaultProxy, Mode, fault_proxy


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                while data := conn.recv(1024):
                    conn.sendall(data.upper())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stopping.set()
    server.close()
    thread.join(timeout=2)


def _ask(proxy: FaultProxy, payload: bytes, timeout: float = 1.0) -> bytes:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout) as sock:
        sock.sendall(payload)
        return sock.recv(1024)


def test_passes_bytes_both_ways(echo_port: int) -> None:
    with fault_proxy("127.0.0.1", echo_port) as proxy:
        assert _ask(proxy, b"ping") == b"PING"


def test_silent_server_makes_the_client_time_out(echo_port: int) -> None:
    with fault_proxy("127.0.0.1", echo_port) as proxy:
        proxy.set_mode(Mode.SILENT)
        with pytest.raises(TimeoutError):
            _ask(proxy, b"ping", timeout=0.3)


def test_refused_server_closes_the_connection(echo_port: int) -> None:
    with fault_proxy("127.0.0.1", echo_port) as proxy:
        proxy.set_mode(Mode.REFUSE)
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            assert _ask(proxy, b"ping") == b""


def test_refuse_cuts_connections_already_open(echo_port: int) -> None:
    with (
        fault_proxy("127.0.0.1", echo_port) as proxy,
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1) as sock,
    ):
        sock.sendall(b"a")
        assert sock.recv(16) == b"A"
        proxy.set_mode(Mode.REFUSE)
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            sock.sendall(b"b")
            assert sock.recv(16) == b""


def test_recovers_after_an_outage(echo_port: int) -> None:
    with fault_proxy("127.0.0.1", echo_port) as proxy:
        proxy.set_mode(Mode.SILENT)
        proxy.set_mode(Mode.PASS)
        assert _ask(proxy, b"back") == b"BACK"
