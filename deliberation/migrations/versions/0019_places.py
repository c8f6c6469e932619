"""places: the codifier of administrative-territorial units (KATOTTG)

Revision ID: 0019_places
Revises: 0018
Create Date: 2026-12-07

``delib_place`` holds the codifier's oblasts, Kyiv and Sevastopol, raions and hromadas, filled
here from the file the package ships (``deliberation/places/katottg.csv.gz``). A later edition is
brought in by ``deliberation places --reload``, never by editing this migration.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.places.data import read_rows

revision = "0019_places"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    place = op.create_table(
        "delib_place",
        sa.Column("code", sa.String(length=19), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("folded", sa.String(length=120), nullable=False),
        sa.Column("parent_code", sa.String(length=19), nullable=True),
        sa.Column("oblast_code", sa.String(length=19), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.CheckConstraint("category IN ('O', 'K', 'P', 'H')", name=op.f("ck_delib_place_category")),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["delib_place.code"], name=op.f("fk_delib_place_parent_code_delib_place")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_delib_place")),
    )
    with op.batch_alter_table("delib_place", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_place_folded"), ["folded"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_place_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index("ix_delib_place_oblast_category", ["oblast_code", "category"], unique=False)
    op.bulk_insert(place, [row.as_dict() for row in read_rows()])


def downgrade() -> None:
    with op.batch_alter_table("delib_place", schema=None) as batch_op:
        batch_op.drop_index("ix_delib_place_oblast_category")
        batch_op.drop_index(batch_op.f("ix_delib_place_parent_code"))
        batch_op.drop_index(batch_op.f("ix_delib_place_folded"))
    op.drop_table("delib_place")
