"""event.questions and registration.answers: an event's registration form asks its own
questions (events/questions.py), and each registration keeps its answers with the question
as it was asked (registration/answers.py)

Revision ID: 0013_event_questions
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_event_questions'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a default, not batch_alter_table: nothing is rebuilt on SQLite, and
    # every existing event asks nothing more and every registration has answered nothing.
    op.add_column(
        'event', sa.Column('questions', sa.JSON(), nullable=False, server_default='[]')
    )
    op.add_column(
        'registration', sa.Column('answers', sa.JSON(), nullable=False, server_default='[]')
    )


def downgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('answers')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('questions')
