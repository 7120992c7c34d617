"""descriptions and article bodies rendered once, at save: their sanitised HTML and plain text
stored beside the Markdown, and filled here for every existing event and article

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Unlike the code copied into 0006, this uses the app's own renderer on purpose: the stored
# HTML must be exactly what saving the record today would store. A later change to the
# renderer that should reach stored rows is a migration of its own that renders them again.
from events_app.markdown import render

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, Markdown column, HTML column, text column)
RENDERED = (
    ('event', 'description', 'description_html', 'description_text'),
    ('article', 'body', 'body_html', 'body_text'),
)
BATCH = 200  # rows read at a time: a body may be 200,000 characters


def _fill(name: str, source: str, html: str, text: str) -> None:
    table = sa.table(
        name,
        sa.column('id', sa.Integer()),
        sa.column(source, sa.Text()),
        sa.column(html, sa.Text()),
        sa.column(text, sa.Text()),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c[source])
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, markdown in rows:
            rendered = render(markdown or "")
            connection.execute(
                table.update()
                .where(table.c.id == row_id)
                .values({html: rendered.html, text: rendered.text})
            )
        last = rows[-1][0]


def upgrade() -> None:
    for name, source, html, text in RENDERED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column(html, sa.Text(), nullable=True))
            batch.add_column(sa.Column(text, sa.Text(), nullable=True))
        _fill(name, source, html, text)
        with op.batch_alter_table(name) as batch:
            batch.alter_column(html, existing_type=sa.Text(), nullable=False)
            batch.alter_column(text, existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    for name, _source, html, text in RENDERED:
        with op.batch_alter_table(name) as batch:
            batch.drop_column(text)
            batch.drop_column(html)
