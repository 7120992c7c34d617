"""A category's page: its upcoming events and its articles."""

from __future__ import annotations

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import make_article, make_event


def test_category_page_lists_its_events_and_articles(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, title="Quantum evening", categories=["Quantum technology"])
    make_event(db, now, title="Other evening", categories=["Careers"])
    make_article(db, now, title="Quantum article", categories=["Quantum technology"])
    response = client.get("/categories/quantum-technology")
    assert response.status_code == 200
    assert "<h1>Quantum technology</h1>" in response.text
    assert "Quantum evening" in response.text
    assert "Quantum article" in response.text
    assert "Other evening" not in response.text


def test_unknown_category_is_404(client: TestClient) -> None:
    assert client.get("/categories/nothing-here").status_code == 404
