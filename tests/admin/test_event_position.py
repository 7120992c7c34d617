"""The event form's map position: latitude and longitude in decimal degrees, both or neither,
each within its range; bad input comes back beside its field, kept, and nothing is written."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import User
from tests.admin.event_helpers import edit_form, load_event, post_event_form
from tests.admin.test_event_views import NEW, count_events, new_form
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def test_a_new_event_keeps_its_position_and_the_page_leads_there(
    client: TestClient, db: Database, editor: User
) -> None:
    form = new_form(latitude="52,5163", longitude=" 13.3777 ")  # a decimal comma is read too
    response = post_event_form(client, NEW, form, action="save")
    assert response.status_code == 303
    event = load_event(db, "open-labs")
    assert event is not None
    assert (event.latitude, event.longitude) == (52.5163, 13.3777)
    page = client.get("/admin/events/open-labs").text
    assert 'name="latitude" type="text" maxlength="24" inputmode="decimal" value="52.5163"' in page


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ({"latitude": "91", "longitude": "13"}, {"latitude": "Enter a latitude from -90 to 90"}),
        ({"latitude": "52", "longitude": "-180.5"}, {"longitude": "Enter a longitude from"}),
        (
            {"latitude": "north", "longitude": "nan"},
            {"latitude": "Enter a latitude", "longitude": "Enter a longitude"},
        ),
        (
            {"latitude": "52.5", "longitude": ""},
            {"longitude": "Enter both the latitude and the longitude"},
        ),
        (
            {"latitude": "", "longitude": "13.4"},
            {"latitude": "Enter both the latitude and the longitude"},
        ),
    ],
)
def test_a_bad_position_comes_back_beside_its_field_and_kept(
    client: TestClient, db: Database, editor: User, fields: dict[str, str], messages: dict[str, str]
) -> None:
    response = post_event_form(client, NEW, new_form(**fields), action="save")
    assert response.status_code == 400
    page = response.text
    for name, message in messages.items():
        assert re.search(rf'id="ev-{name}-error">{re.escape(message)}', page), name
    for name, value in fields.items():
        assert (
            f'name="{name}" type="text" maxlength="24" inputmode="decimal" value="{value}"' in page
        )
    assert count_events(db) == 0


def test_editing_can_set_change_and_clear_the_position(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", latitude=52.5, longitude=13.4)
    edit_form(
        client, db, "talk", latitude="39.9834", longitude="116.3162", extra={"action": "save"}
    )
    event = load_event(db, "talk")
    assert event is not None
    assert (event.latitude, event.longitude) == (39.9834, 116.3162)
    edit_form(client, db, "talk", latitude="", longitude="", extra={"action": "save"})
    event = load_event(db, "talk")
    assert event is not None
    assert (event.latitude, event.longitude) == (None, None)
