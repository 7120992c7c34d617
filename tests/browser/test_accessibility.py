"""axe-core in Chromium on every public page kind, at a desktop and a phone width, in the light
and the dark colour scheme (prefers-color-scheme, emulated): no violation with impact "serious"
or "critical" (colour contrast included). Every violation found (of any impact) is written to
test-artifacts/axe/ for review."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.axe import FAILING_IMPACTS, SCHEMES, VIEWPORTS, ColorScheme, describe, run_axe
from tests.browser.live_site import LiveSite
from tests.browser.pages import PAGES, PageKind
from tests.browser.tools import ARTIFACTS, SCREENSHOTS, AxeScript, artifact_name, find_axe

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe() -> AxeScript:
    return find_axe()


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[dict[str, Page]]:
    """One tab per viewport for the whole module: navigating is much cheaper than a new
    context, whose renderer has to compile axe-core afresh."""
    contexts = {
        name: browser.new_context(viewport=size, locale="en-GB", timezone_id="UTC")  # type: ignore[arg-type]
        for name, size in VIEWPORTS.items()
    }
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])
def test_page_has_no_serious_accessibility_violations(
    kind: PageKind,
    viewport: str,
    scheme: ColorScheme,
    tabs: dict[str, Page],
    sites: dict[str, LiveSite],
    axe: AxeScript,
) -> None:
    page = tabs[viewport]
    page.emulate_media(color_scheme=scheme)
    response = page.goto(sites[kind.site].url(kind.path))
    assert response is not None
    assert response.status == kind.status, f"{kind.site} site {kind.path}"

    violations = run_axe(page, axe)

    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "page": kind.path,
        "site": kind.site,
        "viewport": viewport,
        "color_scheme": scheme,
        "axe": axe.version,
        "violations": violations,
    }
    name = f"{kind.name}-{viewport}" + ("-dark" if scheme == "dark" else "")
    (folder / f"{name}.json").write_text(json.dumps(record, indent=2))
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if failing:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"FAILED-axe-{artifact_name(name)}.png"
        page.screenshot(path=str(shot), full_page=True)
    assert not failing, (
        f"{kind.site} site {kind.path} ({viewport}, {scheme}, axe-core {axe.version}): "
        f"{len(failing)} serious or critical accessibility violation(s):\n"
        + "\n".join(describe(v) for v in failing)
    )
