"""The event's questions in the API: listed in the event's representation, answered in a
registration's `answers` (keyed by question key), refused with a problem per bad answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Registration
from tests.api.helpers import problem
from tests.factories import SAMPLE_QUESTIONS, make_event, set_questions

ADA = {"name": "Ada Lovelace", "email": "ada@example.org", "consent": True}
GOOD = {"track": "Policy", "terms": True}


def _post(client: TestClient, answers: Any) -> Any:
    return client.post("/api/v1/events/talk/registrations", json={**ADA, "answers": answers})


def _answers(db: Database) -> list[list[dict[str, Any]]]:
    with db.read() as session:
        return [r.answers for r in session.scalars(select(Registration)).all()]


def test_the_event_lists_its_questions_and_the_answers_are_stored(
    client: TestClient, db: Database, now: datetime
) -> None:
    event = make_event(db, now, slug="talk")
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    questions = client.get("/api/v1/events/talk").json()["questions"]
    assert questions == SAMPLE_QUESTIONS
    response = _post(client, {**GOOD, "diet": "Vegan"})
    assert response.status_code == 202, response.text
    [answers] = _answers(db)
    assert [(a["key"], a["value"]) for a in answers] == [
        ("diet", "Vegan"), ("track", "Policy"), ("terms", True)
    ]  # fmt: skip


def test_bad_answers_are_refused_with_a_pointer_each(
    client: TestClient, db: Database, now: datetime
) -> None:
    event = make_event(db, now, slug="talk")
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    body = problem(
        _post(client, {"diet": "a\r\nBcc: x", "track": "Astrology", "terms": False, "a/b~": 1}),
        422,
    )
    errors = {error["pointer"]: (error["code"], error["detail"]) for error in body["errors"]}
    assert errors == {
        "#/answers/diet": ("single_line", "Please use a single line of plain text."),
        "#/answers/track": ("invalid", "Please choose from the choices offered."),
        "#/answers/terms": ("required", "This field is required."),
        "#/answers/a~1b~0": ("invalid", "This event asks no question with this key."),
    }
    missing = problem(_post(client, {}), 422)
    assert [e["pointer"] for e in missing["errors"]] == ["#/answers/track", "#/answers/terms"]
    control = problem(_post(client, {**GOOD, "diet": "nul\x00"}), 422)
    assert control["errors"][0]["pointer"] == "#/answers/diet"
    not_object = problem(_post(client, ["Policy"]), 422)
    assert not_object["errors"][0]["pointer"] == "#/answers"
    huge = problem(_post(client, {**GOOD, "diet": "x" * 100_000}), 422)
    assert [(e["pointer"], e["code"]) for e in huge["errors"]] == [("#/answers/diet", "too_long")]
    long = problem(_post(client, {**GOOD, "diet": "x" * 20_000}), 422)
    assert long["errors"][0]["code"] == "too_long"
    assert _answers(db) == []


def test_an_event_without_questions_refuses_answers_but_not_their_absence(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    assert client.get("/api/v1/events/talk").json()["questions"] == []
    problem(_post(client, {"diet": "Vegan"}), 422)
    ok = client.post("/api/v1/events/talk/registrations", json=ADA)
    assert ok.status_code == 202


def test_the_openapi_document_describes_questions_and_answers(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "questions" in schemas["EventDetailPublic"]["required"]
    assert schemas["QuestionPublic"]["properties"]["kind"]["enum"] == [
        "text", "textarea", "choice", "multi", "checkbox"
    ]  # fmt: skip
    answers = schemas["RegistrationCreate"]["properties"]["answers"]["anyOf"]
    assert answers[0]["type"] == "object"
    assert answers[0]["maxProperties"] == 20
    assert answers[1] == {"type": "null"}
