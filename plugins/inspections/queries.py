"""What the rounds give the core's pages: the day's items, the work log's lines and the
dashboard's figures (usable outside a request, with ``url_for`` inside one)."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.models import Site, User
from core.plugins.api import DayItem, WorkLogEntry
from plugins.inspections import labels, rules


def day_items(site: Site, user: User, day: date, now: datetime) -> list[DayItem]:
    buildings = rules.buildings_of(site, user)
    if not buildings:
        return []
    items = []
    zone = clock.zone(site)
    for due in rules.rounds_due(site, buildings, day):
        at = due.period.start.astimezone(zone).strftime("%H:%M")
        if due.done:
            detail = _(
                "Walked: %(ok)s OK, %(findings)s findings",
                ok=due.round.ok_count,
                findings=due.round.finding_count,
            )
            if due.late:
                detail = _("Late") + " · " + detail
        elif due.overdue(now):
            detail = _(
                "Not walked by %(due)s", due=due.period.due.astimezone(zone).strftime("%H:%M")
            )
        else:
            detail = _("Due by %(due)s", due=due.period.due.astimezone(zone).strftime("%H:%M"))
        url = (
            url_for("inspections.show", round_id=due.round.id)
            if due.round is not None
            else url_for("inspections.index")
        )
        items.append(
            DayItem(
                key=f"inspections.round.{due.building.id}.{due.period.key}",
                title=_("Round of %(building)s at %(at)s", building=due.building.code, at=at),
                url=url,
                kind=_l("Round"),
                time=due.period.start,
                detail=detail,
                done=due.done,
                overdue=due.overdue(now),
                permission="inspections.view",
            )
        )
    for finding in rules.findings_due(site, [b.id for b in buildings], day):
        items.append(
            DayItem(
                key=f"inspections.finding.{finding.id}",
                title=finding.note[:80],
                url=url_for("inspections.finding", finding_id=finding.id),
                kind=_l("Finding to close"),
                detail=_("Due %(day)s", day=finding.due_on.isoformat())
                + " · "
                + str(labels.OWNER_LABELS[finding.owner_kind]),
                overdue=finding.due_on < day,
                permission="inspections.view",
            )
        )
    return items


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    start, end = clock.day_bounds(site, day)
    lines = []
    rounds = rules.rounds_walked(site, butler, start, end)
    codes = rules.building_codes(site, {r.building_id for r in rounds})
    for round_ in rounds:
        kind = labels.ROUND_KIND_LABELS[round_.kind]
        detail = round_.participants if round_.kind == "joint" else ""
        lines.append(
            WorkLogEntry(
                key=f"inspections.round.{round_.id}",
                time=round_.completed_at,
                kind=kind,
                title=_(
                    "%(kind)s of %(building)s",
                    kind=kind,
                    building=codes.get(round_.building_id, ""),
                ),
                url=url_for("inspections.show", round_id=round_.id),
                detail=detail,
                outcome=_(
                    "%(ok)s OK, %(findings)s findings",
                    ok=round_.ok_count,
                    findings=round_.finding_count,
                ),
            )
        )
    for finding in rules.findings_raised(site, butler, start, end):
        lines.append(
            WorkLogEntry(
                key=f"inspections.finding.{finding.id}",
                time=finding.raised_at,
                kind=_l("Finding raised"),
                title=finding.note[:120],
                url=url_for("inspections.finding", finding_id=finding.id),
                detail=f"{labels.AREA_LABELS[finding.area]} · {labels.KIND_LABELS[finding.kind]}",
                outcome=_("Due %(day)s", day=finding.due_on.isoformat()),
            )
        )
    for finding in rules.findings_closed(site, butler, start, end):
        lines.append(
            WorkLogEntry(
                key=f"inspections.closed.{finding.id}",
                time=finding.closed_at,
                kind=_l("Finding closed"),
                title=finding.note[:120],
                url=url_for("inspections.finding", finding_id=finding.id),
                outcome=finding.close_note[:200],
            )
        )
    return lines
