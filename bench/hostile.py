"""The worst a member can send, over HTTP to a real server: what one request costs it, and the others.

One run, on SQLite: the server is ``deliberation serve`` in a subprocess on 127.0.0.1
(``forum_vote.Server``), with two worker processes as a site is run (``--workers``, one process a
core; docs/production.md), so that one costly request occupies one process while the kernel hands
the next connection to the other. ``--workers 1`` shows what one process alone does. Seeded through the domain code: documents at the 400,000-character
limit in the shapes that cost markdown-it most per character (``[``, ``![``, ``*a``, ``[a](``, tiny
paragraphs, link reference definitions), an ordinary legal text of the same length for reference,
the most paragraphs a text may have (2,000) each as costly as can be, and a document with 2,000
comments. Imported: the worst .docx the limits let through (20 MB of XML,
deflated, of many short paragraphs: the child's CPU limit ends it) and an ordinary .docx.

For each request it prints the server's CPU seconds (utime + stime from /proc/<pid>/stat, summed
over the worker processes), the peak resident memory of the busiest worker during that request
(VmHWM after writing 5 to /proc/<pid>/clear_refs before it), for an import also the conversion child's CPU (cutime + cstime) and peak memory (polled),
and the median latency of an ordinary small page requested meanwhile by another process, beside the same page idle just
before (that page's own CPU, measured idle, is taken out of the server's CPU for the request). A page
already seen is requested again for a second, and a first view is that of six copies of the shape
(differing by their last characters, so each is parsed afresh), so that the probe has enough
samples; the figures are then per request.
Targets: under 1 s of server CPU and under 200 MB for any request, and no other request slowed by
more than 2x meanwhile. Nothing here asserts on time.

    .venv/bin/python bench/hostile.py [--quick] [--workers N]
"""

from __future__ import annotations

import argparse
import functools
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from forum_vote import SECRET_KEY, Server  # noqa: E402

from deliberation import migrate  # noqa: E402
from deliberation.db import SessionFactory, make_engine  # noqa: E402
from deliberation.discussion.models import Comment  # noqa: E402
from deliberation.drafting.models import MAX_BODY_CHARS, MAX_PARAGRAPHS  # noqa: E402
from deliberation.drafting.queries import get_revision, paragraphs_of  # noqa: E402
from deliberation.testing import make_document, make_user, make_workshop, signed_in_session  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
LIMIT = MAX_BODY_CHARS
SENTENCE = "Громада має право на самоврядування відповідно до Конституції України (див. статтю 5). "


#: Documents of each shape, each viewed once for the first-view row: a first view costs the most, and
#: the probe needs more than the two or three samples one view gives it.
COPIES = 6


def shapes(quick: bool) -> dict[str, str]:
    n = LIMIT // 10 if quick else LIMIT
    ordinary = "\n\n".join(f"{i}. **Увага.** {SENTENCE * 3}[Закон](/x) {SENTENCE * 3}" for i in range(1, 2000))
    return {
        "ordinary legal text": ordinary[:n].rstrip(),
        "[ x N": "[" * n,
        "![ x N": "![" * (n // 2),
        "*a x N": "*a" * (n // 2),
        "[a]( x N": "[a](" * (n // 4),
        "> x N (nesting)": ">" * n,
        # The most paragraphs a text may have, each as costly as can be.
        "2,000 paragraphs of [": "\n\n".join(["[" * (n // MAX_PARAGRAPHS - 2)] * MAX_PARAGRAPHS),
        "2,000 paragraphs of references": "\n\n".join(
            "\n".join(f"[r{u}x{i}]: /u{i}" for i in range(n // MAX_PARAGRAPHS // 18)) for u in range(MAX_PARAGRAPHS)
        ),
    }


# --- /proc ------------------------------------------------------------------------------------------


def cpu(pid: int) -> tuple[float, float]:
    """(own CPU seconds, waited-for children's CPU seconds) of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS


def server_cpu(pids: list[int]) -> tuple[float, float]:
    """``cpu`` summed over the server's worker processes."""
    own, kids = zip(*map(cpu, pids), strict=True)
    return sum(own), sum(kids)


def worker_pids(master: int) -> list[int]:
    """uvicorn's worker processes (spawned by multiprocessing), or the server itself with one worker."""
    spawned = [child for child in children(master) if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]
    return spawned or [master]


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


# --- requests ---------------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str, cookies: dict[str, str], token: str) -> None:
        self.base, self.token = base, token
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())

    def get(self, path: str) -> tuple[int, int]:
        with urlopen(Request(self.base + path, headers={"Cookie": self.cookie}), timeout=120) as response:
            return response.status, len(response.read())

    def upload(self, path: str, filename: str, data: bytes, fields: dict[str, str]) -> tuple[int, int]:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in {**fields, "csrf_token": self.token}.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = Request(
            self.base + path,
            data=body.getvalue(),
            method="POST",
            headers={"Cookie": self.cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        try:
            with urlopen(request, timeout=120) as response:
                return response.status, len(response.read())
        except Exception as error:  # urllib raises on 4xx; the status is what we want
            return getattr(error, "code", 0), 0


def latency(client: Client, path: str, stop: threading.Event | None = None, count: int = 20) -> list[float]:
    times = []
    while (stop is None and len(times) < count) or (stop is not None and not stop.is_set()):
        start = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - start)
        if stop is not None:
            time.sleep(0.02)
    return times


class _Probe:
    """The ordinary page requested again and again by another process, as another member's phone
    would: a thread of this process would share its interpreter with the thread reading the
    costly responses, and count the client's own work as the server's slowness."""

    def __init__(self, client: Client, path: str) -> None:
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._results, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=self._run, args=(client, path, sending), daemon=True)
        self._process.start()

    def _run(self, client: Client, path: str, sending) -> None:
        sending.send(latency(client, path, self._stop))

    def stop(self) -> list[float]:
        self._stop.set()
        times = self._results.recv()
        self._process.join()
        return times


def _idle(client: Client, path: str, seconds: float = 1.0) -> list[float]:
    """The probe's latencies with nothing else asked of the server: the same process, the same pace
    as beside a costly request. Requests sent back to back from this process answered faster (a warm
    client, no pause between them) and made every row look slower than it was."""
    probing = _Probe(client, path)
    time.sleep(seconds)
    return probing.stop()


def measure_one(
    pids: list[int],
    client: Client,
    probe: str,
    label: str,
    call,
    probe_cpu: float = 0.0,
    repeat_for: float = 0.0,
    alone: bool = False,
    at_least: int = 1,
) -> dict:
    """One request with the probe running beside it; the probe's own CPU (``probe_cpu`` a request,
    measured idle) is taken out of the server's CPU for this request.

    The probe's idle latency is measured again just before each row, by the probe itself (``_idle``):
    on a machine whose load drifts (other processes come and go), a reference taken once at the
    start compares unlike moments.
    A request that may be repeated (``repeat_for`` seconds, for pages already seen) is sent again
    until that time has passed, so the probe's median rests on enough samples; its CPU is then
    given per request. ``at_least`` calls are made in any case (first views of as many copies).
    A long request (``alone``: an import that runs for seconds) is sent once
    without the probe for its CPU and memory, since hundreds of probes' estimated CPU taken out of
    its own would leave mostly the estimate's error, and once more beside the probe."""
    idle = statistics.median(_idle(client, probe))
    if alone:
        row = _measure(pids, client, probe, call, repeat_for, at_least, with_probe=False)
        beside = _measure(pids, client, probe, call, repeat_for, at_least, with_probe=True)
    else:
        row = beside = _measure(pids, client, probe, call, repeat_for, at_least, with_probe=True, probe_cpu=probe_cpu)
    during, probes = beside["during"], beside["probes"]
    row["slowed"], row["label"] = during / idle, label
    print(
        f"{label:34} {row['status']:>4} {row['bytes'] / 1024:8.0f} KB {row['wall']:7.2f} s wall "
        f"{row['cpu']:6.2f} s CPU {row['peak_mb']:6.0f} MB peak | child {row['child_cpu']:5.1f} s "
        f"{row['child_mb']:5.0f} MB | others x{row['slowed']:.2f} ({during * 1000:.0f} ms against "
        f"{idle * 1000:.0f} ms idle, {probes} probes)",
        flush=True,
    )
    return row


def _measure(
    pids: list[int],
    client: Client,
    probe: str,
    call,
    repeat_for: float,
    at_least: int,
    *,
    with_probe: bool,
    probe_cpu: float = 0.0,
) -> dict:
    for pid in pids:
        reset_peak(pid)
    own0, kids0 = server_cpu(pids)
    stop, meanwhile, child_peak = threading.Event(), [], [0]

    def watch() -> None:
        while not stop.is_set():
            for child in (c for pid in pids for c in children(pid)):
                try:
                    child_peak[0] = max(child_peak[0], status_kb(child, "VmHWM"))
                except OSError:
                    pass
            time.sleep(0.05)

    threads = [threading.Thread(target=watch)]
    probing = _Probe(client, probe) if with_probe else None
    for thread in threads:
        thread.start()
    start, calls = time.perf_counter(), 0
    while True:
        status, size = call()
        calls += 1
        if time.perf_counter() - start >= repeat_for and calls >= at_least:
            break
    wall = (time.perf_counter() - start) / calls
    stop.set()
    for thread in threads:
        thread.join()
    if probing is not None:
        meanwhile = probing.stop()
    own1, kids1 = server_cpu(pids)
    during = statistics.median(meanwhile) if meanwhile else float("nan")
    return {
        "status": status,
        "bytes": size,
        "wall": wall,
        "cpu": max(0.0, own1 - own0 - probe_cpu * len(meanwhile)) / calls,
        "peak_mb": max(status_kb(pid, "VmHWM") for pid in pids) / 1024,
        "child_cpu": kids1 - kids0,
        "child_mb": child_peak[0] / 1024,
        "during": during,
        "probes": len(meanwhile),
    }


# --- Word files -------------------------------------------------------------------------------------


def word_file(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
        f'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        package.writestr("word/document.xml", xml)
    return out.getvalue()


def worst_word_file() -> bytes:
    """Just under 20 MB of XML: the most paragraphs (mammoth's cost) the unpacked limit lets through."""
    one = len("<w:p><w:r><w:t>Пункт.</w:t></w:r></w:p>".encode())
    return word_file(["Пункт."] * ((20 * 1024 * 1024 - 1000) // one))


# --- the run ----------------------------------------------------------------------------------------


def seed(engine, quick: bool) -> tuple[dict[str, list[int]], int, int, int, tuple[dict, str]]:
    with SessionFactory(engine).begin() as db:
        author = make_user(db, display_name="Авторка")
        workshop = make_workshop(db, creator=author, facilitators=(author,))
        ids: dict[str, list[int]] = {}
        for label, text in shapes(quick).items():
            started = time.perf_counter()
            # Copies that differ by their last characters: each is a first view, parsed afresh.
            ids[label] = [
                make_document(db, workshop=workshop, author=author, body=text[: len(text) - k], title=label).id
                for k in range(COPIES)
            ]
            print(
                f"  saved «{label}» ({len(text):,} characters) {COPIES} times in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        small = make_document(db, workshop=workshop, author=author, body=SENTENCE * 5, title="Мала петиція").id
        discussed = make_document(db, workshop=workshop, author=author, body=SENTENCE * 5, title="Обговорення")
        pid = paragraphs_of(get_revision(db, document_id=discussed.id, number=1))[0].pid
        for i in range(2000):
            db.add(
                Comment(
                    document_id=discussed.id,
                    author_id=author.id,
                    body=f"Коментар {i}. {SENTENCE}",
                    revision_number=1,
                    anchor={"pid": pid},
                    anchor_pid=pid,
                    anchor_status="exact",
                    anchor_revision=1,
                )
            )
        db.flush()
        return ids, small, discussed.id, workshop.id, signed_in_session(SECRET_KEY, author)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the character limit, no worst .docx")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2, as a site runs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        url = f"sqlite:///{var_dir / 'bench.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        print("Seeding through the domain code:")
        ids, small, discussed, workshop_id, (cookies, token) = seed(engine, args.quick)
        engine.dispose()
        server = Server(url, var_dir, workers=args.workers)
        try:
            server.wait_started()
            pids = worker_pids(server.process.pid)
            client = Client(server.base_url, cookies, token)
            probe = f"/documents/{small}"
            latency(client, probe, count=5 * len(pids))
            before = server_cpu(pids)[0]
            idle = statistics.median(latency(client, probe, count=30))
            probe_cpu = (server_cpu(pids)[0] - before) / 30
            resident = sum(status_kb(p, "VmRSS") for p in pids) / 1024
            print(
                f"\nServer workers {pids}; an ordinary small page idle: {idle * 1000:.1f} ms (median of 30), "
                f"{probe_cpu * 1000:.1f} ms of CPU; resident {resident:.0f} MB in all\n"
            )
            measure = functools.partial(measure_one, probe_cpu=probe_cpu)
            # The reference: the ordinary small page itself requested back to back for a second, as the
            # pages already seen are below. On a machine whose cores the client, the probe and the
            # server share, any such loop slows the probe; a hostile row is judged beside it.
            reference = measure(
                pids, client, probe, "ordinary small page, again", lambda: client.get(probe), repeat_for=1.0
            )
            rows = []
            for label, copies in ids.items():
                unseen = iter(copies)
                rows.append(
                    measure(
                        pids,
                        client,
                        probe,
                        f"{label}, first views",
                        lambda u=unseen: client.get(f"/documents/{next(u)}"),
                        at_least=len(copies),
                    )
                )
                rows.append(
                    measure(
                        pids,
                        client,
                        probe,
                        f"{label}, again",
                        lambda d=copies[0]: client.get(f"/documents/{d}"),
                        repeat_for=1.0,
                    )
                )
            rows.append(
                measure(
                    pids,
                    client,
                    probe,
                    "2,000 comments, page 1",
                    lambda: client.get(f"/documents/{discussed}/comments"),
                    repeat_for=1.0,
                )
            )
            rows.append(
                measure(
                    pids,
                    client,
                    probe,
                    "2,000 comments, last page",
                    lambda: client.get(f"/documents/{discussed}/comments?page=40"),
                    repeat_for=1.0,
                )
            )
            # Loads what the first import in a process loads (mammoth's child aside, the search lemmas).
            client.upload(
                f"/workshops/{workshop_id}/documents/import",
                "warm.docx",
                word_file(["Текст."]),
                {"kind": "petition", "title": "Розігрів"},
            )
            imports = {"ordinary .docx (400 paragraphs)": word_file([SENTENCE * 3] * 400)}
            if not args.quick:
                imports["worst .docx (20 MB of XML)"] = worst_word_file()
            for label, data in imports.items():
                print(f"  {label}: {len(data) / 1024:.0f} KB packed", flush=True)
                rows.append(
                    measure(
                        pids,
                        client,
                        probe,
                        label,
                        lambda d=data: client.upload(
                            f"/workshops/{workshop_id}/documents/import",
                            "bench.docx",
                            d,
                            {"kind": "petition", "title": "Імпорт"},
                        ),
                        alone=True,
                    )
                )
        finally:
            server.stop()
    worst_cpu = max(rows, key=lambda r: r["cpu"])
    worst_mb = max(rows, key=lambda r: r["peak_mb"])
    worst_slow = max(rows, key=lambda r: r["slowed"])
    print(f"\nMost server CPU: {worst_cpu['cpu']:.2f} s ({worst_cpu['label']}); target under 1 s")
    print(f"Highest server peak: {worst_mb['peak_mb']:.0f} MB ({worst_mb['label']}); target under 200 MB")
    print(
        f"Others slowed most: x{worst_slow['slowed']:.2f} ({worst_slow['label']}); target at most x2; "
        f"an ordinary small page requested the same way slowed them x{reference['slowed']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
