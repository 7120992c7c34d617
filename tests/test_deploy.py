"""The files under deploy/ (run by deploy/two_node.py in CI) and the deployment page that
shows them to operators must not drift apart, and nginx must accept the configuration."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from deploy.cluster import nginx_config

ROOT = Path(__file__).resolve().parents[1]
SHOWN = [
    "deploy/nginx/events_app.conf",
    "deploy/systemd/events-app@.service",
    "deploy/systemd/events-mail-worker@.service",
]


def _indented(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.rstrip("\n").splitlines())


@pytest.mark.parametrize("name", SHOWN)
def test_the_deployment_page_shows_the_file_as_it_is(name: str) -> None:
    page = (ROOT / "docs/operators/deployment.md").read_text()
    assert _indented((ROOT / name).read_text()) in page, f"{name} changed: copy it to the docs"


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    tmp_path.chmod(0o755)
    config = nginx_config(tmp_path, 18080, [18081, 18082])
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
