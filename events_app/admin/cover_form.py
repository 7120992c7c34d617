"""The cover image fields of the event and article forms, as plain data: a file field
(`image_file`), the key of the image already chosen (`image`, hidden, so that a form sent
back with problems keeps the image uploaded with it), a box to remove it, and its
alternative text, which an image must have. The upload itself is cover_views.take_cover."""

from __future__ import annotations

from typing import Any

from events_app.admin.form_errors import FormInput, text
from events_app.admin.local_times import Problem

FILE_FIELD = "image_file"


def read_cover(raw: FormInput, form: dict[str, Any]) -> None:
    """The image fields as sent, into `form`."""
    form["image"] = text(raw, "image").strip()
    form["image_alt"] = text(raw, "image_alt")
    form["image_remove"] = text(raw, "image_remove") == "1"


def alt_problem(form: dict[str, Any]) -> Problem | None:
    """An image needs words for those who cannot see it."""
    if form["image"] and not form["image_alt"].strip():
        return Problem("image_alt")
    return None
