"""Search latency for bench/read.py (part 2): generated Ukrainian documents indexed by the app's
own code, then search() beside a bare full-text query on the same index, on SQLite and PostgreSQL.

Run through ``bench/read.py --skip-pages`` (see its docstring and bench/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
QUERIES = [
    "громада",
    "бюджет громади",
    "молоді",
    "водопостачання",
    "рішення сесії",
    "прозорість закупівель",
    "депутатів",
    "освіта",
    "екологічна",
    "старостинських округів",
    "оприлюднення",
    "соціальний захист",
    "ремонт доріг",
    "енергоефективність",
    "петиції",
]


#: The commonest words of Ukrainian official texts, at the top of the ranking: every text has them.
FUNCTION_WORDS = (
    "і в на з що та у до не за про для від як це по а із який також при щодо або їх його згідно "
    "відповідно року статті пункту частини закону україни міської ради"
).split()

#: The civic words the queries ask for, roughly from the commonest to the rarest.
WORDS = (
    "громада громади громаді громадою міська сільська селищна рада ради раді рішення рішенням сесії "
    "депутатів депутати комісії бюджет бюджету бюджетних коштів програма програми розвитку молоді молодь "
    "освіта освіти закладів школи дитячих садків водопостачання водовідведення доріг ремонт ремонту "
    "енергоефективність енергоефективності будівель прозорість прозорості закупівель оприлюднення "
    "оприлюднити звіт звіту звітів старостинських округів старости петиції петицію звернення звернень "
    "мешканців жителів соціальний соціального захисту ветеранів ветеранам внутрішньо переміщених осіб "
    "екологічна екологічної безпеки довкілля відходів сортування культура культури спорту туризму "
    "громадський громадського контролю участі участь слухання слухань консультацій"
).split()

#: Where the civic words sit in the frequency ranking: spread evenly on a log scale between these
#: ranks, so the commonest is in most texts and the rarest in a few in a thousand. Ranks the
#: function words hold push the first ones down to just after them (rank 36 on).
CIVIC_RANKS = (12, 5000)
#: Every how many-th word form of the pymorphy3 Ukrainian dictionary fills the rest of the ranking
#: (about 30,000 forms: the long tail of a real vocabulary).
TAIL_STEP = 173
WORDS_PER_TEXT = (15, 40)


def _vocabulary() -> tuple[list[str], list[float]]:
    """Word forms in rank order, with cumulative Zipf weights (the r-th form is drawn with weight 1/r).

    Real Ukrainian texts follow Zipf's law: a handful of words are in every text, most words in
    few. Drawing every word uniformly from a short list (as this benchmark first did) puts every
    query word in almost every text, so every search matches the whole corpus, which no real
    search does. The tail comes from the dictionary the app lemmatises with, so the index holds
    real Ukrainian forms with their real lemmas.
    """
    import pymorphy3

    letters = re.compile(r"[а-щьюяєіїґ]{3,14}")
    known = set(FUNCTION_WORDS) | set(WORDS)
    keys = pymorphy3.MorphAnalyzer(lang="uk").dictionary.words.iterkeys()
    tail = iter([w for w in itertools.islice(keys, 0, None, TAIL_STEP) if letters.fullmatch(w) and w not in known])
    ranked = list(FUNCTION_WORDS)
    first, last = CIVIC_RANKS
    for i, word in enumerate(WORDS):
        target = round(first * (last / first) ** (i / (len(WORDS) - 1)))
        while len(ranked) + 1 < target:
            ranked.append(next(tail))
        ranked.append(word)
    ranked.extend(tail)
    return ranked, list(itertools.accumulate(1 / rank for rank in range(1, len(ranked) + 1)))


def _document_text(rng: random.Random, vocabulary: tuple[list[str], list[float]]) -> tuple[str, str]:
    words, weights = vocabulary

    def sentence(n: int) -> str:
        return " ".join(rng.choices(words, cum_weights=weights, k=n)).capitalize()

    title = sentence(5)
    paragraphs = [sentence(rng.randint(*WORDS_PER_TEXT)) + "." for _ in range(rng.randint(3, 8))]
    return title, "\n\n".join(paragraphs)


def _fill(engine, documents: int) -> int:
    from deliberation.db import SessionFactory, utcnow
    from deliberation.drafting.models import Document, Revision
    from deliberation.search.index import reindex
    from deliberation.testing import make_user, make_workshop

    rng = random.Random(2026)
    vocabulary = _vocabulary()
    with SessionFactory(engine).begin() as db:
        author = make_user(db, coordinator=True)
        workshop = make_workshop(db, creator=author)
        now = utcnow()
        for start in range(0, documents, 1000):
            batch = [_document_text(rng, vocabulary) for _ in range(min(1000, documents - start))]
            docs = [
                Document(
                    workshop_id=workshop.id,
                    kind="appeal",
                    title=title,
                    head_number=1,
                    created_by=author.id,
                    created_at=now,
                    updated_at=now,
                )
                for title, _ in batch
            ]
            db.add_all(docs)
            db.flush()
            db.add_all(
                [
                    Revision(
                        document_id=doc.id,
                        number=1,
                        author_id=author.id,
                        created_at=now,
                        origin="create",
                        title=title,
                        body=body,
                        body_sha256=hashlib.sha256(body.encode()).hexdigest(),
                    )
                    for doc, (title, body) in zip(docs, batch, strict=True)
                ]
            )
            db.flush()
            db.expunge_all()
        started = time.perf_counter()
        reindex(db)
        print(f"  indexed {documents:,} documents in {time.perf_counter() - started:.1f} s")
    return author.id


def _timed(run, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def search_backend(name: str, engine, documents: int, repeats: int) -> bool:
    """Times search() and the bare query, alternately, and checks that they return the same page."""
    from sqlalchemy import select, text

    from deliberation import migrate
    from deliberation.db import SessionFactory, is_sqlite
    from deliberation.drafting.models import Revision
    from deliberation.search import queries
    from deliberation.search.models import FTS_TABLE, VECTOR_COLUMN
    from deliberation.text.lemmas import Highlighter, query_terms

    migrate.upgrade(engine)
    member_id = _fill(engine, documents)
    app_times, bare_times, snippet_times, matched, different = [], [], [], [], []
    with SessionFactory(engine)() as db:
        entry_of = dict(db.execute(text("SELECT object_id, id FROM delib_search_entry WHERE kind = 'document'")).all())
        for q in QUERIES:
            terms = query_terms(q)
            # The same terms, the same index, the same order (ties broken by the entry's id, as
            # search() does), the first page of ids and nothing else.
            if is_sqlite(db):
                bare = text(
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
                    f"ORDER BY bm25({FTS_TABLE}), rowid LIMIT 20"
                )
                params = {"q": queries._fts5_query(terms)}
            else:
                bare = text(
                    f"SELECT id FROM delib_search_entry WHERE {VECTOR_COLUMN} @@ CAST(:q AS tsquery) "
                    f"ORDER BY ts_rank({VECTOR_COLUMN}, CAST(:q AS tsquery)) DESC, id LIMIT 20"
                )
                params = {"q": queries._tsquery(terms)}

            def app(q=q):
                return queries.search(db, q, public_only=False, member_id=member_id, kinds=("document",))

            def plain(bare=bare, params=params):
                return db.execute(bare, params).scalars().all()

            page = app()
            matched.append(page.total)
            if [entry_of[hit.object_id] for hit in page.hits] != plain():
                different.append(q)
            ids = [hit.object_id for hit in page.hits]
            texts = db.execute(select(Revision.body).where(Revision.document_id.in_(ids))).scalars().all()

            def snippets(terms=terms, texts=texts):
                # What search() spends on the page's snippets, apart, to show what the database does not.
                highlighter = Highlighter(terms, max_chars=queries.SNIPPET_CHARS)
                return [highlighter(text) for text in texts]

            for _ in range(repeats):
                app_times += _timed(app, 1)
                bare_times += _timed(plain, 1)
                snippet_times += _timed(snippets, 1)
    app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
    share = sorted(n / documents for n in matched)
    print(
        f"  documents matched per query: median {statistics.median(share):.1%}, from {share[0]:.1%} to {share[-1]:.1%}"
    )
    print(f"  {'':<22} {'median ms':>10} {'p95 ms':>8}")
    print(f"  {'search() (page-ready)':<22} {app_median:>10.2f} {_p95(app_times):>8.2f}")
    print(f"  {'bare full-text query':<22} {bare_median:>10.2f} {_p95(bare_times):>8.2f}")
    print(f"  ratio of medians: {app_median / bare_median:.2f}x (target: at most 2x)")
    print(
        f"  the page's snippets alone (part of search()): median {statistics.median(snippet_times):.2f} ms, "
        f"p95 {_p95(snippet_times):.2f} ms"
    )
    if different:
        print(f"  NOT the bare query's first page for: {', '.join(different)}")
    else:
        print(f"  the same first page of ids as the bare query for all {len(QUERIES)} queries")
    return not different


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def search(args: argparse.Namespace) -> bool:
    from sqlalchemy import text

    from deliberation.db import make_engine

    ok = True
    if args.backend in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"\nsearch, SQLite, {args.documents:,} documents, {len(QUERIES)} queries x {args.repeats}")
            engine = make_engine(f"sqlite:///{Path(tmp) / 'search.sqlite3'}")
            try:
                ok = search_backend("sqlite", engine, args.documents, args.repeats)
            finally:
                engine.dispose()
    if args.backend == "sqlite":
        return ok
    url = (
        os.environ.get("DELIBERATION_BENCH_DATABASE_URL")
        or os.environ.get("DELIBERATION_TEST_DATABASE_URL")
        or DEFAULT_PG
    )
    admin = make_engine(url)
    schema = f"delib_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach PostgreSQL means: skip it
        print(f"\nPostgreSQL at {url} does not answer ({type(error).__name__}); skipped")
        return ok
    print(f"\nsearch, PostgreSQL, {args.documents:,} documents, {len(QUERIES)} queries x {args.repeats}")
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        ok = search_backend("postgresql", engine, args.documents, args.repeats) and ok
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return ok
