"""The demo content covers what a newcomer should see, and loading it twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import col

from events_app.db import Database
from events_app.demo.loader import load_demo
from events_app.demo.pictures import COVERS, demo_cover
from events_app.images.store import MediaStore
from events_app.markdown import render
from events_app.models import Article, Event, EventFormat, EventStatus


def test_demo_covers_the_cases_a_newcomer_should_see(db: Database, now: datetime) -> None:
    with db.write() as session:
        result = load_demo(session=session, now=now)
    assert (result.created_articles, result.created_events) == (4, 12)
    with db.read() as session:
        events = session.scalars(
            select(Event).options(selectinload(Event.articles))  # type: ignore[arg-type]
        ).all()
        articles = session.scalars(
            select(Article).options(selectinload(Article.events))  # type: ignore[arg-type]
        ).all()
    assert {"Asia/Shanghai", "Asia/Singapore", "Europe/Berlin", "America/New_York"} <= {
        e.timezone for e in events
    }
    assert {e.format for e in events} == set(EventFormat)
    assert any(e.all_day and e.ends_at - e.starts_at > timedelta(days=1) for e in events)
    assert any(e.ends_at < now for e in events), "one past event"
    assert any(e.status == EventStatus.cancelled for e in events)
    assert any(e.capacity is not None and e.capacity <= 5 for e in events), "few seats"
    assert any(e.publish_at is not None and e.publish_at > now for e in events), "scheduled"
    assert all(a.events for a in articles), "every article has events"
    assert sum(1 for e in events if e.articles) >= 8


def test_loading_twice_changes_nothing(db: Database, now: datetime) -> None:
    with db.write() as session:
        load_demo(session=session, now=now)
    with db.write() as session:
        again = load_demo(session=session, now=now + timedelta(days=3))
    assert (again.created_articles, again.created_events, again.skipped) == (0, 0, 16)
    with db.read() as session:
        assert len(session.scalars(select(col(Event.id))).all()) == 12


def test_demo_records_are_stored_rendered(db: Database, now: datetime) -> None:
    with db.write() as session:
        load_demo(session=session, now=now)
    with db.read() as session:
        events = session.scalars(select(Event)).all()
        articles = session.scalars(select(Article)).all()
        assert all(e.description_html == render(e.description).html for e in events)
        assert all(e.description_text == render(e.description).text for e in events)
        assert all(a.body_html == render(a.body).html and a.body_text for a in articles)
        assert any("<ul>" in a.body_html or "<h2>" in a.body_html for a in articles)


def test_the_demo_draws_its_own_cover_images(db: Database, now: datetime, tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media", 8 * 1024 * 1024, 40_000_000)
    with db.write() as session:
        load_demo(session=session, now=now, store=store)
    with db.read() as session:
        records: list[Event | Article] = [*session.scalars(select(Event)).all()]
        records += session.scalars(select(Article)).all()
        covered = {r.slug: (r.image, r.image_alt) for r in records if r.image}
    assert set(covered) == set(COVERS)
    for slug, (key, alt) in covered.items():
        assert store.has(key), slug
        assert alt == COVERS[slug]
    # Drawn from a seed: the same picture, so the same file names, on every machine.
    again = MediaStore(tmp_path / "again", 8 * 1024 * 1024, 40_000_000)
    slug = "quantum-links-public-lecture"
    assert (
        demo_cover(again, slug, ["Quantum technology", "International cooperation"])["image"]
        == covered[slug][0]
    )
