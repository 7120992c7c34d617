"""The layering rule, enforced: route -> service -> database, one direction.
Services never import Starlette; views and templates never build SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "events_app"
# In the back office, only these modules speak HTTP; everything else in it is a service.
ADMIN_WEB = {"guards.py", "pages.py"}
SERVICE_FILES = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if p.name in {"service.py", "editing.py", "queries.py", "schemas.py", "loader.py"}
    or p.parent.name == "transfer"
    or p.name in {"content.py", "models.py", "timezones.py"}
    or (p.parent.name == "admin" and p.name not in ADMIN_WEB and not p.stem.endswith("views"))
)
VIEW_FILES = sorted(
    [*PACKAGE.rglob("*views.py"), *(PACKAGE / "admin" / name for name in sorted(ADMIN_WEB))]
)


def _typing_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes under `if TYPE_CHECKING:`: annotations, which run nothing."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            ids.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return ids


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    skip = _typing_only(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_services_do_not_know_about_http(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "starlette"}


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_views_do_not_build_sql(path: Path) -> None:
    sql = {m for m in imported_modules(path) if m.split(".")[0] in {"sqlalchemy", "sqlmodel"}}
    assert sql == set()


def test_the_rule_checks_real_files() -> None:
    assert len(SERVICE_FILES) >= 8
    assert len(VIEW_FILES) >= 3
