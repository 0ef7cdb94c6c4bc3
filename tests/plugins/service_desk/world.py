"""The service desk's part of the security world: one of each of its rows per site."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import PluginEnablement
from core.testing.photos import tiny_png
from core.testing.walks import register_world
from plugins.service_desk.models import (
    ServiceDeskCallback,
    ServiceDeskCategory,
    ServiceDeskEvent,
    ServiceDeskPhoto,
    ServiceDeskRequest,
    ServiceDeskVisit,
)

NAME = "service_desk"
PNG = tiny_png()


def fill(site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    category = ServiceDeskCategory(
        site_id=site.id, type="complaint", name="Noise", reply_minutes=30, complete_hours=72
    )
    db.session.add(category)
    db.session.flush()
    now = core_clock.now()
    # A complaint, so that every step (root cause and sign-off too) has a request to act on.
    request = ServiceDeskRequest(
        site_id=site.id,
        type="complaint",
        category_id=category.id,
        resident_id=ids["resident_id"],
        unit_id=ids["unit_id"],
        building_id=ids["building_id"],
        channel="phone",
        description="Drilling at night",
        status="new",
        received_at=now - timedelta(hours=2),
        logged_by_id=ids["user_id"],
        reply_due_at=now - timedelta(hours=1),
        complete_due_at=now + timedelta(hours=70),
    )
    db.session.add(request)
    db.session.flush()
    stored = uploads.save(FileStorage(io.BytesIO(PNG), "noise.png"), plugin=NAME)
    photo = ServiceDeskPhoto(
        site_id=site.id,
        request_id=request.id,
        key=stored.key,
        content_type=stored.content_type,
        size=stored.size,
        original_name=stored.original_name,
        uploaded_by_id=ids["user_id"],
    )
    db.session.add_all(
        [
            photo,
            ServiceDeskEvent(
                site_id=site.id, request_id=request.id, user_id=ids["user_id"], action="logged"
            ),
            ServiceDeskVisit(
                site_id=site.id,
                request_id=request.id,
                visitor="Mr Lee",
                visited_at=now - timedelta(hours=1),
                recorded_by_id=ids["user_id"],
            ),
            ServiceDeskCallback(
                site_id=site.id,
                request_id=request.id,
                method="call",
                satisfaction="neutral",
                by_id=ids["user_id"],
            ),
        ]
    )
    db.session.flush()
    return {"request_id": request.id, "photo_id": photo.id, "category_id": category.id}


register_world(NAME, fill)
