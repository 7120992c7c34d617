"""Conditional GET (RFC 9110 section 13) for responses that carry their own validators:
If-None-Match against a strong ETag, else If-Modified-Since against Last-Modified."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def etag_matches(if_none_match: str, etag: str) -> bool:
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def not_modified_since(if_modified_since: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as RFC 9110 asks
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


def is_not_modified(request: Request, *, etag: str, last_modified: datetime) -> bool:
    """If-None-Match wins when both are sent: an ETag is exact, a date only to the second."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    if_modified_since = request.headers.get("if-modified-since")
    return if_modified_since is not None and not_modified_since(if_modified_since, last_modified)


def conditional_response(
    request: Request,
    body: bytes,
    *,
    etag: str,
    last_modified: datetime,
    media_type: str,
    cache_control: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The body with its validators, or 304 with no body when the client's copy is current."""
    validators = {
        "etag": etag,
        "last-modified": http_date(last_modified),
        "cache-control": cache_control,
    }
    if is_not_modified(request, etag=etag, last_modified=last_modified):
        return Response(status_code=304, headers=validators)
    return Response(body, media_type=media_type, headers={**validators, **(headers or {})})
