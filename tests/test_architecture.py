"""The package map, enforced (docs/developers/architecture.md).

Which package may import which is import-linter's job (the contracts in pyproject.toml, run by
`make lint`): here it runs on the real package, and once on a copy with a planted wrong-way
import, to show the contracts can fail. Inside a feature, the rule route -> service ->
database is checked on every module by its name: views (`*views.py` and the back office's
guards and page helpers) never build SQL, and every module outside the HTTP layer never
imports Starlette."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "events_app"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# The HTTP layer: the web toolkit, the JSON API, the app itself, and the view helpers below.
HTTP_PACKAGES = {"web", "api"}
VIEW_HELPERS = {"admin/guards.py", "admin/pages.py", "registration/view_support.py"}
# The app and its route table (which the commands also build URLs from).
APP_WIRING = {"app.py", "routes.py"}


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
VIEW_FILES = [p for p in MODULES if p.stem.endswith("views") or _relative(p) in VIEW_HELPERS]
SERVICE_FILES = [
    p
    for p in MODULES
    if p not in VIEW_FILES
    and p.relative_to(PACKAGE).parts[0] not in HTTP_PACKAGES
    and _relative(p) not in APP_WIRING
]


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


@pytest.mark.parametrize("path", SERVICE_FILES, ids=_relative)
def test_services_do_not_know_about_http(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "starlette"}


@pytest.mark.parametrize("path", VIEW_FILES, ids=_relative)
def test_views_do_not_build_sql(path: Path) -> None:
    sql = {m for m in imported_modules(path) if m.split(".")[0] in {"sqlalchemy", "sqlmodel"}}
    assert sql == set()


def test_every_module_is_checked_by_one_rule() -> None:
    http = [p for p in MODULES if p not in SERVICE_FILES and p not in VIEW_FILES]
    # What is left unchecked is the HTTP toolkit, the API's helpers and the app's wiring.
    assert all(
        p.relative_to(PACKAGE).parts[0] in HTTP_PACKAGES or _relative(p) in APP_WIRING for p in http
    )
    assert len(SERVICE_FILES) > 100
    assert len(VIEW_FILES) > 25


def test_every_package_and_module_has_a_layer() -> None:
    """A new top-level module or package must be placed in the layers, or nothing checks it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    children = {
        f"events_app.{p.stem}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert children - placed == set()


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter with the project's contracts, on the `events_app` found in `root`."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_package_keeps_its_import_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_way"),
    [
        ("web/csrf.py", "events_app.events.present"),  # the toolkit reaching a feature
        ("mail/outbox.py", "events_app.registration.tokens"),  # transport reaching a feature
        ("events/queries.py", "events_app.admin.users"),  # a feature reaching the back office
        ("categories/service.py", "events_app.sharing.links"),  # peers that stay apart
    ],
)
def test_a_wrong_way_import_breaks_the_contracts(
    tmp_path: Path, module: str, wrong_way: str
) -> None:
    shutil.copytree(PACKAGE, tmp_path / "events_app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    planted = tmp_path / "events_app" / module
    planted.write_text(planted.read_text() + f"\nimport {wrong_way}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    importer = "events_app." + module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {wrong_way}" in result.stdout
