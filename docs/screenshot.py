"""Retake the screenshot the README and the documentation show: the demo site's home page,
1280 px wide, in Debian's Chromium through Playwright (`make screenshot`).

The site runs from a temporary folder with a fresh database and the demo content, so the
picture never shows anyone's local data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

OUTPUT = Path(__file__).resolve().parent / "img" / "home.png"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def main() -> int:
    app = Path(sys.executable).parent / "events-app"
    with tempfile.TemporaryDirectory(prefix="events-screenshot-") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")},
            "EVENTS_DATABASE_URL": f"sqlite:///{folder}/events.db",
            "EVENTS_BASE_URL": base,
            "EVENTS_MAIL_DIR": f"{folder}/mail",
            "EVENTS_SITE_NAME": "Science & Society Events",
        }
        for command in (["db", "upgrade"], ["demo"]):
            subprocess.run([app, *command], cwd=folder, env=env, check=True)
        server = subprocess.Popen(
            [app, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=folder, env=env
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
                page.goto(base + "/")
                OUTPUT.parent.mkdir(exist_ok=True)
                page.screenshot(path=str(OUTPUT))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{OUTPUT}: {OUTPUT.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
