"""The cover image uploaded with an event or article form (the fields: cover_form.py).

The file is checked and its variants are stored before the record is written (the store
is keyed by content, so a form refused for another reason leaves only files that a later
save may use); the record then names it in the same transaction as the rest of the form.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from events_app.admin.cover_form import FILE_FIELD
from events_app.admin.form_errors import FormInput
from events_app.admin.local_times import Problem
from events_app.images.checks import ImageRefused
from events_app.images.store import MediaStore
from events_app.web.context import app_context


async def take_cover(request: Request, raw: FormInput, form: dict[str, Any]) -> Problem | None:
    """Store the uploaded file, if one was sent, and put its key into `form["image"]`; the
    Problem for the file field if it is refused. A kept key that names no stored image (an
    edited hidden field) is dropped."""
    store = MediaStore.from_settings(app_context(request).settings)
    upload = raw.get(FILE_FIELD)
    # A browser sends an empty part without a file name when no file was chosen.
    if isinstance(upload, UploadFile) and upload.filename:
        # At most one byte more than allowed: enough to know it is too large.
        data = await upload.read(store.max_bytes + 1)
        await upload.close()
        try:
            form["image"] = await run_in_threadpool(store.save, data)
        except ImageRefused as refused:
            return Problem(refused.code, refused.params)
        form["image_remove"] = False
        return None
    if form["image_remove"] or (
        form["image"] and not await run_in_threadpool(store.has, form["image"])
    ):
        form["image"] = ""
    return None
