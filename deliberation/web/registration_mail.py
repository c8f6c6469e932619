"""The letter a registration request sends: a link that finishes it, or a warning to the owner.

Links come only from the configured origin (``Ctx.mail_link``): a link built from the request's
Host header would hand the token to whoever owns that name. Without one, no letter is sent, for
a new address and a taken one alike.
"""

from __future__ import annotations

from .. import mail
from ..accounts.registration import Requested
from ..i18n import gettext, reset_locale, set_locale
from .context import Ctx


def letter(ctx: Ctx, requested: Requested) -> mail.Message | None:
    """The letter in its reader's language (the owner's, else the visitor's), or None without an origin."""
    token = set_locale(requested.locale or ctx.request.scope.get("delib_locale", "uk"))
    try:
        if requested.owner is None:
            return _finish_letter(ctx, requested)
        return _taken_letter(ctx, requested)
    finally:
        reset_locale(token)


def _finish_letter(ctx: Ctx, requested: Requested) -> mail.Message | None:
    link = ctx.mail_link(ctx.url("register_confirm", token=requested.token))
    if link is None:
        return None
    return mail.Message(
        to=requested.email,
        subject=gettext("Finish your registration"),
        body=gettext(
            "Hello!\n\nSomeone (we hope you) registered with this e-mail. Open this link "
            "within %(hours)s hours to choose your password and finish the registration:\n\n%(link)s\n\n"
            "If it was not you, ignore this e-mail: no account is made without it.",
            hours=ctx.settings.registration_link_hours,
            link=link,
        ),
    )


def _taken_letter(ctx: Ctx, requested: Requested) -> mail.Message | None:
    sign_in, reset = ctx.mail_link(ctx.url("login")), ctx.mail_link(ctx.url("password_forgot"))
    if sign_in is None or reset is None:
        return None
    return mail.Message(
        to=requested.email,
        subject=gettext("Someone tried to register with your e-mail"),
        body=gettext(
            "Hello!\n\nSomeone (perhaps you) tried to register a new account with this "
            "e-mail. You already have an account with it, so nothing was made or changed.\n\n"
            "To sign in:\n%(sign_in)s\n\nIf you forgot the password, choose a new one here:\n%(reset)s\n\n"
            "If it was not you, ignore this e-mail: your account stays as it is.",
            sign_in=sign_in,
            reset=reset,
        ),
    )
