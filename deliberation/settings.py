"""Settings: a plain dataclass read from the environment inside ``create_app``, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

LOCALES = ("uk", "en")


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
    invitation_days: int = 14
    site_name: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = "deliberation@localhost"
    smtp_starttls: bool = True
    #: The site's origin (scheme://host[:port]) for e-mailed links; taken from the request when empty.
    base_url: str = ""
    #: The forum's event stream: a comment this often keeps proxies from closing an idle stream.
    live_heartbeat_seconds: float = 15.0
    #: How often each process looks for new events on SQLite (PostgreSQL is woken by NOTIFY).
    live_poll_seconds: float = 0.25
    #: At most one turnout message per vote this often on each stream.
    live_turnout_seconds: float = 0.5
    #: A stream ends after this long and the browser resumes it at once (bounds a shutdown's wait).
    live_stream_seconds: float = 600.0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("DELIBERATION_VAR_DIR", "var"))
        values = dict(
            database_url=env.get("DELIBERATION_DATABASE_URL")
            or f"sqlite:///{(var_dir / 'deliberation.sqlite3').as_posix()}",
            secret_key=env.get("DELIBERATION_SECRET_KEY") or "",
            default_locale=env.get("DELIBERATION_DEFAULT_LOCALE", "uk"),
            var_dir=var_dir,
            secure_cookies=env.get("DELIBERATION_SECURE_COOKIES", "auto"),
            template_dirs=tuple(
                Path(p) for p in env.get("DELIBERATION_TEMPLATE_DIRS", "").split(os.pathsep) if p
            ),
            site_name=env.get("DELIBERATION_SITE_NAME", ""),
            smtp_host=env.get("DELIBERATION_SMTP_HOST", ""),
            smtp_port=int(env.get("DELIBERATION_SMTP_PORT", "587")),
            smtp_user=env.get("DELIBERATION_SMTP_USER", ""),
            smtp_password=env.get("DELIBERATION_SMTP_PASSWORD", ""),
            smtp_sender=env.get("DELIBERATION_SMTP_SENDER", "deliberation@localhost"),
            smtp_starttls=env.get("DELIBERATION_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
            base_url=env.get("DELIBERATION_BASE_URL", ""),
        )
        values.update(overrides)
        settings = cls(**values)
        if settings.default_locale not in LOCALES:
            raise ValueError(f"DELIBERATION_DEFAULT_LOCALE must be one of {LOCALES}")
        if settings.secure_cookies not in ("auto", "always", "never"):
            raise ValueError("DELIBERATION_SECURE_COOKIES must be auto, always or never")
        if not settings.secret_key:
            settings = _with_stored_secret(settings)
        return settings


def _with_stored_secret(settings: Settings) -> Settings:
    """Generate the secret key on first run and keep it, so sessions survive restarts."""
    path = settings.var_dir / "secret_key"
    if path.exists():
        key = path.read_text().strip()
    else:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # Created with owner-only permissions: the key signs every session cookie.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
    return replace(settings, secret_key=key)
