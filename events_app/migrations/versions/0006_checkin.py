"""check-in at the door: a code for every registration, and when it was checked in

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
# Written beside 0005 (another part of the back office); re-chained onto it at merge.
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy of events_app/registration/checkin_codes.py as it was when this was written: a
# migration must do tomorrow what it does today, whatever that module becomes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def _backfill() -> None:
    """Every existing registration gets a code (unique: drawn until unused); those already
    attended get their last change as the best estimate of when they were checked in."""
    registration = sa.table(
        'registration',
        sa.column('id', sa.Integer()),
        sa.column('checkin_code', sa.String()),
    )
    connection = op.get_bind()
    ids = connection.execute(sa.select(registration.c.id).order_by(registration.c.id)).scalars()
    used: set[str] = set()
    for row_id in list(ids):
        code = ""
        while not code or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        used.add(code)
        connection.execute(
            registration.update().where(registration.c.id == row_id).values(checkin_code=code)
        )
    op.execute("UPDATE registration SET checked_in_at = updated_at WHERE status = 'attended'")


def upgrade() -> None:
    with op.batch_alter_table('registration') as batch:
        batch.add_column(sa.Column('checkin_code', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
    _backfill()
    with op.batch_alter_table('registration') as batch:
        batch.alter_column('checkin_code', existing_type=sa.String(length=12), nullable=False)
        batch.create_index('ix_registration_checkin_code', ['checkin_code'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('registration') as batch:
        batch.drop_index('ix_registration_checkin_code')
        batch.drop_column('checked_in_at')
        batch.drop_column('checkin_code')
