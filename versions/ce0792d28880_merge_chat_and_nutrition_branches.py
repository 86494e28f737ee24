"""merge chat and nutrition branches

Revision ID: ce0792d28880
Revises: 5ffc32d08c59, f6d6fc9c8a31
Create Date: 2026-02-23 12:40:07.451688

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ce0792d28880'
down_revision = ('5ffc32d08c59', 'f6d6fc9c8a31')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
