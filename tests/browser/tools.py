"""Where the browser suite finds its outside tools, and how it runs the HTML checker.

- Chromium: Debian's /usr/bin/chromium (package `chromium`), driven by Playwright for Python.
- The Nu HTML Checker: vnu.jar from the npm package `vnu-jar`, installed into .tools/ by
  tests/browser/install_tools.sh, run with the machine's Java 17+ (`default-jre-headless`).
- axe-core: axe.min.js from the npm package `axe-core` in .tools/ when install_tools.sh has
  run, else the copy bundled in the `axe-playwright-python` wheel.

EVENTS_VNU_JAR, EVENTS_AXE_JS and JAVA_HOME point elsewhere when set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support.settings import STRICT

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
TOOLS = REPO_ROOT / ".tools" / "node_modules"
INSTALL_HINT = "run tests/browser/install_tools.sh"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(message: str) -> NoReturn:
    """A missing tool skips the test, and fails it under EVENTS_TEST_STRICT=1."""
    if STRICT:
        pytest.fail(f"{message} (EVENTS_TEST_STRICT=1: a missing tool is a failure)")
    pytest.skip(message)


def artifact_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "page"


# --- the Nu HTML Checker ---------------------------------------------------------------------


@dataclass(frozen=True)
class Checker:
    java: str
    jar: Path

    def version(self) -> str:
        result = subprocess.run(
            [self.java, "-jar", str(self.jar), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return result.stdout.strip() or result.stderr.strip()

    def check(self, files: list[Path]) -> list[dict[str, Any]]:
        """Check all files in one JVM run; every message vnu gives, as parsed JSON."""
        command = [
            self.java,
            "-jar",
            str(self.jar),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            "--also-check-css",
            *[str(path) for path in files],
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0 or not result.stdout.strip():
            raise RuntimeError(
                f"vnu exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )
        messages: list[dict[str, Any]] = json.loads(result.stdout)["messages"]
        return messages


def _java() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    return shutil.which("java")


def find_checker() -> Checker:
    jar = Path(os.environ.get("EVENTS_VNU_JAR") or TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar")
    if not jar.is_file():
        unavailable(f"the Nu HTML Checker is not installed at {jar} ({INSTALL_HINT})")
    java = _java()
    if java is None:
        unavailable("vnu.jar needs Java 17 or newer (apt-get install default-jre-headless)")
    return Checker(java=java, jar=jar)


# --- axe-core --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxeScript:
    source: str
    origin: Path

    @property
    def version(self) -> str:
        match = re.search(r"axe v(\d+\.\d+\.\d+)", self.source[:200])
        return match.group(1) if match else "unknown"


def find_axe() -> AxeScript:
    candidates: list[Path] = []
    if os.environ.get("EVENTS_AXE_JS"):
        candidates.append(Path(os.environ["EVENTS_AXE_JS"]))
    candidates.append(TOOLS / "axe-core" / "axe.min.js")
    try:
        import axe_playwright_python

        candidates.append(Path(axe_playwright_python.__file__).parent / "axe.min.js")
    except ImportError:
        pass
    for path in candidates:
        if path.is_file():
            return AxeScript(source=path.read_text(encoding="utf-8"), origin=path)
    unavailable(f"axe-core is not installed ({INSTALL_HINT}, or pip install axe-playwright-python)")
