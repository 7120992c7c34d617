"""registration.code_nonce and registration.code_attempts: the six-digit confirmation code
typed on the "check your email" page is derived from the nonce and the secret key (never
stored, registration/confirmation_codes.py); the attempts are the wrong tries at it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN, not batch_alter_table: nothing is rebuilt on SQLite. Existing rows get an
    # empty nonce, which has no code: they confirm by their link, as before.
    op.add_column(
        'registration',
        sa.Column('code_nonce', sa.String(length=32), nullable=False, server_default=''),
    )
    op.add_column(
        'registration',
        sa.Column('code_attempts', sa.Integer(), nullable=False, server_default='0'),
    )


def downgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('code_attempts')
        batch_op.drop_column('code_nonce')
