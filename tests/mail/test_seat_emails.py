"""The emails that give a seat (the confirmation, and "A seat is yours" to someone moved up
from the waitlist) say the same about where to go: the time, the place with directions when
the event page has them, and the online link for an online or hybrid event."""

from __future__ import annotations

import html
import re
from datetime import datetime

from events_app.db import Database
from events_app.events.directions import directions_links
from events_app.models import Event, OutboxMessage
from events_app.registration import service
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import confirm, outbox, register

LINK = "https://meet.example.org/room-7"
ADDRESS = "Unter den Linden 6, 10117 Berlin"


def seat_emails(
    db: Database, now: datetime, notifier: Notifier, event: Event
) -> list[OutboxMessage]:
    """The confirmation of the first attendee and the promotion of the second, who was on
    the waitlist until the first cancelled."""
    assert event.id is not None
    first, first_token = register(db, now, notifier, event.id, "first@example.org")
    confirm(db, now, notifier, first_token)
    _second, second_token = register(db, now, notifier, event.id, "second@example.org")
    assert confirm(db, now, notifier, second_token).status == "waitlisted"
    with db.write() as session:
        service.cancel_registration(
            session=session, now=now, registration=session.merge(first), notifier=notifier
        )
    confirmed = [m for m in outbox(db) if m.kind == "confirmed"]
    promoted = [m for m in outbox(db) if m.kind == "promoted"]
    assert [m.to_address for m in confirmed + promoted] == [
        "first@example.org",
        "second@example.org",
    ]
    return confirmed + promoted


def where_block(text: str) -> str:
    """The plain text from "When:" to the check-in code."""
    match = re.search(r"^When: .*?(?=^Your check-in code)", text, flags=re.M | re.S)
    assert match, text
    return match.group(0)


def test_both_kinds_carry_the_place_its_directions_and_the_link(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(
        db, now, format="hybrid", venue="Hall <A> & B", address=ADDRESS, online_url=LINK, capacity=1
    )
    directions = directions_links(event)
    assert directions  # the event page shows them: so do the emails
    for message in seat_emails(db, now, notifier, event):
        assert f"Where: Hall <A> & B, {ADDRESS}" in message.text_body
        assert f"Where: Hall &lt;A&gt; &amp; B, {ADDRESS}" in message.html_body
        assert f"Online: {LINK}" in message.text_body
        assert f'<a href="{LINK}"' in message.html_body
        for link in directions:
            assert f"{link.service}: {link.url}" in message.text_body
            assert f'<a href="{html.escape(link.url)}"' in message.html_body
        assert "Directions:" in message.html_body
    confirmed, promoted = seat_emails_text(db)
    assert where_block(confirmed) == where_block(promoted)


def seat_emails_text(db: Database) -> tuple[str, str]:
    by_kind = {m.kind: m.text_body for m in outbox(db) if m.kind in ("confirmed", "promoted")}
    return by_kind["confirmed"], by_kind["promoted"]


def test_directions_lead_to_the_map_position_when_there_is_one(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(
        db, now, venue="Zhongguancun", address="", latitude=39.98, longitude=116.31, capacity=1
    )
    for message in seat_emails(db, now, notifier, event):
        assert "https://www.openstreetmap.org/?mlat=39.98&mlon=116.31" in message.text_body
        assert "Online:" not in message.text_body


def test_an_online_event_gives_the_link_and_no_place(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, format="online", venue="", online_url=LINK, capacity=1)
    for message in seat_emails(db, now, notifier, event):
        assert f"Online: {LINK}" in message.text_body
        assert "Where:" not in message.text_body
        assert "Directions" not in message.text_body
        assert "Directions" not in message.html_body
