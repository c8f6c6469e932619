"""The ``deliberation`` command: serve, migrate, demo, create-user, send-digests, verify, reindex,
backup, restore, close-votes.

Each command imports what it uses inside its own function: ``close-votes`` runs from cron every
minute and ``backup`` beside a busy site, and neither should load the web app and every
capability first. The commands that look after the database (migrate, verify, reindex, backup,
restore) are in ``maintenance``.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import OperationalError

from .db import SessionFactory, engine_for
from .errors import ValidationError
from .maintenance import cmd_backup, cmd_migrate, cmd_places, cmd_reindex, cmd_restore, cmd_verify, settings_from_env
from .readiness import trouble_of


def _engine():
    return engine_for(settings_from_env())


def cmd_demo(args: argparse.Namespace) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from .demo import load_demo, network_is_empty

    engine = _engine()
    sessions = SessionFactory(engine)
    with sessions.begin() as db:
        if not network_is_empty(db):
            if args.if_empty:
                print("The database already has people in it; the demo was not loaded.")
                return 0
            print("The database is not empty; refusing to load the demo into it.", file=sys.stderr)
            return 1
        logins = load_demo(db)
    print(f"Demo network loaded. Sign in with any of these (password for all: {logins.password}):")
    for email, what in logins.accounts:
        print(f"  {email:32} {what}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from .accounts.actions import check_register_user

    password = args.password or getpass.getpass("Password (10 characters or more): ")
    engine = _engine()
    sessions = SessionFactory(engine)
    data = {
        "email": args.email,
        "display_name": args.name,
        "password": password,
        "password_confirm": password,
        "occupation": args.occupation,
        "hromada": args.hromada,
        "region": "",
    }
    try:
        with sessions.begin() as db:
            user = check_register_user(db, data=data, coordinator=args.coordinator, bypass_policy=True)
    except ValidationError as error:
        for name, problem in error.errors.items():
            print(f"{name}: {problem.message()}", file=sys.stderr)
        return 1
    role = "coordinator" if user.is_coordinator else "member"
    print(f"Created {role} {user.display_name} <{user.email}> (id {user.id})")
    return 0


def cmd_send_digests(args: argparse.Namespace) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from . import create_app
    from .notifications.delivery import absolute_links, send_digests

    settings = settings_from_env()
    base_url = args.base_url or settings.base_url
    if not base_url:
        print(
            "Letters need the site's address for their links: set DELIBERATION_BASE_URL or pass --base-url.",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    state = app.state.delib
    state.sessions.deliver_events = False
    try:
        sent = send_digests(state.sessions, settings, resolve=absolute_links(app.router.url_path_for, base_url))
    finally:
        state.bind.dispose()
    print(f"Daily letters sent: {sent}")
    return 0


def cmd_close_votes(args: argparse.Namespace) -> int:
    """Close remote votes whose time has passed. Write requests close them too, before their own
    work (voting.closer; pages only show them closed); run this from cron every minute so that hosts
    hear "vote closed" on time even when nobody writes."""
    # import here: a command loads only what it uses (see the module docstring)
    from . import create_app
    from .notifications.delivery import absolute_links
    from .voting.closer import close_due_votes_apart

    app = create_app(settings_from_env())
    state = app.state.delib
    # Nobody listens in a command run from cron: `vote closed` waits in the outbox for a serving
    # process, which delivers it to the host within seconds.
    state.sessions.deliver_events = False
    # Links in the letters of delegates who want the result at once go under DELIBERATION_BASE_URL.
    base_url = state.settings.base_url
    resolve = absolute_links(app.router.url_path_for, base_url) if base_url else None
    try:
        numbers = close_due_votes_apart(state.sessions, resolve=resolve)
    finally:
        state.bind.dispose()
    print(f"Votes closed: {len(numbers)}" + (f" ({', '.join(map(str, numbers))})" if numbers else ""))
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    """Send the e-mails that are due in the outbox now (serving processes do it every few seconds)
    and say what is still waiting. Host events are left to a serving process: only it has the
    host's receivers."""
    # import here: a command loads only what it uses (see the module docstring)
    from . import create_app
    from .outbox.delivery import last_delivery_error, pending_counts, sweep
    from .outbox.senders import deliverer

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = settings_from_env()
    app = create_app(settings)
    state = app.state.delib
    try:
        sent = sweep(state.sessions, deliverer(sender=None, settings=settings), channels=("mail",))
        with state.sessions.begin() as db:
            waiting, problem = pending_counts(db), last_delivery_error(db)
    finally:
        state.bind.dispose()
    print(
        f"E-mails sent: {sent}. Waiting: {waiting.get('mail', 0)} e-mails, "
        f"{waiting.get('event', 0)} host events (a serving process delivers those)."
    )
    if problem:
        print(f"Last delivery error (next try {problem[0]:%Y-%m-%d %H:%M} UTC): {problem[1]}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from .serving import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    serve(args)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="deliberation", description="Participatory drafting and decisions for civic networks."
    )
    sub = p.add_subparsers(dest="command", required=True)

    deliver = sub.add_parser("deliver", help="send the e-mails due in the outbox now and show what is waiting")
    deliver.set_defaults(func=cmd_deliver)

    serve = sub.add_parser("serve", help="serve the site with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from --forwarded-allow-ips")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    serve.add_argument("--no-access-log", dest="access_log", action="store_false")
    serve.set_defaults(func=cmd_serve)

    mig = sub.add_parser("migrate", help="bring the database schema up to date (Alembic upgrade)")
    mig.add_argument("revision", nargs="?", default="head")
    mig.add_argument("--downgrade", action="store_true", help="go down to REVISION instead (e.g. base)")
    mig.add_argument(
        "--force", action="store_true", help="downgrade even if tables or columns with data would be dropped"
    )
    mig.set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="load the demo network into an empty database")
    demo.add_argument("--if-empty", action="store_true", help="do nothing (and succeed) if people exist")
    demo.set_defaults(func=cmd_demo)

    cu = sub.add_parser("create-user", help="create an account")
    cu.add_argument("--email", required=True)
    cu.add_argument("--name", required=True)
    cu.add_argument("--password", help="read from the terminal when not given")
    cu.add_argument("--occupation", default="other", choices=["deputy", "advocate", "journalist", "expert", "other"])
    cu.add_argument("--hromada", default="")
    cu.add_argument("--coordinator", action="store_true", help="make a member of the coordination committee")
    cu.set_defaults(func=cmd_create_user)

    digests = sub.add_parser(
        "send-digests", help="e-mail each member their daily notifications (run from cron once a day)"
    )
    digests.add_argument(
        "--base-url",
        default="",
        help="the site's address for links, with the mount path if mounted (default: DELIBERATION_BASE_URL)",
    )
    digests.set_defaults(func=cmd_send_digests)

    verify = sub.add_parser(
        "verify",
        help="recompute every resolution's and audit entry's hash, check both chains and recount every closed vote",
    )
    verify.add_argument(
        "--expect",
        action="append",
        metavar="HASH",
        help="a resolution hash kept from earlier (the chain head published with a resolution); "
        "fails unless the chain still contains it. May be given several times",
    )
    verify.set_defaults(func=cmd_verify)

    reindex = sub.add_parser("reindex", help="rebuild the search index from every resolution and document")
    reindex.set_defaults(func=cmd_reindex)

    places = sub.add_parser("places", help="the codifier of places (KATOTTG) the network counts reports by")
    places.add_argument(
        "--reload", action="store_true", help="bring the places in step with the codifier this version ships"
    )
    places.set_defaults(func=cmd_places)

    bk = sub.add_parser("backup", help="write a consistent copy of the database to FILE while the site runs")
    bk.add_argument("file", type=Path, metavar="FILE")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help="load a backup into an empty database, then verify the resolutions")
    rs.add_argument("file", type=Path, metavar="FILE")
    rs.set_defaults(func=cmd_restore)

    close = sub.add_parser("close-votes", help="close remote votes whose closing time has passed (run from cron)")
    close.set_defaults(func=cmd_close_votes)
    return p


def main(argv: list[str] | None = None) -> int:
    # import here: a command loads only what it uses (see the module docstring)
    from .backup import BackupError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BackupError as error:
        print(f"deliberation {args.command}: {error}", file=sys.stderr)
        return 1
    except OperationalError as error:
        # An unreachable, read-only or full database: one line with the cause, not a traceback.
        print(f"deliberation {args.command}: the database cannot be used: {trouble_of(error)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
