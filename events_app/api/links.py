"""The Link header of a paged listing (RFC 8288): first, prev, next and last, each keeping
the request's filters, and the total in X-Total-Count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel

from events_app.pagination import Page


def filter_params(query: BaseModel) -> dict[str, str]:
    """The parameters a client gave (by their public names), to carry into every link; the
    page number is the link's own."""
    values = query.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)
    values.pop("page", None)
    return {name: str(value) for name, value in values.items()}


def page_links(page: Page[Any]) -> dict[str, int]:
    """rel -> page number. A page past the end links back to the last one as its prev."""
    links = {"first": 1}
    if page.number > 1:
        links["prev"] = min(page.number - 1, page.pages)
    if page.number < page.pages:
        links["next"] = page.number + 1
    links["last"] = page.pages
    return links


def paging_headers(url: str, params: Mapping[str, str], page: Page[Any]) -> dict[str, str]:
    def target(number: int) -> str:
        return url + "?" + urlencode({**params, "page": str(number)})

    link = ", ".join(f'<{target(n)}>; rel="{rel}"' for rel, n in page_links(page).items())
    return {"link": link, "x-total-count": str(page.total)}
