"""The commands that look after the database: migrate, verify, reindex, backup, restore.

Apart from ``cli`` (which parses the command line and holds the other commands) because they
share what a long maintenance run needs: an engine without the statement timeout of pages, and a
progress bar; ``cli`` reads the settings through ``settings_from_env`` here too. As in ``cli``, each
command imports what it uses inside its own function: ``backup`` runs beside a busy site and should
not load the web app and every capability first.
"""

from __future__ import annotations

import argparse
import sys

from .db import SessionFactory, engine_for, write_intent
from .settings import Settings


def settings_from_env() -> Settings:
    return Settings.from_env()


def _maintenance_engine():
    """Migrations, backups and rebuilds may rightly run longer than any page."""
    return engine_for(settings_from_env(), statement_timeout_ms=0)


def cmd_migrate(args: argparse.Namespace) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from . import migrate

    engine = _maintenance_engine()
    try:
        if args.downgrade:
            try:
                lost = migrate.downgrade(engine, args.revision, force=args.force)
            except migrate.WouldLoseData as refusal:
                print(
                    f"Refusing to downgrade: {refusal}. Take a backup first (deliberation backup FILE), "
                    "then run again with --force to drop them.",
                    file=sys.stderr,
                )
                return 1
            if lost:
                print("Dropped: " + ", ".join(map(str, lost)))
        else:
            fresh = migrate.current_revision(engine) is None
            revisions = migrate.upgrade(engine, args.revision)
            # A new database has no texts to index yet.
            if not fresh and migrate.needs_reindex(revisions):
                _rebuild_search_index(engine)
            elif not fresh and args.revision == "head":
                # A new lemmatiser (or dictionary release) indexes words differently: an old index
                # would miss forms and even words it used to find.
                _rebuild_search_index_if_stale(engine)
        print(f"Database at revision {migrate.current_revision(engine)}")
    except migrate.MigrationError as error:
        print(f"deliberation migrate: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    engine = _maintenance_engine()
    try:
        return _verify(engine, expect=args.expect or ())
    finally:
        engine.dispose()


def _verify(engine, *, expect=()) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from .resolutions.verify import verify_report

    with SessionFactory(engine).begin() as db:
        report = verify_report(db, expect=expect)
    for problem in report.problems:
        print(f"{problem.number} {problem.code} expected={problem.expected} found={problem.found}")
    if report.problems:
        return 1
    print(
        f"Checked {report.checked} resolutions: every hash and link is correct. Last hash: {report.last_hash or 'none'}"
    )
    if expect:
        print(f"Every kept hash ({len(expect)}) is still in the chain.")
    print(f"Recounted {report.votes_checked} closed votes from their ballots: every tally is right.")
    print(
        f"Checked {report.audit_checked} audit entries: every hash and link is correct. "
        f"Audit head: {report.audit_head or 'none'}"
    )
    return 0


def _progress_bar(done: int, total: int, *, width: int = 30) -> None:
    filled = width if not total else width * done // total
    end = "\n" if done >= total else ""
    print(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the search index from every resolution and every document's newest revision (after
    upgrading to migration 0005, or restoring a backup). One transaction: searches keep finding
    the old index until the new one is complete."""
    engine = _maintenance_engine()
    try:
        _rebuild_search_index(engine)
    finally:
        engine.dispose()
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    """Bring ``delib_place`` in step with the codifier this version ships (after an upgrade that
    brought a new edition of ``places/katottg.csv.gz``): one transaction, nothing deleted."""
    # import here: a command loads only what it uses (see the module docstring)
    from .places.actions import do_reload_places

    if not args.reload:
        print("Nothing to do: give --reload to bring the places in step with the codifier.", file=sys.stderr)
        return 2
    engine = _maintenance_engine()
    try:
        with write_intent(), SessionFactory(engine).begin() as db:
            done = do_reload_places(db)
    finally:
        engine.dispose()
    print(f"Places: {done.added} added, {done.changed} changed, {done.withdrawn} no longer current")
    return 0


def _rebuild_search_index(engine) -> None:
    # import here: a command loads only what it uses (see the module docstring)
    from .search.index import reindex

    with write_intent(), SessionFactory(engine).begin() as db:
        count = reindex(db, progress=_progress_bar)
    print(f"Search index rebuilt: {count} texts")


def _rebuild_search_index_if_stale(engine) -> None:
    # import here: a command loads only what it uses (see the module docstring)
    from .search.index import reindex_if_stale

    with write_intent(), SessionFactory(engine).begin() as db:
        count = reindex_if_stale(db, progress=_progress_bar)
    if count is not None:
        print(f"Search index rebuilt for the new lemmatiser: {count} texts")


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy while the site runs; see deliberation/backup.py for how."""
    # import here: a command loads only what it uses (see the module docstring)
    from .backup import backup

    engine = _maintenance_engine()
    try:
        backup(engine, args.file)
    finally:
        engine.dispose()
    print(f"Backup written to {args.file} ({args.file.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from . import migrate
    from .backup import restore

    engine = _maintenance_engine()
    try:
        restored = restore(engine, args.file)
        print(f"Restored {args.file} at schema revision {restored.revision}:")
        for table, rows in restored.counts.items():
            print(f"  {table:36} {rows:>10,}")
        if restored.revision != migrate.head_revision():
            print(f"The code is at revision {migrate.head_revision()}: run `deliberation migrate` before serving.")
        return _verify(engine)
    finally:
        engine.dispose()
