"""The production set-up of docs/production.md, run for real: Debian's nginx with
docs/nginx/deliberation.conf in front of two `deliberation serve` processes on one database.

Only the lines of the config marked ``# test:`` are changed (ports, paths, certificate, host name),
so what is checked here is the file operators copy. The checks: an anonymous resolution page and
export are answered from nginx's cache the second time; a signed-in page is never cached nor
answered from the cache; sign-in and a ballot work through the proxy, and the app sees HTTPS
(its cookie is Secure); a request for another host name gets no answer; pages come gzipped from the
app and the booth (a receipt's page) stays uncompressed through nginx; static files are gzipped.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from deliberation import migrate
from deliberation.demo import load_demo
from deliberation.forums import presence
from deliberation.resolutions.models import Resolution
from deliberation.testing import PASSWORD, csrf_from, make_sitting
from deliberation.voting import actions
from deliberation.voting.models import Participation

from ..conftest import IN_CI, PG_URL, fresh_engine
from ..voting.live_server import committed

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "docs" / "nginx" / "deliberation.conf"
HOST = "civic.test"
SECRET_KEY = "nginx-test-secret-key-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def site_config(tmp: Path, *, upstreams: list[int], plain: int, tls: int) -> str:
    """docs/nginx/deliberation.conf with only its ``# test:`` lines pointed at this test's world."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    replacements = {
        "listen-plain": f"listen 127.0.0.1:{plain} default_server;",
        "listen-tls-default": f"listen 127.0.0.1:{tls} ssl default_server;",
        "listen-plain-named": f"listen 127.0.0.1:{plain};",
        "listen-tls": f"listen 127.0.0.1:{tls} ssl http2;",
        "server_name": f"server_name {HOST};",
        "cert": f"ssl_certificate {cert};",
        "key": f"ssl_certificate_key {key};",
        "cache": f"proxy_cache_path {tmp / 'cache'} levels=1:2 keys_zone=deliberation:10m max_size=100m "
        "inactive=1d use_temp_path=off;",
    }
    ports = iter(upstreams)
    lines = []
    for line in CONFIG.read_text(encoding="utf-8").splitlines():
        marker = re.search(r"# test: ([\w-]+)$", line)
        if marker is None:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        name = marker.group(1)
        lines.append(indent + (f"server 127.0.0.1:{next(ports)};" if name == "upstream" else replacements[name]))
    return "\n".join(lines) + "\n"


def main_config(tmp: Path, site: Path) -> str:
    run_as = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{run_as}worker_processes 1;
daemon off;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp / "access.log"};
{temp}
    include {site};
}}
"""


@dataclass
class Site:
    base: str
    tls_port: int
    engine: object
    resolution_path: str
    vote_id: int
    delegate_email: str
    delegate_id: int
    forum_id: int
    chair_email: str

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base, verify=False, headers={"Host": HOST}, timeout=30, **kwargs)


def _backend() -> str:
    # The set-up documented for several processes is PostgreSQL; without one configured, a SQLite file.
    return "postgresql" if PG_URL else "sqlite"


def _database_url(engine) -> str:
    """The URL for another process: on PostgreSQL, with this test's schema as its search path."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """One world for the module: loading the demo and starting three servers is the slow part."""
    tmp_path = tmp_path_factory.mktemp("nginx")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        if IN_CI:
            pytest.fail("nginx is missing; .ci/run installs Debian's nginx-light")
        pytest.skip("nginx is not installed")
    engine, cleanup = fresh_engine(_backend(), tmp_path_factory)
    processes: list[subprocess.Popen] = []
    logs = []
    try:
        migrate.upgrade(engine)
        with committed(engine) as db:
            load_demo(db)
            resolution = db.exec(select(Resolution).order_by(Resolution.id)).first()
            sitting = make_sitting(db, delegates=3)
            vote = actions.check_prepare_vote(db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={})
            actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
            presence.do_start_checkin(db, forum=sitting.forum, actor=sitting.chair)
            delegate = sitting.delegates[0]
            world = dict(
                resolution_path=f"/resolutions/{resolution.number}",
                vote_id=vote.id,
                delegate_email=delegate.email,
                delegate_id=delegate.id,
                forum_id=sitting.forum.id,
                chair_email=sitting.chair.email,
            )
        env = {
            **os.environ,
            "DELIBERATION_DATABASE_URL": _database_url(engine),
            "DELIBERATION_SECRET_KEY": SECRET_KEY,
            "DELIBERATION_VAR_DIR": str(tmp_path / "var"),
            "DELIBERATION_ALLOWED_HOSTS": f"{HOST},127.0.0.1,localhost",
        }
        upstreams = [_free_port(), _free_port()]
        for port in upstreams:
            logs.append((tmp_path / f"app-{port}.log").open("wb"))
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "deliberation.cli",
                        "serve",
                        "--port",
                        str(port),
                        "--proxy-headers",
                        "--no-access-log",
                    ],
                    env=env,
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    stderr=logs[-1],
                )
            )
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                str(tmp_path / "key.pem"),
                "-out",
                str(tmp_path / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        plain, tls = _free_port(), _free_port()
        site_file = tmp_path / "deliberation.conf"
        site_file.write_text(site_config(tmp_path, upstreams=upstreams, plain=plain, tls=tls), encoding="utf-8")
        main_file = tmp_path / "nginx.conf"
        main_file.write_text(main_config(tmp_path, site_file), encoding="utf-8")
        checked = subprocess.run(
            [nginx, "-t", "-c", str(main_file), "-p", str(tmp_path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        processes.append(
            subprocess.Popen(
                [nginx, "-c", str(main_file), "-p", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        for port in (*upstreams, tls):
            _wait_for(port, processes[-1] if port == tls else processes[upstreams.index(port)])
        yield Site(base=f"https://127.0.0.1:{tls}", tls_port=tls, engine=engine, **world)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        cleanup()


def _sign_in(client: httpx.Client, email: str) -> httpx.Response:
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


def test_anonymous_resolution_page_and_export_come_from_the_cache_the_second_time(site):
    with site.client() as anonymous:
        for path in (site.resolution_path, site.resolution_path + ".md"):
            first, second = anonymous.get(path), anonymous.get(path)
            assert first.status_code == second.status_code == 200
            assert first.headers["x-cache-status"] in ("MISS", "EXPIRED")
            assert second.headers["x-cache-status"] == "HIT"
            assert second.content == first.content and "immutable" in second.headers["cache-control"]


def test_signed_in_pages_are_neither_cached_nor_answered_from_the_cache(site):
    with site.client() as anonymous:
        anonymous.get(site.resolution_path + ".txt")
        assert anonymous.get(site.resolution_path + ".txt").headers["x-cache-status"] == "HIT"
    with site.client() as member:
        signed_in = _sign_in(member, site.delegate_email)
        assert signed_in.status_code == 303
        # The app saw HTTPS through X-Forwarded-Proto: its session cookie is Secure.
        assert "secure" in signed_in.headers["set-cookie"].lower()
        for path in ("/account", site.resolution_path + ".txt", site.resolution_path, "/account"):
            page = member.get(path)
            assert page.status_code == 200
            assert page.headers["x-cache-status"] == "BYPASS"
        account = member.get("/account")
        cache_control = account.headers["cache-control"]
        assert "no-store" in cache_control or "private" in cache_control


def test_a_delegate_signs_in_and_votes_through_the_proxy(site):
    with site.client() as member:
        assert _sign_in(member, site.delegate_email).status_code == 303
        booth = member.get(f"/votes/{site.vote_id}/booth")
        assert booth.status_code == 200
        # The booth's hidden fields as a browser sends them: the CSRF token and the ballot's idempotency key.
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', booth.text))
        assert "ballot_key" in fields
        ballot = member.post(f"/votes/{site.vote_id}/ballot", data={**fields, "choice": "for"})
        assert ballot.status_code == 303, ballot.text[:500]
    with committed(site.engine) as db:
        voted = db.exec(
            select(func.count())
            .select_from(Participation)
            .where(Participation.vote_id == site.vote_id, Participation.voter_id == site.delegate_id)
        ).one()
    assert voted == 1


def test_another_host_name_gets_no_answer(site):
    with httpx.Client(base_url=site.base, verify=False, headers={"Host": "evil.example"}, timeout=10) as stranger:
        with pytest.raises(httpx.RemoteProtocolError):
            stranger.get("/")


def test_pages_come_gzipped_from_the_app_secret_pages_do_not_and_static_files_are_cached(site):
    with site.client() as anonymous:
        page = anonymous.get("/", headers={"Accept-Encoding": "gzip"})
        # The app compresses pages (its CSRF token is masked per page) and nginx passes them through.
        assert page.headers.get("content-encoding") == "gzip"
        plain = anonymous.get("/", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        stylesheet = re.search(r'href="([^"]+\.css[^"]*)"', page.text).group(1)
        first = anonymous.get(stylesheet, headers={"Accept-Encoding": "gzip"})
        second = anonymous.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers.get("content-encoding") == "gzip"
    assert second.headers["x-cache-status"] == "HIT"
    with site.client() as member:
        assert _sign_in(member, site.delegate_email).status_code == 303
        assert (
            member.get("/account/notifications", headers={"Accept-Encoding": "gzip"}).headers.get("content-encoding")
            == "gzip"
        )
    with site.client() as chair:
        assert _sign_in(chair, site.chair_email).status_code == 303
        # The hall's check-in code is read aloud, so it cannot be masked: the app sends it alone and
        # plain, and nginx must not compress what the app left plain.
        code = chair.get(f"/forums/{site.forum_id}/checkin/shown", headers={"Accept-Encoding": "gzip"})
        assert code.status_code == 200 and "content-encoding" not in code.headers
        console = chair.get(f"/forums/{site.forum_id}/console", headers={"Accept-Encoding": "gzip"})
        assert console.status_code == 200 and console.headers.get("content-encoding") == "gzip"
