"""Surveys' rules: the cadences' templates, who is asked (the target and the stratified
sample), the personal links, the answers taken once, and the reminder."""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from core import audit, clock, outbox, tenancy
from core.buildings import looked_after
from core.extensions import db
from core.models import Building, Occupancy, Resident, Site, Unit, User
from plugins.surveys.models import (
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
    TargetBuilding,
)
from plugins.surveys.words import words_of

SOURCE = "surveys"
REMIND_DAYS_BEFORE_CLOSE = 3
MAX_TEXT = 2000
LOW_RATING = 2  # a rating of 1 or 2 out of 5 can open a follow-up
LOW_NPS = 4  # so can a recommendation of 0 to 4 out of 10

# --- The cadences' templates, seeded per site ----------------------------------------------

_Q = {
    "overall": (
        "rating",
        "How satisfied are you with our management services overall?",
        "整體而言，您對我們的管理服務滿意嗎？",
        "整体而言，您对我们的管理服务满意吗？",
        [],
    ),
    "cleaning": (
        "rating",
        "How satisfied are you with the cleaning of the estate?",
        "您對屋苑的清潔滿意嗎？",
        "您对屋苑的清洁满意吗？",
        [],
    ),
    "security": (
        "rating",
        "How satisfied are you with the security service?",
        "您對保安服務滿意嗎？",
        "您对保安服务满意吗？",
        [],
    ),
    "recommend": (
        "nps",
        "How likely are you to recommend our management to a friend?",
        "您有多大可能向朋友推薦我們的管理服務？",
        "您有多大可能向朋友推荐我们的管理服务？",
        [],
    ),
    "contact": (
        "single",
        "How would you rather hear from us?",
        "您希望我們怎樣聯絡您？",
        "您希望我们怎样联络您？",
        [("SMS", "短訊", "短信"), ("E-mail", "電郵", "电邮"), ("Notice board", "告示板", "告示板")],
    ),
    "improve": (
        "multiple",
        "Which services should we improve?",
        "您認為我們應改善哪些服務？",
        "您认为我们应改善哪些服务？",
        [
            ("Cleaning", "清潔", "清洁"),
            ("Security", "保安", "保安"),
            ("Repairs", "維修", "维修"),
            ("Facilities", "設施", "设施"),
            ("Community events", "社區活動", "社区活动"),
        ],
    ),
    "comments": (
        "text",
        "Anything else you would like to tell us?",
        "還有其他意見想告訴我們嗎？",
        "还有其他意见想告诉我们吗？",
        [],
    ),
}

TEMPLATES = {
    "monthly": (
        ("Monthly pulse survey", "每月意見調查", "每月意见调查"),
        ("overall", "recommend", "comments"),
    ),
    "quarterly": (
        ("Quarterly survey", "季度意見調查", "季度意见调查"),
        ("overall", "cleaning", "security", "recommend", "comments"),
    ),
    "half_yearly": (
        ("Half-yearly survey", "半年度意見調查", "半年度意见调查"),
        ("overall", "cleaning", "security", "improve", "recommend", "comments"),
    ),
    "annual": (
        ("Annual residents' survey", "年度客戶意見調查", "年度客户意见调查"),
        ("overall", "cleaning", "security", "contact", "improve", "recommend", "comments"),
    ),
}


def options_json(options: list[tuple[str, str, str]]) -> str:
    return json.dumps(
        [{"en": en, "zh_Hant": hant, "zh_Hans": hans} for en, hant, hans in options],
        ensure_ascii=False,
    )


def seed_templates(site: Site) -> None:
    """The four cadences' templates of ``site``, each added once."""
    have = set(
        db.session.scalars(
            tenancy.select(Survey, Survey.cadence, site=site).where(Survey.is_template.is_(True))
        )
    )
    today = clock.today(site)
    for cadence, (titles, codes) in TEMPLATES.items():
        if cadence in have:
            continue
        template = Survey(
            site_id=site.id,
            is_template=True,
            cadence=cadence,
            title_en=titles[0],
            title_zh_hant=titles[1],
            title_zh_hans=titles[2],
            opens_on=today,
            closes_on=today,
        )
        db.session.add(template)
        db.session.flush()
        for position, code in enumerate(codes):
            kind, en, hant, hans, options = _Q[code]
            db.session.add(
                Question(
                    site_id=site.id,
                    survey_id=template.id,
                    position=position,
                    code=code,
                    kind=kind,
                    text_en=en,
                    text_zh_hant=hant,
                    text_zh_hans=hans,
                    options_json=options_json(options),
                )
            )
    db.session.flush()


def start_wave(
    template: Survey,
    *,
    opens_on: date,
    closes_on: date,
    target: str,
    anonymous: bool,
    building_ids: list[int] = (),
    sample_size: int | None = None,
    by: User | None = None,
) -> Survey:
    """A new draft wave of ``template`` with its questions copied."""
    wave = Survey(
        site_id=template.site_id,
        template_id=template.id,
        cadence=template.cadence,
        title_en=template.title_en,
        title_zh_hant=template.title_zh_hant,
        title_zh_hans=template.title_zh_hans,
        anonymous=anonymous,
        target=target,
        sample_size=sample_size if target == "sample" else None,
        # The seed is kept so that the same sample can be drawn again and checked.
        sample_seed=random.SystemRandom().randrange(1, 2**31 - 1) if target == "sample" else None,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by_id=by.id if by else None,
    )
    db.session.add(wave)
    db.session.flush()
    for building_id in building_ids if target != "site" else ():
        db.session.add(
            TargetBuilding(site_id=wave.site_id, survey_id=wave.id, building_id=building_id)
        )
    for q in template.questions:
        db.session.add(
            Question(
                site_id=wave.site_id,
                survey_id=wave.id,
                position=q.position,
                code=q.code,
                kind=q.kind,
                text_en=q.text_en,
                text_zh_hant=q.text_zh_hant,
                text_zh_hans=q.text_zh_hans,
                options_json=q.options_json,
            )
        )
    db.session.flush()
    return wave


def add_question(survey: Survey, kind: str, texts: tuple[str, str, str], options) -> Question:
    """A question added at the end of a draft survey."""
    position = 1 + (
        db.session.scalar(
            tenancy.select(Question, sa.func.max(Question.position), site=survey.site_id).where(
                Question.survey_id == survey.id
            )
        )
        or 0
    )
    question = Question(
        site_id=survey.site_id,
        survey_id=survey.id,
        position=position,
        code=f"custom{position}",
        kind=kind,
        text_en=texts[0],
        text_zh_hant=texts[1],
        text_zh_hans=texts[2],
        options_json=options_json(options),
    )
    db.session.add(question)
    db.session.flush()
    return question


# --- Who is asked ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Household:
    unit_id: int
    building_id: int
    resident_id: int | None


def households(site: Site | int, building_ids: list[int] | None = None) -> list[Household]:
    """Occupied units of the site (of these buildings), each with its contact: the primary
    contact living there, else the first resident. In the order of the unit ids."""
    site_id = tenancy.site_id_of(site)
    stmt = (
        sa.select(Unit.id, Unit.building_id, Occupancy.resident_id, Occupancy.is_primary_contact)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .join(Resident, Resident.id == Occupancy.resident_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Unit.site_id == site_id,
            Occupancy.site_id == site_id,
            Occupancy.moved_out.is_(None),
            Unit.archived_at.is_(None),
            Building.archived_at.is_(None),
            Resident.archived_at.is_(None),
        )
        .order_by(Unit.id, Occupancy.is_primary_contact.desc(), Occupancy.resident_id)
    )
    if building_ids is not None:
        stmt = stmt.where(Unit.building_id.in_(building_ids))
    seen: dict[int, Household] = {}
    for unit_id, building_id, resident_id, _primary in db.session.execute(stmt):
        seen.setdefault(unit_id, Household(unit_id, building_id, resident_id))
    return list(seen.values())


def stratified_sample(population: list[Household], size: int, seed: int) -> list[Household]:
    """``size`` households drawn at random, each building's share in proportion to its
    households (largest remainders), the same draw for the same seed."""
    if size >= len(population):
        return list(population)
    strata: dict[int, list[Household]] = {}
    for household in sorted(population, key=lambda h: h.unit_id):
        strata.setdefault(household.building_id, []).append(household)
    total = len(population)
    quotas = {b: size * len(members) / total for b, members in strata.items()}
    counts = {b: int(q) for b, q in quotas.items()}
    left = size - sum(counts.values())
    for b in sorted(quotas, key=lambda b: (-(quotas[b] - counts[b]), b))[:left]:
        counts[b] += 1
    rng = random.Random(seed)
    chosen: list[Household] = []
    for b in sorted(strata):
        chosen += rng.sample(strata[b], counts[b])
    return sorted(chosen, key=lambda h: h.unit_id)


def target_households(survey: Survey) -> list[Household]:
    # A sample is drawn from the buildings named, or from the whole site when none is.
    building_ids = [b.id for b in survey.buildings] if survey.target != "site" else None
    if survey.target == "sample" and not building_ids:
        building_ids = None
    population = households(survey.site_id, building_ids)
    if survey.target == "sample":
        return stratified_sample(population, survey.sample_size or 0, survey.sample_seed or 0)
    return population


# --- Links ---------------------------------------------------------------------------------


def _serializer(survey_id: int) -> URLSafeSerializer:
    # A salt per survey: a link of one survey cannot be replayed on another.
    return URLSafeSerializer(current_app.secret_key, salt=f"butler.surveys.answer.{survey_id}")


def token_for(invitation: Invitation) -> str:
    return _serializer(invitation.survey_id).dumps(invitation.id)


class LinkRefused(Exception):
    """Why a personal link is not taken: ``reason`` is altered, expired, used or closed."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation  # when the link was genuine (used, expired)


def invitation_of_token(site: Site, survey: Survey, token: str) -> Invitation:
    """The invitation a link names, or ``LinkRefused``."""
    try:
        ident = _serializer(survey.id).loads(token)
    except BadSignature:
        raise LinkRefused("altered") from None
    if not isinstance(ident, int) or not 0 < ident < 2**31:
        raise LinkRefused("altered")
    invitation = db.session.scalar(
        tenancy.select(Invitation, site=site).where(
            Invitation.id == ident, Invitation.survey_id == survey.id
        )
    )
    if invitation is None:
        raise LinkRefused("altered")
    if invitation.answered_at is not None:
        raise LinkRefused("used", invitation)
    state = survey.state(clock.today(site))
    if state == "closed":
        raise LinkRefused("expired", invitation)
    if state != "running":
        raise LinkRefused("altered")
    return invitation


def answer_url(site: Site, survey: Survey, token: str) -> str:
    """The full address of a personal link. Outside a request (a job) the host is
    ``BUTLER_BASE_URL`` (the setting, else the environment variable), e.g.
    ``https://butler.example.com``."""
    values = {"site_slug": site.slug, "survey_id": survey.id, "token": token}
    if has_request_context():
        return url_for("surveys.answer", _external=True, **values)
    setting = current_app.config.get("BUTLER_BASE_URL") or os.environ.get("BUTLER_BASE_URL")
    base = urlsplit((setting or "").strip() or "http://localhost:5000")
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build("surveys.answer", values, force_external=True)


def channel_for(resident: Resident | None) -> tuple[str, str] | None:
    """The channel and address a resident agreed to be told through, or None."""
    if resident is None:
        return None
    if resident.consent_sms and resident.phone:
        return "sms", resident.phone
    if resident.consent_email and resident.email:
        return "email", resident.email
    return None


def send_link(site: Site, invitation: Invitation, kind: str) -> bool:
    """Queue the personal link (``kind`` invitation or reminder) in the resident's
    language, once; False without consent or when it was queued before."""
    resident = db.session.get(Resident, invitation.resident_id) if invitation.resident_id else None
    address = channel_for(resident)
    if address is None or resident.site_id != site.id:
        return False
    survey = invitation.survey
    locale = resident.preferred_locale or site.default_locale or "en"
    link = answer_url(site, survey, token_for(invitation))
    with force_locale(locale):
        title = survey.title_in(locale)
        closes = survey.closes_on.isoformat()
        if kind == "reminder":
            subject = _("Survey reminder: %(title)s", title=title)
            body = _(
                "A reminder: we would be glad of your answers to %(title)s before %(date)s: "
                "%(link)s",
                title=title,
                date=closes,
                link=link,
            )
        else:
            subject = title
            body = _(
                "Please tell us what you think of our services: %(title)s. "
                "Your link, open until %(date)s: %(link)s",
                title=title,
                date=closes,
                link=link,
            )
    queued = outbox.queue(
        site,
        address[0],
        address[1],
        str(subject),
        str(body),
        dedupe_key=f"surveys:{kind}:{survey.id}:{invitation.id}",
        resident=resident,
        source=SOURCE,
    )
    return queued is not None


def launch(site: Site, survey: Survey, by: User | None = None) -> int:
    """Invite the target's households and queue their links; how many were invited."""
    if survey.launched_at is not None:
        return 0
    chosen = target_households(survey)
    invitations = []
    for household in chosen:
        invitation = Invitation(
            site_id=site.id,
            survey_id=survey.id,
            unit_id=household.unit_id,
            building_id=household.building_id,
            resident_id=household.resident_id,
        )
        db.session.add(invitation)
        invitations.append(invitation)
    survey.launched_at = clock.now()
    db.session.flush()
    for invitation in invitations:
        send_link(site, invitation, "invitation")
    audit.record("surveys.launched", survey, detail={"households": len(invitations)})
    return len(invitations)


def send_reminders(site: Site, now: datetime) -> int:
    """Remind, once, the households of running surveys that have not answered when the
    survey closes within ``REMIND_DAYS_BEFORE_CLOSE`` days; how many were queued."""
    today = now.astimezone(clock.zone(site)).date()
    surveys = db.session.scalars(
        tenancy.select(Survey, site=site).where(
            Survey.is_template.is_(False),
            Survey.launched_at.is_not(None),
            Survey.closed_at.is_(None),
            Survey.closes_on >= today,
        )
    ).all()
    queued = 0
    for survey in surveys:
        if (survey.closes_on - today).days > REMIND_DAYS_BEFORE_CLOSE:
            continue
        pending = db.session.scalars(
            tenancy.select(Invitation, site=site)
            .where(Invitation.survey_id == survey.id, Invitation.answered_at.is_(None))
            .order_by(Invitation.id)
        ).all()
        queued += sum(1 for invitation in pending if send_link(site, invitation, "reminder"))
    return queued


# --- Taking answers ----------------------------------------------------------------------------


class AlreadyAnswered(Exception):
    """The household has answered this survey already."""


def parse_answers(questions: list[Question], form) -> tuple[dict[int, dict], dict[int, str]]:
    """The answers in a posted form (fields ``q<id>``) and the message for each bad one."""
    answers: dict[int, dict] = {}
    errors: dict[int, str] = {}
    for q in questions:
        name = f"q{q.id}"
        if q.kind == "multiple":
            raw = form.getlist(name)
            try:
                picked = sorted({int(v) for v in raw})
            except ValueError:
                errors[q.id] = _("Choose among the answers shown.")
                continue
            if any(not 0 <= v < len(q.options) for v in picked):
                errors[q.id] = _("Choose among the answers shown.")
            elif picked:
                answers[q.id] = {"choices": ",".join(str(v) for v in picked)}
            continue
        raw = (form.get(name) or "").strip()
        if not raw:
            continue
        if q.kind == "text":
            if len(raw) > MAX_TEXT:
                errors[q.id] = _("Use at most %(max)d characters.", max=MAX_TEXT)
            else:
                answers[q.id] = {"text": raw}
            continue
        low, high = {"rating": (1, 5), "nps": (0, 10)}.get(q.kind, (0, len(q.options) - 1))
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors[q.id] = _("Choose among the answers shown.")
        else:
            answers[q.id] = {"value": int(raw)}
    return answers, errors


def record(
    site: Site,
    survey: Survey,
    invitation: Invitation,
    answers: dict[int, dict],
    channel: str,
    by: User | None = None,
) -> Response:
    """Take a household's answers once: its marker is set only if it was not set (one
    UPDATE, safe against a second tab or a double tap), then the answers are written."""
    now = clock.now()
    marked = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.site_id == site.id,
            Invitation.id == invitation.id,
            Invitation.answered_at.is_(None),
        )
        .values(answered_at=now, channel=channel, recorded_by_id=by.id if by else None)
        .execution_options(synchronize_session="fetch")
    )
    if marked.rowcount != 1:
        raise AlreadyAnswered()
    response = Response(
        site_id=site.id,
        survey_id=survey.id,
        # An anonymous answer keeps no link to the household, and the day only.
        invitation_id=None if survey.anonymous else invitation.id,
        building_id=invitation.building_id,
        channel=channel,
        answered_on=now.astimezone(clock.zone(site)).date(),
    )
    db.session.add(response)
    db.session.flush()
    for question_id, fields in answers.items():
        if fields.get("text"):
            fields = {**fields, "words": " ".join(words_of(fields["text"]))}
        db.session.add(
            Answer(
                site_id=site.id,
                response_id=response.id,
                question_id=question_id,
                building_id=invitation.building_id,
                **fields,
            )
        )
    db.session.flush()
    return response


# --- Queries of the plugin's hooks ------------------------------------------------------------


def running(site: Site) -> list[Survey]:
    today = clock.today(site)
    return db.session.scalars(
        tenancy.select(Survey, site=site)
        .where(
            Survey.is_template.is_(False),
            Survey.launched_at.is_not(None),
            Survey.closed_at.is_(None),
            Survey.closes_on >= today,
        )
        .order_by(Survey.closes_on, Survey.id)
    ).all()


def response_rates(site: Site | int, survey_id: int) -> list[tuple[int, str, int, int]]:
    """Each building's (id, code, households asked, answered) of a survey."""
    site_id = tenancy.site_id_of(site)
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                Building.id,
                Building.code,
                sa.func.count(Invitation.id),
                sa.func.count(Invitation.answered_at),
            )
            .join(Building, Building.id == Invitation.building_id)
            .where(Invitation.site_id == site_id, Invitation.survey_id == survey_id)
            .group_by(Building.id, Building.code)
            .order_by(Building.code)
        )
    ]


def still_to_ask(site: Site, user: User, limit: int = 10) -> list[tuple[Invitation, Survey]]:
    """Households of running surveys in ``user``'s buildings that have not answered,
    those who get no link (no consent to messages) first."""
    today = clock.today(site)
    no_link = sa.or_(
        Invitation.resident_id.is_(None),
        ~Invitation.resident_id.in_(
            sa.select(Resident.id).where(
                Resident.site_id == site.id,
                sa.or_(
                    sa.and_(Resident.consent_sms.is_(True), Resident.phone != ""),
                    sa.and_(Resident.consent_email.is_(True), Resident.email != ""),
                ),
            )
        ),
    )
    rows = db.session.execute(
        sa.select(Invitation, Survey)
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(
            Invitation.site_id == site.id,
            Survey.site_id == site.id,
            Invitation.answered_at.is_(None),
            Invitation.building_id.in_(looked_after(site.id, user.id)),
            Survey.launched_at.is_not(None),
            Survey.closed_at.is_(None),
            Survey.closes_on >= today,
        )
        .order_by(no_link.desc(), Survey.closes_on, Invitation.unit_id)
        .options(selectinload(Invitation.unit).selectinload(Unit.building))
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]


def recorded_by(site: Site, butler: User, start: datetime, end: datetime) -> list[Invitation]:
    """Households whose answers ``butler`` recorded between ``start`` and ``end``."""
    return db.session.scalars(
        tenancy.select(Invitation, site=site)
        .where(
            Invitation.recorded_by_id == butler.id,
            Invitation.answered_at >= start,
            Invitation.answered_at < end,
        )
        .options(
            selectinload(Invitation.unit).selectinload(Unit.building),
            selectinload(Invitation.survey),
        )
        .order_by(Invitation.answered_at)
    ).all()
