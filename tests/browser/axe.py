"""Running axe-core in a page, and what the browser tests make of its findings: which impacts
fail a test, at which viewports pages are checked, and a readable line per violation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from tests.browser.tools import AxeScript

if TYPE_CHECKING:
    from playwright.sync_api import Page

FAILING_IMPACTS = {"serious", "critical"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
# Pages are checked in both of site.css's colour schemes (prefers-color-scheme, emulated).
ColorScheme = Literal["light", "dark"]
SCHEMES: list[ColorScheme] = ["light", "dark"]


def run_axe(page: Page, axe: AxeScript) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol, so the site's CSP (script-src 'self') allows it.
    page.evaluate(axe.source)
    results = page.evaluate(
        "options => axe.run(document, options)", {"resultTypes": ["violations"]}
    )
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe(violation: dict[str, Any]) -> str:
    lines = [
        f"  - {violation['id']} ({violation['impact']}): {violation['help']}",
        f"    {violation['helpUrl']}",
    ]
    for node in violation["nodes"]:
        target = " ".join(
            " > ".join(part) if isinstance(part, list) else part for part in node["target"]
        )
        lines.append(f"    at {target}: {' '.join(node['html'].split())[:200]}")
        summary = node.get("failureSummary")
        if summary:
            lines.extend(f"       {line.strip()}" for line in summary.splitlines()[1:])
    return "\n".join(lines)
