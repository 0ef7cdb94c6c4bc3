"""Summaries for managers: attendance and results out of range, by age band, with no names."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, render_template, request

from core import tenancy
from core.extensions import db
from core.security import requires
from plugins.health import reports
from plugins.health.models import HealthCampaign
from plugins.health.views import bp
from plugins.health.views.common import checks_of, counts_by_campaign


@bp.route("/summary")
@requires("health.summary.view")
def summary_index():
    period = request.args.get("period", "")
    stmt = tenancy.select(HealthCampaign).order_by(HealthCampaign.starts_on.desc())
    try:
        first = date.fromisoformat(period + "-01") if period else None
    except ValueError:
        first = None
    if first is not None:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        stmt = stmt.where(HealthCampaign.starts_on < following, HealthCampaign.ends_on >= first)
    campaigns = db.session.scalars(stmt.limit(200)).all()
    counts = counts_by_campaign([c.id for c in campaigns])
    return render_template(
        "health/summary_index.html",
        campaigns=campaigns,
        period=period if first else "",
        counts=counts,
        # A chart of the month's checks (of the latest dozen when no month is chosen).
        campaigns_chart=reports.campaigns_chart(campaigns[:12], counts),
    )


@bp.route("/campaigns/<int:campaign_id>/summary")
@requires("health.summary.view")
def summary(campaign_id: int):
    campaign = tenancy.get_or_404(HealthCampaign, campaign_id)
    data = reports.campaign_summary(campaign, checks_of(campaign))
    if request.args.get("export") == "xlsx":
        return Response(
            reports.summary_xlsx(campaign, data),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": f'attachment; filename="health-summary-{campaign.id}.xlsx"'
            },
        )
    return render_template("health/summary.html", campaign=campaign, data=data)
