"""The service desk reads entirely in Chinese when Chinese is chosen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Site
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest
from plugins.service_desk.rules import seed_categories
from tests.conftest import login
from tests.core.test_translated_pages import english_words

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
# Names of file formats and of the app channel stay as they are.
ALLOWED = {"JPEG", "PNG", "WebP", "XLSX", "App", "YYYY", "MM"}


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_every_service_desk_page_is_in_chinese(app, client, make, locale, clock):
    org = make.org(name="常青物業")
    site = make.site(org=org, name="海景花園", slug="harbour", default_locale=locale)
    make.enable(site, "service_desk")
    tower = make.building(site, code="一", name="第一座")
    unit = make.unit(tower, number="三樓")
    resident = make.resident(site, unit, name="陳大文")
    manager = make.user(
        site=site, role="manager", username="mia", display_name="張明", locale=locale
    )
    make.assignment(manager, tower)
    with app.app_context():
        seed_categories(db.session.get(Site, site.id))
        db.session.commit()
    clock.set(T0)
    login(client, "mia")
    base = "/s/harbour/service_desk"
    with app.app_context():
        category_id = db.session.scalar(
            select(ServiceDeskCategory.id).where(ServiceDeskCategory.site_id == site.id).limit(1)
        )
    response = client.post(
        f"{base}/new",
        data={
            "resident_id": resident.id,
            "category_id": category_id,
            "channel": "phone",
            "description": "廚房漏水",
        },
    )
    assert response.status_code == 303, response.text[:500]
    request_id = int(response.location.rsplit("/", 1)[1])
    for step, data in (("acknowledge", {"reply": "今天下午"}), ("done", {"note": "已修好"})):
        with app.app_context():
            version = db.session.get(ServiceDeskRequest, request_id).version_id
        client.post(f"{base}/{request_id}/{step}", data={**data, "version_id": version})
    clock.set(T0 + timedelta(days=3))
    login(client, "mia")  # three days on, a new session
    pages = [
        f"{base}/",
        f"{base}/?view=overdue",
        f"{base}/?view=callback",
        f"{base}/new?q=陳",
        f"{base}/{request_id}",
        f"{base}/categories",
        f"{base}/reports/monthly?period=2026-11",
        f"{base}/reports/open-items",
        f"{base}/residents/{resident.id}/panel",
        f"{base}/units/{unit.id}/panel",
        "/s/harbour/",
        "/s/harbour/reports?period=2026-11",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.text) - ALLOWED == set(), url
    word = "服務單" if locale == "zh_Hant" else "服务单"
    assert word in client.get(f"{base}/{request_id}").text
    # A refused step speaks Chinese too.
    response = client.post(f"{base}/{request_id}/close", data={"version_id": "99"})
    assert english_words(response.text) - ALLOWED == set()
