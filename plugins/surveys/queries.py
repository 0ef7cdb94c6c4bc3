"""The queries behind the hooks: the dashboard's running surveys, the day's households to
ask, the butler's work log and the resident's panel."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from core import clock, tenancy
from core.extensions import db
from core.models import Occupancy, Site, Unit, User
from core.plugins.api import DayItem, WorkLogEntry
from core.security import can
from plugins.surveys import rules
from plugins.surveys.labels import CHANNEL_LABELS
from plugins.surveys.models import Invitation, Survey

WIDGET_LIMIT = 5
PANEL_LIMIT = 10


def running_with_rates(site: Site) -> list[tuple[Survey, int, int]]:
    """The running surveys, each with its households asked and answered (two queries)."""
    surveys = rules.running(site)[:WIDGET_LIMIT]
    counts = dict(
        (survey_id, (asked, answered))
        for survey_id, asked, answered in db.session.execute(
            tenancy.select(
                Invitation,
                Invitation.survey_id,
                sa.func.count(Invitation.id),
                sa.func.count(Invitation.answered_at),
                site=site,
            )
            .where(Invitation.survey_id.in_([s.id for s in surveys]))
            .group_by(Invitation.survey_id)
        )
    )
    return [(s, *counts.get(s.id, (0, 0))) for s in surveys]


def _unit_label(unit: Unit) -> str:
    return f"{unit.building.code} {unit.number}" if unit.building else unit.number


def day_items(site: Site, user: User) -> list[DayItem]:
    """Households of running surveys in the butler's buildings still to ask."""
    if not can(user, "surveys.record", site):
        return []
    items = []
    for invitation, survey in rules.still_to_ask(site, user):
        items.append(
            DayItem(
                key=f"surveys.ask.{invitation.id}",
                title=_unit_label(invitation.unit),
                url=url_for(
                    "surveys.record",
                    site_slug=site.slug,
                    survey_id=survey.id,
                    invitation_id=invitation.id,
                ),
                kind=_l("Survey to ask"),
                detail=survey.title_in(str(get_locale())),
                overdue=survey.closes_on <= clock.today(site),
            )
        )
    return items


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    start, end = clock.day_bounds(site, day)
    return [
        WorkLogEntry(
            key=f"surveys.recorded.{invitation.id}",
            time=invitation.answered_at,
            kind=_l("Survey answers recorded"),
            title=_unit_label(invitation.unit),
            url=url_for("surveys.show", site_slug=site.slug, survey_id=invitation.survey_id),
            detail=invitation.survey.title_in(str(get_locale())),
            outcome=str(CHANNEL_LABELS.get(invitation.channel or "", "")),
        )
        for invitation in rules.recorded_by(site, butler, start, end)
    ]


def of_resident(site: Site, resident_id: int) -> list[tuple[Survey, Invitation]]:
    """The surveys the resident's households were asked, latest first: only whether they
    answered, never what (an anonymous survey's answers are not linked to them)."""
    units = sa.select(Occupancy.unit_id).where(
        Occupancy.site_id == site.id, Occupancy.resident_id == resident_id
    )
    rows = db.session.execute(
        sa.select(Survey, Invitation)
        .join(Invitation, Invitation.survey_id == Survey.id)
        .where(
            Survey.site_id == site.id,
            Invitation.site_id == site.id,
            Invitation.unit_id.in_(units),
        )
        .order_by(Survey.opens_on.desc(), Survey.id.desc())
        .limit(PANEL_LIMIT)
    ).all()
    return [(row[0], row[1]) for row in rows]
