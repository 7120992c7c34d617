"""Every PostgreSQL connection the app opens carries the statement timeout and TCP keepalives
from the settings; command-line tools get no statement timeout."""

from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import text

from events_app.db import Database
from tests.conftest import make_settings

POSTGRES = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@POSTGRES
def test_every_connection_has_the_statement_timeout_and_keepalives(database_url: str) -> None:
    settings = make_settings(
        database_url, database_statement_timeout_seconds=7, database_keepalive_seconds=40
    )
    database = Database.from_settings(settings)
    try:
        with database.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "7s"
            fd = connection.connection.dbapi_connection.fileno()  # type: ignore[union-attr]
            sock = socket.socket(fileno=os.dup(fd))
            try:
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 40
            finally:
                sock.close()
    finally:
        database.dispose()


@POSTGRES
def test_command_line_tools_get_no_statement_timeout(database_url: str) -> None:
    database = Database.from_url(database_url)
    try:
        with database.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        database.dispose()
