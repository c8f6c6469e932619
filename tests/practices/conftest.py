from __future__ import annotations

from types import SimpleNamespace

import pytest

from deliberation.places import queries as places
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop

VINNYTSIA = "UA05000000000010236"
VOLYN = "UA07000000000024379"


@pytest.fixture
def world(db):
    """An adopted resolution; members in three hromadas: two raions of Vinnytsia oblast, one of Volyn."""
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    facilitator = make_user(db, display_name="Петро Гнатюк")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    forum = make_forum(db, creator=coordinator)
    resolution = make_resolution(
        db,
        forum=forum,
        actor=coordinator,
        document=make_document(db, workshop=workshop, author=facilitator, title="Про громадський бюджет"),
    )
    first, second = places.list_raions(db, VINNYTSIA)[:2]
    year, n = resolution.number.split("/")
    world = SimpleNamespace(
        coordinator=coordinator,
        resolution=resolution,
        address=f"/resolutions/{year}/{n}",
        a=places.list_hromadas(db, raion_code=first.code)[0],
        a2=places.list_hromadas(db, raion_code=first.code)[1],
        b=places.list_hromadas(db, raion_code=second.code)[0],
        c=places.list_hromadas(db, oblast_code=VOLYN)[0],
        members=[make_user(db, display_name=f"Учасник {i}") for i in range(4)],
    )
    db.commit()
    return world
