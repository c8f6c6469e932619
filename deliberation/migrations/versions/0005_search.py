"""search

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Full-text search in Ukrainian. ``delib_search_entry`` holds one row per resolution and document
with its lemmatised text (``deliberation.text.lemmas.lemma_text``: words already folded to one
apostrophe and lemmatised, joined by single spaces). Each backend matches that text its own way:

- SQLite: an FTS5 table over ``lemmas`` (rowid = the entry's id), kept in step by triggers. ``remove_diacritics 0`` keeps й and ї apart from и and і; the apostrophe we fold to
  (U+02BC) is a letter to unicode61 already, and ``tokenchars`` adds it and the hyphen explicitly,
  so "обʼєкт" and "будь-який" stay one token each.
- PostgreSQL: a ``tsvector`` column built by a trigger from the space-separated lemmas, each word a
  lexeme at its position. No text search parser runs on them: the default parser would split
  "будь-який" and "2025-2026" in ways a query could not follow. A GIN index serves ``@@``.

None of these objects is in the models (``deliberation.search.models.is_backend_only`` keeps the
drift check away from them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Texts written before this migration are not in the new index: `deliberation migrate` rebuilds
# it after the upgrade (deliberation.migrate.needs_reindex).
rebuilds_search_index = True

_SQLITE_UP = [
    # A table with its own copy of the lemmas rather than external content: an external-content
    # index must be told the exact old text to forget a row, and once the two disagree (a restore,
    # a hand edit) every later change of that row fails as "malformed". Here a row is forgotten by
    # its rowid alone, whatever happened to the entry table.
    """CREATE VIRTUAL TABLE delib_search_fts USING fts5(
        lemmas, tokenize="unicode61 remove_diacritics 0 tokenchars '\u02bc-'")""",
    """CREATE TRIGGER delib_search_entry_fts_insert AFTER INSERT ON delib_search_entry BEGIN
        INSERT INTO delib_search_fts (rowid, lemmas) VALUES (new.id, new.lemmas);
    END""",
    """CREATE TRIGGER delib_search_entry_fts_delete AFTER DELETE ON delib_search_entry BEGIN
        DELETE FROM delib_search_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER delib_search_entry_fts_update AFTER UPDATE OF id, lemmas ON delib_search_entry BEGIN
        DELETE FROM delib_search_fts WHERE rowid = old.id;
        INSERT INTO delib_search_fts (rowid, lemmas) VALUES (new.id, new.lemmas);
    END""",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS delib_search_entry_fts_update",
    "DROP TRIGGER IF EXISTS delib_search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS delib_search_entry_fts_insert",
    "DROP TABLE IF EXISTS delib_search_fts",
]

# Each lemma becomes a quoted lexeme at its position ('громада':3,17); the tsvector input merges
# repeats, caps positions at 16383 and keeps at most 256 per lexeme, which ranking can live with.
_PG_UP = [
    "ALTER TABLE delib_search_entry ADD COLUMN lemma_vector tsvector NOT NULL DEFAULT ''::tsvector",
    r"""CREATE OR REPLACE FUNCTION delib_search_lemma_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.lemma_vector := coalesce((
        SELECT string_agg(
            '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''':' || least(position, 16383), ' ')
        FROM unnest(string_to_array(NEW.lemmas, ' ')) WITH ORDINALITY AS t(lexeme, position)
        WHERE lexeme <> ''
    )::tsvector, ''::tsvector);
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER delib_search_entry_vector BEFORE INSERT OR UPDATE OF lemmas ON delib_search_entry "
    "FOR EACH ROW EXECUTE FUNCTION delib_search_lemma_vector()",
    "CREATE INDEX ix_delib_search_entry_lemma_vector ON delib_search_entry USING gin (lemma_vector)",
]
_PG_DOWN = [
    "DROP INDEX IF EXISTS ix_delib_search_entry_lemma_vector",
    "DROP TRIGGER IF EXISTS delib_search_entry_vector ON delib_search_entry",
    "DROP FUNCTION IF EXISTS delib_search_lemma_vector()",
    "ALTER TABLE delib_search_entry DROP COLUMN IF EXISTS lemma_vector",
]


def upgrade() -> None:
    op.create_table(
        "delib_search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("revision_number", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lemmas", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["delib_workshop.id"], name=op.f("fk_delib_search_entry_workshop_id_delib_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_search_entry")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_delib_search_entry_kind_object_id")),
    )
    with op.batch_alter_table("delib_search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_search_entry_workshop_id"), ["workshop_id"], unique=False)
    for statement in _PG_UP if op.get_bind().dialect.name == "postgresql" else _SQLITE_UP:
        op.execute(statement)
    # Texts written before this migration are indexed by `deliberation reindex`; the migration
    # itself stays schema-only, so it never depends on the application's lemmatiser.


def downgrade() -> None:
    for statement in _PG_DOWN if op.get_bind().dialect.name == "postgresql" else _SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table("delib_search_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_search_entry_workshop_id"))

    op.drop_table("delib_search_entry")
