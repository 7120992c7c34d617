"""What pages need to show events, given to the page environment at start-up: dates written
for people, labels for formats and statuses, and the event card macro, remembered per card."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from events_app.config import Settings
from events_app.events.cards import EventCard
from events_app.events.present import format_event_date, format_event_when, format_moment
from events_app.images.placeholder import placeholder
from events_app.images.variants import Cover
from events_app.models import EventFormat, EventStatus
from events_app.registration.seat_state import seat_band, seat_band_key, seat_band_token
from events_app.translations import load_translations
from events_app.web.extensions import WebExtensions
from events_app.web.page_dependencies import record_dependency

CARD_MEMO_SIZE = 4096


def _format_labels(gettext: Callable[[str], str]) -> dict[str, str]:
    return {
        EventFormat.in_person: gettext("In person"),
        EventFormat.online: gettext("Online"),
        EventFormat.hybrid: gettext("Hybrid"),
        EventStatus.cancelled: gettext("Cancelled"),
        EventStatus.postponed: gettext("Postponed"),
        EventStatus.published: gettext("Scheduled"),
        EventStatus.draft: gettext("Draft"),
    }


def _card_renderer(env: Environment, *, memo: bool) -> Callable[..., Markup]:
    """The `event_card` macro, remembered per card. A card's HTML is a function of the
    database row it was made from (read again on every request) and the heading level, so a
    remembered card cannot be stale; a listing of fifty cards then renders only what
    changed. Off in development, where templates reload."""
    macro = env.get_template("_macros.html").module.event_card  # type: ignore[attr-defined]
    if not memo:
        return cast(Callable[..., Markup], macro)
    remembered: dict[tuple[Any, int, bool, bool], Markup] = {}

    def event_card(
        event: object, level: int = 3, seats: bool = False, eager: bool = False
    ) -> Markup:
        if not isinstance(event, EventCard):
            return cast(Markup, macro(event, level, seats, eager))
        key = (event.row, level, seats, eager)
        html = remembered.get(key)
        if html is None:
            if len(remembered) >= CARD_MEMO_SIZE:
                remembered.clear()  # rare (more distinct cards than this): start afresh
            html = remembered[key] = macro(event, level, seats, eager)
        return html

    return event_card


def _cards_renderer(event_card: Callable[..., Markup]) -> Callable[..., Markup]:
    """Several cards in one template call: Jinja's per-call work costs about as much as
    looking a remembered card up, and a listing has fifty.

    With `seats` (the default; past listings turn it off) a card says "Full: join the
    waitlist" or "3 seats left" while registration is open, and the page records that it
    shows that (web/page_dependencies.py), so the page cache drops it when the event fills
    up, in every process, without dropping it for every registration."""

    @pass_context
    def event_cards(
        context: Context,
        events: Sequence[object],
        level: int = 3,
        seats: bool = True,
        eager_first: bool = False,
    ) -> Markup:
        request = context.get("request")
        if seats and request is not None:
            for event in events:
                if isinstance(event, EventCard) and event.registration_open and event.capacity:
                    token = seat_band_token(event.seats_left, event.capacity)
                    record_dependency(request, seat_band_key(event.id), token)
        # `eager_first`: the page's first card, whose picture is usually the largest thing in
        # view, is fetched at once rather than lazily (Lighthouse: lcp-lazy-loaded).
        return Markup("").join(
            event_card(event, level, seats, eager_first and number == 0)
            for number, event in enumerate(events)
        )

    return event_cards


def seat_state(seats_left: int | None, capacity: int | None) -> str:
    """The seats' state the page colours beside its words: "full", "few" or "" (the rule is
    registration.seat_state.seat_band, which the listings' cards use too)."""
    return seat_band(seats_left, capacity)


def add_filters(env: Environment, settings: Settings) -> None:
    labels = _format_labels(load_translations(settings.language).gettext)
    env.filters.update(
        when=lambda event: format_event_when(event, settings.language),
        # `moment|event_time(event)`: any instant about an event, in the event's own zone,
        # so the back office never shows an organiser a time in another zone than theirs.
        event_time=lambda moment, event: format_moment(moment, event.timezone, settings.language),
        event_date=lambda event: format_event_date(event, settings.language),
        label=lambda value: labels.get(value, str(value)),
        seat_state=seat_state,
    )
    # Cover images (templates/_cover.html), for events' and articles' pages and cards alike.
    env.globals.update(cover=Cover.from_key, cover_placeholder_art=placeholder)


def add_cards(env: Environment, settings: Settings) -> None:
    event_card = _card_renderer(env, memo=not settings.is_development)
    env.globals.update(event_card=event_card, event_cards=_cards_renderer(event_card))


def register(extensions: WebExtensions) -> None:
    extensions.add_templates(add_filters)
    extensions.add_templates(add_cards, late=True)
