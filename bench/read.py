"""The public read path: a resolution's page served by the app beside the same bytes served by a
bare ASGI app and by nginx, and search beside a bare full-text query on the same index.

Part 1, pages (``wrk``, Debian's package): the app is ``deliberation serve --workers 2`` on a SQLite
file holding the demo network; ``wrk`` asks for an adopted resolution's page as an anonymous
visitor. In the same run, the same bytes (with the same headers) come from a bare ASGI app that
returns them from memory (uvicorn, two workers, httptools and uvloop like the app) and from nginx
serving them as a static file (two workers). Printed: requests per second and latency of each, and
the app's ratio to each. Target: at least 0.8x the bare ASGI app.

Part 2, search (``read_search.py``; SQLite, then PostgreSQL when one answers): 20,000 generated
Ukrainian documents (words drawn by Zipf's law from a real vocabulary, see
``read_search._vocabulary``) are indexed by the app's own code (``search.index.reindex``); then
each query of a fixed list runs through ``deliberation.search.queries.search`` (ranking, total,
snippets: what a page needs), and the bare full-text query on the same index (FTS5 ``MATCH``
ordered by bm25, or the tsvector ``@@`` ordered by ts_rank, ties by id, first 20 ids) with the
same match expression, alternately. Printed: the share of documents the queries match, median and
p95 of each, the ratio of the medians, the page's snippets alone, and whether search() returned
the bare query's very page. Target: at most 2x.

    .venv/bin/python bench/read.py [--seconds 10] [--connections 64] [--documents 20000] [--repeats 20]
                                   [--skip-pages|--skip-search] [--backend both|sqlite|postgresql]

Nothing here asserts on time; the run exits 1 only if a server did not answer as expected
or search() returned another page than the bare query.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET_KEY = "bench-read-secret-key-0123456789abcdef"


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
def running(command: list[str], port: int, *, workers: int = 0, **kwargs):
    """The server of ``command``, once every one of its uvicorn ``workers`` has started: wrk opens its
    connections at once and keeps them, so a worker still loading (the app's lemma dictionaries
    take seconds) would get none of them and the run would measure one worker (0.5x)."""
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **kwargs)
    try:
        _wait(port, process)
        if workers:
            _wait_for_workers(log, workers)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


def _wait_for_workers(log: Path, workers: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_bytes().count(b"Application startup complete") >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{workers} workers did not all start within {timeout:.0f} s")


def _get(url: str) -> tuple[bytes, dict[str, str]]:
    with urlopen(Request(url), timeout=30) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


#: What uvicorn writes itself, or what depends on the body: the bare app's server adds its own.
_SERVER_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding", "keep-alive"}


def _response_headers(headers: dict[str, str]) -> str:
    """The app's headers for the bare app to send as they are: the same bytes on the wire, security
    headers included, so the ratio measures the app's work and not the length of its headers."""
    return json.dumps([(k, v) for k, v in headers.items() if k not in _SERVER_HEADERS])


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
import json, os
BODY = open(os.environ["BENCH_BODY"], "rb").read()
HEADERS = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(os.environ["BENCH_HEADERS"])]
HEADERS.append((b"content-length", str(len(BODY)).encode()))

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
            [*cli, "serve", "--port", str(app_port), "--workers", "2", "--no-access-log"],
            app_port,
            workers=2,
            env=env,
            cwd=tmp,
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
            "BENCH_HEADERS": _response_headers(headers),
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
                "info",
            ],
            bare_port,
            workers=2,
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
        import read_search

        ok = read_search.search(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
