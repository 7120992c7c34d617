"""Categories in the back office: the list with how many events and articles use each,
adding one, renaming one (its address stays), and deleting one that nothing uses. A refused
change comes back on the same page, with the message beside the form it came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin.form_errors import text
from events_app.admin.guards import requires
from events_app.admin.local_times import Problem
from events_app.admin.pages import read_admin_form, render_admin
from events_app.categories import writes as category_writes
from events_app.categories.editing import CategoryRefused, category_uses
from events_app.models import User, UserRole
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

NEW = ""  # the key of the "add a category" form in `errors` and `sent`


async def _render(
    request: Request,
    user: User,
    *,
    errors: dict[str, Problem] | None = None,
    sent: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    uses = await app_context(request).read(lambda session: category_uses(session=session))
    context = {
        "uses": uses,
        "errors": errors or {},
        "sent": sent or {},
        "done": request.query_params.get("done", ""),
    }
    return render_admin(
        request, "admin/categories.html", context, user=user, status_code=status_code
    )


@requires(UserRole.editor)
async def category_list(request: Request, user: User) -> Response:
    return await _render(request, user)


async def _change(
    request: Request,
    user: User,
    key: str,
    name: str,
    change: Callable[[Session], object],
    done: str,
) -> Response:
    """Run `change` in a write transaction; a refusal re-renders the page beside `key`."""
    ctx = app_context(request)

    def write(session: Session) -> object:
        return change(session)

    try:
        outcome = await ctx.write(write)
    except CategoryRefused as refused:
        status = 409 if refused.code in ("taken", "in_use") else 400
        return await _render(
            request, user, errors={key: Problem(refused.code)}, sent={key: name}, status_code=status
        )
    if outcome is None or outcome is False:
        raise HTTPException(status_code=404)
    path = request.app.url_path_for("admin_categories")
    return RedirectResponse(f"{path}?done={done}", status_code=303)


@requires(UserRole.editor)
async def create_submit(request: Request, user: User) -> Response:
    form = await read_admin_form(request)
    name, now = text(form, "name"), app_context(request).now()
    return await _change(
        request,
        user,
        NEW,
        name,
        lambda s: category_writes.add_category(session=s, now=now, actor=user, name=name),
        "created",
    )


@requires(UserRole.editor)
async def rename_submit(request: Request, user: User) -> Response:
    form = await read_admin_form(request)
    slug, name, now = request.path_params["slug"], text(form, "name"), app_context(request).now()
    return await _change(
        request,
        user,
        slug,
        name,
        lambda s: category_writes.rename(session=s, now=now, actor=user, slug=slug, name=name),
        "renamed",
    )


@requires(UserRole.editor)
async def delete_submit(request: Request, user: User) -> Response:
    slug, now = request.path_params["slug"], app_context(request).now()
    return await _change(
        request,
        user,
        slug,
        "",
        lambda s: category_writes.remove(session=s, now=now, actor=user, slug=slug),
        "deleted",
    )


routes: list[BaseRoute] = [
    Route("/admin/categories", category_list, methods=["GET"], name="admin_categories"),
    Route("/admin/categories", create_submit, methods=["POST"], name="admin_category_create"),
    Route(
        "/admin/categories/{slug}/rename",
        rename_submit,
        methods=["POST"],
        name="admin_category_rename",
    ),
    Route(
        "/admin/categories/{slug}/delete",
        delete_submit,
        methods=["POST"],
        name="admin_category_delete",
    ),
]
