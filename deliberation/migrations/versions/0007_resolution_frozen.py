"""resolution frozen

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06

A resolution's page and exports are cached as immutable, so everything they show must come from the
row frozen at adoption. The forum's title and the contributors' names already are; the title of
the workshop that drafted the text was read from the workshop, so a rename changed a page that a
process had cached and one that it had not differently. ``workshop_title`` keeps it as it was.

It is outside the hash (``resolutions.record``): the hash of a resolution adopted before this
column existed must not change, and ``deliberation verify`` recomputes it from the same eleven
members as before.

Existing rows get the workshop's title as it is now, the best that is known. The table is
append-only (triggers refuse UPDATE), so the backfill drops the guard, updates, and puts the guard
back, all inside this migration's transaction.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only

revision = "0007"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLE = "delib_resolution"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("workshop_title", sa.String(length=300), nullable=True))
    append_only.drop(TABLE)
    op.execute(
        f"UPDATE {TABLE} SET workshop_title = "
        f"(SELECT title FROM delib_workshop WHERE delib_workshop.id = {TABLE}.workshop_id)"
    )
    append_only.create(TABLE)


def downgrade() -> None:
    # Dropping a column rewrites no row, so the append-only triggers stay as they are.
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN workshop_title")
