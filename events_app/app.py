"""create_app(settings): routes, middleware and lifespan; nothing else."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount

from events_app.admin.guards import AccessRefused, access_refused
from events_app.admin.pages import CSRF_TOKEN as ADMIN_CSRF_TOKEN
from events_app.admin.pages import NoStoreMiddleware, csrf_refused
from events_app.api import problems as api_problems
from events_app.api.cors import ApiCorsMiddleware
from events_app.api.problems import ApiProblem, api_problem_handler
from events_app.calendar import templating as calendar_templating
from events_app.clock import Clock
from events_app.config import Settings, load_settings
from events_app.db import Database
from events_app.db_errors import DATABASE_ERRORS
from events_app.events import templating as event_templating
from events_app.previews import templating as preview_templating
from events_app.registration.seat_state import (
    SEAT_BANDS,
    SEATS,
    read_seat_band_dependencies,
    read_seat_dependencies,
)
from events_app.registration.view_support import forbidden
from events_app.resources import STATIC_DIR
from events_app.routes import ROUTES
from events_app.site_urls import SiteUrls
from events_app.web.body_limit import BodyLimitMiddleware
from events_app.web.context import AppContext
from events_app.web.cross_origin import SameOriginCheck
from events_app.web.csrf import CsrfMiddleware, CsrfPolicy
from events_app.web.errors import http_error, server_error
from events_app.web.extensions import WebExtensions
from events_app.web.media_files import MediaFiles
from events_app.web.nul_guard import NulGuardMiddleware
from events_app.web.page_cache import PageCache
from events_app.web.page_cache_middleware import PageCacheMiddleware, answer_unavailable
from events_app.web.security import SecurityHeadersMiddleware
from events_app.web.static_files import MemoryStaticFiles
from events_app.web.templating import create_templates
from events_app.web.theme import logo_origin, theme_files
from events_app.web.unavailable import database_error


def allowed_hosts(settings: Settings) -> list[str]:
    base_host = urlsplit(settings.base_url).hostname
    hosts = list(settings.allowed_hosts)
    if base_host and base_host not in hosts:
        hosts.append(base_host)
    return hosts


def web_extensions() -> WebExtensions:
    """What the features add to the HTTP toolkit: their template filters and their errors."""
    extensions = WebExtensions()
    for register in (
        event_templating.register,
        calendar_templating.register,
        preview_templating.register,
        api_problems.register,
    ):
        register(extensions)
    return extensions


def create_app(
    settings: Settings, *, clock: Clock | None = None, database: Database | None = None
) -> Starlette:
    db = database or Database.from_settings(settings)
    clock = clock or Clock()
    page_cache = PageCache(
        db=db,
        clock=clock,
        enabled=settings.page_cache,
        check_seconds=settings.page_cache_check_seconds,
        stale_seconds=settings.page_cache_stale_seconds,
        # Event pages and the API show seats left, which change without a content change.
        # Listings' cards show how full each event is.
        dependency_readers={
            SEATS: read_seat_dependencies,
            SEAT_BANDS: read_seat_band_dependencies,
        },
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # What exists at start-up (modules, templates, routes) lives as long as the process:
        # keep it out of the garbage collector's full passes, which otherwise stall requests.
        gc.freeze()
        mail_worker = None
        if settings.mail_in_process:
            # Send the outbox and expire holds from this process (one worker per process under
            # `serve --workers N`; claiming makes that safe). Production: `events-app worker`.
            from events_app.mail.worker import MailWorker
            from events_app.registration.housekeeping import seat_housekeeping
            from events_app.registration.notify import registration_writers

            mail_worker = MailWorker(
                settings=settings,
                db=db,
                clock=clock,
                housekeeping=seat_housekeeping(settings, db, urls),
                writers=registration_writers(settings, urls),
            )
            mail_worker.start_thread()
        try:
            yield
        finally:
            if mail_worker is not None:
                from starlette.concurrency import run_in_threadpool

                await run_in_threadpool(mail_worker.stop_thread, settings.smtp_timeout_seconds + 5)
            if database is None:
                db.dispose()

    security: dict[str, Any] = {
        "hsts": settings.uses_https,
        "subdomains": settings.hsts_include_subdomains,
        "image_origin": logo_origin(settings),
    }
    app = Starlette(
        debug=settings.is_development,
        routes=[
            *ROUTES,
            Mount(
                "/static", app=MemoryStaticFiles(STATIC_DIR, theme_files(settings)), name="static"
            ),
            Mount("/media", app=MediaFiles(settings.media_dir), name="media"),
        ],
        middleware=[
            # Before any answer, a cached one too: a Host the site does not serve is refused.
            Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings)),
            # Outside the page cache: a cached answer is shared by every origin. Off /api it
            # is one prefix test.
            Middleware(
                ApiCorsMiddleware,
                read=settings.api_cors_origins,
                write=settings.api_cors_post_origins,
            ),
            # A hit is answered here and runs none of the layers below: what they add to a
            # public page (the security headers) is stored with it; its own 503 gets them too.
            Middleware(
                PageCacheMiddleware,
                cache=page_cache,
                unavailable=SecurityHeadersMiddleware(answer_unavailable, **security),
            ),
            Middleware(SecurityHeadersMiddleware, **security),
            Middleware(NulGuardMiddleware),
            Middleware(NoStoreMiddleware),
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_body_bytes,
                larger={"/admin/": settings.max_admin_body_bytes},
            ),
            # Inside the body limit: it reads the form of every unsafe request.
            Middleware(CsrfMiddleware, policies=CSRF_POLICIES),
        ],
        exception_handlers={
            HTTPException: http_error,
            AccessRefused: access_refused,
            ApiProblem: api_problem_handler,
            # An unreachable or overloaded database answers 503; other database errors, 500.
            **dict.fromkeys(DATABASE_ERRORS, database_error),
            500: server_error,
        },
        lifespan=lifespan,
    )
    extensions = web_extensions()
    # The one URL builder, from this app's router: pages, emails, feeds and JSON-LD use it.
    urls = SiteUrls(settings.base_url, app.url_path_for)
    app.state.context = AppContext(
        settings=settings,
        db=db,
        clock=clock,
        urls=urls,
        templates=create_templates(settings, urls, extensions),
        page_cache=page_cache,
        extensions=extensions,
    )
    return app


# How each group of unsafe routes is protected against cross-site requests; the first prefix
# that matches decides, and a route in no other group gets the last one. The public forms
# need no per-visitor token, so their pages are the same for every visitor; the back office
# adds a token bound to its session, in case a browser leaves out both headers.
CSRF_POLICIES = (
    CsrfPolicy("/api/"),  # exempt: JSON only (415 for forms), with its own CORS rules
    CsrfPolicy("/admin/", checks=(SameOriginCheck(), ADMIN_CSRF_TOKEN), refuse=csrf_refused),
    CsrfPolicy("/", checks=(SameOriginCheck(),), refuse=forbidden),
)


def build_app() -> Starlette:
    """The factory uvicorn imports (`events_app.app:build_app`), also in worker processes."""
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    return create_app(settings)
