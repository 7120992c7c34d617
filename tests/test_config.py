"""Settings: every one described (the settings reference is generated from the
descriptions), lists as people type them, secrets handled safely."""

from __future__ import annotations

from pathlib import Path
from typing import get_origin

import pytest
from pydantic import ValidationError

from events_app import config
from events_app.config import Settings, load_settings


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_has_a_description(name: str) -> None:
    """docs/hooks.py writes the settings reference from these: a setting without one would
    be undocumented."""
    description = Settings.model_fields[name].description or ""
    assert len(description.split()) >= 2, f"EVENTS_{name.upper()} needs Field(description=...)"


LIST_SETTINGS = [
    name for name, field in Settings.model_fields.items() if get_origin(field.annotation) is list
]


ORIGIN_SETTINGS = {"csrf_trusted_origins"}


def test_the_list_settings_are_found() -> None:
    assert {"allowed_hosts", "api_cors_origins", "api_cors_post_origins"} <= set(LIST_SETTINGS)


@pytest.mark.parametrize("name", LIST_SETTINGS)
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('["a.example", "b.example"]', ["a.example", "b.example"]),
        ("a.example,b.example", ["a.example", "b.example"]),
        (" a.example , b.example, ", ["a.example", "b.example"]),
        ("a.example", ["a.example"]),
        ("", []),
        ("[]", []),
    ],
)
def test_list_settings_take_json_or_commas(
    name: str, value: str, expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if name in ORIGIN_SETTINGS:  # checked to be origins: the same lists, as origins
        value = value.replace("a.example", "https://a.example").replace("b.ex", "https://b.ex")
        expected = [f"https://{item}" for item in expected]
    monkeypatch.setenv(f"EVENTS_{name.upper()}", value)
    assert getattr(Settings(), name) == expected


@pytest.mark.parametrize(
    "value", ["www.example.org", "https://www.example.org/", "https://x.example/path", "ftp://x"]
)
def test_trusted_origins_must_be_origins(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_CSRF_TRUSTED_ORIGINS", value)
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings()
    monkeypatch.setenv("EVENTS_CSRF_TRUSTED_ORIGINS", "HTTPS://WWW.Example.org:8443")
    assert Settings().csrf_trusted_origins == ["https://www.example.org:8443"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_ENV", "production")
    monkeypatch.delenv("EVENTS_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="EVENTS_SECRET_KEY is required"):
        load_settings()


def test_development_generates_one_secret_key_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    monkeypatch.delenv("EVENTS_SECRET_KEY", raising=False)
    monkeypatch.delenv("EVENTS_ENV", raising=False)
    first = load_settings().secret_key
    assert len(first) >= 32
    assert load_settings().secret_key == first
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_events_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("EVENTS_BASE_URL", "https://news.example.org/events/")
    monkeypatch.setenv("EVENTS_ALLOWED_HOSTS", '["news.example.org"]')
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    settings = load_settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.base_url == "https://news.example.org/events"
    assert settings.allowed_hosts == ["news.example.org"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("EVENTS_TIMEZONE", "Mars/Olympus"), ("EVENTS_BASE_URL", "ftp://x"), ("EVENTS_ENV", "qa")],
)
def test_bad_settings_are_refused_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    with pytest.raises(ValidationError):
        load_settings()


@pytest.mark.parametrize(
    ("value", "expected"), [("#0B4F6C", "#0b4f6c"), (" #c8102e ", "#c8102e"), ("", "")]
)
def test_the_accent_colour_is_kept_as_lowercase_hex(
    value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTS_ACCENT_COLOR", value)
    assert Settings().accent_color == expected


@pytest.mark.parametrize("value", ["#fff", "rgb(0,0,0)", "#0b4f6cff", "0b4f6c", "#gggggg"])
def test_only_rrggbb_is_an_accent_colour(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_ACCENT_COLOR", value)
    with pytest.raises(ValidationError, match="not a colour written as #RRGGBB"):
        Settings()
