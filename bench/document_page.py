"""How the document page's time grows with its discussion, and what saving a version costs.

Prints, in one run, the median time to serve a document page with 5 comments and with 2,000
comments and 200 amendments (the second document is the reference's twin in every other way),
and their ratio. The target is at most 3x: the page shows counts per paragraph, not the threads.

Then the median time to save a new version of each (one point reworded), which re-places every
comment's passage in the save's transaction (discussion.anchoring): the comments of the second
document quote words of their point, so each save re-anchors 2,000 quotes.

    .venv/bin/python bench/document_page.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient  # noqa: E402

from deliberation import create_app, migrate  # noqa: E402
from deliberation.db import SessionFactory, make_engine  # noqa: E402
from deliberation.discussion.models import Amendment, Comment  # noqa: E402
from deliberation.drafting.queries import get_revision, paragraphs_of  # noqa: E402
from deliberation.settings import Settings  # noqa: E402
from deliberation.testing import make_document, make_user, make_workshop, sign_in  # noqa: E402

BODY = "\n\n".join(
    [
        f"# Про громадський бюджет {n}" if n == 0 else f"{n}. Пункт рішення про громадський бюджет громади номер {n}."
        for n in range(40)
    ]
)


def _document(db, people, comments: int, amendments: int) -> int:
    document = make_document(db, workshop=people["workshop"], author=people["author"], body=BODY)
    head = get_revision(db, document_id=document.id, number=1)
    paragraphs = paragraphs_of(head)
    for n in range(comments):
        p = paragraphs[n % len(paragraphs)]
        quote = {"exact": p.text[3:20], "prefix": p.text[:3], "suffix": p.text[20:40], "start": 3} if n % 2 else {}
        db.add(
            Comment(
                document_id=document.id,
                author_id=people["reader"].id,
                body=f"Коментар {n}",
                revision_number=1,
                anchor={"pid": p.pid, **quote},
                anchor_pid=p.pid,
                anchor_status="exact",
                anchor_start=3 if quote else None,
                anchor_end=20 if quote else None,
                anchor_revision=1,
            )
        )
    for n in range(amendments):
        p = paragraphs[n % len(paragraphs)]
        db.add(
            Amendment(
                document_id=document.id,
                author_id=people["reader"].id,
                kind="replace",
                base_number=1,
                target_pid=p.pid,
                original=p.text,
                original_start=0,
                proposed=p.text + f" ({n})",
                rationale="Уточнення",
            )
        )
    return document.id


def _median_ms(client: TestClient, url: str, repeat: int) -> float:
    client.get(url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def _median_save_ms(engine, document_id: int, author_id: int, repeat: int) -> float:
    """Save ``repeat`` versions, each rewording one point, each its own committed transaction."""
    from deliberation.accounts.models import User
    from deliberation.drafting.actions import check_save_revision
    from deliberation.drafting.models import Document
    from deliberation.workshops.queries import get_membership

    times = []
    for n in range(repeat):
        with SessionFactory(engine).begin() as db:
            document, author = db.get(Document, document_id), db.get(User, author_id)
            head = get_revision(db, document_id=document_id, number=document.head_number)
            points = head.body.split("\n\n")
            points[1 + n % (len(points) - 1)] += f" Уточнення {n}."
            membership = get_membership(db, workshop_id=document.workshop_id, user_id=author_id)
            start = time.perf_counter()
            check_save_revision(
                db,
                document=document,
                actor=author,
                membership=membership,
                data={"title": document.title, "base": str(head.number), "body": "\n\n".join(points)},
            )
            db.flush()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        engine = make_engine(url)
        migrate.upgrade(engine)
        with SessionFactory(engine).begin() as db:
            author, reader = make_user(db), make_user(db, coordinator=True)
            workshop = make_workshop(db, creator=reader, facilitators=(author,))
            people = {"author": author, "reader": reader, "workshop": workshop}
            small = _document(db, people, 5, 0)
            large = _document(db, people, 2000, 200)
            email, author_id = reader.email, author.id
        app = create_app(
            Settings.from_env(
                {}, database_url=url, secret_key="bench-secret-key-of-32-bytes-or-more", var_dir=Path(tmp)
            ),
            engine=engine,
        )
        with TestClient(app) as client:
            sign_in(client, email)
            reference = _median_ms(client, f"/documents/{small}", args.repeat)
            measured = _median_ms(client, f"/documents/{large}", args.repeat)
        saves = max(5, args.repeat // 3)
        save_reference = _median_save_ms(engine, small, author_id, saves)
        save_measured = _median_save_ms(engine, large, author_id, saves)
    ratio = measured / reference
    print(f"document page, median of {args.repeat} requests (SQLite, in-process)")
    print(f"{'page':48} {'ms':>8}")
    print(f"{'5 comments (reference)':48} {reference:8.2f}")
    print(f"{'2,000 comments and 200 amendments':48} {measured:8.2f}")
    print(f"ratio: {ratio:.2f}x (target: at most 3x) {'meets' if ratio <= 3 else 'MISSES'} the target")
    print()
    print(f"saving a version, median of {saves} saves, comments re-placed in the save's transaction")
    print(f"{'document':48} {'ms':>8}")
    print(f"{'5 comments (reference)':48} {save_reference:8.2f}")
    print(f"{'2,000 comments (1,000 quoting words)':48} {save_measured:8.2f}")
    print(f"ratio: {save_measured / save_reference:.2f}x")


if __name__ == "__main__":
    main()
