"""A receipt is bound to the delegate it was issued to: another delegate's code is refused exactly like
a mistyped one, leaves the victim's ballot alone and puts nobody wrongly in the audit log."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.errors import ValidationError
from deliberation.forums.models import Proxy
from deliberation.testing import csrf_token, post, sign_in
from deliberation.voting import queries
from deliberation.voting.models import BallotBox

WRONG = "AAAA-BBBB-CCCC-DDDD"


def _refusal(assembly, db, vote, actor, receipt, **extra) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        assembly.cast(db, vote, actor, "abstain", receipt=receipt, **extra)
    return caught.value.code, caught.value.message()


def test_another_delegates_receipt_is_refused_like_a_wrong_code_and_their_ballot_stays(db, assembly):
    victim, other = assembly.delegates[:2]
    vote = assembly.opened(db, is_secret=True)
    stolen = assembly.cast(db, vote, victim, "against").receipt
    assembly.cast(db, vote, other, "for")
    audit_before = db.exec(select(AuditEntry)).all()

    assert _refusal(assembly, db, vote, other, stolen) == _refusal(assembly, db, vote, other, WRONG)
    assert queries.secret_choice(db, vote=vote, voter_id=victim.id, receipt=stolen) == "against"
    assert sorted(b.choice for b in db.exec(select(BallotBox).where(BallotBox.vote_id == vote.id)).all()) == [
        "against",
        "for",
    ]
    assert db.exec(select(AuditEntry)).all() == audit_before
    # The code checks nothing for anyone else either.
    assert not queries.receipt_counted(db, vote=vote, voter_ids=[other.id], receipt=stolen)
    assert queries.receipt_counted(db, vote=vote, voter_ids=[victim.id], receipt=stolen)


def test_a_proxy_holder_uses_the_receipt_of_the_givers_ballot_but_not_a_third_delegates(db, assembly):
    giver, holder, third = assembly.delegates[:3]
    db.add(Proxy(forum_id=assembly.forum.id, giver_id=giver.id, holder_id=holder.id, created_by=giver.id))
    db.flush()
    vote = assembly.opened(db, is_secret=True)
    for_giver = assembly.cast(db, vote, holder, "for", voter=str(giver.id)).receipt
    own = assembly.cast(db, vote, holder, "for").receipt
    thirds = assembly.cast(db, vote, third, "against").receipt
    wrong = _refusal(assembly, db, vote, holder, WRONG, voter=str(giver.id))

    changed = assembly.cast(db, vote, holder, "abstain", receipt=for_giver, voter=str(giver.id))
    assert changed.changed and changed.receipt == for_giver
    assert _refusal(assembly, db, vote, holder, thirds, voter=str(giver.id)) == wrong
    assert _refusal(assembly, db, vote, holder, thirds) == wrong
    # Each code opens its own ballot only: the giver's code does not open the holder's.
    assert _refusal(assembly, db, vote, holder, for_giver) == wrong
    assert queries.secret_choice(db, vote=vote, voter_id=third.id, receipt=thirds) == "against"
    assert queries.secret_choice(db, vote=vote, voter_id=holder.id, receipt=own) == "for"
    assert queries.secret_choice(db, vote=vote, voter_id=giver.id, receipt=for_giver) == "abstain"
    changes = db.exec(select(AuditEntry).where(AuditEntry.action == "ballot.changed")).all()
    assert [(entry.actor_id, entry.details["voter_id"]) for entry in changes] == [(holder.id, giver.id)]
    assembly.close(db, vote)
    assert (vote.for_count, vote.against_count, vote.abstain_count) == (1, 1, 1)


# --- over HTTP --------------------------------------------------------------------------------------


def _cast(client, vote_id, choice, **extra):
    token = csrf_token(client, f"/votes/{vote_id}/booth")
    return client.post(
        f"/votes/{vote_id}/ballot", data={"choice": choice, "csrf_token": token, **extra}, follow_redirects=False
    )


def _message(response) -> str:
    return re.search(r'<p class="error-message">(.*?)</p>', response.text).group(1)


def test_over_http_another_delegates_code_gets_the_wrong_code_answer_and_checks_nothing(client, ready, db):
    victim, other = ready.delegates[:2]
    vote_id = ready.open_over_http(client, is_secret="1")
    sign_in(client, victim.email)
    assert _cast(client, vote_id, "against").status_code == 303
    stolen = next(c.value for c in client.cookies.jar if c.name == f"delib_receipt_{vote_id}_{victim.id}")
    client.cookies.clear()

    sign_in(client, other.email)
    assert _cast(client, vote_id, "for").status_code == 303
    with_stolen, with_wrong = (
        _cast(client, vote_id, "for", receipt=stolen),
        _cast(client, vote_id, "for", receipt=WRONG),
    )
    assert (with_stolen.status_code, _message(with_stolen)) == (with_wrong.status_code, _message(with_wrong))
    assert with_stolen.status_code == 422
    checked = post(client, f"/votes/{vote_id}/receipt", {"code": stolen}, token_page=f"/votes/{vote_id}/receipt")
    assert "Жоден бюлетень" in checked.text or "No ballot" in checked.text
    client.cookies.clear()

    sign_in(client, ready.chair.email)
    assert post(client, f"/votes/{vote_id}/close").status_code == 303
    db.expire_all()
    from deliberation.voting.models import Vote

    vote = db.get(Vote, vote_id)
    assert (vote.for_count, vote.against_count) == (1, 1)
    assert not db.exec(select(AuditEntry).where(AuditEntry.action == "ballot.changed")).all()
