"""The Salesforce connector: connection settings, field mapping and sync log.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('salesforce_connection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_url', sa.String(length=255), nullable=False),
    sa.Column('token_url', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('client_secret_encrypted', sa.Text(), nullable=True),
    sa.Column('auth_flow', sa.String(length=20), nullable=False),
    sa.Column('refresh_token_encrypted', sa.Text(), nullable=True),
    sa.Column('api_version', sa.String(length=10), nullable=False),
    sa.Column('interval_minutes', sa.Integer(), nullable=False),
    sa.Column('scheduled', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_salesforce_connection_updated_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salesforce_connection'))
    )
    op.create_table('salesforce_object',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=40), nullable=False),
    sa.Column('sobject', sa.String(length=80), nullable=False),
    sa.Column('condition', sa.String(length=500), nullable=True),
    sa.Column('watermark', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salesforce_object')),
    sa.UniqueConstraint('target', name=op.f('uq_salesforce_object_target'))
    )
    op.create_table('salesforce_field_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('mandato_field', sa.String(length=64), nullable=False),
    sa.Column('salesforce_field', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['object_id'], ['salesforce_object.id'], name=op.f('fk_salesforce_field_mapping_object_id_salesforce_object')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salesforce_field_mapping')),
    sa.UniqueConstraint('object_id', 'mandato_field', name='uq_salesforce_field_mapping_object_field')
    )
    with op.batch_alter_table('salesforce_field_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_salesforce_field_mapping_object_id'), ['object_id'], unique=False)

    op.create_table('salesforce_sync',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('records_pulled', sa.Integer(), server_default='0', nullable=False),
    sa.Column('records_deleted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_new', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_changed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('token_refreshes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('errors', sa.JSON(), nullable=True),
    sa.Column('message', sa.String(length=1000), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batch.id'], name=op.f('fk_salesforce_sync_import_batch_id_import_batch')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_salesforce_sync_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salesforce_sync'))
    )
    with op.batch_alter_table('salesforce_sync', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_salesforce_sync_import_batch_id'), ['import_batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_salesforce_sync_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('salesforce_sync', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_salesforce_sync_status'))
        batch_op.drop_index(batch_op.f('ix_salesforce_sync_import_batch_id'))
    op.drop_table('salesforce_sync')
    with op.batch_alter_table('salesforce_field_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_salesforce_field_mapping_object_id'))
    op.drop_table('salesforce_field_mapping')
    op.drop_table('salesforce_object')
    op.drop_table('salesforce_connection')
