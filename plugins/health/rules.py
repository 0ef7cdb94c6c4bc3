"""The rules of the programme, without views: scaling values, plausible and normal ranges,
ages, consent, and choosing whom to invite by age band and household.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from core import tenancy
from core.extensions import db
from core.models import Occupancy, Resident, Site
from plugins.health.models import HealthCheck, HealthProfile, HealthRange

# --- The standard checks ------------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    code: str
    name: object
    unit: str
    decimals: int
    plausible: tuple[str, str]
    normal: tuple[tuple[str, int, int, str, str], ...]  # (sex, age_min, age_max, low, high)
    plausible2: tuple[str, str] | None = None
    normal2: tuple[str, str] | None = None  # the second value's normal range (all ages)


STANDARD_CHECKS: tuple[Standard, ...] = (
    Standard(
        "blood_pressure",
        _l("Blood pressure"),
        "mmHg",
        0,
        ("50", "300"),
        (("any", 0, 150, "90", "139"),),
        plausible2=("20", "200"),
        normal2=("60", "89"),
    ),
    Standard(
        "blood_glucose",
        _l("Blood glucose (fasting)"),
        "mmol/L",
        1,
        ("1.0", "40.0"),
        (("any", 0, 150, "3.9", "6.0"),),
    ),
    Standard(
        "bmi",
        _l("Body mass index"),
        "kg/m²",
        1,
        ("10.0", "80.0"),
        (("any", 18, 64, "18.5", "23.9"), ("any", 65, 150, "20.0", "26.9")),
    ),
    Standard(
        "heart_rate", _l("Heart rate"), "bpm", 0, ("20", "250"), (("any", 0, 150, "60", "100"),)
    ),
    Standard("vision", _l("Vision"), "", 1, ("0.1", "2.0"), (("any", 0, 150, "0.8", "2.0"),)),
    Standard(
        "bone_density",
        _l("Bone density (T-score)"),
        "SD",
        1,
        ("-6.0", "6.0"),
        (("any", 0, 150, "-1.0", "6.0"),),
    ),
)
STANDARD_NAMES = {s.code: s.name for s in STANDARD_CHECKS}


def check_name(check: HealthCheck) -> str:
    """The check's name, translated for the standard ones."""
    if check.standard and check.code in STANDARD_NAMES:
        return str(STANDARD_NAMES[check.code])
    return check.name


def ensure_standard_checks(site: Site) -> int:
    """Add the standard checks the site does not have yet; how many were added."""
    have = set(db.session.scalars(tenancy.select(HealthCheck, HealthCheck.code, site=site)))
    added = 0
    for position, std in enumerate(STANDARD_CHECKS, start=1):
        if std.code in have:
            continue
        check = HealthCheck(
            site_id=site.id,
            code=std.code,
            name=str(std.name),
            unit=std.unit,
            kind="pair" if std.plausible2 else "single",
            decimals=std.decimals,
            plausible_min=scale(std.plausible[0], std.decimals),
            plausible_max=scale(std.plausible[1], std.decimals),
            plausible_min2=scale(std.plausible2[0], 0) if std.plausible2 else None,
            plausible_max2=scale(std.plausible2[1], 0) if std.plausible2 else None,
            position=position * 10,
            standard=True,
        )
        db.session.add(check)
        db.session.flush()
        for sex, age_min, age_max, low, high in std.normal:
            db.session.add(
                HealthRange(
                    site_id=site.id,
                    check_id=check.id,
                    sex=sex,
                    age_min=age_min,
                    age_max=age_max,
                    low=scale(low, std.decimals),
                    high=scale(high, std.decimals),
                    low2=scale(std.normal2[0], 0) if std.normal2 else None,
                    high2=scale(std.normal2[1], 0) if std.normal2 else None,
                )
            )
        added += 1
    return added


# --- Scaled values --------------------------------------------------------------------


class Refused(ValueError):
    """A value that cannot be stored; the message says why, for the user."""


MAX_DECIMALS = 2


def parse(text: str, decimals: int) -> int:
    """``text`` as an integer scaled by ``10**decimals``; raises Refused when it is not a
    plain number or has more decimals than the check keeps."""
    text = (text or "").strip().replace(",", ".")
    if not text or len(text) > 12 or not all(ch in "0123456789.-+" for ch in text):
        raise Refused(_l("Write a number, such as 120 or 5.6."))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Refused(_l("Write a number, such as 120 or 5.6.")) from None
    if not number.is_finite():
        raise Refused(_l("Write a number, such as 120 or 5.6."))
    scaled = number.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        if decimals == 0:
            raise Refused(_l("Write a whole number."))
        raise Refused(_l("Give at most %(n)s decimal place(s).", n=decimals))
    return int(scaled)


def scale(text: str, decimals: int) -> int:
    """A constant written as text, scaled (for the standard checks)."""
    return int(Decimal(text).scaleb(decimals))


def show(value: int | None, decimals: int) -> str:
    """A scaled value as text with its decimals: 56, 1 → "5.6"."""
    if value is None:
        return ""
    if decimals == 0:
        return str(value)
    return str(Decimal(value).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals)))


def check_plausible(check: HealthCheck, value: int, value2: int | None) -> list[str]:
    """Messages for values no person could have (typing mistakes); empty when plausible."""
    problems = []
    if not check.plausible_min <= value <= check.plausible_max:
        problems.append(
            str(
                _l(
                    "%(value)s is not a plausible value: give one from %(low)s to %(high)s.",
                    value=show(value, check.decimals),
                    low=show(check.plausible_min, check.decimals),
                    high=show(check.plausible_max, check.decimals),
                )
            )
        )
    if check.kind == "pair" and value2 is not None:
        low2, high2 = check.plausible_min2 or 0, check.plausible_max2 or 0
        if not low2 <= value2 <= high2:
            problems.append(
                str(
                    _l(
                        "%(value)s is not a plausible value: give one from %(low)s to %(high)s.",
                        value=show(value2, 0),
                        low=show(low2, 0),
                        high=show(high2, 0),
                    )
                )
            )
        if value2 >= value:
            problems.append(str(_l("The diastolic value must be lower than the systolic.")))
    return problems


# --- Ages and normal ranges -----------------------------------------------------------


def age_on(birth_date: date | None, day: date) -> int | None:
    """Age in whole years on ``day``, or None when the birth date is unknown."""
    if birth_date is None or birth_date > day:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def normal_range(check: HealthCheck, sex: str, age: int | None) -> HealthRange | None:
    """The most specific normal range of ``check`` for this sex and age, if any.

    A range for the resident's own sex beats one for anyone; a narrower age band beats a
    wider one. With the age unknown, only ranges covering every age apply.
    """
    best, best_key = None, None
    for r in check.ranges:
        if r.sex not in ("any", sex):
            continue
        if age is None:
            if not (r.age_min == 0 and r.age_max >= 150):
                continue
        elif not r.age_min <= age <= r.age_max:
            continue
        key = (r.sex != "any", -(r.age_max - r.age_min))
        if best_key is None or key > best_key:
            best, best_key = r, key
    return best


def flag_of(rng: HealthRange | None, value: int, value2: int | None) -> str:
    """'high', 'low' or 'normal' against the range; '' when no range applies."""
    if rng is None:
        return ""
    high = value > rng.high or (value2 is not None and rng.high2 is not None and value2 > rng.high2)
    if high:
        return "high"
    low = value < rng.low or (value2 is not None and rng.low2 is not None and value2 < rng.low2)
    return "low" if low else "normal"


# --- Profiles and consent -------------------------------------------------------------


def profile_of(resident: Resident) -> HealthProfile | None:
    return db.session.scalar(
        tenancy.select(HealthProfile, site=resident.site_id).where(
            HealthProfile.resident_id == resident.id
        )
    )


def birth_date_of(resident: Resident, profile: HealthProfile | None) -> date | None:
    """The birth date the programme uses: the core's, else the one kept by the programme."""
    if resident.birth_date is not None:
        return resident.birth_date
    return profile.birth_date if profile is not None else None


def has_consent(profile: HealthProfile | None) -> bool:
    return profile is not None and profile.consent


# --- Whom to invite -------------------------------------------------------------------

HOUSEHOLDS = {
    "any": _l("Any household"),
    "children": _l("Families with children under 18"),
    "elderly": _l("Households with someone aged 65 or over"),
    "alone": _l("People living alone"),
}


def choose_residents(site: Site, day: date, age_min: int, age_max: int, household: str) -> list:
    """``(resident id, name)`` of the site's current residents aged ``age_min`` to
    ``age_max`` on ``day`` whose household matches, by name.

    Residents whose age is unknown are left out when an age band narrower than 0-150 is
    asked for. Two queries, whatever the size of the site.
    """
    rows = db.session.execute(
        tenancy.select(
            Resident,
            Resident.id,
            Resident.name,
            func.coalesce(Resident.birth_date, HealthProfile.birth_date),
            Occupancy.unit_id,
            site=site,
        )
        .join(Occupancy, Occupancy.resident_id == Resident.id)
        .outerjoin(
            HealthProfile,
            (HealthProfile.resident_id == Resident.id) & (HealthProfile.site_id == site.id),
        )
        .where(
            Resident.archived_at.is_(None),
            Occupancy.site_id == site.id,
            Occupancy.moved_out.is_(None),
            Occupancy.role != "domestic_helper",
        )
    ).all()
    ages: dict[int, int | None] = {}
    names: dict[int, str] = {}
    units_of: dict[int, set[int]] = {}
    people_in: dict[int, set[int]] = {}
    for resident_id, name, born, unit_id in rows:
        ages[resident_id] = age_on(born, day)
        names[resident_id] = name
        units_of.setdefault(resident_id, set()).add(unit_id)
        people_in.setdefault(unit_id, set()).add(resident_id)

    def household_matches(resident_id: int) -> bool:
        if household == "any":
            return True
        for unit_id in units_of[resident_id]:
            people = people_in[unit_id]
            member_ages = [ages[p] for p in people]
            if household == "alone" and len(people) == 1:
                return True
            if household == "children" and any(a is not None and a < 18 for a in member_ages):
                return True
            if household == "elderly" and any(a is not None and a >= 65 for a in member_ages):
                return True
        return False

    whole_life = age_min <= 0 and age_max >= 150
    chosen = []
    for resident_id, age in ages.items():
        if age is None and not whole_life:
            continue
        if age is not None and not age_min <= age <= age_max:
            continue
        if household_matches(resident_id):
            chosen.append((resident_id, names[resident_id]))
    chosen.sort(key=lambda pair: (pair[1], pair[0]))
    return chosen


AGE_BANDS = ((0, 39), (40, 59), (60, 74), (75, 150))


def age_band(age: int | None) -> str:
    if age is None:
        return "?"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 150 else f"{low}-{high}"
    return "?"
