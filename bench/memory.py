"""Resident memory of a few processes (and their children: uvicorn's workers), sampled on a
thread every few seconds from /proc, for bench/soak.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "child"
    return "resource tracker" if b"resource_tracker" in command else "worker"


class MemoryLog:
    """name -> [(seconds since start, MB)]; a process named "serve" also brings in its
    children as "serve: worker <pid>" (and multiprocessing's "serve: resource tracker")."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = processes
        self.samples: dict[str, list[tuple[float, float]]] = {}
        self.started = time.monotonic()

    def sample(self) -> None:
        now = time.monotonic() - self.started
        named = dict(self.processes)
        for name, pid in self.processes.items():
            for child in children(pid):
                named[f"{name}: {role(child)} {child}"] = child
        for name, pid in named.items():
            mb = rss_mb(pid)
            if mb is not None:
                self.samples.setdefault(name, []).append((now, mb))

    @contextmanager
    def sampling(self, every: float) -> Iterator[MemoryLog]:
        stop = threading.Event()

        def run() -> None:
            while not stop.is_set():
                self.sample()
                stop.wait(every)

        thread = threading.Thread(target=run, daemon=True)
        self.started = time.monotonic()
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
            self.sample()

    def _after(self, name: str, warmup: float) -> list[float]:
        return [mb for t, mb in self.samples[name] if t >= warmup]

    def growth(self, warmup: float) -> dict[str, float]:
        """Per process: the highest sample after the warm-up over the first one after it."""
        result = {}
        for name in self.samples:
            after = self._after(name, warmup)
            if len(after) >= 2:
                result[name] = max(after) / after[0] - 1
        return result

    def timeline(self) -> dict[str, list[tuple[float, float]]]:
        return {
            name: [(round(t, 1), round(mb, 1)) for t, mb in s] for name, s in self.samples.items()
        }

    def table(self, warmup: float) -> str:
        growth = self.growth(warmup)
        lines = [f"  {'RSS (MB)':<30}{'start':>8}{'warm':>8}{'end':>8}{'max':>8}{'growth':>8}"
                 "  every minute"]  # fmt: skip
        for name, samples in self.samples.items():
            after = self._after(name, warmup) or [samples[-1][1]]
            minutes = " ".join(
                f"{mb:.0f}" for t, mb in samples if int(t) % 60 < 5 or t == samples[-1][0]
            )
            lines.append(
                f"  {name:<30}{samples[0][1]:>8.1f}{after[0]:>8.1f}{samples[-1][1]:>8.1f}"
                f"{max(after):>8.1f}{growth.get(name, 0.0):>+8.1%}  {minutes}"
            )
        return "\n".join(lines)
