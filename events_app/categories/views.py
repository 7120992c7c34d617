"""One category's page: its upcoming events and its articles."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events_app.categories.service import get_category_page
from events_app.web.context import app_context, render_page


async def category_detail(request: Request) -> Response:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    page = await ctx.read(lambda session: get_category_page(session=session, slug=slug, now=now))
    if page is None:
        raise HTTPException(status_code=404)
    return render_page(request, "categories/detail.html", {"page": page})


routes = [Route("/categories/{slug}", category_detail, name="category_detail")]
