"""Search as you type, through the trigram and prefix indexes (core/search_index.py).

What a butler typing into the resident list sees: names found from any part once three
characters are typed and by their beginning before that, phones and unit numbers by
their beginning; on SQLite the names come from an FTS5 table the triggers keep in step
with every new, renamed, archived and removed resident.
"""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Resident
from tests.conftest import login

TYPING = {"HX-Request": "true", "HX-Target": "resident-results"}


@pytest.fixture
def harbour(make):
    built = make.estate(name="Harbour View", towers=["T1"], staff={"mia": "manager"})
    return built.site, built.towers[0]


def typed(client, site, query: str, **args) -> str:
    """The results fragment the list swaps in after ``query`` was typed."""
    params = {"q": query, **args}
    response = client.get(f"/s/{site.slug}/residents/", query_string=params, headers=TYPING)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_typing_a_name_narrows_the_list_letter_by_letter(client, make, harbour):
    site, tower = harbour
    make.resident(site, make.unit(tower, number="3A"), name="歐陽大文", phone="61230000")
    make.resident(site, make.unit(tower, number="3B"), name="陳大明", phone="62340000")
    make.resident(site, make.unit(tower, number="5C"), name="Wong Siu Ming", phone="93330000")
    make.resident(site, make.unit(tower, number="12A"), name="Ming Chan", phone="94440000")
    login(client, "mia")
    # One or two characters: the names that begin with them.
    first = typed(client, site, "歐")
    assert "歐陽大文" in first and "陳大明" not in first
    assert "Ming Chan" in typed(client, site, "mi") and "Wong Siu Ming" not in typed(
        client, site, "mi"
    )
    # Three or more: anywhere in the name, in any case.
    inside = typed(client, site, "陽大文")
    assert "歐陽大文" in inside and "陳大明" not in inside
    ming = typed(client, site, "MING")
    assert "Wong Siu Ming" in ming and "Ming Chan" in ming and "歐陽大文" not in ming
    assert "No resident matches." in typed(client, site, "大文明")
    # Phones and units from their first characters; a wildcard is only a character.
    assert "陳大明" in typed(client, site, "6234") and "歐陽大文" not in typed(client, site, "6234")
    unit = typed(client, site, "12a")
    assert "Ming Chan" in unit and "陳大明" not in unit
    assert "No resident matches." in typed(client, site, "%")
    assert "No resident matches." in typed(client, site, "_")


def test_new_renamed_archived_and_removed_residents_are_found_as_they_are(
    client, make, harbour, app
):
    site, tower = harbour
    login(client, "mia")
    lam = make.resident(site, make.unit(tower), name="Lam Ka Yan")
    assert "Lam Ka Yan" in typed(client, site, "ka ya")
    make.update(lam, name="Lam Hoi Yan")
    assert "No resident matches." in typed(client, site, "ka ya")
    assert "Lam Hoi Yan" in typed(client, site, "hoi y")
    client.post(f"/s/{site.slug}/residents/{lam.id}/archive")
    assert "No resident matches." in typed(client, site, "hoi y")
    assert "Lam Hoi Yan" in typed(client, site, "hoi y", status="archived")
    client.post(f"/s/{site.slug}/residents/{lam.id}/restore")
    assert "Lam Hoi Yan" in typed(client, site, "hoi y")
    # A resident never given a unit (not in the list) is removed from the database.
    passing = make.resident(site, name="Tsang Wing Sze")
    assert "Tsang Wing Sze" in client.get(f"/s/{site.slug}/search?q=wing").get_data(True)
    with app.app_context():
        db.session.delete(db.session.get(Resident, passing.id))
        db.session.commit()
    assert "Tsang Wing Sze" not in client.get(f"/s/{site.slug}/search?q=wing").get_data(True)
    # What remains is found as before: nothing of the removed name was left behind.
    assert "Lam Hoi Yan" in typed(client, site, "yan")


def test_another_sites_residents_never_appear(client, make, harbour):
    site, tower = harbour
    other = make.estate(name="Other Court", towers=["T1"])
    make.resident(other.site, make.unit(other.towers[0], number="12A"), name="Chan Tai Man")
    make.resident(other.site, make.unit(other.towers[0]), name="Chan Siu Wai", phone="91110000")
    make.resident(site, make.unit(tower, number="2B"), name="Chan Mei Ling", phone="95550000")
    login(client, "mia")
    for query in ("Chan", "ch", "an T", "9111", "12A", "T1-12"):
        html = typed(client, site, query)
        assert "Chan Tai Man" not in html and "Chan Siu Wai" not in html
    assert "Chan Mei Ling" in typed(client, site, "chan")
    found = client.get(f"/s/{site.slug}/search?q=Chan").get_data(as_text=True)
    assert "Chan Mei Ling" in found and "Chan Tai Man" not in found
