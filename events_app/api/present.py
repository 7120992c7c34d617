"""What the public services return (cards, event pages, articles, categories), as the API's
models. Only what the site's pages show is copied: never an online link, never anything
about attendees. Links are absolute, built by the site's one URL builder (SiteUrls) from
EVENTS_BASE_URL like every link the site writes, never from the request's Host header."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from events_app.api.schemas import (
    ArticleDetailPublic,
    ArticleLinkPublic,
    ArticlePublic,
    ArticlesPublic,
    CategoriesPublic,
    CategoryPublic,
    EventDetailPublic,
    EventPublic,
    EventsPublic,
    RegistrationPublic,
)
from events_app.events.cards import CategoryRef, EventCard
from events_app.models import Article, Category, Event
from events_app.pagination import Page
from events_app.registration.pages import EventPage
from events_app.site_urls import SiteUrls


def category_public(category: CategoryRef | Category, url: SiteUrls) -> CategoryPublic:
    return CategoryPublic(
        slug=category.slug,
        name=category.name,
        url=url("category_detail", slug=category.slug),
        events_url=url("api_events") + "?" + urlencode({"category": category.slug}),
    )


def categories_public(
    categories: Iterable[CategoryRef | Category], url: SiteUrls
) -> CategoriesPublic:
    data = [category_public(category, url) for category in categories]
    return CategoriesPublic(data=data, count=len(data))


def _local(event: EventCard | Event) -> dict[str, Any]:
    """Times with the offset of the event's own zone: the instant, and its wall-clock time."""
    tz = ZoneInfo(event.timezone)
    return {
        "starts_at": event.starts_at.astimezone(tz),
        "ends_at": event.ends_at.astimezone(tz),
        "timezone": event.timezone,
        "all_day": event.all_day,
    }


def _event_fields(event: EventCard | Event, url: SiteUrls) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        **_local(event),
        "venue": event.venue,
        "format": str(event.format),
        "status": str(event.status),
        "categories": [category_public(category, url) for category in event.categories],
        "url": url("event_detail", slug=event.slug),
        "api_url": url("api_event", slug=event.slug),
    }


def event_public(card: EventCard, url: SiteUrls) -> EventPublic:
    return EventPublic.model_validate(_event_fields(card, url))


def events_public(page: Page[EventCard], url: SiteUrls) -> EventsPublic:
    return EventsPublic(
        data=[event_public(card, url) for card in page.items],
        count=page.total,
        page=page.number,
        per_page=page.size,
        pages=page.pages,
    )


def _article_link(article: Article, url: SiteUrls) -> ArticleLinkPublic:
    return ArticleLinkPublic(
        slug=article.slug,
        title=article.title,
        published_at=article.published_at,
        url=url("article_detail", slug=article.slug),
        api_url=url("api_article", slug=article.slug),
    )


def event_detail_public(page: EventPage, url: SiteUrls) -> EventDetailPublic:
    event = page.event
    tz = ZoneInfo(event.timezone)
    registration = RegistrationPublic(
        state=page.state,
        opens_at=event.registration_opens_at and event.registration_opens_at.astimezone(tz),
        closes_at=event.registration_closes_at and event.registration_closes_at.astimezone(tz),
        capacity=event.capacity,
        seats_left=page.seats_left,
        approval_required=event.approval_required,
        max_guests=event.max_guests,
        registrations_url=url("api_registrations", slug=event.slug),
    )
    return EventDetailPublic.model_validate(
        {
            **_event_fields(event, url),
            "description": event.description,
            "description_html": event.description_html,
            "address": event.address,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "organizer": event.organizer,
            "status_reason": event.status_reason,
            "is_past": page.is_past,
            "registration": registration,
            "questions": event.questions,
            "articles": [_article_link(article, url) for article in event.articles],
            "calendar_url": url("event_ics", slug=event.slug),
        }
    )


def _article_fields(article: Article, url: SiteUrls) -> dict[str, Any]:
    categories = sorted(article.categories, key=lambda c: (c.name.lower(), c.slug))
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "author": article.author,
        "published_at": article.published_at,
        "categories": [category_public(category, url) for category in categories],
        "url": url("article_detail", slug=article.slug),
        "api_url": url("api_article", slug=article.slug),
    }


def articles_public(page: Page[Article], url: SiteUrls) -> ArticlesPublic:
    return ArticlesPublic(
        data=[ArticlePublic.model_validate(_article_fields(a, url)) for a in page.items],
        count=page.total,
        page=page.number,
        per_page=page.size,
        pages=page.pages,
    )


def article_detail_public(
    article: Article, events: list[EventCard], url: SiteUrls
) -> ArticleDetailPublic:
    return ArticleDetailPublic.model_validate(
        {
            **_article_fields(article, url),
            "body": article.body,
            "body_html": article.body_html,
            "events": [event_public(card, url) for card in events],
        }
    )
