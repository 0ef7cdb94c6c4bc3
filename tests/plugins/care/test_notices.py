"""Notices (溫馨提示): written from a template in up to three languages, sent once to the
residents who agreed to messages, each in their own language, and printed for the lobby."""

from __future__ import annotations

from sqlalchemy import select, update

from core import clock as core_clock
from core import day as core_day
from core.extensions import db
from core.models import OutboxMessage, Site
from plugins.care.models import CareNotice


def _write(client, estate, **fields) -> str:
    data = {
        "template": "rainstorm",
        "day": estate.today.isoformat(),
        "audience": "buildings",
        "building_ids": str(estate.t1.id),
        "title_en": "Rainstorm warning",
        "body_en": "Heavy rain tonight: close your windows.",
        "title_zh_Hant": "暴雨警告",
        "body_zh_Hant": "今晚大雨，請關好窗戶。",
        **fields,
    }
    answer = client.post(f"{estate.url}/notices/new", data=data)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return answer.headers["Location"]


def _sent(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
        ).all()
    return {recipient: (subject, body) for recipient, subject, body in rows}


def test_a_template_fills_the_notice_in_three_languages(client, auth, estate):
    auth.login("ben")
    page = client.get(f"{estate.url}/notices/new?template=typhoon").get_data(as_text=True)
    assert "Typhoon warning" in page and "close your windows" in page
    assert page.count("<textarea") == 3


def test_each_consenting_resident_gets_the_notice_in_their_language(
    app, client, auth, make, estate
):
    make.update(estate.residents["Lee Opted Out"], preferred_locale="zh_Hant")
    auth.login("ben")
    notice = _write(client, estate)
    assert client.post(f"{notice}/send").status_code == 303
    sent = _sent(app)
    assert sent["91000001"] == ("Rainstorm warning", "Heavy rain tonight: close your windows.")
    assert sent["91000003"] == ("暴雨警告", "今晚大雨，請關好窗戶。")
    # No text in Simplified Chinese: she gets the site's language.
    assert sent["granny@example.com"][0] == "Rainstorm warning"
    # Without consent, or in Tower 2: nothing.
    assert set(sent) == {"91000001", "91000003", "granny@example.com"}
    page = client.get(notice).get_data(as_text=True)
    assert "Send the notice" not in page


def test_a_notice_cannot_be_sent_twice(app, client, auth, estate):
    auth.login("ben")
    notice = _write(client, estate, audience="site")
    assert client.post(f"{notice}/send").status_code == 303
    again = client.post(f"{notice}/send")
    assert again.status_code == 409
    assert "has been sent already" in again.get_data(as_text=True)
    assert len(_sent(app)) == 4


def test_the_notice_shows_its_queued_delivered_and_failed_counts(app, client, auth, estate):
    auth.login("ben")
    notice = _write(client, estate, audience="site")
    client.post(f"{notice}/send")
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.recipient == "91000001").values(status="sent")
        )
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.recipient == "granny@example.com")
            .values(status="failed")
        )
        db.session.commit()
    page = client.get(notice).get_data(as_text=True)
    counts = page[page.index('id="notice-counts"') :].split("</div>")[0]
    figures = [part.split("</p>")[0] for part in counts.split('class="figure">')[1:]]
    assert figures == ["2", "1", "<mark>1</mark>"]
    listing = client.get(f"{estate.url}/notices").get_data(as_text=True)
    assert "<td>2</td><td>1</td><td><mark>1</mark></td>" in listing


def test_a_typhoon_notice_marks_its_day_for_the_rounds(app, client, auth, estate):
    auth.login("mia")
    notice = _write(client, estate, template="typhoon", audience="site")
    client.post(f"{notice}/send")
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert core_day.weather_of(site, estate.today) == "typhoon"


def test_a_rainstorm_notice_marks_the_day_rainy(app, client, auth, estate):
    auth.login("ben")
    client.post(f"{_write(client, estate)}/send")
    with app.app_context():
        assert core_day.weather_of(db.session.get(Site, estate.site.id), estate.today) == "rain"


def test_the_lobby_notice_prints_every_language_written(client, auth, estate):
    auth.login("ben")
    notice = _write(client, estate)
    auth.logout()
    auth.login("fay")
    page = client.get(f"{notice}/print").get_data(as_text=True)
    assert "Heavy rain tonight" in page and "今晚大雨" in page
    assert 'media="print"' in page and "care-lobby-notice" in page


def test_a_notice_without_text_or_buildings_is_refused_and_nothing_is_kept(
    app, client, auth, estate
):
    auth.login("ben")
    empty = {
        f"{part}_{code}": "" for part in ("title", "body") for code in ("en", "zh_Hant", "zh_Hans")
    }
    answer = client.post(
        f"{estate.url}/notices/new",
        data={
            "template": "cold",
            "day": estate.today.isoformat(),
            "audience": "buildings",
            **empty,
        },
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Write the notice in at least one language." in page
    assert "Choose at least one building." in page
    bad_day = client.post(
        f"{estate.url}/notices/new",
        data={"template": "cold", "day": "31/12", "audience": "site", "body_en": "Cold"},
    )
    assert "Write the date as YYYY-MM-DD." in bad_day.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CareNotice)).all() == []


def test_the_front_desk_reads_notices_but_does_not_write_or_send_them(client, auth, estate):
    auth.login("ben")
    notice = _write(client, estate)
    auth.logout()
    auth.login("fay")
    assert client.get(notice).status_code == 200
    assert client.get(f"{estate.url}/notices/new").status_code == 403
    assert client.post(f"{notice}/send").status_code == 403


def test_another_sites_notice_is_a_404(app, client, auth, make, estate):
    other = make.estate(plugins=["care"], staff={"oz": "manager"})
    with app.app_context():
        notice = CareNotice(
            site_id=other.site.id,
            template="cold",
            day=estate.today,
            body_en="Cold",
            created_at=core_clock.now(),
            created_by_id=other.manager.id,
        )
        db.session.add(notice)
        db.session.commit()
        notice_id = notice.id
    auth.login("ben")
    assert client.get(f"{estate.url}/notices/{notice_id}").status_code == 404
    assert client.post(f"{estate.url}/notices/{notice_id}/send").status_code == 404
