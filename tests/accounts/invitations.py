"""Invitations as a coordinator makes them on the admin page."""

from __future__ import annotations

import re

from deliberation.testing import csrf_token, make_user, post, sign_in


def invitation_token(client, db, note: str) -> str:
    """A coordinator puts registration on invitation only and makes one invitation with ``note``;
    its link's token, with ``client`` signed out again."""
    coordinator = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, coordinator.email)
    post(client, "/admin/registration", {"mode": "invitation"})
    page = post(client, "/admin/invitations", {"note": note})
    token = re.search(r'value="http://testserver/register\?invite=([^"]+)"', page.text).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    return token
