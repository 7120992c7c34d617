"""Schemathesis against /api/openapi.json, in process (the ASGI app, no server), on SQLite with
the demo content and what must never show: a draft, an event before its go-live moment, an
unpublished article, attendees, an online link.

Every operation gets generated requests, valid and invalid ones (Schemathesis's examples,
coverage and fuzzing phases), and every answer goes through Schemathesis's checks: no 5xx, a
status code, content type, headers and body that the document declares, invalid requests
refused, valid ones accepted; and through ours: nothing private in any answer. Path slugs are
drawn from the real content half the time, so that answers other than 404 are checked too.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from events_app.api.openapi import build_document
from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.demo.loader import load_demo
from events_app.events.schemas import SLUG_PATTERN
from events_app.registration.notify import Notifier
from events_app.registration.schemas import normalise_email
from tests.factories import make_article, make_event
from tests.registration.helpers import register
from tests.support.routes import site_urls
from tests.support.settings import START, make_settings

# What no answer may contain.
PRIVATE = (
    "draft-talk",
    "scheduled-talk",
    "future-article",
    "stream.example.org",  # the demo's online link
    "attendee@example.org",
)
KNOWN_SLUGS = (
    "open-research-infrastructure-forum",  # open, limited seats
    "quantum-links-public-lecture",  # hybrid, with an online link, four seats
    "young-researchers-exchange-info-session",  # cancelled
    "satellite-data-sharing-symposium",  # postponed
    "science-diplomacy-roundtable",  # past
    "international-innovation-week",  # all day
    "shared-labs-shared-data",  # an article
    "draft-talk",
    "future-article",
)
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "40"))


SETTINGS_BASE_URL = make_settings("sqlite://").base_url
SITE_NAME = make_settings("sqlite://").site_name
# The document the app serves, built without a database; the fixture checks it is the same.
schema = schemathesis.openapi.from_dict(build_document(SETTINGS_BASE_URL, SITE_NAME))


@schema.hook
def flatmap_path_parameters(_context: Any, path_parameters: dict[str, Any] | None) -> Any:
    slug = (path_parameters or {}).get("slug")
    if isinstance(slug, str) and re.fullmatch(SLUG_PATTERN, slug):
        # Still valid: swapping in a real slug keeps a "valid request" valid.
        return st.sampled_from([slug, *KNOWN_SLUGS]).map(lambda s: {"slug": s})
    return st.just(path_parameters)


@schema.hook
def filter_case(_context: Any, case: Any) -> bool:
    """Leave out of the *valid* requests an address that fits JSON Schema's email format but
    that email-validator refuses (one at a special-use domain such as .test): the field's
    description says so, and a 422 for it is right, not a document that lies. Likewise
    answers: which keys an event takes is its own `questions`, which no schema of the
    request can know (the field's description says unknown keys are refused)."""
    meta = case.meta
    body = case.body
    if meta is None or not meta.generation.mode.is_positive or not isinstance(body, dict):
        return True
    if body.get("answers"):
        return False
    try:
        normalise_email(str(body.get("email", "")))
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("api-fuzz") / "events.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    db = Database.from_url(url)
    settings_ = make_settings(url)
    with db.write() as session:
        load_demo(session=session, now=START)
    make_event(db, START, slug="draft-talk", status="draft")
    make_event(db, START, slug="scheduled-talk", publish_at=START + timedelta(days=1))
    make_article(db, START, slug="future-article", published_at=START + timedelta(days=1))
    talk = make_event(db, START, slug="attended-talk", capacity=1)
    assert talk.id is not None
    register(db, START, Notifier(settings_, site_urls(settings_)), talk.id, "attendee@example.org")
    app = create_app(settings_, clock=FrozenClock(START), database=db)
    with TestClient(app) as client:
        assert client.get("/api/openapi.json").json() == schema.raw_schema
        yield app
    db.dispose()


@schemathesis.check
def nothing_private(_ctx: Any, response: Any, _case: Any) -> None:
    text = response.text if hasattr(response, "text") else response.content.decode()
    leaked = [secret for secret in PRIVATE if secret in text]
    assert leaked == [], f"the answer shows {leaked}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # In CI (EVENTS_TEST_STRICT=1) from a fixed seed, so a landing never hinges on a lucky
    # draw; locally each run explores anew. API_FUZZ_EXAMPLES searches deeper.
    derandomize=os.environ.get("EVENTS_TEST_STRICT") == "1",
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_document(case: Any, api_app: Any) -> None:
    case.call_and_validate(app=api_app, additional_checks=[nothing_private])
