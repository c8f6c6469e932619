"""Whether registration's timing tells a new address from a taken one.

Serves the app in process on a SQLite file and posts the registration form, alternating a new
address and an address that has an account, and prints the median and the 10th/90th percentiles
of each, with the ratio of new to taken; the reference is the taken path measured in the same
run (and `GET /register` beside it). Both paths do the same work: validation, the throttle's
count and row, a token, the pending row (kept for a new address, rolled back with its savepoint
for a taken one), one letter through the outbox and its delivery to the log.

    .venv/bin/python bench/registration.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient  # noqa: E402

from deliberation import create_app, migrate  # noqa: E402
from deliberation.db import SessionFactory, make_engine  # noqa: E402
from deliberation.settings import Settings  # noqa: E402
from deliberation.testing import csrf_token, make_user  # noqa: E402

FORM = {"display_name": "Ольга Руденко", "occupation": "advocate", "hromada": "Березнівська", "region": "rivne"}


def _figures(times: list[float]) -> tuple[float, float, float]:
    deciles = statistics.quantiles(times, n=10)
    return statistics.median(times), deciles[0], deciles[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    repeat = max(10, min(parser.parse_args().repeat, 5000))
    logging.getLogger("deliberation.mail").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        migrate.upgrade(engine)
        with SessionFactory(engine).begin() as db:
            for n in range(repeat + 5):
                make_user(db, email=f"taken{n}@example.org")
        # The throttle would stop the run; it counts the same for both paths, so it is lifted here.
        settings = Settings.from_env(
            {},
            database_url=str(engine.url),
            secret_key="b" * 40,
            var_dir=Path(tmp),
            allowed_hosts=("testserver",),
            reset_max_requests=10**6,
        )
        times: dict[str, list[float]] = {"new": [], "taken": [], "GET /register": []}
        with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
            token = csrf_token(client, "/register")
            for n in range(repeat + 5):
                for kind, email in (("new", f"new{n}@example.org"), ("taken", f"taken{n}@example.org")):
                    start = time.perf_counter()
                    response = client.post("/register", data={**FORM, "email": email, "csrf_token": token})
                    elapsed = (time.perf_counter() - start) * 1000
                    assert response.status_code == 200, response.status_code
                    if n >= 5:  # the first few warm the caches
                        times[kind].append(elapsed)
                start = time.perf_counter()
                client.get("/register")
                if n >= 5:
                    times["GET /register"].append((time.perf_counter() - start) * 1000)
        engine.dispose()
    reference = statistics.median(times["taken"])
    print(f"registration, {repeat} requests of each kind, SQLite, in process")
    for kind, values in times.items():
        median, low, high = _figures(values)
        print(
            f"  {kind:14} median {median:6.2f} ms  (p10 {low:6.2f}, p90 {high:6.2f})  "
            f"ratio to taken {median / reference:4.2f}"
        )


if __name__ == "__main__":
    main()
