"""The public read path: a resolution's page served by the app beside the same bytes served by a
bare ASGI app and by nginx, and search beside a bare full-text query on the same index.

Part 1, pages (``wrk``, Debian's package): the app is ``deliberation serve --workers 2`` on a SQLite
file holding the demo network; ``wrk`` asks for an adopted resolution's page as an anonymous
visitor. In the same run, the same bytes (with the same headers) come from a bare ASGI app that
returns them from memory (uvicorn, two workers, httptools and uvloop like the app) and from nginx
serving them as a static file (two workers). Printed: requests per second and latency of each, and
the app's ratio to each. Target: at least 0.8x the bare ASGI app.

Part 2, search (SQLite, then PostgreSQL when one answers): 20,000 generated Ukrainian documents
(words drawn by Zipf's law from a real vocabulary, see ``_vocabulary``) are indexed by the app's
own code (``deliberation.search.index.reindex``); then each query of a fixed list runs through
``deliberation.search.queries.search`` (ranking, total, snippets: what a page needs), and the bare
full-text query on the same index (FTS5 ``MATCH`` ordered by bm25, or the tsvector ``@@`` ordered
by ts_rank, ties by id, first 20 ids) with the same match expression, alternately. Printed: the
share of documents the queries match, median and p95 of each, the ratio of the medians, and
whether search() returned the bare query's very page. Target: at most 2x.

    .venv/bin/python bench/read.py [--seconds 10] [--connections 64] [--documents 20000] [--repeats 20]
                                   [--skip-pages|--skip-search] [--backend both|sqlite|postgresql]

Nothing here asserts on time; the run exits 1 only if a server did not answer as expected
or search() returned another page than the bare query.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
SECRET_KEY = "bench-read-secret-key-0123456789abcdef"
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


# --- servers ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


@contextmanager
def running(command: list[str], port: int, **kwargs):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    try:
        _wait(port, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str) -> tuple[bytes, dict[str, str]]:
    with urlopen(Request(url), timeout=30) as response:
        return response.read(), dict(response.headers.items())


def wrk(url: str, *, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(re.search(rf"^\s+{p}%\s+([\d.]+\w+)", out, re.M).group(1)) for p in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": latency["50"], "p99": latency["99"], "errors": int(errors.group(1)) if errors else 0}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


BARE_APP = """
import os
BODY = open(os.environ["BENCH_BODY"], "rb").read()
HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(BODY)).encode()),
           (b"cache-control", b"public, max-age=31536000, immutable"), (b"etag", os.environ["BENCH_ETAG"].encode())]

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
"""

NGINX = """{user}worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {tmp}/www; default_type "text/html; charset=utf-8"; etag on; }}
    }}
}}
"""


def pages(args: argparse.Namespace) -> bool:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); pages skipped")
        return True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "DELIBERATION_DATABASE_URL": f"sqlite:///{tmp / 'read.sqlite3'}",
            "DELIBERATION_SECRET_KEY": SECRET_KEY,
            "DELIBERATION_VAR_DIR": str(tmp / "var"),
            "DELIBERATION_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        cli = [sys.executable, "-m", "deliberation.cli"]
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True)
        app_port, bare_port, nginx_port = _free_port(), _free_port(), _free_port()
        results = {}
        with running(
            [*cli, "serve", "--port", str(app_port), "--workers", "2", "--no-access-log"], app_port, env=env, cwd=tmp
        ):
            library, _ = _get(f"http://127.0.0.1:{app_port}/library")
            path = re.search(r'href="(/resolutions/\d+/\d+)"', library.decode()).group(1)
            url = f"http://127.0.0.1:{app_port}{path}"
            body, headers = _get(url)
            print(f"page {path}: {len(body):,} bytes, Cache-Control: {headers.get('cache-control')}")
            results["app"] = wrk(url, seconds=args.seconds, connections=args.connections)
        (tmp / "body.html").write_bytes(body)
        (tmp / "bare_asgi.py").write_text(BARE_APP, encoding="utf-8")
        bare_env = {
            **os.environ,
            "BENCH_BODY": str(tmp / "body.html"),
            "BENCH_ETAG": headers.get("etag", '"x"'),
            "PYTHONPATH": str(tmp),
        }
        with running(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_asgi:app",
                "--port",
                str(bare_port),
                "--workers",
                "2",
                "--http",
                "httptools",
                "--loop",
                "uvloop",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            bare_port,
            env=bare_env,
            cwd=tmp,
        ):
            assert _get(f"http://127.0.0.1:{bare_port}/")[0] == body
            results["bare ASGI"] = wrk(
                f"http://127.0.0.1:{bare_port}/", seconds=args.seconds, connections=args.connections
            )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if Path(nginx).exists():
            (tmp / "www").mkdir()
            (tmp / "www" / "page.html").write_bytes(body)
            (tmp / "nginx.conf").write_text(
                NGINX.format(tmp=tmp, port=nginx_port, user="user root;\n" if os.geteuid() == 0 else ""),
                encoding="utf-8",
            )
            with running([nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)], nginx_port):
                results["nginx static"] = wrk(
                    f"http://127.0.0.1:{nginx_port}/page.html", seconds=args.seconds, connections=args.connections
                )
    print(f"\n{'server':<14} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}   app ÷ this")
    app_rate = results["app"]["rate"]
    for name, r in results.items():
        print(
            f"{name:<14} {r['rate']:>10,.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8}   "
            f"{app_rate / r['rate']:.2f}x"
        )
    print("target: the app at least 0.8x the bare ASGI app")
    return all(r["errors"] == 0 for r in results.values())


# --- search -------------------------------------------------------------------------------------

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
#: ranks, so the commonest is in most texts and the rarest in a few in a thousand.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, choices=range(1, 61), metavar="1..60")
    parser.add_argument("--connections", type=int, default=64, choices=range(1, 513), metavar="1..512")
    parser.add_argument("--documents", type=int, default=20000, choices=range(100, 100001), metavar="100..100000")
    parser.add_argument("--repeats", type=int, default=20, choices=range(1, 201), metavar="1..200")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both", help="search only")
    args = parser.parse_args()
    ok = True
    if not args.skip_pages:
        ok = pages(args)
    if not args.skip_search:
        ok = search(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
