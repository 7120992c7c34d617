"""checkin_device and checkin_scan: the devices checking people in at a door, when each last
synced and how many check-ins it still held; and every check-in a device sent, by the id the
device gave it, so a batch sent twice changes nothing the second time

Revision ID: 0015_checkin_devices
Revises: 0014_approval_and_guests
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015_checkin_devices'
# The file 0012_confirmation_codes.py, whose revision id is '0012'.
down_revision: str | None = '0014_approval_and_guests'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('checkin_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('device_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pending', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'device_key')
    )
    with op.batch_alter_table('checkin_device') as batch:
        batch.create_index(batch.f('ix_checkin_device_event_id'), ['event_id'], unique=False)
    op.create_table('checkin_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['checkin_device.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'client_id')
    )
    with op.batch_alter_table('checkin_scan') as batch:
        batch.create_index(batch.f('ix_checkin_scan_device_id'), ['device_id'], unique=False)
        batch.create_index(batch.f('ix_checkin_scan_event_id'), ['event_id'], unique=False)
        batch.create_index(
            batch.f('ix_checkin_scan_registration_id'), ['registration_id'], unique=False
        )


def downgrade() -> None:
    op.drop_table('checkin_scan')
    op.drop_table('checkin_device')
