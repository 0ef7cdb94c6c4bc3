"""The campaign summary (no names), its spreadsheet, a resident's own data export, the
dashboard's next health check and the campaigns a search finds."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import case, func, select

from core import clock, tenancy
from core.buildings import looked_after
from core.charts import Chart, Series
from core.exports import neutralise
from core.extensions import db
from core.models import Occupancy, Resident, Site, Unit, User
from core.plugins.api import Sheet
from core.search import like_escape
from plugins.health.models import (
    HealthCampaign,
    HealthCheck,
    HealthErasure,
    HealthInvitation,
    HealthProfile,
    HealthResult,
)
from plugins.health.rules import AGE_BANDS, check_name, show

# A cell counting fewer people than this is not shown: a tiny group can name a person.
SMALLEST_GROUP = 3


def _bands() -> list[str]:
    return [f"{low}+" if high >= 150 else f"{low}-{high}" for low, high in AGE_BANDS] + ["?"]


def campaign_summary(campaign: HealthCampaign, checks: list[HealthCheck]) -> dict[str, Any]:
    """Attendance and, per check and age band, how many were measured and the share out
    of range. Counts only: no resident is named, and small groups are hidden."""
    site_id = campaign.site_id
    statuses = dict(
        db.session.execute(
            tenancy.select(
                HealthInvitation,
                HealthInvitation.status,
                func.count(HealthInvitation.id),
                site=site_id,
            )
            .where(HealthInvitation.campaign_id == campaign.id)
            .group_by(HealthInvitation.status)
        ).all()
    )
    invited = sum(statuses.values())
    # Counted by the database, per check and age band: a campaign holds thousands of rows.
    band = case(
        *[
            (HealthResult.age.between(low, high), f"{low}+" if high >= 150 else f"{low}-{high}")
            for low, high in AGE_BANDS
        ],
        else_="?",
    )
    out_of_range = func.sum(case((HealthResult.flag.in_(("high", "low")), 1), else_=0))
    rows = db.session.execute(
        tenancy.select(
            HealthResult,
            HealthResult.check_id,
            band,
            func.count(HealthResult.id),
            out_of_range,
            site=site_id,
        )
        .where(HealthResult.campaign_id == campaign.id)
        .group_by(HealthResult.check_id, band)
    ).all()
    cells: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for check_id, age_group, measured, out in rows:
        for key, store in (((check_id, age_group), cells), (check_id, totals)):
            store[key][0] += measured
            store[key][1] += int(out or 0)
    bands = _bands()

    def cell(counts: list[int]) -> dict[str, Any]:
        measured, out = counts
        if measured < SMALLEST_GROUP:
            return {"measured": measured, "share": None}
        return {"measured": measured, "share": round(100 * out / measured)}

    measures = []
    for check in checks:
        measures.append(
            {
                "name": check_name(check),
                "total": cell(totals[check.id]),
                "bands": [cell(cells[(check.id, band)]) for band in bands],
            }
        )
    attended = statuses.get("attended", 0)
    return {
        "invited": invited,
        "booked": statuses.get("booked", 0),
        "attended": attended,
        "missed": statuses.get("missed", 0),
        "declined": statuses.get("declined", 0),
        "attendance": round(100 * attended / invited) if invited else None,
        "bands": bands,
        "measures": measures,
        "smallest": SMALLEST_GROUP,
    }


def summary_xlsx(campaign: HealthCampaign, data: dict[str, Any]) -> bytes:
    """The summary as a workbook: attendance, then one row per check and age band."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Summary")[:31])
    sheet.append([neutralise(campaign.name)])
    for label, key in (
        (_("Invited"), "invited"),
        (_("Booked"), "booked"),
        (_("Came"), "attended"),
        (_("Did not come"), "missed"),
        (_("Declined"), "declined"),
    ):
        sheet.append([label, data[key]])
    sheet.append([])
    sheet.append([_("Check"), _("Age band"), _("Measured"), _("Outside normal range (%)")])
    for measure in data["measures"]:
        rows = [(_("All ages"), measure["total"])] + list(
            zip(data["bands"], measure["bands"], strict=True)
        )
        for band, cell in rows:
            share = cell["share"] if cell["share"] is not None else ""
            sheet.append([neutralise(measure["name"]), band, cell["measured"], share])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def subject_export(resident: Resident) -> dict[str, Any]:
    """Everything the programme holds about ``resident``, for a data-subject request."""
    site_id = resident.site_id
    profile = db.session.scalar(
        tenancy.select(HealthProfile, site=site_id).where(HealthProfile.resident_id == resident.id)
    )
    results = db.session.execute(
        tenancy.select(HealthResult, HealthResult, HealthCheck, HealthCampaign.name, site=site_id)
        .join(HealthCheck, HealthCheck.id == HealthResult.check_id)
        .join(HealthCampaign, HealthCampaign.id == HealthResult.campaign_id)
        .where(HealthResult.resident_id == resident.id)
        .order_by(HealthResult.measured_on, HealthResult.id)
    ).all()
    invitations = db.session.execute(
        tenancy.select(HealthInvitation, HealthInvitation, HealthCampaign.name, site=site_id)
        .join(HealthCampaign, HealthCampaign.id == HealthInvitation.campaign_id)
        .where(HealthInvitation.resident_id == resident.id)
        .order_by(HealthInvitation.invited_at)
    ).all()
    erasures = db.session.scalars(
        tenancy.select(HealthErasure, site=site_id).where(HealthErasure.resident_id == resident.id)
    ).all()
    who = {e.erased_by_id for e in erasures} - {None}
    names = (
        dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(who))).all())
        if who
        else {}
    )
    return {
        "resident": {"id": resident.id, "name": resident.name, "ref": resident.ref},
        "profile": None
        if profile is None
        else {
            "sex": profile.sex,
            "birth_date": profile.birth_date,
            "consent": profile.consent,
            "consent_given_at": profile.consent_given_at,
            "consent_withdrawn_at": profile.consent_withdrawn_at,
        },
        "results": [
            {
                "campaign": campaign_name,
                "check": check_name(check),
                "unit": check.unit,
                "measured_on": r.measured_on,
                "value": show(r.value, check.decimals),
                "value2": show(r.value2, 0) if r.value2 is not None else None,
                "flag": r.flag,
                "normal_range": None
                if r.range_low is None
                else f"{show(r.range_low, check.decimals)}-{show(r.range_high, check.decimals)}",
            }
            for r, check, campaign_name in results
        ],
        "invitations": [
            {
                "campaign": campaign_name,
                "status": inv.status,
                "invited_at": inv.invited_at,
                "assessment": inv.assessment,
            }
            for inv, campaign_name in invitations
        ],
        "erasures": [
            {"erased_at": e.erased_at, "erased_by": names.get(e.erased_by_id, "")} for e in erasures
        ],
    }


def next_campaign(site: Site) -> dict[str, Any]:
    """The dashboard widget's figures: the next health check not yet over, and its
    invitations by status."""
    campaign = db.session.scalar(
        tenancy.select(HealthCampaign, site=site)
        .where(HealthCampaign.ends_on >= clock.now().date())
        .order_by(HealthCampaign.starts_on, HealthCampaign.id)
        .limit(1)
    )
    counts = {}
    if campaign is not None:
        counts = dict(
            db.session.execute(
                tenancy.select(
                    HealthInvitation,
                    HealthInvitation.status,
                    func.count(HealthInvitation.id),
                    site=site,
                )
                .where(HealthInvitation.campaign_id == campaign.id)
                .group_by(HealthInvitation.status)
            ).all()
        )
    return {"campaign": campaign, "counts": counts}


def campaigns_named(site: Site, query: str) -> list[HealthCampaign]:
    """Up to ten campaigns whose name holds ``query``, the latest first (search)."""
    return list(
        db.session.scalars(
            tenancy.select(HealthCampaign, site=site)
            .where(HealthCampaign.name.ilike(f"%{like_escape(query)}%", escape="\\"))
            .order_by(HealthCampaign.starts_on.desc())
            .limit(10)
        )
    )


# --- The butler's share, for the hand-in pack -------------------------------------------

# The columns' order: answers first, the invitations not answered yet last.
INVITATION_STATUSES = ("booked", "attended", "missed", "declined", "invited")


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """For each health check held in ``period``: how the residents of the butler's
    buildings answered their invitations (counts only, no names and no values)."""
    first = date(int(period[:4]), int(period[5:7]), 1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    theirs = (
        select(Occupancy.resident_id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(
            Occupancy.site_id == site.id,
            Occupancy.moved_out.is_(None),
            Unit.building_id.in_(looked_after(site.id, butler.id)),
        )
    )
    campaigns = db.session.scalars(
        tenancy.select(HealthCampaign, site=site)
        .where(HealthCampaign.starts_on < after, HealthCampaign.ends_on >= first)
        .order_by(HealthCampaign.starts_on, HealthCampaign.id)
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for campaign_id, state, n in db.session.execute(
        tenancy.select(
            HealthInvitation,
            HealthInvitation.campaign_id,
            HealthInvitation.status,
            func.count(HealthInvitation.id),
            site=site,
        )
        .where(
            HealthInvitation.campaign_id.in_([c.id for c in campaigns] or [0]),
            HealthInvitation.resident_id.in_(theirs),
        )
        .group_by(HealthInvitation.campaign_id, HealthInvitation.status)
    ).all():
        counts[campaign_id][state] = n
    rows = []
    for campaign in campaigns:
        by_state = counts.get(campaign.id, {})
        invited = sum(by_state.values())
        attended = by_state.get("attended", 0)
        rows.append(
            (
                campaign.name,
                invited,
                *(by_state.get(state, 0) for state in INVITATION_STATUSES),
                round(100 * attended / invited) if invited else None,
            )
        )
    return Sheet(
        title=_("Health checks of my buildings"),
        columns=(
            _("Health check"),
            _("Invited"),
            _("Booked"),
            _("Came"),
            _("Did not come"),
            _("Declined"),
            _("Not answered yet"),
            _("Attendance (%)"),
        ),
        rows=tuple(rows),
        keys=tuple(str(c.id) for c in campaigns),
    )


def campaigns_chart(campaigns: list, counts: dict[int, dict[str, int]]) -> Chart:
    """Each health check of the list: residents invited, who booked a time, who came."""

    def figure(kind: str) -> tuple[int, ...]:
        return tuple(counts.get(c.id, {}).get(kind, 0) for c in campaigns)

    return Chart(
        "bar",
        _("Invited, booked and came, by health check"),
        labels=tuple(c.name for c in campaigns),
        series=(
            Series(_("Invited"), figure("invited")),
            Series(_("Booked"), figure("booked")),
            Series(_("Came"), figure("attended")),
        ),
    )
