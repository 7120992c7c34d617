"""The `events-app` command (also `python -m events_app`)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError

from events_app.config import Settings, load_settings
from events_app.validation_errors import FieldError, all_errors


def _settings() -> Settings:
    """The settings, or, when one is bad, one line per bad setting on stderr and exit code 2:
    a traceback tells an operator nothing they can act on."""
    try:
        return load_settings()
    except ValidationError as exc:
        lines = [configuration_error(error) for error in all_errors(exc)]
    except SettingsError as exc:  # the environment could not even be read into fields
        lines = [" ".join(str(exc).split())]
    for line in lines:
        print(f"events-app: configuration error: {line}", file=sys.stderr)
    raise SystemExit(2)


def configuration_error(error: FieldError) -> str:
    """`EVENTS_PAGE_SIZE: Input should be ...`; a list's item is named by its position."""
    message = " ".join(error.message.split())
    if not error.field:  # a rule across settings: its message names them
        return message
    inside = error.loc[1:]
    where = f" (item {int(inside[0]) + 1})" if inside and isinstance(inside[0], int) else ""
    return f"EVENTS_{error.field.upper()}{where}: {message}"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "events_app.app:build_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        log_level=settings.log_level.lower(),
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        server_header=False,
        # One log line per request costs about a quarter of the throughput of a cached page;
        # the proxy in front keeps its own access log.
        access_log=args.access_log,
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from events_app.migrate import upgrade_database

    upgrade_database(_settings().database_url, args.revision)
    print(f"database upgraded to {args.revision}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from events_app.clock import utc_now
    from events_app.db import Database
    from events_app.demo.loader import database_is_empty, load_demo
    from events_app.images.store import MediaStore

    settings = _settings()
    db = Database.from_url(settings.database_url)
    try:
        with db.write() as session:
            if args.if_empty and not database_is_empty(session=session):
                print("demo: the database already has events; nothing loaded")
                return 0
            store = MediaStore.from_settings(settings)
            result = load_demo(session=session, now=utc_now(), store=store)
    finally:
        db.dispose()
    print(
        f"demo: created {result.created_articles} articles and {result.created_events} events; "
        f"{result.skipped} already present"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from events_app.routes import site_urls
    from events_app.transfer.commands import run_import

    settings = _settings()
    return run_import(
        settings,
        site_urls(settings),
        Path(args.file),
        progress=not args.quiet,
        notify=not args.no_notify,
    )


def cmd_export(args: argparse.Namespace) -> int:
    from events_app.routes import site_urls
    from events_app.transfer.commands import run_export

    settings = _settings()
    output = Path(args.output) if args.output else None
    return run_export(settings, site_urls(settings), args.format, output)


def cmd_worker(args: argparse.Namespace) -> int:
    import signal
    from datetime import timedelta

    from events_app.db import Database
    from events_app.mail.worker import MailWorker
    from events_app.registration.housekeeping import seat_housekeeping
    from events_app.registration.notify import registration_writers
    from events_app.routes import site_urls

    settings = _settings()
    logging.getLogger().setLevel(settings.log_level.upper())
    db = Database.from_settings(settings)
    worker = MailWorker(
        settings=settings,
        db=db,
        lease=timedelta(seconds=args.lease_seconds),
        batch_size=args.batch_size,
        housekeeping=seat_housekeeping(settings, db, site_urls(settings)),
        writers=registration_writers(settings, site_urls(settings)),
    )
    # A signal lets the message being sent finish; the rest of its batch is handed back.
    previous = {
        signum: signal.signal(signum, lambda _signum, _frame: worker.stop())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        if args.once:
            report = worker.run_once()
            logging.getLogger("events_app.mail").info("worker --once: %s", report)
        else:
            worker.run_forever()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        db.dispose()
    return 0


def cmd_mail_retry(args: argparse.Namespace) -> int:
    from events_app.mail.commands import run_retry
    from events_app.registration.emails import KINDS
    from events_app.sharing.email import KIND as SHARED

    return run_retry(
        _settings(), kinds=[*KINDS, SHARED], kind=args.kind, event=args.event, since=args.since,
        until=args.until, everything=args.all,
    )  # fmt: skip


def cmd_admin_create(args: argparse.Namespace) -> int:
    from events_app.admin.commands import run_create

    return run_create(_settings(), args.email, name=args.name, role=args.role)


def cmd_admin_reset_password(args: argparse.Namespace) -> int:
    from events_app.admin.commands import run_reset_password

    return run_reset_password(_settings(), args.email)


SETTINGS_EXIT = "Every command exits with 2, after one line per bad setting, when a setting is bad."


def build_parser() -> argparse.ArgumentParser:
    """The whole command line. docs/hooks.py writes the CLI reference from it, so every
    argument has a help text (a test checks)."""
    parser = argparse.ArgumentParser(
        prog="events-app",
        description="Serve and run the events site. Settings come from EVENTS_ environment "
        "variables.",
        epilog=SETTINGS_EXIT,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the site with uvicorn",
        description="Serve the site with uvicorn. With EVENTS_MAIL_IN_PROCESS (the default) it "
        "also sends the outbox, as `worker` would.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--workers", type=int, default=1, help="number of worker processes")
    serve.add_argument("--reload", action="store_true", help="restart on code changes")
    serve.add_argument(
        "--proxy-headers", action="store_true", help="trust X-Forwarded-* from the proxy in front"
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="ADDRESSES",
        help="with --proxy-headers: the proxy's own addresses (comma-separated IPs or "
        "networks), the only peers whose X-Forwarded-For is believed; rate limits count "
        "the client address it gives (default: 127.0.0.1)",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log one line per request (uvicorn's access log; off by default, as it costs "
        "about a quarter of the throughput and the proxy in front keeps its own)",
    )
    serve.set_defaults(handler=cmd_serve)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    upgrade = db_commands.add_parser(
        "upgrade",
        help="run migrations up to a revision",
        description="Run the Alembic migrations; on every release, before the new code serves.",
    )
    upgrade.add_argument(
        "revision", nargs="?", default="head", help="the Alembic revision to upgrade to"
    )
    upgrade.set_defaults(handler=cmd_db_upgrade)

    demo = commands.add_parser(
        "demo",
        help="load the demo articles and events (idempotent)",
        description="Load the demo articles and events. Idempotent: records whose slug "
        "exists are left alone.",
    )
    demo.add_argument(
        "--if-empty", action="store_true", help="only when the database has no events yet"
    )
    demo.set_defaults(handler=cmd_demo)

    importer = commands.add_parser(
        "import",
        help="import events (JSON or iCalendar)",
        description="Import events and articles from a JSON or iCalendar file, all or "
        "nothing; importing the same file again changes nothing.",
        epilog="Exit codes: 0 imported; 1 nothing imported (a rejected record, or a file that "
        "is not valid JSON or iCalendar, or the database refused it); 2 the file could not be "
        "read.",
    )
    importer.add_argument("file", help="the file to import (JSON or iCalendar, by content)")
    importer.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown on a terminal otherwise)"
    )
    importer.add_argument(
        "--no-notify",
        action="store_true",
        help="do not email attendees of events whose time, place or status changes",
    )
    importer.set_defaults(handler=cmd_import)

    exporter = commands.add_parser(
        "export",
        help="export events and articles",
        description="Export events and articles: JSON (everything, drafts included, in the "
        "import's format) or iCalendar (the non-draft events).",
        epilog="Exit codes: 0 written; 2 the file could not be written.",
    )
    exporter.add_argument("--format", choices=["json", "ics"], default="json", help="what to write")
    exporter.add_argument(
        "--output", "-o", help="file to write, whole or not at all (default: standard output)"
    )
    exporter.set_defaults(handler=cmd_export)

    worker = commands.add_parser(
        "worker",
        help="send the outbox and expire unconfirmed holds, until stopped",
        description="Send the email outbox every EVENTS_MAIL_POLL_SECONDS and, on its own "
        "schedule (EVENTS_HOUSEKEEPING_SECONDS), expire unconfirmed seat holds and queue due "
        "reminders, until SIGTERM or SIGINT (the message being sent is finished first).",
    )
    worker.add_argument("--once", action="store_true", help="process what is due, then exit")
    worker.add_argument(
        "--lease-seconds",
        type=float,
        default=300.0,
        help="how long a claimed message stays reserved for this worker",
    )
    worker.add_argument("--batch-size", type=int, default=10, help="messages claimed at a time")
    worker.set_defaults(handler=cmd_worker)

    mail = commands.add_parser("mail", help="the email outbox")
    mail_commands = mail.add_subparsers(dest="mail_command", required=True, metavar="COMMAND")
    retry = mail_commands.add_parser(
        "retry",
        help="queue failed mail again",
        description="Queue failed emails (those that used up EVENTS_MAIL_MAX_ATTEMPTS) again: "
        "pending, attempts from zero, due at once. Choose them by kind, event or when they "
        "were queued (all conditions must hold), or give --all. Audited.",
        epilog="Exit codes: 0 done, also when nothing matched; 1 refused (no filter and no "
        "--all, an unknown kind or event, a time that cannot be read); 2 the database could "
        "not do it.",
    )
    retry.add_argument("--kind", help="only this kind of email, e.g. confirmed or reminder")
    retry.add_argument("--event", metavar="SLUG", help="only emails about this event")
    retry.add_argument(
        "--since", help="only emails queued at or after this date or time (ISO 8601)"
    )
    retry.add_argument("--until", help="only emails queued before this date or time (ISO 8601)")
    retry.add_argument("--all", action="store_true", help="every failed email (without filters)")
    retry.set_defaults(handler=cmd_mail_retry)

    admin = commands.add_parser("admin", help="back-office users")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="COMMAND")
    asked = "The password is asked twice on a terminal, else read as one line of stdin."
    exits = (
        "Exit codes: 0 done; 1 refused (not an address, address taken or unknown, password too "
        "weak, mistyped or missing), with the reason; 2 the database could not do it."
    )
    create = admin_commands.add_parser(
        "create", help="add a user", description=f"Add a back-office user. {asked}", epilog=exits
    )
    create.add_argument("email", help="the user's email address, with which they sign in")
    create.add_argument("--name", default="", help="the user's name, as the back office shows it")
    create.add_argument(
        "--role",
        choices=["admin", "editor"],
        default="admin",
        help="admins do everything; editors do events, articles and registrations",
    )
    create.set_defaults(handler=cmd_admin_create)
    reset = admin_commands.add_parser(
        "reset-password",
        help="set a user's password and end their sessions",
        description=f"Set a user's password and end every session they have. {asked}",
        epilog=exits,
    )
    reset.add_argument("email", help="the user's email address")
    reset.set_defaults(handler=cmd_admin_reset_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.handler(args))
