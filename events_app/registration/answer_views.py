"""The event's questions on the public pages: reading and checking a form's answers for the
event page's registration form (views.py) and the attendee's manage page, where answers can
be changed while the registration is active (POST /r/{token}/answers).

Bad answers come back on the page with the attendee's input, an error beside each question
and an entry each in the error summary; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.events.questions import Question, questions_of
from events_app.registration.answers import (
    Answer,
    AnswersClosed,
    change_answers,
    check_answers,
    form_answers,
)
from events_app.registration.attendee_views import _attendee, _render_attendee, token_page
from events_app.registration.pages import find_registration
from events_app.registration.view_support import read_form, redirect_to
from events_app.web.context import app_context
from events_app.web.form_errors import FormProblem

if TYPE_CHECKING:
    from sqlmodel import Session

# The id, after the form's prefix, of the block around the questions: where the summary
# sends the attendee when the form answered a question the event no longer asks.
BLOCK_ID = "questions"


@dataclass(frozen=True)
class AnswerForm:
    """The questions part of a form as it came back: the values as sent, the error codes by
    question key, and the summary's entries for them."""

    given: Mapping[str, object] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)

    def context(self) -> dict[str, Any]:
        return {
            "answer_given": self.given,
            "answer_errors": self.errors,
            "answer_problems": self.problems,
        }


def read_answers(
    questions: list[Question], form: Any, *, prefix: str
) -> tuple[list[Answer], AnswerForm]:
    """(the answers to store, the form to show again); the form has errors when they are bad."""
    given = form_answers(questions, form)
    answers, errors = check_answers(questions, given)
    problems = [
        FormProblem(prefix + question.key, errors[question.key], question.label)
        for question in questions
        if question.key in errors
    ]
    if any(code == "unknown" for code in errors.values()):
        problems.append(FormProblem(prefix + BLOCK_ID, "unknown", ""))
    return answers, AnswerForm(given, errors, problems)


@token_page
async def update_answers(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    form = await read_form(request)
    page = await _attendee(request)
    questions = questions_of(page.event.questions)
    answers, shown = read_answers(questions, form, prefix="details-q-")
    if shown.errors:
        return _render_attendee(
            request, "registration/manage.html", page, status_code=400, form={}, saved=False,
            **shown.context(),
        )  # fmt: skip
    now = ctx.now()

    def write(session: Session) -> bool:
        registration = find_registration(session=session, token=token)
        if registration is None:
            return False
        change_answers(
            session=session, now=now, registration=registration, answers=answers,
            questions=questions,
        )  # fmt: skip
        return True

    try:
        found = await ctx.write(write)
    except AnswersClosed:
        return redirect_to(request, "registration_manage", token=token)
    if not found:
        raise HTTPException(status_code=404)
    response = redirect_to(request, "registration_manage", token=token)
    response.headers["location"] += "?saved=1"
    return response


routes: list[BaseRoute] = [
    Route("/r/{token}/answers", update_answers, methods=["POST"], name="registration_answers"),
]
