"""`events-app import FILE` and `events-app export`: reading and writing files, the progress
bar and the printed report. Exit codes: 0 done, 1 nothing imported (a rejected record or an
unreadable file), 2 the file could not be opened or written."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from tqdm import tqdm

from events_app.calendar.vevent import calendar_site
from events_app.clock import utc_now
from events_app.config import Settings
from events_app.db import Database
from events_app.registration.notify import Notifier
from events_app.site_urls import SiteUrls
from events_app.transfer.checking import ImportRejected
from events_app.transfer.export import export_ics, export_json
from events_app.transfer.ics_import import read_ics
from events_app.transfer.images import ImageSource, attach_images
from events_app.transfer.json_format import read_json
from events_app.transfer.records import Document, UnreadableFile
from events_app.transfer.service import Done, ImportReport, import_document

PROGRESS_FROM = 50  # records; below this an import is over before a bar is worth drawing


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text (byte {exc.start})") from None


def _is_ics(text: str) -> bool:
    return text.lstrip().upper().startswith("BEGIN:VCALENDAR")


def read_document(data: bytes, *, session: Session, urls: SiteUrls) -> Document:
    """iCalendar when the file says BEGIN:VCALENDAR first, JSON otherwise."""
    text = _text(data)
    if _is_ics(text):
        return read_ics(text.encode("utf-8"), session=session, urls=urls)
    return read_json(text)


def read_json_with_images(data: bytes, images: ImageSource) -> Document | None:
    """A JSON file with its records' images fetched and stored, before any transaction
    (transfer/images.py); None for an iCalendar file, which has none and is read against
    the database."""
    text = _text(data)
    return None if _is_ics(text) else attach_images(read_json(text), images)


def _counted(done: list[Done]) -> str:
    counts = Counter(kind for kind, _slug in done)
    parts = [f"{counts[kind]} {kind}{'' if counts[kind] == 1 else 's'}" for kind in sorted(counts)]
    return " and ".join(parts) or "nothing"


def _print_report(report: ImportReport, path: Path) -> None:
    for verb, done in (("created", report.created), ("updated", report.updated)):
        for kind, slug in done:
            print(f"{verb} {kind} {slug}")
    print(
        f"import {path}: created {_counted(report.created)}, updated {_counted(report.updated)},"
        f" unchanged {_counted(report.unchanged)}"
    )
    if report.notified:
        print(f"import {path}: {report.notified} email(s) to attendees queued in the outbox")


def _print_rejections(exc: ImportRejected, path: Path) -> None:
    count = len(exc.rejections)
    print(f"import {path}: {count} record(s) rejected; nothing was written", file=sys.stderr)
    for rejection in exc.rejections:
        for problem in rejection.problems:
            print(f"  {rejection.label}: {problem}", file=sys.stderr)


def _import(
    db: Database,
    data: bytes,
    *,
    progress: bool,
    notifier: Notifier | None,
    urls: SiteUrls,
    images: ImageSource,
) -> ImportReport:
    read = read_json_with_images(data, images)
    with db.write() as session:
        document = read if read is not None else read_document(data, session=session, urls=urls)
        show = progress and document.size > PROGRESS_FROM and sys.stderr.isatty()
        with tqdm(total=document.size, file=sys.stderr, unit="record", disable=not show) as bar:
            return import_document(
                session=session,
                now=utc_now(),
                document=document,
                tick=bar.update,
                notifier=notifier,
            )


def run_import(
    settings: Settings, urls: SiteUrls, path: Path, progress: bool, notify: bool = True
) -> int:
    """`urls` writes the links in the emails it queues and recognises our own exports."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"import: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    db = Database.from_url(settings.database_url)
    try:
        notifier = Notifier(settings, urls) if notify else None
        images = ImageSource.from_settings(settings)
        report = _import(db, data, progress=progress, notifier=notifier, urls=urls, images=images)
    except UnreadableFile as exc:
        print(f"import {path}: {exc}; nothing was written", file=sys.stderr)
        return 1
    except ImportRejected as exc:
        _print_rejections(exc, path)
        return 1
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]  # the rest is the SQL statement
        print(
            f"import {path}: the database refused it ({reason}); nothing was written",
            file=sys.stderr,
        )
        return 1
    finally:
        db.dispose()
    _print_report(report, path)
    return 0


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a replaced stdout (StringIO) takes text
            sys.stdout.write(data.decode("utf-8"))
        else:
            binary.write(data)
            binary.flush()
        return
    # Through a temporary file: an interrupted export must not leave half a backup behind.
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, output)


def run_export(settings: Settings, urls: SiteUrls, fmt: str, output: Path | None) -> int:
    if fmt not in ("json", "ics"):
        print(f"export: unknown format {fmt!r} (json or ics)", file=sys.stderr)
        return 2
    db = Database.from_url(settings.database_url)
    try:
        with db.read() as session:
            if fmt == "json":
                data = export_json(session=session)
            else:
                data = export_ics(
                    session=session, now=utc_now(), site=calendar_site(settings, urls)
                )
    finally:
        db.dispose()
    try:
        _write(data, output)
    except OSError as exc:
        print(f"export: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if output is not None:
        print(f"export: wrote {fmt} to {output}", file=sys.stderr)
    return 0
