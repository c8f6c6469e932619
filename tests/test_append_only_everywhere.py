"""Append-only means append-only, whatever the statement: UPDATE, DELETE, REPLACE, INSERT OR REPLACE,
upsert, and on PostgreSQL TRUNCATE and MERGE, on every append-only table."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation.db import is_sqlite
from deliberation.discussion import actions as discussion
from deliberation.discussion import comments
from deliberation.drafting import queries as drafting_queries
from deliberation.migrations.append_only import REPLACE_KEYS
from deliberation.testing import make_resolution, make_sitting
from deliberation.voting import actions as voting
from deliberation.voting import closing
from tests.module_world import module_world

TABLES = sorted(REPLACE_KEYS)

SQLITE_FORMS = {
    "update": "UPDATE {t} SET id = id WHERE id = :id",
    "delete": "DELETE FROM {t} WHERE id = :id",
    "replace": "REPLACE INTO {t} SELECT * FROM {t} WHERE id = :id",
    "insert or replace": "INSERT OR REPLACE INTO {t} SELECT * FROM {t} WHERE id = :id",
    "update or replace": "UPDATE OR REPLACE {t} SET id = id WHERE id = :id",
    "upsert": "INSERT INTO {t} SELECT * FROM {t} WHERE id = :id ON CONFLICT (id) DO UPDATE SET id = excluded.id",
}
PG_FORMS = {
    "update": "UPDATE {t} SET id = id WHERE id = :id",
    "delete": "DELETE FROM {t} WHERE id = :id",
    "upsert": "INSERT INTO {t} SELECT * FROM {t} WHERE id = :id ON CONFLICT (id) DO UPDATE SET id = excluded.id",
    "truncate": "TRUNCATE {t} CASCADE",
    "merge update": "MERGE INTO {t} USING (SELECT * FROM {t} WHERE id = :id) s ON {t}.id = s.id "
    "WHEN MATCHED THEN UPDATE SET id = s.id",
    "merge delete": "MERGE INTO {t} USING (SELECT * FROM {t} WHERE id = :id) s ON {t}.id = s.id "
    "WHEN MATCHED THEN DELETE",
}
FORMS = sorted(set(SQLITE_FORMS) | set(PG_FORMS))


def build_world(db) -> dict:
    """A row in every append-only table: a closed vote with its ballots and participations, an
    adopted resolution with its revisions, an edited comment, an amendment, audit entries."""
    sitting = make_sitting(db, delegates=3)
    vote = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    for delegate in sitting.delegates[:2]:
        voting.check_cast_ballot(db, vote=vote, actor=delegate, data={"choice": "for"})
    closing.do_close_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    document = sitting.document
    document.status = "draft"  # open for discussion again
    db.add(document)
    db.flush()
    comment = comments.check_post_comment(db, document=document, actor=sitting.author, data={"body": "Питання."})
    comments.check_edit_comment(db, comment=comment, actor=sitting.author, data={"body": "Уточнене питання."})
    head = drafting_queries.get_revision(db, document_id=document.id, number=document.head_number)
    pid = drafting_queries.paragraphs_of(head)[-1].pid
    discussion.check_propose_amendment(
        db,
        document=document,
        actor=sitting.author,
        data={"kind": "insert", "pid": pid, "proposed": "3. Оприлюднювати звіт.", "rationale": "Прозорість."},
    )
    make_resolution(db, forum=sitting.forum, document=document, actor=sitting.chair)
    db.commit()
    return {"sitting": sitting}


# Built once for the module's ~150 cases, each in a savepoint rolled back after it.
built_world, connection, world = module_world(build_world)


def _row(connection, table: str) -> tuple[int, list]:
    last = connection.execute(text(f"SELECT max(id) FROM {table}")).scalar()
    assert last is not None, f"the world has no row in {table}"
    rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
    return last, [tuple(r) for r in rows]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("table", TABLES)
def test_every_statement_form_is_refused_on_every_append_only_table(connection, world, table, form):
    forms = SQLITE_FORMS if is_sqlite(connection) else PG_FORMS
    if form not in forms:
        pytest.skip(f"{form} does not exist on this database")
    row_id, before = _row(connection, table)
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError):
        connection.execute(text(forms[form].format(t=table)), {"id": row_id})
    savepoint.rollback()
    assert _row(connection, table) == (row_id, before)


def test_a_new_row_may_still_be_appended(connection, world):
    # The guard refuses replacing, not appending: the next audit entry goes in as ever.
    count = connection.execute(text("SELECT count(*) FROM delib_audit_entry")).scalar()
    connection.execute(
        text(
            "INSERT INTO delib_audit_entry (at, action, object_type, details) "
            "SELECT at, action, object_type, details FROM delib_audit_entry WHERE id = "
            "(SELECT max(id) FROM delib_audit_entry)"
        )
    )
    assert connection.execute(text("SELECT count(*) FROM delib_audit_entry")).scalar() == count + 1
