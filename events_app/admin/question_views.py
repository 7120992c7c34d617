"""An event's registration questions in the back office, on their own page linked from the
event's: the list (move up or down, remove), a form to add one, and each question's own
form. A refused form comes back with the organiser's input and a message beside each field;
every change is audited (events/question_writes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin import question_form
from events_app.admin.form_errors import text
from events_app.admin.guards import requires
from events_app.admin.pages import read_admin_form, render_admin
from events_app.events import question_writes as writes
from events_app.events.editing import find_event
from events_app.events.questions import MAX_QUESTIONS, Question, QuestionKind, questions_of
from events_app.models import Event, User, UserRole
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

DONE = ("added", "saved", "moved", "removed")
STEPS = {"up": -1, "down": 1}


async def _event(request: Request) -> Event:
    slug = request.path_params["slug"]
    event = await app_context(request).read(lambda session: find_event(session=session, slug=slug))
    if event is None:
        raise HTTPException(status_code=404)
    return event


def _question(event: Event, key: str) -> Question:
    for question in questions_of(event.questions):
        if question.key == key:
            return question
    raise HTTPException(status_code=404)


def _render(
    request: Request,
    user: User,
    event: Event,
    *,
    template: str = "admin/event_questions.html",
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = {
        "event": event,
        "questions": questions_of(event.questions),
        "kinds": list(QuestionKind),
        "max_questions": MAX_QUESTIONS,
        "form": question_form.blank_form(),
        "errors": {},
        "done": request.query_params.get("done") if request.query_params.get("done") in DONE
        else "",
        **extra,
    }  # fmt: skip
    return render_admin(request, template, context, user=user, status_code=status_code)


def _back(request: Request, event: Event, done: str) -> Response:
    path = request.app.url_path_for("admin_event_questions", slug=event.slug)
    return RedirectResponse(f"{path}?done={done}", status_code=303)


@requires(UserRole.editor)
async def questions_page(request: Request, user: User) -> Response:
    return _render(request, user, await _event(request))


@requires(UserRole.editor)
async def question_page(request: Request, user: User) -> Response:
    event = await _event(request)
    question = _question(event, request.path_params["key"])
    form = question_form.form_from_question(question)
    return _render(
        request, user, event, template="admin/event_question.html", form=form, question=question
    )


async def _write(
    request: Request, user: User, event: Event, change: Callable[..., object]
) -> dict[str, str] | None:
    """Run one of question_writes' changes; the refusal's errors, or None once done."""
    ctx, now, event_id = app_context(request), app_context(request).now(), event.id

    def write(session: Session) -> object:
        return change(session=session, now=now, actor=user, event_id=event_id)

    try:
        done = await ctx.write(write)
    except writes.QuestionRefused as refused:
        return refused.errors
    if done is None:
        raise HTTPException(status_code=404)
    return None


@requires(UserRole.editor)
async def add_question(request: Request, user: User) -> Response:
    event = await _event(request)
    form = question_form.read_form(await read_admin_form(request))
    question, errors = question_form.to_question(form)
    if question is not None:
        added = question

        def change(**args: Any) -> object:
            return writes.add_question(question=added, **args)

        errors = await _write(request, user, event, change) or {}
    if errors:
        return _render(request, user, event, form=form, errors=errors, status_code=400)
    return _back(request, event, "added")


@requires(UserRole.editor)
async def update_question(request: Request, user: User) -> Response:
    event = await _event(request)
    stored = _question(event, request.path_params["key"])
    form = question_form.read_form(await read_admin_form(request))
    form["key"] = stored.key  # the key names the answers already given: it stays
    question, errors = question_form.to_question(form)
    if question is not None:
        changed = question

        def change(**args: Any) -> object:
            return writes.update_question(question=changed, **args)

        errors = await _write(request, user, event, change) or {}
    if errors:
        return _render(
            request, user, event, template="admin/event_question.html", form=form,
            errors=errors, question=stored, status_code=400,
        )  # fmt: skip
    return _back(request, event, "saved")


@requires(UserRole.editor)
async def move_question(request: Request, user: User) -> Response:
    event = await _event(request)
    key, raw = request.path_params["key"], await read_admin_form(request)
    step = STEPS.get(text(raw, "direction"))
    if step is None:
        raise HTTPException(status_code=400)

    def change(**args: Any) -> object:
        return writes.move_question(key=key, step=step, **args)

    errors = await _write(request, user, event, change)
    if errors:
        return _render(request, user, event, errors=errors, status_code=409)
    return _back(request, event, "moved")


@requires(UserRole.editor)
async def remove_question(request: Request, user: User) -> Response:
    event = await _event(request)
    key = request.path_params["key"]
    await read_admin_form(request)

    def change(**args: Any) -> object:
        return writes.remove_question(key=key, **args)

    errors = await _write(request, user, event, change)
    if errors:
        return _render(request, user, event, errors=errors, status_code=409)
    return _back(request, event, "removed")


_BASE = "/admin/events/{slug}/questions"
routes: list[BaseRoute] = [
    Route(_BASE, questions_page, methods=["GET"], name="admin_event_questions"),
    Route(_BASE, add_question, methods=["POST"], name="admin_event_question_add"),
    Route(_BASE + "/{key}", question_page, methods=["GET"], name="admin_event_question"),
    Route(_BASE + "/{key}", update_question, methods=["POST"], name="admin_event_question_update"),
    Route(_BASE + "/{key}/move", move_question, methods=["POST"], name="admin_event_question_move"),
    Route(
        _BASE + "/{key}/remove",
        remove_question,
        methods=["POST"],
        name="admin_event_question_remove",
    ),
]
