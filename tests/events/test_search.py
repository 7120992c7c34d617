"""The listing's text search (events_app/events/search.py over migration 0009's index): typos
forgiven, results ranked, every searchable field and Chinese found, the index current within
the writing transaction, and whatever a visitor types treated as text."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from events_app.categories.editing import find_category, rename_category
from events_app.db import Database
from events_app.events import listing
from events_app.events.editing import find_event, save_event
from events_app.events.listing import EventFilters
from events_app.events.schemas import EventCreate
from events_app.transfer.records import event_record
from tests.api.helpers import slugs
from tests.factories import event_data, make_event
from tests.query_counter import count_queries


def found(session: Session, now: datetime, q: str, **kwargs: object) -> list[str]:
    page = listing.list_upcoming_events(
        session=session,
        now=now,
        filters=EventFilters(q=q),
        **kwargs,  # type: ignore[arg-type]
    )
    return [event.slug for event in page.items]


def search(db: Database, now: datetime, q: str) -> list[str]:
    with db.read() as session:
        return found(session, now, q)


def test_a_typo_still_finds_the_event(db: Database, now: datetime) -> None:
    make_event(db, now, slug="quantum", title="Quantum lecture")
    make_event(db, now, slug="other", title="Gardening for beginners")
    assert search(db, now, "quantom") == ["quantum"]
    assert search(db, now, "Quantum lectrue") == ["quantum"]
    assert search(db, now, "QUANTUM") == ["quantum"]
    assert search(db, now, "xylophone") == []


def test_a_word_is_not_found_in_syllables_scattered_through_a_description(
    db: Database, now: datetime
) -> None:
    # " op", "opt", "pti", "tic", "ics", "cs ": every trigram of "optics", none together.
    make_event(db, now, slug="long", description="Adopt an option; topics for critics.")
    make_event(db, now, slug="optics", title="Optics")
    assert search(db, now, "optics") == ["optics"]
    assert search(db, now, "topics") == ["long"]


def test_title_matches_come_before_other_matches_then_the_usual_order(
    db: Database, now: datetime
) -> None:
    make_event(
        db,
        now,
        slug="in-description",
        description="A talk touching on quantum computing.",
        starts_at=now + timedelta(days=1),
    )
    make_event(db, now, slug="title-later", title="Quantum", starts_at=now + timedelta(days=9))
    make_event(db, now, slug="title-sooner", title="Quantum", starts_at=now + timedelta(days=3))
    assert search(db, now, "quantum") == ["title-sooner", "title-later", "in-description"]
    assert search(db, now, "qu") == ["title-sooner", "title-later", "in-description"]
    # Typos are forgiven in the short fields, not in a long description (see search.py).
    assert search(db, now, "quantom") == ["title-sooner", "title-later"]


def test_summary_description_venue_address_and_categories_are_searched(
    db: Database, now: datetime
) -> None:
    make_event(db, now, slug="summary", summary="Bring your telescope")
    make_event(db, now, slug="description", description="All about **superconducting** qubits")
    make_event(db, now, slug="venue", venue="Planetarium")
    make_event(db, now, slug="address", address="12 Observatory Road")
    make_event(db, now, slug="category", categories=["Astrophysics"])
    assert search(db, now, "telescope") == ["summary"]
    assert search(db, now, "superconducting qubits") == ["description"]
    assert search(db, now, "qubits superconducting") == ["description"]
    assert search(db, now, "planetarim") == ["venue"]
    assert search(db, now, "observatory") == ["address"]
    assert search(db, now, "astrophysic") == ["category"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [("量子", ["quantum"]), ("讲座", ["quantum"]), ("量子力学", ["quantum"]), ("化学", [])],
)
def test_chinese_words_of_two_characters_and_more_are_found(
    db: Database, now: datetime, q: str, expected: list[str]
) -> None:
    make_event(db, now, slug="quantum", title="量子力学讲座")
    make_event(db, now, slug="other", title="音乐会", summary="古典音乐")
    assert search(db, now, q) == expected


def test_the_index_follows_each_write_within_its_transaction(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", title="Evening talk", categories=["Physics"])
    with db.write() as session:
        event = find_event(session=session, slug="talk")
        assert event is not None
        record = event_record(event) | {"reminder_hours": event.reminder_hours}
        changed = record | {"title": "Photonics evening", "categories": ["Optics"]}
        save_event(session=session, now=now, data=EventCreate.model_validate(changed), event=event)
        assert found(session, now, "photonics") == ["talk"]
        assert found(session, now, "optics") == ["talk"]
        assert found(session, now, "physics") == []

        category = find_category(session=session, slug="optics")
        assert category is not None
        rename_category(session=session, now=now, category=category, name="Lasers")
        assert found(session, now, "lasers") == ["talk"]
        assert found(session, now, "optics") == []

        session.delete(event)
        session.flush()
        assert found(session, now, "photonics") == []
    assert search(db, now, "photonics") == []


@pytest.mark.parametrize(
    "q",
    [
        *('"', "*", "(", ")", "NEAR", "-", "%", "_", "'", "\\", "^", ":", "{", "+", "OR"),
        *('"quantum', "quan*", "(quantum", "NEAR(quantum lecture)", "-quantum", "title:x"),
        *("a\\%b", "%_%", "' OR 1=1 --", "quantum AND", "NOT quantum", '"" OR ""', "AND"),
    ],
)
def test_query_syntax_and_sql_characters_are_only_text(db: Database, now: datetime, q: str) -> None:
    make_event(db, now, slug="plain", title="Quantum lecture")
    # Nothing raises; only an event whose text holds such characters can match them.
    assert set(search(db, now, q)) <= {"plain"}


def test_special_characters_match_themselves(db: Database, now: datetime) -> None:
    make_event(db, now, slug="odd", title='Say "hi" (NEAR-ish) 100% *off_peak*')
    make_event(db, now, slug="plain", title="Quantum lecture")
    for q in ('"hi"', "(NEAR-ish)", "100%", "*off_peak*", "%", "_", '"', "*", "(", "-"):
        assert search(db, now, q) == ["odd"], q


def test_search_results_are_counted_and_paged(db: Database, now: datetime) -> None:
    for day in range(5):
        make_event(db, now, title=f"Quantum {day}", starts_at=now + timedelta(days=day + 1))
    make_event(db, now, title="Gardening")
    with db.read() as session:
        first = listing.list_upcoming_events(
            session=session, now=now, filters=EventFilters(q="quantom"), page_size=2
        )
        last = listing.list_upcoming_events(
            session=session, now=now, filters=EventFilters(q="quantom"), page=3, page_size=2
        )
    assert (first.total, first.pages, first.has_next) == (5, 3, True)
    assert (len(last.items), last.total, last.has_next) == (1, 5, False)


def test_the_page_and_the_api_search_the_same_way(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="quantum", title="Quantum lecture")
    make_event(db, now, slug="other", title="Gardening")
    assert slugs(client.get("/api/v1/events", params={"q": "quantom"})) == ["quantum"]
    page = client.get("/events", params={"q": "quantom"})
    assert page.status_code == 200
    assert "Quantum lecture" in page.text
    assert "Gardening" not in page.text
    for q in ('"', "NEAR(", "%_", "*"):
        assert client.get("/events", params={"q": q}).status_code == 200
        assert client.get("/api/v1/events", params={"q": q}).status_code == 200


def test_the_page_lists_a_search_best_first_not_by_month(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, title="Gardening", summary="quantum", starts_at=now + timedelta(days=2))
    make_event(db, now, title="Quantum lecture", starts_at=now + timedelta(days=40))
    make_event(db, now, title="Quantum walk", starts_at=now + timedelta(days=3))
    page = client.get("/events", params={"q": "quantum"}).text
    assert page.count('class="month-group"') == 1
    assert "Best matches first" in page
    order = [page.index(title) for title in ("Quantum walk", "Quantum lecture", "Gardening")]
    assert order == sorted(order)
    # Without a search, months as before.
    assert client.get("/events").text.count('class="month-group"') == 2


def test_a_search_costs_a_fixed_number_of_queries(
    client: TestClient, db: Database, now: datetime
) -> None:
    def queries_for_search() -> int:
        with count_queries(db.engine) as statements:
            assert client.get("/events", params={"q": "quantom"}).status_code == 200
        return len(statements)

    make_event(db, now, title="Quantum", categories=["A"])
    few = queries_for_search()
    with db.write() as session:
        for _ in range(15):
            save_event(
                session=session,
                now=now,
                data=event_data(now, title="Quantum", categories=["A", "B"]),
            )
    assert queries_for_search() == few
