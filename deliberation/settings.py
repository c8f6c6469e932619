"""Settings: a plain dataclass read from the environment inside ``create_app``, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

LOCALES = ("uk", "en")
#: Enough for ``make run`` on this machine; a public site lists its own names.
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: The shortest secret key accepted: shorter keys make session cookies guessable.
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    default_locale: str = "uk"
    var_dir: Path = Path("var")
    #: "auto" marks cookies Secure when the request came over HTTPS; "always"/"never" force it.
    secure_cookies: str = "auto"
    #: Directories searched before ours, so a host's templates win.
    template_dirs: tuple[Path, ...] = ()
    #: Requests larger than this are refused before they are read (413).
    max_body_bytes: int = 2 * 1024 * 1024
    #: Failed logins for one email or one address within ``login_window_seconds`` before refusing.
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    password_reset_hours: int = 2
    #: How long the link that finishes a registration works.
    registration_link_hours: int = 24
    invitation_days: int = 14
    site_name: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = "deliberation@localhost"
    smtp_starttls: bool = True
    #: The site's origin (scheme://host[:port]) for e-mailed links; when empty, a request's own
    #: origin is used only if its host is named in ``allowed_hosts`` (never through "*").
    base_url: str = ""
    #: PostgreSQL session limits (see ``db.make_engine``): milliseconds, 0 for none; seconds to connect.
    pg_statement_timeout_ms: int = 30_000
    pg_idle_in_transaction_timeout_ms: int = 60_000
    pg_connect_timeout_s: int = 10
    #: Host names this app answers for (Starlette's TrustedHostMiddleware); "*" turns the check off,
    #: for a host platform that checks hosts itself. "*.example.org" allows every subdomain.
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    #: A signed-in session ends after this long without a request, and this long after sign-in.
    session_idle_minutes: int = 4 * 60
    session_max_hours: int = 7 * 24
    #: Password-reset requests for one e-mail, and from one address (times 4), per window; the
    #: same limits hold, counted apart, for registrations (each sends a letter too).
    reset_max_requests: int = 3
    reset_window_seconds: int = 60 * 60
    #: How often each process delivers what is due in the outbox (0: never; commands run from cron).
    outbox_interval_seconds: float = 10
    #: How long a process that wrote or claimed an outbox row has to deliver it before others may.
    outbox_lease_seconds: float = 120
    #: The forum's event stream: a comment this often keeps proxies from closing an idle stream.
    live_heartbeat_seconds: float = 15.0
    #: How often each process looks for new events on SQLite (PostgreSQL is woken by NOTIFY).
    live_poll_seconds: float = 0.25
    #: At most one turnout message per vote this often on each stream.
    live_turnout_seconds: float = 0.5
    #: A stream ends after this long and the browser resumes it at once (bounds a shutdown's wait).
    live_stream_seconds: float = 600.0
    #: How many requests of one process run their handlers at once; the rest wait their turn
    #: (``web.threads``: more threads than this only take turns with each other).
    request_threads: int = 8
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None, **overrides) -> Settings:
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("DELIBERATION_VAR_DIR", "var"))
        values: dict[str, Any] = dict(
            database_url=env.get("DELIBERATION_DATABASE_URL")
            or f"sqlite:///{(var_dir / 'deliberation.sqlite3').as_posix()}",
            secret_key=env.get("DELIBERATION_SECRET_KEY") or "",
            default_locale=env.get("DELIBERATION_DEFAULT_LOCALE", "uk"),
            var_dir=var_dir,
            secure_cookies=env.get("DELIBERATION_SECURE_COOKIES", "auto"),
            template_dirs=tuple(Path(p) for p in env.get("DELIBERATION_TEMPLATE_DIRS", "").split(os.pathsep) if p),
            site_name=env.get("DELIBERATION_SITE_NAME", ""),
            smtp_host=env.get("DELIBERATION_SMTP_HOST", ""),
            smtp_port=int(env.get("DELIBERATION_SMTP_PORT", "587")),
            smtp_user=env.get("DELIBERATION_SMTP_USER", ""),
            smtp_password=env.get("DELIBERATION_SMTP_PASSWORD", ""),
            smtp_sender=env.get("DELIBERATION_SMTP_SENDER", "deliberation@localhost"),
            smtp_starttls=env.get("DELIBERATION_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
            base_url=env.get("DELIBERATION_BASE_URL", ""),
            pg_statement_timeout_ms=_whole(env, "DELIBERATION_PG_STATEMENT_TIMEOUT", 30_000),
            pg_idle_in_transaction_timeout_ms=_whole(env, "DELIBERATION_PG_IDLE_IN_TRANSACTION_TIMEOUT", 60_000),
            pg_connect_timeout_s=_whole(env, "DELIBERATION_PG_CONNECT_TIMEOUT", 10),
            allowed_hosts=_hosts(env.get("DELIBERATION_ALLOWED_HOSTS", "")) or DEFAULT_ALLOWED_HOSTS,
            session_idle_minutes=int(env.get("DELIBERATION_SESSION_IDLE_MINUTES", "240")),
            session_max_hours=int(env.get("DELIBERATION_SESSION_MAX_HOURS", str(7 * 24))),
            outbox_interval_seconds=float(env.get("DELIBERATION_OUTBOX_INTERVAL", "10")),
            outbox_lease_seconds=float(env.get("DELIBERATION_OUTBOX_LEASE", "120")),
            request_threads=_whole(env, "DELIBERATION_REQUEST_THREADS", 8),
        )
        values.update(overrides)
        settings = cls(**values)
        if settings.default_locale not in LOCALES:
            raise ValueError(f"DELIBERATION_DEFAULT_LOCALE must be one of {LOCALES}")
        if settings.secure_cookies not in ("auto", "always", "never"):
            raise ValueError("DELIBERATION_SECURE_COOKIES must be auto, always or never")
        if settings.request_threads < 1:
            raise ValueError("DELIBERATION_REQUEST_THREADS must be 1 or more")
        if not settings.secret_key:
            settings = _with_stored_secret(settings)
        return settings


def _whole(env, name: str, default: int) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    if not raw.strip().isdigit():
        raise ValueError(f"{name} must be a whole number (0 or more), not {raw!r}")
    return int(raw)


def _hosts(value: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in value.split(",") if h.strip())


def host_allowed(settings: Settings, host: str) -> bool:
    """Whether ``host`` (no port) is named in ``allowed_hosts``; the catch-all "*" names nothing."""
    host = host.lower()
    return any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in settings.allowed_hosts)


class SecretKeyError(ValueError):
    """The secret key is missing, empty or too short: the app must not start with it."""


def check_secret_key(key: str) -> None:
    """Refuse a key that would make session cookies forgeable (empty, or shorter than 32 bytes)."""
    if len(key.strip().encode("utf-8")) < MIN_SECRET_BYTES:
        raise SecretKeyError(
            f"The secret key is empty or shorter than {MIN_SECRET_BYTES} bytes, so session cookies could be "
            "forged. Set DELIBERATION_SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`), the same on every machine "
            "serving this site, or delete a damaged var/secret_key file so a new one is made."
        )


def _with_stored_secret(settings: Settings) -> Settings:
    """Generate the secret key on first run and keep it, so sessions survive restarts.

    Several processes may start at once on an empty var folder (a server with four workers).
    Each writes a complete candidate to a file of its own, then hard-links it to the shared name:
    a link either creates the name with the whole key in it or fails because another process won,
    so nobody ever reads a half-written or empty key, and every process ends up with the winner's.
    """
    path = settings.var_dir / "secret_key"
    key = _read_key(path)
    if key is None:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        _publish_key(path, secrets.token_urlsafe(48))
        key = _read_key(path) or ""
    check_secret_key(key)
    return replace(settings, secret_key=key)


def _read_key(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def _publish_key(path: Path, key: str) -> None:
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}")
    # Owner-only permissions from the start: the key signs every session cookie.
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process won; its key is complete, read it
    finally:
        candidate.unlink(missing_ok=True)
