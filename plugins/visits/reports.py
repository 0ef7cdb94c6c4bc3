"""The visits plugin's reports: the quota per butler (ranked), and the month's visit forms."""

from __future__ import annotations

import re

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core import charts, clock
from core.exports import xlsx_bytes
from core.models import Site, User
from core.plugins.api import Sheet
from core.security import can, requires
from core.tenancy import current_site
from plugins.visits import rules
from plugins.visits.labels import KIND_LABELS, OUTCOME_LABELS
from plugins.visits.views import PROFILE_FIELDS, bp, profile_labels

PERIOD = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")
FORMS_LIMIT = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(site: Site) -> tuple[str, str | None]:
    period = request.args.get("period", "")
    if PERIOD.match(period):
        return period, None
    fallback = clock.this_month(site)
    if period:
        return fallback, _("Choose a month as YYYY-MM, for example 2026-11.")
    return fallback, None


def _xlsx(data: bytes, name: str) -> Response:
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- The quota -----------------------------------------------------------------------


def quota_of(site: Site, period: str):
    """The month ``period``, its quarter, and each butler's counts, ranked."""
    today = clock.today(site)
    month = rules.month_span(site, period)
    quarter = rules.span_of(site, rules.QUARTER, month.first)
    return month, quarter, rules.quota(site, month, quarter, today)


def quota_charts(rows, goals: rules.Targets) -> list[charts.Chart]:
    names = [r.name for r in rows]
    return [
        charts.Chart(
            "target",
            title,
            tuple(names),
            (charts.Series(_("Households visited (%)"), tuple(values)),),
            unit=" %",
            target=target / 10,
            target_label=_("target %(share)s %%", share=target / 10),
        )
        for title, values, target in (
            (_("Households visited this month"), [r.month.percent for r in rows], goals.month),
            (
                _("Households visited this quarter"),
                [r.quarter.percent for r in rows],
                goals.quarter,
            ),
        )
    ]


@bp.route("/reports/quota")
@requires("visits.reports")
def quota_report():
    site = current_site()
    period, error = _period(site)
    month, quarter, rows = quota_of(site, period)
    goals = rules.targets(site)
    return render_template(
        "visits/report_quota.html",
        period=period,
        error=error,
        month=month,
        quarter=quarter,
        rows=rows,
        goals=goals,
        charts=quota_charts(rows, goals) if rows else [],
    ), (422 if error else 200)


@bp.route("/reports/quota.xlsx")
@requires("visits.reports")
def quota_export():
    site = current_site()
    period, error = _period(site)
    if error:
        return quota_report()
    month, quarter, rows = quota_of(site, period)
    header = [
        _("Butler"),
        _("Households"),
        _("Visited this month"),
        _("Month (%)"),
        _("Households this quarter"),
        _("Visited this quarter"),
        _("Quarter (%)"),
    ]
    values = [
        (
            r.name,
            r.month.households,
            r.month.visited,
            r.month.percent,
            r.quarter.households,
            r.quarter.visited,
            r.quarter.percent,
        )
        for r in rows
    ]
    return _xlsx(
        xlsx_bytes(values, period, header=header), f"visits-quota-{site.slug}-{period}.xlsx"
    )


# --- The month's forms ------------------------------------------------------------------


def _butler_filter() -> int | None:
    """The butler whose forms are shown: the reader themself without the reports right."""
    if not can(current_user, "visits.reports"):
        return current_user.id
    value = request.args.get("butler", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def _form_rows(visits) -> list[tuple]:
    labels = profile_labels()
    rows = []
    for v in visits:
        changed = ", ".join(labels[name] for name in v.changed if name in labels)
        rows.append(
            (
                v.visited_on,
                v.visited_at.astimezone(clock.zone(current_site())).strftime("%H:%M"),
                v.unit.label,
                v.resident.name,
                str(KIND_LABELS[v.kind]),
                str(OUTCOME_LABELS[v.outcome]),
                v.butler.display_name,
                v.companions,
                v.notes,
                changed,
                *[v.form.get(name) or "" for name in PROFILE_FIELDS],
            )
        )
    return rows


def _form_header() -> list[str]:
    labels = profile_labels()
    return [
        _("Day"),
        _("Time of the visit"),
        _("Unit"),
        _("Household visited"),
        _("Kind of visit"),
        _("Outcome"),
        _("Butler"),
        _("Who came along"),
        _("What was said and done"),
        _("Changed during the visit"),
        *[labels[name] for name in PROFILE_FIELDS],
    ]


@bp.route("/reports/forms")
@requires("visits.view")
def forms_report():
    site = current_site()
    period, error = _period(site)
    month = rules.month_span(site, period)
    visits = rules.visits_between(site, month.first, month.last, _butler_filter())
    return render_template(
        "visits/report_forms.html",
        period=period,
        error=error,
        visits=visits[:FORMS_LIMIT],
        more=max(0, len(visits) - FORMS_LIMIT),
        butler=_butler_filter(),
        labels=profile_labels(),
        profile_fields=PROFILE_FIELDS,
        kind_labels=KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
    ), (422 if error else 200)


@bp.route("/reports/forms.xlsx")
@requires("visits.view")
def forms_export():
    site = current_site()
    period, error = _period(site)
    if error:
        return forms_report()
    month = rules.month_span(site, period)
    visits = rules.visits_between(site, month.first, month.last, _butler_filter())
    return _xlsx(
        xlsx_bytes(_form_rows(visits), period, header=_form_header()),
        f"visits-forms-{site.slug}-{period}.xlsx",
    )


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The butler's visits of the month, one row per visit, for the hand-in pack."""
    month = rules.month_span(site, period)
    visits = rules.visits_between(site, month.first, month.last, butler.id)
    labels = profile_labels()
    return Sheet(
        title=_("Home visits"),
        columns=(
            _("Day"),
            _("Unit"),
            _("Household visited"),
            _("Kind of visit"),
            _("Outcome"),
            _("Changed during the visit"),
        ),
        rows=tuple(
            (
                v.visited_on,
                v.unit.label,
                v.resident.name,
                str(KIND_LABELS[v.kind]),
                str(OUTCOME_LABELS[v.outcome]),
                ", ".join(labels[n] for n in v.changed if n in labels),
            )
            for v in visits
        ),
        keys=tuple(f"visit-{v.id}" for v in visits),
    )
