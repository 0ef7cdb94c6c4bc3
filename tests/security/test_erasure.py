"""A resident's access request and erasure, across the core and every plugin.

The security world gives one of each plugin's rows on two sites, tied to each site's
resident. Site A's resident gets an identity of their own, written also where plugins copy
it (the owner of a handover, the payer of a fee, the receiver of a parcel...), and has been
archived long ago; a plugin turned off since keeps its rows. The export must hold every
row of every table that points at them; after the erasure no text or JSON column of any
table may still hold their name, phones, e-mail or number, while site B keeps its own.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from core import clock as core_clock
from core import uploads
from core.extensions import db
from core.models import AuditLog, MorningNote, OutboxMessage, PluginEnablement, Resident, Site
from core.plugins.host import CORE, host
from tests.security.conftest import build_world, logged_in

PERSON = {
    "name": "Tsang Wing-yan Erasable",
    "ref": "ERASE-7781",
    "phone": "61230001",
    "phone2": "61230002",
    "email": "tsang.wy@erase.example",
    "work_phone": "21230004",
    "emergency_contact_name": "Tsang Siu-ming Kin",
    "emergency_contact_phone": "61230003",
    "notes": "Prefers calls after six",
}
IDENTIFIERS = [v for k, v in PERSON.items() if k != "notes"]


def _copy_identity(site_id: int, resident_id: int, unit_id: int) -> dict[str, int]:
    """Write the resident's identity where plugins copy it; how many rows took each copy."""
    from plugins.care.models import CareParcel
    from plugins.events.models import Event
    from plugins.fees.models import FeesPayment
    from plugins.handover.models import HandoverBooking
    from plugins.inspections.models import InspectionsFinding
    from plugins.paid_services.models import PaidServicesOrder
    from plugins.service_desk.models import ServiceDeskRequest, ServiceDeskVisit
    from plugins.surveys.models import Answer, Invitation, Question, Response
    from plugins.visits.models import VisitsVisit
    from tests.example_plugin.models import ExampleNote

    name, phone, email = PERSON["name"], PERSON["phone"], PERSON["email"]
    # The resident answered the survey they were invited to, in words of their own.
    invitation = db.session.scalars(
        sa.select(Invitation).where(Invitation.site_id == site_id)
    ).first()
    question = db.session.scalars(
        sa.select(Question).where(Question.survey_id == invitation.survey_id)
    ).first()
    response = Response(
        site_id=site_id,
        survey_id=invitation.survey_id,
        invitation_id=invitation.id,
        building_id=invitation.building_id,
        channel="call",
        answered_on=core_clock.now().date(),
    )
    db.session.add(response)
    db.session.flush()
    db.session.add(
        Answer(
            site_id=site_id,
            response_id=response.id,
            question_id=question.id,
            building_id=invitation.building_id,
        )
    )
    db.session.flush()
    copies = {
        "handover_booking": sa.update(HandoverBooking)
        .where(HandoverBooking.site_id == site_id, HandoverBooking.unit_id == unit_id)
        .values(owner_name=name, owner_phone=phone, owner_email=email),
        "fees_payment": sa.update(FeesPayment)
        .where(FeesPayment.site_id == site_id, FeesPayment.unit_id == unit_id)
        .values(payer=name),
        "inspections_finding": sa.update(InspectionsFinding)
        .where(InspectionsFinding.site_id == site_id)
        .values(owner_kind="resident", owner_name=name),
        "paid_services_order": sa.update(PaidServicesOrder)
        .where(PaidServicesOrder.site_id == site_id, PaidServicesOrder.resident_id == resident_id)
        .values(accepted_by_name=name, note=f"Call {phone} first"),
        "care_parcel": sa.update(CareParcel)
        .where(CareParcel.site_id == site_id)
        .values(resident_id=resident_id, tracking_number=PERSON["ref"]),
        "service_desk_request": sa.update(ServiceDeskRequest)
        .where(ServiceDeskRequest.site_id == site_id, ServiceDeskRequest.resident_id == resident_id)
        .values(description=f"{name} rang from {phone}", root_cause=f"{name}'s pipe"),
        "service_desk_visit": sa.update(ServiceDeskVisit)
        .where(ServiceDeskVisit.site_id == site_id)
        .values(note=f"Met {name}"),
        "visits_visit": sa.update(VisitsVisit)
        .where(VisitsVisit.site_id == site_id)
        .values(resident_id=resident_id, form={"phone": phone, "email": email}, notes=name),
        "surveys_answer": sa.update(Answer)
        .where(Answer.site_id == site_id)
        .values(text=f"Ask {name}"),
        "events_event": sa.update(Event)
        .where(Event.site_id == site_id)
        .values(report=f"{name} won the raffle"),
        "example_note": sa.insert(ExampleNote).values(
            site_id=site_id, resident_id=resident_id, text=f"{name} likes the garden"
        ),
        "morning_note": sa.update(MorningNote)
        .where(MorningNote.site_id == site_id)
        .values(body=f"Visit {name} about the lift"),
        "outbox_message": sa.update(OutboxMessage)
        .where(OutboxMessage.site_id == site_id)
        .values(recipient=phone, body=f"Dear {name}"),
    }
    return {table: db.session.execute(stmt).rowcount for table, stmt in copies.items()}


def _seed(app, world) -> dict:
    a = world.a
    resident_id, unit_id = a.ids["resident_id"], a.ids["unit_id"]
    with app.app_context():
        copied = _copy_identity(a.site.id, resident_id, unit_id)
        resident = db.session.get(Resident, resident_id)
        for field, value in PERSON.items():
            setattr(resident, field, value)
        resident.archived_at = core_clock.now() - timedelta(days=7 * 366)
        # Their spouse on site A names them as the emergency contact.
        db.session.add(
            Resident(
                site_id=a.site.id,
                name="Spouse of the erased",
                emergency_contact_name=PERSON["name"],
                emergency_contact_phone=PERSON["phone"],
            )
        )
        # An audit entry a plugin wrote with the resident's name in it.
        db.session.add(
            AuditLog(
                site_id=a.site.id,
                action="events.registered",
                object_type="Registration",
                object_id=1,
                detail=json.dumps({"resident": PERSON["name"]}, ensure_ascii=False),
            )
        )
        # Events turned off since: its rows must still be exported and erased.
        db.session.execute(
            sa.update(PluginEnablement)
            .where(PluginEnablement.site_id == a.site.id, PluginEnablement.plugin == "events")
            .values(enabled=False)
        )
        db.session.commit()
    assert all(copied.values()), f"the world has no row to copy the identity into: {copied}"
    return copied


def _rows_pointing_at(resident_id: int) -> dict[str, int]:
    """Each table with a column pointing at ``resident``, and how many of its rows do."""
    found = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "resident" for fk in column.foreign_keys):
                count = db.session.scalar(
                    sa.select(sa.func.count()).select_from(table).where(column == resident_id)
                )
                if count:
                    found[table.name] = found.get(table.name, 0) + count
    return found


def _owner_of(table_name: str) -> str:
    for name, plugin in host().plugins.items():
        if any(model.__tablename__ == table_name for model in plugin.models):
            return name
    return CORE


def _leaks(site_id: int, texts: list[str]) -> list[str]:
    """``table.column`` of every text or JSON column of site ``site_id`` holding a text."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]
        if not columns:
            continue
        scope = []
        if "site_id" in table.c:
            scope.append(sa.or_(table.c.site_id == site_id, table.c.site_id.is_(None)))
        elif table.name == "site":
            scope.append(table.c.id == site_id)
        for column in columns:
            text = sa.cast(column, sa.Text)
            hit = sa.or_(*(text.contains(t, autoescape=True) for t in texts))
            if db.session.scalar(sa.select(sa.func.count()).select_from(table).where(hit, *scope)):
                found.append(f"{table.name}.{column.name}")
    return found


def test_the_export_holds_every_plugins_rows_and_the_erasure_leaves_nothing(app):
    from core.testing.factories import Factory

    world = build_world(app, Factory(app))
    _seed(app, world)
    a, b = world.a, world.b
    resident_id = a.ids["resident_id"]
    admin = logged_in(app, world.users["org_admin"])
    page = f"/s/{a.site.slug}/personal-data/residents/{resident_id}"

    with app.app_context():
        pointing = {(_owner_of(t), t): n for t, n in _rows_pointing_at(resident_id).items()}
        plugins_with_data = {plugin for plugin, _table in pointing}
        photo_keys = list(
            db.session.scalars(
                sa.text("SELECT key FROM service_desk_photo WHERE site_id = :s"), {"s": a.site.id}
            )
        )
    # Every plugin of the world that points at residents, the switched-off one too.
    assert {"care", "events", "health", "service_desk", "surveys", "visits"} <= plugins_with_data

    exported = admin.get(f"{page}/export.json")
    assert exported.status_code == 200
    assert exported.headers["Cache-Control"] == "no-store"
    assert "attachment" in exported.headers["Content-Disposition"]
    document = json.loads(exported.data)
    for (plugin, table), count in pointing.items():
        rows = document["plugins"][plugin][table]
        assert len(rows) == count, table
    for plugin in ("handover", "fees", "inspections", "paid_services"):
        assert plugin in document["plugins"], f"{plugin}'s rows naming the resident"
    assert document["plugins"][CORE]["resident"][0]["email"] == PERSON["email"]

    workbook = load_workbook(io.BytesIO(admin.get(f"{page}/export.xlsx").data), read_only=True)
    assert set(document["plugins"]) == set(workbook.sheetnames)

    shown = admin.get(page).get_data(as_text=True)
    assert "Erase this resident" in shown
    erased = admin.post(f"{page}/erase", data={"confirm_name": PERSON["name"]})
    assert erased.status_code == 303
    assert "erased" in admin.get(erased.headers["Location"]).get_data(as_text=True)

    with app.app_context():
        assert _leaks(a.site.id, IDENTIFIERS) == []
        resident = db.session.get(Resident, resident_id)
        assert resident.name == f"#{resident_id}" and resident.erased_at is not None
        # Site B's resident, with the same phone as site A's before, is untouched.
        other = db.session.get(Resident, b.ids["resident_id"])
        assert other.name == "Resident of site-b" and other.phone == "91234567"
        assert _leaks(b.site.id, ["Resident of site-b"]) != []
        entry = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "resident.erased")
        ).one()
        assert entry.object_id == resident_id
        assert entry.user_id == world.users["org_admin"].id
        # Their own record, and their spouse's that named them.
        assert json.loads(entry.detail)["tables"]["resident"] == {"deleted": 0, "anonymised": 2}
        assert not any(t in entry.detail for t in IDENTIFIERS)
        assert db.session.get(Site, a.site.id) is not None
    for key in photo_keys:
        with app.test_request_context():
            assert not uploads.path_of(key).exists()
