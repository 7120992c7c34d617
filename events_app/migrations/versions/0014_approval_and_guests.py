"""event.approval_required and event.max_guests, registration.guests, and the registration
status "awaiting" (approval): the one-active-registration-per-address index counts it

Revision ID: 0014_approval_and_guests
Revises: 0013_event_questions
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014_approval_and_guests'
down_revision: str | None = '0013_event_questions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = 'uq_registration_active_email'
BEFORE = "status IN ('pending', 'confirmed', 'waitlisted', 'attended')"
AFTER = "status IN ('pending', 'confirmed', 'waitlisted', 'attended', 'awaiting')"


def _index(where: str) -> None:
    op.create_index(
        INDEX, 'registration', ['event_id', 'email_key'], unique=True,
        sqlite_where=sa.text(where), postgresql_where=sa.text(where),
    )  # fmt: skip


def upgrade() -> None:
    # ADD COLUMN with server defaults: nothing is rebuilt on SQLite, existing events need no
    # approval and take no guests, existing registrations bring none.
    op.add_column(
        'event', sa.Column('approval_required', sa.Boolean(), nullable=False,
                           server_default=sa.false()),
    )  # fmt: skip
    op.add_column(
        'event', sa.Column('max_guests', sa.Integer(), nullable=False, server_default='0')
    )
    op.add_column(
        'registration', sa.Column('guests', sa.Integer(), nullable=False, server_default='0')
    )
    op.drop_index(INDEX, table_name='registration')
    _index(AFTER)


def downgrade() -> None:
    # Awaiting registrations would not count as active any more: a second one for the same
    # address could then be written. They are declined first, as an organiser would.
    op.execute("UPDATE registration SET status = 'declined' WHERE status = 'awaiting'")
    op.drop_index(INDEX, table_name='registration')
    _index(BEFORE)
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('guests')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('max_guests')
        batch_op.drop_column('approval_required')
