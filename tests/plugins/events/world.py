"""The events plugin's part of the security world: one of each of its objects."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing.photos import tiny_png
from core.testing.walks import register_world
from plugins.events.models import AudienceBuilding, Event, Photo, Registration

NAME = "events"
PNG = tiny_png()


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    starts = core_clock.now().replace(microsecond=0) + timedelta(days=30)
    event = Event(
        site_id=site.id,
        title=f"Lantern evening of {site.slug}",
        place="Clubhouse",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=20,
        audience="buildings",
        staff_id=ids["user_id"],
    )
    db.session.add(event)
    db.session.flush()
    db.session.add(
        AudienceBuilding(site_id=site.id, event_id=event.id, building_id=ids["building_id"])
    )
    registration = Registration(
        site_id=site.id,
        event_id=event.id,
        resident_id=ids["resident_id"],
        places=2,
        status="confirmed",
        channel="phone",
        queued_at=core_clock.now(),
        attended=True,
        feedback_score=4,
    )
    stored = uploads.save(FileStorage(io.BytesIO(PNG), "lanterns.png"), plugin=NAME)
    photo = Photo(
        site_id=site.id,
        event_id=event.id,
        key=stored.key,
        content_type=stored.content_type,
        original_name=stored.original_name,
    )
    db.session.add_all([registration, photo])
    db.session.flush()
    return {
        "event_id": event.id,
        "registration_id": registration.id,
        "photo_id": photo.id,
        "resident_id": ids["resident_id"],
    }


register_world(NAME, fill)
