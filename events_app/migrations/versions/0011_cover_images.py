"""event.image, event.image_alt, article.image, article.image_alt: a cover image's key in the
media directory (EVENTS_MEDIA_DIR) and its alternative text; "" for none

ADD COLUMN (and DROP COLUMN on the way down), never batch_alter_table: on SQLite that would
rebuild "event" and drop its search triggers (see 0009).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('event', 'article')


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table, sa.Column('image', sa.String(length=80), nullable=False, server_default='')
        )
        op.add_column(
            table,
            sa.Column('image_alt', sa.String(length=300), nullable=False, server_default=''),
        )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL): no table rebuild.
    for table in TABLES:
        for column in ('image_alt', 'image'):
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
