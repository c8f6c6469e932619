"""Verification an insider cannot fool: kept heads, recounted votes, a hash-chained audit log."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlmodel import select

from deliberation import migrate
from deliberation.audit.actions import record as audit
from deliberation.audit.models import AuditEntry
from deliberation.db import SessionFactory, is_sqlite
from deliberation.resolutions import record
from deliberation.resolutions.chain import record_of
from deliberation.resolutions.verify import verify, verify_report
from tests.conftest import fresh_engine
from tests.resolutions.test_verify import _make_chain, _verify_command, database_file  # noqa: F401


def _lift_guards(connection, table: str) -> None:
    """What an insider with the database's owner rights does first (inside the test's transaction)."""
    if is_sqlite(connection):
        for name in (
            connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": table}
            )
            .scalars()
            .all()
        ):
            connection.execute(text(f"DROP TRIGGER {name}"))
    else:
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def _rewrite_and_rehash(connection, db, chain, index: int, title: str) -> None:
    """Rewrite one resolution and recompute its hash and every hash after it: a chain that
    checks out on its own."""
    _lift_guards(connection, "delib_resolution")
    previous = chain[index - 1].hash if index else None
    for n, resolution in enumerate(chain[index:], start=index):
        fields = record_of(resolution) | {"previous_hash": previous}
        if n == index:
            fields["title"] = title
        digest = record.resolution_hash(fields)
        connection.execute(
            text("UPDATE delib_resolution SET title = :title, hash = :hash, previous_hash = :prev WHERE id = :id"),
            {"title": fields["title"], "hash": digest, "prev": previous, "id": resolution.id},
        )
        previous = digest
    db.expire_all()


@pytest.fixture
def chain(db):
    resolutions = _make_chain(db)
    db.commit()
    return resolutions


def test_a_rewritten_and_rehashed_chain_checks_out_alone_but_not_against_a_kept_head(db, connection, chain):
    kept = chain[-1].hash
    _rewrite_and_rehash(connection, db, chain, 1, "Підмінена назва")
    assert [p for p in verify(db) if not str(p.number).startswith("audit")] == []
    problems = verify(db, expect=[kept])
    assert record.Problem(None, "expected_hash_missing", kept, None) in problems


def test_a_kept_head_still_in_an_intact_chain_passes(db, chain):
    assert verify(db, expect=[chain[0].hash, chain[-1].hash]) == []


def test_the_command_fails_when_a_kept_head_is_gone(database_file):  # noqa: F811
    url, engine, hashes = database_file
    assert _verify_command(url, "--expect", hashes[-1]).returncode == 0
    with engine.begin() as connection:  # a throwaway file: the rewrite is committed
        with SessionFactory(connection)() as db:
            chain = db.exec(
                select(__import__("deliberation.resolutions.models", fromlist=["Resolution"]).Resolution).order_by(
                    text("sequence")
                )
            ).all()
            _rewrite_and_rehash(connection, db, chain, 0, "Підмінена назва")
    result = _verify_command(url, "--expect", hashes[-1])
    assert result.returncode == 1
    assert f"expected_hash_missing expected={hashes[-1]}" in result.stdout


def test_verify_recounts_every_closed_vote_from_its_ballots(db, connection, chain):
    assert verify(db) == []
    vote_id = chain[0].vote_id
    _lift_guards(connection, "delib_ballot")
    ballot_id = connection.execute(
        text("SELECT id FROM delib_ballot WHERE vote_id = :v AND choice = 'for' LIMIT 1"), {"v": vote_id}
    ).scalar()
    connection.execute(text("UPDATE delib_ballot SET choice = 'against' WHERE id = :id"), {"id": ballot_id})
    problems = verify(db)
    assert [(p.number, p.code) for p in problems] == [(f"vote {vote_id}", "tally_mismatch")]


def test_verify_finds_a_participation_without_its_ballot(db, connection, chain):
    vote_id = chain[1].vote_id
    _lift_guards(connection, "delib_participation")
    connection.execute(
        text("DELETE FROM delib_participation WHERE id = (SELECT min(id) FROM delib_participation WHERE vote_id = :v)"),
        {"v": vote_id},
    )
    assert [(p.number, p.code) for p in verify(db)] == [(f"vote {vote_id}", "participants_mismatch")]


def test_every_audit_entry_is_chained_to_the_one_before(db, chain):
    entries = db.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries and entries[0].previous_hash is None
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(entries, entries[1:]))
    report = verify_report(db)
    assert report.audit_checked == len(entries) and report.audit_head == entries[-1].hash


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE delib_audit_entry SET action = 'user.nothing' WHERE id = (SELECT min(id) FROM delib_audit_entry)",
        "DELETE FROM delib_audit_entry WHERE id = (SELECT min(id) + 1 FROM delib_audit_entry)",
    ],
)
def test_a_changed_or_removed_audit_entry_is_found(db, connection, chain, tamper):
    _lift_guards(connection, "delib_audit_entry")
    connection.execute(text(tamper))
    db.expire_all()
    codes = {p.code for p in verify(db) if str(p.number).startswith("audit")}
    assert codes & {"hash_mismatch", "chain_broken"}


def test_entries_written_by_concurrent_transactions_do_not_fork_the_chain(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        factory = SessionFactory(engine)
        barrier = threading.Barrier(6)
        errors = []

        def write(n: int) -> None:
            try:
                barrier.wait()
                for i in range(5):
                    from deliberation.db import sqlite_write_intent

                    sqlite_write_intent.set(True)  # as a POST would
                    with factory.begin() as db:
                        audit(db, actor_id=None, action="test.concurrent", writer=n, i=i)
                        db.flush()
                        audit(db, actor_id=None, action="test.concurrent", writer=n, i=i, second=True)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with factory.begin() as db:
            report = verify_report(db)
            assert report.audit_checked == 60
            assert report.problems == []
    finally:
        cleanup()


# --- the head, published for anyone to keep ------------------------------------------------------


def test_the_api_publishes_the_chain_head_whatever_the_filters(client, db, chain):
    for query in ("", "?limit=1"):
        body = client.get("/api/v1/resolutions" + query).json()
        assert body["chain_head"] == chain[-1].hash


def test_the_atom_feed_publishes_the_head_and_each_entry_its_head_at_adoption(client, db, chain):
    from lxml import etree

    from deliberation.web.feeds import CHAIN_HEAD_SCHEME

    feed = etree.fromstring(client.get("/feeds/resolutions.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert chain[-1].hash in feed.xpath("a:subtitle/text()", namespaces=ns)[0]
    heads = feed.xpath(f"a:entry/a:category[@scheme='{CHAIN_HEAD_SCHEME}']/@term", namespaces=ns)
    assert sorted(heads) == sorted(r.hash for r in chain)


def test_each_resolution_page_shows_its_hash_as_the_head_at_adoption(client, db, chain):
    first = chain[0]
    year, n = first.number.split("/")
    page = client.get(f"/resolutions/{year}/{n}", headers={"Accept-Language": "en"}).text
    assert "Head of the chain at adoption" in page or "Голова ланцюжка на момент ухвалення" in page
    # The command and the hash to keep, the hash broken into groups so a phone need not scroll.
    assert "deliberation verify --expect</code>" in page
    assert "<wbr>".join(first.hash[i : i + 16] for i in range(0, 64, 16)) in page
