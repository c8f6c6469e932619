"""The two ways a write meets a unique index that another request got to first: refuse, or answer with
its row. Either way the rest of the request's transaction stands."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.accounts.models import User
from deliberation.errors import Conflict
from deliberation.rows import add_or_find, apply_changes, flush_or_refuse
from deliberation.testing import make_user


def _by_email(db, email):
    return lambda: db.exec(select(User).where(User.email == email)).first()


def test_a_twin_the_index_refuses_gives_the_stored_row_and_the_transaction_goes_on(db):
    first = make_user(db, email="twin@example.org")
    earlier = make_user(db)
    row, added = add_or_find(
        db, User(email="twin@example.org", display_name="Двійник"), _by_email(db, "twin@example.org")
    )
    assert (row.id, added) == (first.id, False)
    later = make_user(db)  # the refused twin left the session: this flush does not try it again
    db.flush()
    assert db.get(User, earlier.id) is not None and later.id is not None


def test_a_new_row_is_added_and_said_so(db):
    row, added = add_or_find(db, User(email="new@example.org", display_name="Нова"), _by_email(db, "new@example.org"))
    assert added and row.id is not None


def test_a_refusal_nobody_can_explain_is_raised(db):
    make_user(db, email="taken@example.org")
    with pytest.raises(Conflict):
        add_or_find(
            db,
            User(email="taken@example.org", display_name="Хтось"),
            lambda: None,
            refusal=Conflict("taken", "Зайнято."),
        )
    with pytest.raises(Conflict):
        flush_or_refuse(db, Conflict("taken", "Зайнято."), User(email="taken@example.org", display_name="Хтось"))
    make_user(db)
    db.flush()


def test_applying_changes_sets_and_names_only_what_differs(db):
    user = make_user(db, display_name="Олена")
    assert apply_changes(user, {"display_name": "Олена", "hromada": "Гадяцька"}) == ["hromada"]
    assert (user.display_name, user.hromada) == ("Олена", "Гадяцька")
    assert apply_changes(user, {"hromada": "Гадяцька"}) == []
