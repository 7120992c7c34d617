"""running registrations: event reminders, and the messages organisers send to attendees

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('reminder_hours', sa.Integer(), nullable=True))
    # Events that exist already get the default a new one gets: a reminder a day before.
    op.execute('UPDATE event SET reminder_hours = 24')
    with op.batch_alter_table('registration') as batch:
        batch.add_column(sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('attendee_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('sender_email', sa.String(length=320), nullable=False),
    sa.Column('audience', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['admin_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attendee_message') as batch:
        batch.create_index(batch.f('ix_attendee_message_created_at'), ['created_at'], unique=False)
        batch.create_index(batch.f('ix_attendee_message_event_id'), ['event_id'], unique=False)
        batch.create_index(batch.f('ix_attendee_message_sender_id'), ['sender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attendee_message') as batch:
        batch.drop_index(batch.f('ix_attendee_message_sender_id'))
        batch.drop_index(batch.f('ix_attendee_message_event_id'))
        batch.drop_index(batch.f('ix_attendee_message_created_at'))
    op.drop_table('attendee_message')
    with op.batch_alter_table('registration') as batch:
        batch.drop_column('reminder_sent_at')
    with op.batch_alter_table('event') as batch:
        batch.drop_column('reminder_hours')
