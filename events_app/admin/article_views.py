"""The back office's articles: the list, the form for a new article (blank, or a copy), each
article's page with its form (and the events it is tied to), and deleting one after a
confirmation. "Preview" shows the body exactly as the public page renders it, unsaved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin import article_form
from events_app.admin.cover_form import FILE_FIELD
from events_app.admin.cover_views import take_cover
from events_app.admin.guards import requires
from events_app.admin.local_times import Problem
from events_app.admin.markdown_preview import preview_markdown
from events_app.admin.pages import read_admin_form, render_admin
from events_app.articles.editing import find_article
from events_app.articles.writes import (
    ArticleRefused,
    delete_article,
    list_articles,
    save_from_form,
)
from events_app.models import Article, User, UserRole
from events_app.timezones import zone
from events_app.web.context import app_context
from events_app.web.forms import clean_text, parse_page

if TYPE_CHECKING:
    from sqlmodel import Session


@requires(UserRole.editor)
async def article_list(request: Request, user: User) -> Response:
    ctx = app_context(request)
    query, now = clean_text(request.query_params.get("q")), ctx.now()
    number = parse_page(request.query_params.get("page"))
    page = await ctx.read(
        lambda session: list_articles(session=session, now=now, query=query, page=number)
    )
    context = {"page": page, "raw": {"q": query or ""}}
    return render_admin(request, "admin/articles.html", context, user=user)


async def _render(
    request: Request,
    user: User,
    form: dict[str, Any],
    *,
    article: Article | None = None,
    errors: dict[str, Problem] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    choices = await ctx.read(lambda session: article_form.load_choices(session=session, now=now))
    context = {
        "form": form,
        "errors": errors or {},
        "choices": choices,
        "article": article,
        "preview": False,
        "site_timezone": ctx.settings.timezone,
        **extra,
    }
    return render_admin(
        request, "admin/article_form.html", context, user=user, status_code=status_code
    )


async def _load(request: Request) -> tuple[Article, dict[str, Any]]:
    ctx = app_context(request)
    slug, tz = request.path_params["slug"], zone(ctx.settings.timezone)

    def load(session: Session) -> tuple[Article, dict[str, Any]] | None:
        article = find_article(session=session, slug=slug)
        return None if article is None else (article, article_form.form_from_article(article, tz))

    found = await ctx.read(load)
    if found is None:
        raise HTTPException(status_code=404)
    return found


@requires(UserRole.editor)
async def new_article(request: Request, user: User) -> Response:
    return await _render(request, user, article_form.blank_form())


@requires(UserRole.editor)
async def duplicate_article(request: Request, user: User) -> Response:
    article, form = await _load(request)
    form.update(slug=f"{article.slug}-copy"[:120], published_at="", published_at_offset="")
    return await _render(request, user, form, copied=True)


async def _submit(request: Request, user: User, raw: FormData, article: Article | None) -> Response:
    ctx = app_context(request)
    form = article_form.read_form(raw)
    upload = await take_cover(request, raw, form)
    if raw.get("action") == "preview":
        preview, problems = await preview_markdown(form["body"], "body")
        problems = {**problems, FILE_FIELD: upload} if upload else problems
        status = 400 if problems else 200
        return await _render(
            request,
            user,
            form,
            article=article,
            preview=preview,
            errors=problems,
            status_code=status,
        )
    now = ctx.now()
    choices = await ctx.read(lambda session: article_form.load_choices(session=session, now=now))
    data, problems = article_form.to_article_create(
        form, tz=zone(ctx.settings.timezone), choices=choices
    )
    if upload is not None:
        data, problems = None, {**problems, FILE_FIELD: upload}
    if data is None:
        return await _render(request, user, form, article=article, errors=problems, status_code=400)
    valid, events, article_id = data, form["events"], article.id if article else None

    def write(session: Session) -> str | None:
        saved = save_from_form(
            session=session,
            now=now,
            actor=user,
            data=valid,
            events=events,
            article_id=article_id,
        )
        return None if saved is None else saved.slug

    try:
        slug = await ctx.write(write)
    except ArticleRefused as refused:
        problems = {name: Problem(code) for name, code in refused.errors.items()}
        return await _render(request, user, form, article=article, errors=problems, status_code=400)
    if slug is None:
        raise HTTPException(status_code=404)
    path = request.app.url_path_for("admin_article", slug=slug)
    flag = "created" if article is None else "saved"
    return RedirectResponse(f"{path}?{flag}=1", status_code=303)


@requires(UserRole.editor)
async def create_submit(request: Request, user: User) -> Response:
    raw = await read_admin_form(request, max_files=1)
    return await _submit(request, user, raw, None)


@requires(UserRole.editor)
async def article_page(request: Request, user: User) -> Response:
    article, form = await _load(request)
    flags = request.query_params
    return await _render(
        request,
        user,
        form,
        article=article,
        created=flags.get("created") == "1",
        saved=flags.get("saved") == "1",
    )


@requires(UserRole.editor)
async def update_submit(request: Request, user: User) -> Response:
    article, _form = await _load(request)
    raw = await read_admin_form(request, max_files=1)
    return await _submit(request, user, raw, article)


@requires(UserRole.editor)
async def delete_page(request: Request, user: User) -> Response:
    article, form = await _load(request)
    context = {"article": article, "events": len(form["events"])}
    return render_admin(request, "admin/article_delete.html", context, user=user)


@requires(UserRole.editor)
async def delete_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    article, _form = await _load(request)
    article_id, now = article.id, ctx.now()
    assert article_id is not None

    def write(session: Session) -> bool:
        return delete_article(session=session, now=now, actor=user, article_id=article_id)

    if not await ctx.write(write):
        raise HTTPException(status_code=404)
    path = request.app.url_path_for("admin_articles")
    return RedirectResponse(f"{path}?deleted=1", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/articles", article_list, methods=["GET"], name="admin_articles"),
    Route("/admin/articles/new", new_article, methods=["GET"], name="admin_article_new"),
    Route("/admin/articles/new", create_submit, methods=["POST"], name="admin_article_create"),
    Route("/admin/articles/{slug}", article_page, methods=["GET"], name="admin_article"),
    Route("/admin/articles/{slug}", update_submit, methods=["POST"], name="admin_article_update"),
    Route(
        "/admin/articles/{slug}/duplicate",
        duplicate_article,
        methods=["GET"],
        name="admin_article_duplicate",
    ),
    Route(
        "/admin/articles/{slug}/delete", delete_page, methods=["GET"], name="admin_article_delete"
    ),
    Route(
        "/admin/articles/{slug}/delete",
        delete_submit,
        methods=["POST"],
        name="admin_article_delete_submit",
    ),
]
