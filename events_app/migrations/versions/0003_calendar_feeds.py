"""calendar feeds: when an event was cancelled, and a version for calendar content

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('site_state') as batch:
        batch.add_column(
            sa.Column('calendar_version', sa.Integer(), nullable=False, server_default='0')
        )
        batch.add_column(
            sa.Column('calendar_changed_at', sa.DateTime(timezone=True), nullable=True)
        )
    # Events cancelled before this column existed: their last change is the best estimate.
    op.execute("UPDATE event SET cancelled_at = updated_at WHERE status = 'cancelled'")


def downgrade() -> None:
    with op.batch_alter_table('site_state') as batch:
        batch.drop_column('calendar_changed_at')
        batch.drop_column('calendar_version')
    with op.batch_alter_table('event') as batch:
        batch.drop_column('cancelled_at')
