"""GET /api/v1/forums and /api/v1/workshops: what is public about them, and their resolutions."""

from __future__ import annotations

import pytest

from deliberation.testing import counted_queries


def test_forum_list_gives_status_dates_place_and_resolution_counts(client, library):
    items = client.get("/api/v1/forums").json()["items"]
    by_title = {item["title"]: item for item in items}
    assert set(by_title) == {"Весняний форум", "Форум громад", "Запланований форум"}
    autumn = by_title["Форум громад"]
    forum = library.forums["autumn"]
    assert autumn == {
        "id": forum.id,
        "title": "Форум громад",
        "theme": forum.theme,
        "description": "",
        "status": "open",
        "starts_on": "2026-03-14",
        "ends_on": "2026-05-01",
        "place": "Полтава",
        "is_online": False,
        "resolution_count": 3,
        "url": f"http://testserver/forums/{forum.id}",
        "api_url": f"http://testserver/api/v1/forums/{forum.id}",
    }
    assert by_title["Весняний форум"]["resolution_count"] == 2
    assert by_title["Запланований форум"]["resolution_count"] == 0


def test_a_forum_lists_its_resolutions_as_numbers_and_addresses(client, library):
    forum = library.forums["spring"]
    body = client.get(f"/api/v1/forums/{forum.id}").json()
    assert body["status"] == "closed" and body["resolution_count"] == 2
    assert body["resolutions"] == [
        {
            "number": "2025/2",
            "title": "Петиція про ремонт шкіл",
            "url": "http://testserver/resolutions/2025/2",
            "api_url": "http://testserver/api/v1/resolutions/2025/2",
        },
        {
            "number": "2025/1",
            "title": "Звернення про громадський бюджет",
            "url": "http://testserver/resolutions/2025/1",
            "api_url": "http://testserver/api/v1/resolutions/2025/1",
        },
    ]


def test_workshops_give_kind_topic_dates_place_and_their_resolutions(client, library):
    items = {item["title"]: item for item in client.get("/api/v1/workshops").json()["items"]}
    deputies, experts = items["Майстерня депутатів"], items["Експертна гільдія"]
    assert deputies["kind"] == "deputies" and deputies["topic"] == "Громадський бюджет"
    assert [r["number"] for r in deputies["resolutions"]] == ["2026/2", "2026/1", "2025/1"]
    assert deputies["resolution_count"] == 3
    assert experts["starts_on"] is None and experts["ends_on"] is None and experts["is_online"] is True
    assert [r["number"] for r in experts["resolutions"]] == ["2026/3", "2025/2"]
    one = client.get(experts["api_url"]).json()
    assert one == experts


def test_no_member_facilitator_or_creator_is_named_by_a_workshop_or_forum(client, library):
    texts = [client.get("/api/v1/workshops").text, client.get("/api/v1/forums").text]
    texts += [client.get(f"/api/v1/workshops/{w.id}").text for w in library.workshops.values()]
    texts += [client.get(f"/api/v1/forums/{f.id}").text for f in library.forums.values()]
    for text in texts:
        for person in ("Петро Гнатюк", "Ірина Бондар", "Олена Коваленко", "@example.org"):
            assert person not in text
        assert "member" not in text and "created_by" not in text and "facilitator" not in text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/forums/999999",
        "/api/v1/workshops/999999",
        "/api/v1/forums/99999999999999999999999",
        "/api/v1/workshops/0",
    ],
)
def test_an_unknown_forum_or_workshop_is_a_404_json_error(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] in ("forum_not_found", "workshop_not_found")


def test_each_endpoint_reads_a_fixed_handful_of_queries(client, connection, library):
    def count(path):
        with counted_queries(connection) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    assert count("/api/v1/workshops") <= 3
    assert count("/api/v1/forums") <= 3
    assert count("/api/v1/resolutions?limit=100") <= 2
    assert count("/api/v1/resolutions/2026/1") <= 2
