"""Compiled Jinja2 templates kept in memory and shared by every Environment of one kind in
the process.

An Environment compiles each template on first use (lexing, parsing, generating and
compiling Python: tens of milliseconds for a page and its layout). The app builds one
Environment for pages and one for emails, so in production this saves nothing but costs
nothing either. Where a process builds many apps (the test suite builds one per test, the
benchmarks and the deployment checks several), each new Environment would compile every
template again; with a shared cache it loads the compiled code instead. Jinja2 keys an entry
by the template's name and file and checks the source's checksum before using it, so an
edited template is compiled again. Each kind of Environment (its options change the compiled
code) gets a cache of its own: `shared_bytecode_cache("pages")`.
"""

from __future__ import annotations

import threading

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._compiled[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()


_CACHES: dict[str, MemoryBytecodeCache] = {}
_CACHES_LOCK = threading.Lock()


def shared_bytecode_cache(kind: str) -> MemoryBytecodeCache:
    with _CACHES_LOCK:
        return _CACHES.setdefault(kind, MemoryBytecodeCache())
