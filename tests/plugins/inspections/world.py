"""The inspections plugin's part of the security world: one of each of its objects."""

from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import Building, PluginEnablement, Site, User
from core.testing.walks import register_world
from plugins.inspections import rules
from plugins.inspections.models import InspectionsDrawing, InspectionsPass, InspectionsPermit
from tests.plugins.inspections.conftest import PNG

NAME = "inspections"


def _photo(name: str) -> str:
    return uploads.save(FileStorage(io.BytesIO(PNG), name), plugin=NAME).key


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    building = db.session.get(Building, ids["building_id"])
    butler = db.session.get(User, ids["user_id"])
    now = core_clock.now()
    points = rules.seed_route(site, building)
    round_ = rules.start_round(site, building, butler, now)
    items = rules.items_for(site, round_, [p.id for p in points])
    _mark, finding = rules.mark(
        site,
        round_,
        butler,
        now,
        "finding",
        item=items[0],
        finding=rules.FindingInput(note="Lobby floor stained", photo_key=_photo("stain.png")),
    )
    finding.close_photo_key = _photo("clean.png")
    today = core_clock.today(site)
    permit = InspectionsPermit(
        site_id=site.id,
        unit_id=ids["unit_id"],
        number=f"RP-{site.slug}",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        contractor="Harbour Renovation Ltd",
    )
    db.session.add(permit)
    db.session.flush()
    worker = InspectionsPass(
        site_id=site.id,
        permit_id=permit.id,
        name="Lee Ka Ho",
        photo_key=_photo("lee.png"),
        expires_on=today + timedelta(days=30),
    )
    drawing = InspectionsDrawing(
        site_id=site.id, permit_id=permit.id, key=_photo("plan.png"), original_name="plan.png"
    )
    db.session.add_all([worker, drawing])
    db.session.flush()
    return {
        "round_id": round_.id,
        "checkpoint_id": points[0].id,
        "item_id": items[0].id,
        "finding_id": finding.id,
        "permit_id": permit.id,
        "pass_id": worker.id,
        "drawing_id": drawing.id,
        "unit_id": ids["unit_id"],
        "building_id": ids["building_id"],
    }


register_world(NAME, fill)
