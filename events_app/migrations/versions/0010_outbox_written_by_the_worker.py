"""outbox_message.composition: what the mail worker needs to write an email's bodies when it
sends it, rather than inside the change that caused it (a registration holds the event's lock
while it commits, and composing its email was most of its work); empty once written

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN, not batch_alter_table: nothing is rebuilt on SQLite.
    op.add_column(
        'outbox_message',
        sa.Column('composition', sa.Text(), nullable=False, server_default=''),
    )


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('composition')
