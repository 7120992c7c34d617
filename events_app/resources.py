"""Where the package's own files are: templates, static files, message catalogues and the
migrations. They are found through the package, never through the source tree, so an
installed wheel (`pip install .`) finds them exactly as a checkout does."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _package_dir() -> Path:
    root = files("events_app")
    # Jinja2's loader, StaticFiles and Alembic all want real directories; a wheel installed
    # by pip is unpacked, so the package is one. A zipped install is not supported.
    if not isinstance(root, Path) or not root.is_dir():
        raise RuntimeError(f"events_app must be installed as a directory, not from {root}")
    return root


PACKAGE_DIR = _package_dir()
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
LOCALE_DIR = PACKAGE_DIR / "locale"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
