"""Registration, signing in and out, profile, password change and reset."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from .. import mail
from ..accounts import actions, credentials, queries, registration, sessions
from ..accounts.models import User
from ..db import saved_id
from ..i18n import gettext, reset_locale, set_locale
from ..notifications.delivery import queue_mail
from ..workshops import queries as workshop_queries
from . import registration_mail
from .context import Ctx, endpoint
from .form_page import form_page
from .forms import mask_token, unmask_token
from .home import safe_next, set_language_cookie

log = logging.getLogger("deliberation.accounts")

# Routes that make no sense when the host platform manages identities.
BUILTIN_ONLY = frozenset(
    {"login", "logout", "register", "register_confirm", "password_forgot", "password_reset", "account_password"}
)


def routes() -> list[Route]:
    return [
        Route("/login", login, methods=["GET", "POST"], name="login"),
        Route("/logout", logout, methods=["POST"], name="logout"),
        Route("/register", register, methods=["GET", "POST"], name="register"),
        Route("/register/confirm/{token}", register_confirm, methods=["GET", "POST"], name="register_confirm"),
        Route("/password/forgot", password_forgot, methods=["GET", "POST"], name="password_forgot"),
        Route("/password/reset/{token}", password_reset, methods=["GET", "POST"], name="password_reset"),
        Route("/account", account, methods=["GET", "POST"], name="account"),
        Route("/account/password", account_password, methods=["GET", "POST"], name="account_password"),
    ]


def _sign_in(ctx: Ctx, user) -> None:
    session = ctx.session
    # A fresh session id and CSRF token at sign-in: whatever was planted before is worth nothing.
    sessions.do_end_session(ctx.db, token=session.get("sid", ""))
    session.clear()
    session["sid"] = sessions.do_start_session(ctx.db, user=user, lifetime=ctx.lifetime)
    ctx.actor = user


@endpoint(private=True)
def login(ctx: Ctx) -> Response:
    next_url = safe_next(ctx, ctx.request.query_params.get("next", "") or ctx.form.get("next", ""))
    if ctx.reads:
        return ctx.render("accounts/login.html", {"next": next_url, "email": "", "failed": False})
    email = ctx.form.get("email", "")
    user = credentials.check_login(
        ctx.db,
        email=email,
        password=ctx.form.get("password", ""),
        address=ctx.client_address(),
        max_failures=ctx.settings.login_max_failures,
        window_seconds=ctx.settings.login_window_seconds,
    )
    if user is None:
        return ctx.render("accounts/login.html", {"next": next_url, "email": email[:254], "failed": True}, status=400)
    _sign_in(ctx, user)
    response = ctx.redirect_to(next_url or ctx.url("home"))
    if user.locale:
        set_language_cookie(ctx, response, user.locale)
    return response


@endpoint
def logout(ctx: Ctx) -> Response:
    # Deleted on the server: a copy of the cookie (a shared computer, a stolen one) is dead too.
    sessions.do_end_session(ctx.db, token=ctx.session.get("sid", ""))
    ctx.session.clear()
    return ctx.redirect("home")


@endpoint(private=True)
def register(ctx: Ctx) -> Response:
    token = unmask_token(ctx.request.query_params.get("invite", "") or ctx.form.get("invite", ""))
    mode = queries.get_registration_mode(ctx.db)
    invitation = queries.get_valid_invitation(ctx.db, token) if token else None
    context = {
        "mode": mode,
        "invitation_valid": invitation is not None,
        "sent_to": "",
        "link_hours": ctx.settings.registration_link_hours,
    }
    if token:
        # The invitation's token is masked afresh in the page (its form and the language switch's
        # way back), so the page is compressed like any other: see ``mask_token``.
        masked = mask_token(token)
        context |= {"invite": masked, "current_url": ctx.url("register") + f"?invite={masked}"}
    else:
        context["invite"] = ""

    def save() -> registration.Requested:
        return registration.check_request_registration(
            ctx.db,
            data=ctx.form,
            invitation_token=token,
            locale=ctx.request.scope.get("delib_locale", ""),
            address=ctx.client_address(),
            valid_hours=ctx.settings.registration_link_hours,
            max_requests=ctx.settings.reset_max_requests,
            window_seconds=ctx.settings.reset_window_seconds,
        )

    def done(requested: registration.Requested) -> Response:
        message = registration_mail.letter(ctx, requested)
        if message is None:
            log.warning("No registration e-mail sent: set DELIBERATION_BASE_URL so its links point at this site")
        else:
            queue_mail(ctx.db, message)
        # The same page whether the address is new or taken: the form cannot probe for members.
        return ctx.render("accounts/register.html", context | {"values": {}, "errors": {}, "sent_to": requested.email})

    return form_page(ctx, "accounts/register.html", context, kept=_without_passwords, save=save, done=done)


def _without_passwords(form: Mapping[str, Any]) -> dict:
    return {k: v for k, v in form.items() if "password" not in k and isinstance(v, str)}


@endpoint(private=True)
def register_confirm(ctx: Ctx) -> Response:
    token = unmask_token(ctx.request.path_params["token"])
    pending = registration.get_valid_pending(ctx.db, token)
    return _emailed_link_form(
        ctx,
        "register_confirm",
        token,
        {"pending": pending},
        valid=pending is not None,
        save=lambda: registration.check_confirm_registration(ctx.db, token=token, data=ctx.form),
        welcome=gettext("Welcome! Your account is ready. Find a workshop to join below."),
        then="workshops",
    )


def _emailed_link_form(
    ctx: Ctx,
    route: str,
    token: str,
    context: dict,
    *,
    valid: bool,
    save: Callable[[], User],
    welcome: str,
    then: str,
) -> Response:
    """The page of an e-mailed link (``accounts/<route>.html``): a 404 once the link is used or
    stale; else its form of passwords, which signs the person in with ``welcome`` and goes ``then``."""
    template = f"accounts/{route}.html"
    if not valid:
        return ctx.render(template, context | {"errors": {}}, status=404)
    return form_page(
        ctx,
        template,
        _masked_address(ctx, route, token) | context,
        kept=_no_passwords,
        save=save,
        done=lambda user: _welcome(ctx, user, welcome, then),
    )


def _no_passwords(form: Mapping[str, Any]) -> dict:
    """A form of passwords comes back empty: a password is never sent back in a page."""
    return {}


def _welcome(ctx: Ctx, user, message: str, page: str) -> Response:
    _sign_in(ctx, user)
    # After signing in: the new session starts empty, so the message goes into it.
    ctx.flash(message)
    return ctx.redirect(page)


@endpoint(private=True)
def password_forgot(ctx: Ctx) -> Response:
    if ctx.reads:
        return ctx.render("accounts/password_forgot.html", {"sent": False})
    found = credentials.do_request_password_reset(
        ctx.db,
        email=ctx.form.get("email", "")[:254],
        valid_hours=ctx.settings.password_reset_hours,
        address=ctx.client_address(),
        max_requests=ctx.settings.reset_max_requests,
        window_seconds=ctx.settings.reset_window_seconds,
    )
    response = ctx.render("accounts/password_forgot.html", {"sent": True})
    link = ctx.mail_link(ctx.url("password_reset", token=found[1])) if found else None
    if found and link is None:
        log.warning("No reset e-mail sent: set DELIBERATION_BASE_URL so its link points at this site")
    elif found and link is not None:
        user, _ = found
        queue_mail(ctx.db, _reset_message(ctx, user, link))
    # The same answer whether or not the address is known, so the form cannot probe for members.
    return response


def _masked_address(ctx: Ctx, route: str, token: str) -> dict:
    """The page's own address (its form's action, the language switch's way back) with the link's
    token masked afresh, so the page shows no secret and is compressed like any other."""
    address = ctx.url(route, token=mask_token(token))
    return {"current_path": address, "current_url": address}


def _reset_message(ctx: Ctx, user, link: str) -> mail.Message:
    token = set_locale(user.locale or ctx.request.scope.get("delib_locale", "uk"))
    try:
        return mail.Message(
            to=user.email,
            subject=gettext("Resetting your password"),
            body=gettext(
                "Hello!\n\nSomeone (we hope you) asked to reset the password for your account. "
                "Open this link within %(hours)s hours to choose a new one:\n\n%(link)s\n\n"
                "If it was not you, ignore this e-mail: your password stays as it is.",
                hours=ctx.settings.password_reset_hours,
                link=link,
            ),
        )
    finally:
        reset_locale(token)


@endpoint(private=True)
def password_reset(ctx: Ctx) -> Response:
    token = unmask_token(ctx.request.path_params["token"])
    valid = credentials.get_valid_reset(ctx.db, token) is not None
    return _emailed_link_form(
        ctx,
        "password_reset",
        token,
        {"valid": valid},
        valid=valid,
        save=lambda: credentials.check_reset_password(ctx.db, token=token, data=ctx.form),
        welcome=gettext("Your new password is set and you are signed in."),
        then="home",
    )


@endpoint(private=True)
def account(ctx: Ctx) -> Response:
    user = ctx.require_actor()
    memberships = workshop_queries.list_user_memberships(ctx.db, user_id=saved_id(user))
    return form_page(
        ctx,
        "accounts/account.html",
        {"memberships": memberships},
        save=lambda: actions.check_update_profile(ctx.db, user=user, data=ctx.form),
        flash=gettext("Your profile is saved."),
        done=lambda _: ctx.redirect("account"),
    )


@endpoint(private=True)
def account_password(ctx: Ctx) -> Response:
    user = ctx.require_actor()
    return form_page(
        ctx,
        "accounts/password_change.html",
        kept=_no_passwords,
        save=lambda: credentials.check_change_password(
            ctx.db,
            user=user,
            data=ctx.form,
            keep_session=ctx.session.get("sid", ""),
            address=ctx.client_address(),
            max_failures=ctx.settings.login_max_failures,
            window_seconds=ctx.settings.login_window_seconds,
        ),
        flash=gettext("Your password is changed. Other devices have been signed out."),
        done=lambda _: ctx.redirect("account"),
    )
