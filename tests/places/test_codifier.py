"""The codifier (KATOTTG) as the migration loads it: levels, lookups, the map to members' regions."""

from __future__ import annotations

import gzip

import pytest

from deliberation.accounts.regions import REGIONS
from deliberation.cli import main
from deliberation.places import picker, queries
from deliberation.places.actions import do_reload_places
from deliberation.places.data import read_rows
from deliberation.places.models import Place, PlaceCategory
from deliberation.places.regions import OBLAST_REGIONS, region_of

VINNYTSIA = "UA05000000000010236"
KYIV = "UA80000000000093317"


def test_the_shipped_file_holds_every_oblast_raion_and_hromada_of_the_codifier():
    rows = list(read_rows())
    by_category = {c: sum(1 for r in rows if r.category == c) for c in "OKPH"}
    assert by_category == {"O": 25, "K": 2, "P": 136, "H": 1772}
    codes = {r.code for r in rows}
    assert all(r.parent_code in codes for r in rows if r.parent_code)


def test_every_top_level_place_maps_to_exactly_one_member_region():
    top = {r.code for r in read_rows() if r.category in ("O", "K")}
    assert set(OBLAST_REGIONS) == top
    assert sorted(OBLAST_REGIONS.values()) == sorted(REGIONS)
    assert region_of(KYIV) == "kyiv-city" and region_of("UA00") == ""


def test_the_migration_loaded_the_top_level_in_the_codifiers_order(db):
    oblasts = queries.list_oblasts(db)
    assert len(oblasts) == 27
    assert oblasts[0].name == "Автономна Республіка Крим" and oblasts[-1].code == "UA85000000000065278"
    assert [o.label for o in oblasts[1:2]] == ["Вінницька область"]


def test_raions_and_hromadas_of_an_oblast_add_up(db):
    raions = queries.list_raions(db, VINNYTSIA)
    assert len(raions) == 6 and all(r.category is PlaceCategory.RAION for r in raions)
    by_raion = sum(len(queries.list_hromadas(db, raion_code=r.code)) for r in raions)
    whole = queries.list_hromadas(db, oblast_code=VINNYTSIA)
    assert by_raion == len(whole) == 63
    groups = queries.hromadas_by_raion(db, VINNYTSIA)
    assert [g.raion.code for g in groups] == [r.code for r in raions]


def test_kyiv_is_its_own_hromada(db):
    assert [p.code for p in queries.list_hromadas(db, oblast_code=KYIV)] == [KYIV]
    assert queries.get_hromada(db, KYIV).label == "Київ"
    chosen = picker.picker(db, oblast_code=KYIV)
    assert chosen.hromada_code == KYIV


@pytest.mark.parametrize("code", ["", "x" * 500, "UA05000000000010236", "UA05040000000050292", "'; DROP TABLE x"])
def test_only_a_current_hromada_is_one_a_member_may_name(db, code):
    assert queries.get_hromada(db, code) is None


def test_a_path_leads_from_the_oblast_down_to_the_hromada(db):
    hromada = queries.list_hromadas(db, oblast_code=VINNYTSIA)[0]
    path = queries.place_path(db, hromada.code)
    assert [p.category for p in path] == [PlaceCategory.OBLAST, PlaceCategory.RAION, PlaceCategory.HROMADA]
    assert path[0].code == VINNYTSIA and hromada.oblast_code == VINNYTSIA


@pytest.mark.parametrize("query", ["вінн", "ВІНН", "Вінницька"])
def test_a_name_search_ignores_case_and_finds_the_hromada(db, query):
    found = queries.search_hromadas(db, query)
    assert any(p.name == "Вінницька" and p.category is PlaceCategory.HROMADA for p in found)


def test_a_search_for_percent_signs_matches_nothing_rather_than_everything(db):
    assert queries.search_hromadas(db, "%%%") == []


def test_a_new_edition_renames_adds_and_withdraws_without_deleting(db, tmp_path):
    rows = list(read_rows())
    gone, renamed = rows[-1], rows[3]
    lines = ["code,category,name,parent"]
    for r in rows[:-1]:
        name = "Перейменована" if r.code == renamed.code else r.name
        lines.append(f"{r.code},{r.category},{name},{r.parent_code or ''}")
    lines.append(f"UA99000000000000001,H,Нова,{renamed.parent_code}")
    edition = tmp_path / "katottg.csv.gz"
    edition.write_bytes(gzip.compress("\n".join(lines).encode()))
    done = do_reload_places(db, path=edition)
    assert (done.added, done.changed, done.withdrawn) == (1, 1, 1)
    assert db.get(Place, gone.code).current is False
    assert queries.get_hromada(db, "UA99000000000000001").oblast_code == renamed.oblast_code
    again = do_reload_places(db, path=edition)
    assert (again.added, again.changed, again.withdrawn) == (0, 0, 0)
    back = do_reload_places(db)
    assert back.withdrawn == 1 and db.get(Place, gone.code).current is True


def test_the_command_reloads_and_says_what_changed(tmp_path, monkeypatch, capsys):
    # A database of its own: the command opens its own engine from the environment.
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", f"sqlite:///{tmp_path / 'places.sqlite3'}")
    assert main(["migrate"]) == 0
    assert main(["places", "--reload"]) == 0
    assert "0 added, 0 changed, 0 no longer current" in capsys.readouterr().out
    assert main(["places"]) == 2


def test_the_picker_lists_an_oblasts_hromadas_by_raion_and_ignores_a_hostile_code(client):
    page = client.get("/places/hromadas", params={"oblast": VINNYTSIA})
    assert page.status_code == 200
    assert page.text.count("<optgroup") == 6 and "Вінницька громада" in page.text
    for hostile in ("UA05040000000050292", "<script>", "9" * 5000):
        answer = client.get("/places/hromadas", params={"oblast": hostile})
        assert answer.status_code == 200 and "<optgroup" not in answer.text
