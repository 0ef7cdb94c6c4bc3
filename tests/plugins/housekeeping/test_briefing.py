"""The executive housekeeper's daily briefing, and who of the team has read it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plugins.housekeeping.views.briefing import tasks_of
from tests.conftest import login


@pytest.fixture(autouse=True)
def _frozen(clock):
    clock.set(datetime(2026, 11, 28, 0, 30, tzinfo=UTC))


def switch(client, username: str) -> None:
    client.post("/logout")
    login(client, username)


def test_the_tasks_are_the_lines_that_start_with_a_dash():
    assert tasks_of("VIP in 1203\n- Corridor 12\n  - \n• Lobby toilets") == (
        "VIP in 1203",
        ["Corridor 12", "Lobby toilets"],
    )


def test_the_team_reads_the_briefing_and_the_executive_sees_who_has(client, hotel):
    login(client, "eva")
    assert client.post(hotel.url("briefing"), data={"body": " "}).status_code == 422
    sent = client.post(
        hotel.url("briefing"),
        data={
            "body": "VIP arriving in 1203 at 14:00\n"
            "- Deep clean corridor 12\n- Restock lobby toilets"
        },
        follow_redirects=True,
    )
    html = sent.get_data(as_text=True)
    assert "The briefing is out to the team." in html and "Read by 0 of 6" in html
    switch(client, "ann")
    page = client.get(hotel.url("briefing")).get_data(as_text=True)
    assert "VIP arriving in 1203 at 14:00" in page
    assert "<li>Deep clean corridor 12</li>" in page and "Mark as read" in page
    note_id = page.split("/briefing/")[1].split("/read")[0]
    read = client.post(hotel.url(f"briefing/{note_id}/read"), follow_redirects=True)
    assert "You have read it." in read.get_data(as_text=True)
    assert client.post(hotel.url("briefing"), data={"body": "x"}).status_code == 403
    switch(client, "eva")
    page = client.get(hotel.url("briefing")).get_data(as_text=True)
    assert "Read by 1 of 6" in page and "Not yet: Al, Amy, Eva, Lin, Sam" in page
