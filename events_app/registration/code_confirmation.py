"""Confirming by the six-digit code typed on the "check your email" page: the same rules as
the link (confirming.confirm_registration), reached by the address the page's signed cookie
names instead of by the manage token.

Everything happens under the event's lock, as for the link: lapsed holds are released first,
so a code whose hold has run out finds its registration expired and confirms nothing, and
the count of wrong tries is read and raised by one transaction at a time, so any number of
guesses sent at once spend the same MAX_ATTEMPTS (confirmation_codes.py).

The page does not say how many tries are left: an address with no registration (a bot's, one
over its hourly cap) has no count, and a count that never moved would tell it apart. One
difference remains: only a registration's code can be "tried too many times", so five wrong
tries at an address the hourly cap refused keep reading "wrong"; that tells the typist only
that the address was sent its cap of emails this hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.models import ACTIVE_STATUSES, Registration, RegistrationStatus
from events_app.registration.confirmation_codes import MAX_ATTEMPTS, code_matches
from events_app.registration.notify import Notifier
from events_app.registration.service import confirm_locked, lock_event, release_lapsed_holds

# wrong: not this registration's code (or no registration: the page says the same);
# used_up: MAX_ATTEMPTS wrong tries, a fresh code is needed; expired: the hold ran out.
CodeProblem = Literal["wrong", "used_up", "expired"]
# The registrations a code can find: an expired one is found to say why its code fails.
_FINDABLE = (*ACTIVE_STATUSES, RegistrationStatus.expired)
# A code outlives its confirmation until the hold's end: typing it again (a second tab, a
# double press) leads to the registration's page, as following the link twice does.
_CONFIRMED = (
    RegistrationStatus.confirmed,
    RegistrationStatus.waitlisted,
    RegistrationStatus.awaiting,
)


@dataclass(frozen=True)
class CodeOutcome:
    registration: Registration | None  # confirmed (or already so): show its page
    problem: CodeProblem | None = None


def _newest(*, session: Session, event_id: int, email_key: str) -> Registration | None:
    """This address's registration for the event: the active one, or the newest expired one
    (a new registration after an expiry is newer than it)."""
    return session.scalar(
        select(Registration)
        .where(
            col(Registration.event_id) == event_id,
            col(Registration.email_key) == email_key,
            col(Registration.status).in_(_FINDABLE),
        )
        .order_by(col(Registration.id).desc())
        .limit(1)
    )


def confirm_by_code(
    *, session: Session, now: datetime, event_id: int, email_key: str, code: str,
    notifier: Notifier,
) -> CodeOutcome:  # fmt: skip
    """Confirm the registration of `email_key` for the event when `code` (six digits) is its
    code and the code still lives. A wrong try is counted on the row and committed with the
    transaction, so the caller must not roll back on a problem."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        return CodeOutcome(None, "wrong")
    release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    registration = _newest(session=session, event_id=event_id, email_key=email_key)
    if registration is None:
        return CodeOutcome(None, "wrong")
    pending = registration.status == RegistrationStatus.pending
    if not pending and registration.status not in _CONFIRMED:
        # Expired (or attended): the link's rules hold, and only the link confirms late.
        return CodeOutcome(None, "expired")
    if registration.code_attempts >= MAX_ATTEMPTS:
        return CodeOutcome(None, "used_up")
    hold_over = registration.hold_expires_at is None or registration.hold_expires_at <= now
    if not pending and hold_over:
        return CodeOutcome(None, "expired")
    if not code_matches(notifier.settings.secret_key, registration.code_nonce, code):
        registration.code_attempts += 1
        registration.updated_at = now
        # The last wrong try says so at once, so nobody types a right code in vain.
        return CodeOutcome(
            None, "used_up" if registration.code_attempts >= MAX_ATTEMPTS else "wrong"
        )
    confirmed = confirm_locked(
        session=session, now=now, event=event, registration=registration, notifier=notifier
    )
    return CodeOutcome(confirmed)
