"""A small keep-alive HTTP/1.1 load generator, used by bench/run.py only when wrk is missing.

It opens N connections to one loopback URL and sends GET after GET on each for a fixed time,
reading every response in full (by Content-Length). It prints one JSON line with the count.
It is much slower than wrk: a single Python process tops out at some tens of thousands of
requests per second, so with it the bare and cached rates say more about this client than
about the server. Prefer `apt-get install wrk`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Tally:
    ok: int = 0
    errors: int = 0


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response; return its status. Only Content-Length bodies are expected here."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _connection(host: str, port: int, request: bytes, deadline: float, tally: Tally) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            writer.write(request)
            status = await _read_response(reader)
            if 200 <= status < 400:
                tally.ok += 1
            else:
                tally.errors += 1
    finally:
        writer.close()


async def run_load(url: str, connections: int, duration: float) -> dict[str, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path or "/"
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    tally = Tally()
    started = time.perf_counter()
    deadline = started + duration
    # Bounded in time: every connection stops after the deadline, and a stuck one is cut off.
    await asyncio.wait_for(
        asyncio.gather(
            *(_connection(host, port, request, deadline, tally) for _ in range(connections))
        ),
        timeout=duration + 10,
    )
    elapsed = time.perf_counter() - started
    return {"requests": tally.ok, "errors": tally.errors, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("loadgen only talks to loopback")
    result = asyncio.run(run_load(args.url, args.connections, args.duration))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
