"""Cover images in an import file: a record's `image_url` is fetched (images/fetch.py: http(s)
only, a timeout, a size cap, no private addresses unless allowed), checked and stored like an
upload, and replaced by the stored image's key before the record is validated. Runs before
the import's write transaction: nothing waits on the network while holding the database.

A URL that cannot be fetched or an image that is refused is a problem of its record, listed
with the others; and since a rejected file writes nothing, neither is a record written
without the image it names. (The files of images already stored stay, keyed by content.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from events_app.config import Settings
from events_app.images.checks import ImageRefused
from events_app.images.fetch import fetch_image
from events_app.images.store import MediaStore
from events_app.transfer.records import Document, IncomingRecord

MESSAGES = {
    "image_url_scheme": "must be an http:// or https:// address",
    "image_url_private": "points into a private or loopback network, which the import may not"
    " read (EVENTS_IMAGE_FETCH_PRIVATE)",
    "image_url_failed": "could not be fetched",
    "image_type": "is not a JPEG, PNG or WebP image",
    "image_unreadable": "could not be read as an image",
    "image_empty": "is empty",
}


def describe(refused: ImageRefused) -> str:
    if refused.code == "image_too_large":
        return f"is larger than {refused.params['megabytes']} MB"
    if refused.code == "image_dimensions":
        return f"has more than {refused.params['megapixels']} million pixels"
    return MESSAGES.get(refused.code, "was refused")


@dataclass(frozen=True)
class ImageSource:
    store: MediaStore
    timeout: float
    allow_private: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> ImageSource:
        store = MediaStore.from_settings(settings)
        return cls(store, settings.image_fetch_timeout_seconds, settings.image_fetch_private)

    def take(self, url: str) -> str:
        """The key of the image at `url`, stored; raises ImageRefused."""
        data = fetch_image(
            url,
            timeout=self.timeout,
            max_bytes=self.store.max_bytes,
            allow_private=self.allow_private,
        )
        return self.store.save(data)


def _with_image(
    record: IncomingRecord, source: ImageSource, seen: dict[str, str]
) -> IncomingRecord:
    if not isinstance(record.values, dict):
        return record
    values: dict[str, Any] = dict(record.values)
    problems = list(record.problems)
    if "image" in values:  # only what the import itself fetched may name a stored file
        values.pop("image")
        problems.append("image: is not a key of the import format (give image_url)")
    url = values.pop("image_url", None)
    if url is None or url == "":
        return replace(record, values=values, problems=tuple(problems))
    if not isinstance(url, str):
        problems.append("image_url: must be an http:// or https:// address")
    elif url in seen:
        values["image"] = seen[url]
    else:
        try:
            values["image"] = seen[url] = source.take(url.strip())
        except ImageRefused as refused:
            problems.append(f"image_url: {url} {describe(refused)}")
    return replace(record, values=values, problems=tuple(problems))


def attach_images(document: Document, source: ImageSource) -> Document:
    """`document` with every `image_url` fetched and stored (or a problem of its record)."""
    seen: dict[str, str] = {}
    return Document(
        articles=[_with_image(record, source, seen) for record in document.articles],
        events=[_with_image(record, source, seen) for record in document.events],
    )
