"""The watchdog shuts a socket down at its deadline, and leaves a disarmed one alone."""

from __future__ import annotations

import socket

from events_app.db_watchdog import Watchdog


def test_an_armed_socket_is_shut_down_and_a_disarmed_one_is_not() -> None:
    watchdog = Watchdog()
    kept, kept_peer = socket.socketpair()
    doomed, doomed_peer = socket.socketpair()
    with kept, kept_peer, doomed, doomed_peer:
        doomed_peer.settimeout(10)  # a liveness bound: without the watchdog, recv waits
        ticket = watchdog.arm(kept.fileno(), 0.01)
        watchdog.disarm(ticket)
        watchdog.arm(doomed.fileno(), 0.02)  # fires after the disarmed deadline passed
        assert doomed_peer.recv(16) == b""  # the peer sees the shut-down as end of stream
        kept.sendall(b"still here")
        assert kept_peer.recv(16) == b"still here"
