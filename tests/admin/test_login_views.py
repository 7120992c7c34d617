"""Signing in and out over HTTP: the cookie, one message for every failure, the throttle
moved by the clock, sessions that end everywhere, and where `next` leads."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.admin.sessions import COOKIE_NAME
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import User
from tests.admin.web_helpers import log_in, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.registration.web_helpers import SAME_ORIGIN, csrf_from, https_client
from tests.support.error_summary import assert_error_summary

GENERIC = "Email or password is wrong."
PRE_SESSION_COOKIE = "__Host-events_csrf"  # the clients here speak HTTPS, as the base URL


def fresh_user(db: Database, user: User) -> User:
    with db.read() as session:
        found = session.get(User, user.id)
        assert found is not None
        return found


def test_signing_in_sets_a_strict_cookie_and_goes_to_next(
    client: TestClient, db: Database, now: datetime
) -> None:
    user = make_user(db, now, email="ada@example.org")
    response = log_in(client, "ADA@example.org", next="/admin/audit?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/audit?page=2"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/admin", "Max-Age=43200"):
        assert attribute.lower() in cookie.lower(), attribute
    assert client.get("/admin").status_code == 200
    assert fresh_user(db, user).last_login_at == now


def test_every_sign_in_gets_a_new_cookie_value(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_user(db, now, email="ada@example.org")
    client.cookies.set(COOKIE_NAME, "planted-by-someone-else")
    first = log_in(client, "ada@example.org").cookies[COOKIE_NAME]
    second = log_in(client, "ada@example.org").cookies[COOKIE_NAME]
    assert len({first, second, "planted-by-someone-else"}) == 3


def test_one_message_for_every_failure(client: TestClient, db: Database, now: datetime) -> None:
    make_user(db, now, email="ada@example.org")
    make_user(db, now, email="gone@example.org", active=False)
    pages = []
    for email, password in [
        ("ada@example.org", "wrong password"),
        ("nobody@example.org", DEFAULT_PASSWORD),
        ("gone@example.org", DEFAULT_PASSWORD),
    ]:
        response = log_in(client, email, password)
        assert response.status_code == 400
        assert GENERIC in response.text
        assert COOKIE_NAME not in response.cookies
        assert "wrong password" not in response.text  # the password is never sent back
        pages.append(response.text.replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]  # nothing tells the cases apart


def test_missing_fields_are_named_and_do_not_count(
    client: TestClient, db: Database, now: datetime
) -> None:
    response = log_in(client, "", "")
    assert response.status_code == 400
    links = assert_error_summary(response.text, ["login-email", "login-password"])
    assert links == [
        ("login-email", "Email address: This field is required."),
        ("login-password", "Password: This field is required."),
    ]
    assert GENERIC not in response.text


def test_a_wrong_pair_is_summarised_at_the_email_field_which_keeps_its_input(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_user(db, now, email="ada@example.org")
    response = log_in(client, "ada@example.org", "wrong password")
    assert assert_error_summary(response.text, ["login-email"]) == [("login-email", GENERIC)]
    assert 'value="ada@example.org"' in response.text


def test_the_sixth_failure_in_a_row_waits_and_the_wait_doubles(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    for _ in range(5):
        assert log_in(client, "ada@example.org", "wrong").status_code == 400
    refused = log_in(client, "ada@example.org")  # even the right password
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert "Please wait 1 second and try again." in refused.text
    assert COOKIE_NAME not in refused.cookies
    clock.advance(timedelta(seconds=1))
    assert log_in(client, "ada@example.org", "wrong").status_code == 400
    refused = log_in(client, "ada@example.org")
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "2")
    assert "Please wait 2 seconds" in refused.text
    clock.advance(timedelta(seconds=2))
    assert log_in(client, "ada@example.org").status_code == 303


def test_the_cap_comes_from_the_settings(
    database_url: str, db: Database, clock: FrozenClock, app: Starlette
) -> None:
    app.state.context.settings.admin_login_max_delay_seconds = 3
    make_user(db, clock.now(), email="ada@example.org")
    with https_client(app) as client:
        for _ in range(5):
            log_in(client, "ada@example.org", "wrong")
            clock.advance(timedelta(seconds=10))
        assert log_in(client, "ada@example.org", "wrong").status_code == 400  # the sixth
        clock.advance(timedelta(seconds=10))
        log_in(client, "ada@example.org", "wrong")  # the seventh: 4 s, capped at 3
        assert log_in(client, "ada@example.org").headers["retry-after"] == "3"


def test_sign_out_ends_every_session_of_the_user(
    app: Starlette, db: Database, now: datetime
) -> None:
    make_user(db, now, email="ada@example.org")
    with https_client(app) as laptop, https_client(app) as phone:
        log_in(laptop, "ada@example.org")
        log_in(phone, "ada@example.org")
        assert phone.get("/admin").status_code == 200
        token = csrf_from(laptop, "/admin")
        response = laptop.post("/admin/logout", data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/login?signed_out=1"
        assert f'{COOKIE_NAME}=""' in response.headers["set-cookie"]
        assert "You have signed out." in laptop.get("/admin/login?signed_out=1").text
        assert phone.get("/admin", follow_redirects=False).status_code == 303
        log_in(phone, "ada@example.org")  # signing in again works, with the new version
        assert phone.get("/admin").status_code == 200


def test_sessions_last_as_long_as_the_setting_says(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    log_in(client, "ada@example.org")
    clock.advance(timedelta(hours=12) - timedelta(seconds=1))
    assert client.get("/admin").status_code == 200
    clock.advance(timedelta(seconds=1))
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


def test_the_sign_in_page_sends_a_signed_in_user_on(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now))
    response = client.get("/admin/login?next=/admin/users", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/admin/users")
    response = client.get("/admin/login?next=//evil.example", follow_redirects=False)
    assert response.headers["location"] == "/admin"


def test_an_unsafe_next_leads_to_the_dashboard(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_user(db, now, email="ada@example.org")
    response = log_in(client, "ada@example.org", next="https://evil.example/")
    assert response.headers["location"] == "/admin"
    page = client.get("/admin/login?next=https://evil.example/")
    assert "evil" not in page.text


def test_in_development_the_cookie_also_works_without_https(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    from events_app.app import create_app
    from tests.support.settings import make_settings

    settings = make_settings(database_url, env="development", base_url="http://127.0.0.1:8000")
    settings.allowed_hosts = ["testserver"]
    make_user(db, clock.now(), email="ada@example.org")
    with TestClient(create_app(settings, clock=clock, database=db)) as client:
        response = log_in(client, "ada@example.org")
        assert "secure" not in response.headers["set-cookie"].lower()
        assert client.get("/admin").status_code == 200


def test_the_csrf_token_is_renewed_at_sign_in_and_a_planted_one_is_refused(
    client: TestClient, db: Database, now: datetime
) -> None:
    """Before sign-in the form carries a pre-session token (double submit); after it, only
    the token of the new session counts, so a pair planted in the browser is worth nothing."""
    make_user(db, now, email="ada@example.org")
    assert client.post("/admin/login", data={"email": "ada@example.org"}).status_code == 403
    planted = csrf_from(client, "/admin/login")
    planted_cookie = client.cookies[PRE_SESSION_COOKIE]
    signed_in = log_in(client, "ada@example.org")
    assert signed_in.status_code == 303
    assert f'{PRE_SESSION_COOKIE}=""' in signed_in.headers["set-cookie"]  # dropped
    first = csrf_from(client, "/admin")
    assert first != planted
    client.cookies.set(PRE_SESSION_COOKIE, planted_cookie)
    refused = client.post("/admin/logout", data={"csrf_token": planted}, headers=SAME_ORIGIN)
    assert refused.status_code == 403
    assert client.get("/admin").status_code == 200  # still signed in
    log_in(client, "ada@example.org")
    second = csrf_from(client, "/admin")
    assert second not in (first, planted)
    stale = client.post("/admin/logout", data={"csrf_token": first}, headers=SAME_ORIGIN)
    assert stale.status_code == 403
    out = client.post(
        "/admin/logout", data={"csrf_token": second}, headers=SAME_ORIGIN, follow_redirects=False
    )
    assert out.status_code == 303


def test_over_https_the_pre_session_cookie_is_a_host_cookie(client: TestClient) -> None:
    cookie = client.get("/admin/login").headers["set-cookie"]
    assert cookie.startswith(f"{PRE_SESSION_COOKIE}=")
    for attribute in ("HttpOnly", "Path=/;", "SameSite=lax", "Secure"):
        assert attribute.lower() in f"{cookie};".lower(), attribute
    assert "domain" not in cookie.lower()


def test_over_plain_http_it_has_no_prefix_and_no_secure_flag(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    from events_app.app import create_app
    from tests.support.settings import make_settings

    settings = make_settings(database_url, env="development", base_url="http://127.0.0.1:8000")
    settings.allowed_hosts = ["testserver"]
    make_user(db, clock.now(), email="ada@example.org")
    with TestClient(create_app(settings, clock=clock, database=db)) as client:
        cookie = client.get("/admin/login").headers["set-cookie"]
        assert cookie.startswith("events_csrf=")
        assert "secure" not in cookie.lower()
        assert log_in(client, "ada@example.org").status_code == 303
