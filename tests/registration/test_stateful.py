"""The registration rules under random sequences of operations (Hypothesis state machine).

Each example gets its own SQLite file copied from one migrated template, one published event
and a frozen clock. Rules register, re-register, confirm, cancel, let time pass, run the
hold-expiry job and change the capacity in any order. After every step the database is read
back and compared with the state before the step:

- seats: a step that gives someone a seat leaves confirmed + attended <= capacity (a smaller
  capacity keeps everyone already seated, so "over capacity" is allowed only with no new seat);
- holds: a new registration that holds a seat leaves seats taken (seated + live holds) <=
  capacity;
- waitlist order: whoever gets a seat from the waitlist leaves nobody with an earlier
  (confirmed_at, id) still waiting, and nobody gets a seat ahead of the waitlist;
- email: every state change wrote exactly the email that goes with it, and nothing else.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from sqlmodel import col

from events_app.db import Database
from events_app.migrate import upgrade_database
from events_app.models import Event, OutboxMessage, Registration
from events_app.registration import service
from events_app.registration.confirming import confirm_registration
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate
from events_app.registration.seats import SEATED
from events_app.registration.tokens import token_for
from tests.factories import make_event
from tests.registration.helpers import HOLD, expire_holds
from tests.support.routes import site_urls
from tests.support.settings import START, make_settings

ACTIVE = ("pending", "confirmed", "waitlisted", "attended")
SEATED_NAMES = tuple(str(s) for s in SEATED)

_template: Path | None = None


def template() -> Path:
    """One migrated SQLite file for the whole run; each example copies it."""
    global _template
    if _template is None:
        path = Path(tempfile.mkdtemp(prefix="stateful-template-")) / "events.db"
        upgrade_database(f"sqlite:///{path}")
        _template = path
    return _template


@dataclass(frozen=True)
class Row:
    id: int
    email: str
    status: str
    holds_seat: bool
    hold_expires_at: datetime | None
    confirmed_at: datetime | None
    token_nonce: str

    @property
    def order(self) -> tuple[datetime, int]:
        assert self.confirmed_at is not None
        return (self.confirmed_at, self.id)


@dataclass(frozen=True)
class Snapshot:
    capacity: int | None
    rows: dict[int, Row]
    outbox: list[tuple[int, str, int | None]]  # (id, kind, registration_id)

    def seated(self) -> int:
        return sum(r.status in SEATED_NAMES for r in self.rows.values())

    def live_holds(self, now: datetime) -> int:
        return sum(
            r.status == "pending"
            and r.holds_seat
            and r.hold_expires_at is not None
            and r.hold_expires_at > now
            for r in self.rows.values()
        )

    def waitlisted(self) -> list[Row]:
        return sorted(
            (r for r in self.rows.values() if r.status == "waitlisted"), key=lambda r: r.order
        )


class RegistrationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="stateful-"))
        path = self.directory / "events.db"
        shutil.copyfile(template(), path)
        url = f"sqlite:///{path}"
        self.db = Database.from_url(url)
        notifier_settings = make_settings(url)
        self.notifier = Notifier(notifier_settings, site_urls(notifier_settings))
        self.now = START
        self.next_email = 0
        self.event_id = 0
        self.capacity_ever_lowered = False
        self.before: Snapshot | None = None

    # -- set-up and reading back ---------------------------------------------------------

    @initialize(capacity=st.integers(min_value=0, max_value=4))
    def create_event(self, capacity: int) -> None:
        event = make_event(
            self.db, self.now, capacity=capacity, starts_at=self.now + timedelta(days=30)
        )
        assert event.id is not None
        self.event_id = event.id
        self.before = self.snapshot()

    def snapshot(self) -> Snapshot:
        with self.db.read() as session:
            event = session.get(Event, self.event_id)
            assert event is not None
            rows = {
                r.id: Row(
                    id=r.id,
                    email=r.email,
                    status=str(r.status),
                    holds_seat=r.holds_seat,
                    hold_expires_at=r.hold_expires_at,
                    confirmed_at=r.confirmed_at,
                    token_nonce=r.token_nonce,
                )
                for r in session.scalars(select(Registration)).all()
                if r.id is not None
            }
            outbox = [
                (m.id, m.kind, m.registration_id)
                for m in session.scalars(
                    select(OutboxMessage).order_by(col(OutboxMessage.id))
                ).all()
                if m.id is not None
            ]
        return Snapshot(capacity=event.capacity, rows=rows, outbox=outbox)

    def rows(self, *statuses: str) -> list[Row]:
        assert self.before is not None
        return sorted(
            (r for r in self.before.rows.values() if not statuses or r.status in statuses),
            key=lambda r: r.id,
        )

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- the operations, each followed by check_step() -----------------------------------

    @rule()
    def register_new(self) -> None:
        self.next_email += 1
        email = f"person{self.next_email}@example.org"
        self._register(email)
        self.check_step(manage_links=0)

    @precondition(lambda self: any(r.status in ACTIVE for r in self.rows()))
    @rule(data=st.data())
    def register_again(self, data: st.DataObject) -> None:
        """The same address again (another case): no new registration; its manage link
        again, unless one was sent within the re-send cooldown (double clicks send one email)
        or the address had its hour's share of form emails."""
        row = data.draw(st.sampled_from(self.rows(*ACTIVE)))
        with self.db.read() as session:
            stored = session.get(Registration, row.id)
            assert stored is not None
            sent = service.emails_sent_recently(
                session=session, now=self.now, email_key=stored.email_key
            )
            resend = stored.link_sent_at <= self.now - service.RESEND_COOLDOWN and (
                sent < self.notifier.settings.registration_emails_per_address_hour
            )
        self._register(row.email.upper())
        if resend:
            self.check_step(manage_links=1, manage_link_for=row.id)
        else:
            self.check_step(manage_links=0)

    def _register(self, email: str) -> None:
        data = RegistrationCreate(name="Someone", email=email, consent=True)
        with self.db.write() as session:
            service.register_attendee(
                session=session,
                now=self.now,
                event_id=self.event_id,
                data=data,
                notifier=self.notifier,
                hold=HOLD,
            )

    @precondition(lambda self: bool(self.rows()))
    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        row = data.draw(st.sampled_from(self.rows()))
        token = token_for(self.notifier.settings.secret_key, row.token_nonce)
        with self.db.write() as session:
            found = confirm_registration(
                session=session, now=self.now, token=token, notifier=self.notifier
            )
            assert found == row.id
        self.check_step(confirmed_by_hand=row.id)

    @precondition(lambda self: bool(self.rows()))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        row = data.draw(st.sampled_from(self.rows()))
        with self.db.write() as session:
            registration = session.get(Registration, row.id)
            assert registration is not None
            service.cancel_registration(
                session=session, now=self.now, registration=registration, notifier=self.notifier
            )
        self.check_step()

    @rule(minutes=st.sampled_from([1, 20, 59, 61]))
    def time_passes(self, minutes: int) -> None:
        """Time passes and the worker runs the expiry job on time. (Between a hold running
        out and that job, a newcomer can take the seat ahead of the waitlist: see
        test_a_hold_run_out_but_not_yet_expired_lets_a_newcomer_jump_the_waitlist.)"""
        self.now += timedelta(minutes=minutes)
        expire_holds(self.db, self.now, self.notifier)
        self.check_step()

    @rule(capacity=st.integers(min_value=0, max_value=6))
    def change_capacity(self, capacity: int) -> None:
        assert self.before is not None
        if self.before.capacity is not None and capacity < self.before.capacity:
            self.capacity_ever_lowered = True
        with self.db.write() as session:
            service.change_capacity(
                session=session,
                now=self.now,
                event_id=self.event_id,
                capacity=capacity,
                notifier=self.notifier,
            )
        self.check_step()

    # -- the checks ------------------------------------------------------------------------

    def check_step(
        self,
        *,
        manage_links: int = 0,
        manage_link_for: int | None = None,
        confirmed_by_hand: int | None = None,
    ) -> None:
        before = self.before
        assert before is not None
        after = self.snapshot()
        self.before = after
        capacity = after.capacity
        assert capacity is not None

        expected: Counter[tuple[str, int | None]] = Counter()
        newly_seated: list[Row] = []
        promoted: list[Row] = []
        for row in after.rows.values():
            old = before.rows.get(row.id)
            if old is None:
                assert row.status == "pending", row
                expected["confirm_request", row.id] += 1
                if row.holds_seat:
                    # A new hold only while a seat is free: seats taken stay within capacity.
                    assert after.seated() + after.live_holds(self.now) <= capacity, (
                        "a hold was given with no free seat"
                    )
                continue
            if old.status == row.status:
                continue
            change = (old.status, row.status)
            if row.status == "cancelled":
                assert old.status in ACTIVE, change
                expected["cancelled", row.id] += 1
            elif change == ("pending", "expired"):
                expected["hold_expired", row.id] += 1
            elif change == ("waitlisted", "confirmed"):
                expected["promoted", row.id] += 1
                promoted.append(row)
                newly_seated.append(row)
            elif old.status in ("pending", "expired") and row.status == "confirmed":
                assert row.id == confirmed_by_hand, change
                expected["confirmed", row.id] += 1
                newly_seated.append(row)
            elif old.status in ("pending", "expired") and row.status == "waitlisted":
                assert row.id == confirmed_by_hand, change
                expected["waitlisted", row.id] += 1
            else:
                raise AssertionError(f"unexpected transition {change} for {row}")
        if manage_links:
            expected["manage_link", manage_link_for] += manage_links
            assert len(after.rows) == len(before.rows), "re-registering made a second row"

        seen_before = {message_id for message_id, _, _ in before.outbox}
        written = Counter(
            (kind, registration_id)
            for message_id, kind, registration_id in after.outbox
            if message_id not in seen_before
        )
        assert written == expected, f"emails {dict(written)} != transitions {dict(expected)}"

        # Seats: nobody gets a seat that is not there. One exception, by design of
        # confirming.confirm_registration: a seat held at registration is kept through a later
        # capacity decrease, so confirming it may seat someone while over the new capacity.
        from_the_pool = [r for r in newly_seated if not self._was_holding(before.rows[r.id])]
        if from_the_pool:
            assert after.seated() <= capacity, (
                f"{len(from_the_pool)} new seat(s) while {after.seated()} seated > capacity "
                f"{capacity}"
            )
        if not self.capacity_ever_lowered:
            assert after.seated() <= capacity

        # The waitlist: promotions go in (confirmed_at, id) order, and nobody takes a seat
        # while someone who confirmed earlier is still waiting.
        still_waiting = [r for r in after.waitlisted() if r.id in before.rows]
        for row in newly_seated:
            if before.rows[row.id].status == "waitlisted":
                ahead = [w for w in still_waiting if w.order < row.order]
                assert not ahead, f"{row} promoted ahead of {ahead}"
            elif not self._was_holding(before.rows[row.id]):
                # A seat held since registration is the holder's; any other seat comes from
                # the pool, which the waitlist has first claim on.
                waiting_before = [r for r in before.waitlisted() if r.id in after.rows]
                left_waiting = [
                    w for w in waiting_before if after.rows[w.id].status == "waitlisted"
                ]
                assert not left_waiting, (
                    f"{row} got a seat while {len(left_waiting)} were on the waitlist"
                )

    def _was_holding(self, row: Row) -> bool:
        return (
            row.status == "pending"
            and row.holds_seat
            and row.hold_expires_at is not None
            and row.hold_expires_at > self.now
        )

    @invariant()
    def one_active_registration_per_address(self) -> None:
        if self.before is None:
            return
        keys = Counter(r.email.lower() for r in self.before.rows.values() if r.status in ACTIVE)
        assert all(n == 1 for n in keys.values()), keys


# Locally each run explores new sequences. In CI (EVENTS_TEST_STRICT=1) the examples are
# derived from a fixed seed, so a landing never hinges on a lucky draw; a failure there is
# reproducible, and STATEFUL_EXAMPLES raises the count for a deeper search.
RegistrationMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("STATEFUL_EXAMPLES", "50")),
    stateful_step_count=30,
    deadline=None,
    derandomize=os.environ.get("EVENTS_TEST_STRICT") == "1",
    suppress_health_check=[HealthCheck.too_slow],
)
TestRegistrationRules = RegistrationMachine.TestCase


def test_a_lapsed_hold_goes_to_the_waitlist_not_to_a_newcomer() -> None:
    """Regression: the seat of a hold whose time ran out (before the worker expired it) once
    went to the next newcomer ahead of the waitlist. Every seat-counting operation now
    releases lapsed holds first, under the event's lock; the machine's checks must hold."""
    machine = RegistrationMachine()
    try:
        machine.create_event(capacity=1)
        machine.register_new()  # person1 holds the only seat
        machine.register_new()  # person2: no seat free
        machine.confirm(_Pick(machine, 1))  # person2 is waitlisted
        machine.now += HOLD + timedelta(minutes=1)  # person1's hold runs out; no job yet
        machine.register_new()  # person3 gets a hold: the seat person2 waits for
        machine.confirm(_Pick(machine, 2))  # and a seat, with person2 still waiting
    finally:
        machine.teardown()


class _Pick:
    """Stands in for st.data() when driving the machine by hand: the n-th registration."""

    def __init__(self, machine: RegistrationMachine, index: int) -> None:
        self.machine = machine
        self.index = index

    def draw(self, _strategy: object) -> Row:
        return self.machine.rows()[self.index]
