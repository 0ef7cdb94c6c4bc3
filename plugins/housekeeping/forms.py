"""Housekeeping's forms; the messages sit next to their fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from core import money
from core.forms import IntRange
from core.tenancy import current_site
from plugins.housekeeping.labels import (
    AREA_KIND_LABELS,
    BLOCK_LABELS,
    CHECKLIST,
    DEEP_CLEAN_LABELS,
    EMERGENCY_LABELS,
    LINEN_MOVE_LABELS,
    MACHINE_CONDITION_LABELS,
    PRIORITY_LABELS,
    REQUEST_KIND_LABELS,
    SATISFACTION_LABELS,
    SCORE_LABELS,
    SHIFT_LABELS,
    STAFF_RECORD_LABELS,
    STATUS_LABELS,
    SUPPLY_KIND_LABELS,
    UNIFORM_CONDITION_LABELS,
    UNIFORM_SIZES,
)

MAX_LINES = 2000


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(c, label) for c, label in STATUS_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a status."))],
        # Every option is a status: no empty placeholder, so no "required" in the HTML.
        render_kw={"required": False},
    )


class BlockForm(FlaskForm):
    kind = SelectField(
        _l("Block"), choices=[SelectChoice(c, label) for c, label in BLOCK_LABELS.items()]
    )
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why the room is blocked.")), Length(max=300)],
    )
    starts_on = DateField(_l("From"), validators=[InputRequired(message=_l("Give the first day."))])
    ends_on = DateField(_l("Until"), validators=[InputRequired(message=_l("Give the last day."))])
    agreed_with = StringField(
        _l("Agreed with (front desk)"),
        validators=[
            DataRequired(message=_l("Name who agreed at the front desk.")),
            Length(max=120),
        ],
    )

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first."))


class InspectionForm(FlaskForm):
    """One box per checklist item; an item left unticked fails the room."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


for _code, _label in CHECKLIST.items():
    setattr(InspectionForm, f"item_{_code}", BooleanField(_label))


class OccupancyForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day."))])
    lines = TextAreaField(
        _l("Rooms of the day"),
        description=_l(
            "One room a line: the room number, then departure, stay-over or arrival "
            "(D, S or A), then VIP if it is one. A list copied from the front desk works."
        ),
        validators=[
            DataRequired(message=_l("Enter at least one room.")),
            Length(max=40_000),
        ],
    )


class SuggestForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day."))])
    attendants = SelectMultipleField(
        _l("Attendants on duty"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose who is on duty."))],
    )


class ReassignForm(FlaskForm):
    attendant_id = SelectField(_l("Attendant"), coerce=int, validate_choice=True)


class KeyForm(FlaskForm):
    code = StringField(
        _l("Key number"),
        validators=[DataRequired(message=_l("Give the key's number.")), Length(max=20)],
    )
    opens = StringField(_l("Opens"), validators=[Optional(), Length(max=120)])


class IssueForm(FlaskForm):
    holder_id = SelectField(
        _l("Issued to"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose who takes the key."))],
        render_kw={"required": False},
    )
    shift = SelectField(
        _l("Shift"), choices=[SelectChoice(c, label) for c, label in SHIFT_LABELS.items()]
    )


class LostForm(FlaskForm):
    note = StringField(
        _l("How it was lost"),
        validators=[DataRequired(message=_l("Say how the key was lost.")), Length(max=300)],
    )


MAX_PIECES = 1_000_000


def _count(label, message):
    return IntegerField(
        label,
        invalid_value_message=_l("Write a whole number."),
        validators=[
            InputRequired(message=message),
            IntRange(0, MAX_PIECES, _l("Give a number from 0 up.")),
        ],
        render_kw={"inputmode": "numeric", "min": 0},
    )


class LinenItemForm(FlaskForm):
    name = StringField(
        _l("Item"),
        validators=[DataRequired(message=_l("Name the item.")), Length(max=80)],
    )
    in_store = _count(_l("Pieces in the linen room now"), _l("Give the pieces in the store."))


class MovementForm(FlaskForm):
    item_id = SelectField(_l("Item"), coerce=int, render_kw={"required": False})
    kind = SelectField(
        _l("Movement"), choices=[SelectChoice(c, label) for c, label in LINEN_MOVE_LABELS.items()]
    )
    quantity = IntegerField(
        _l("Pieces"),
        invalid_value_message=_l("Write a whole number."),
        validators=[
            InputRequired(message=_l("Give the number of pieces.")),
            IntRange(1, MAX_PIECES, _l("Give a number from 1 up.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class StocktakeForm(FlaskForm):
    counted_store = _count(_l("Counted in the linen room"), _l("Give the count."))
    counted_floors = _count(_l("Counted on the floors"), _l("Give the count."))
    counted_laundry = _count(_l("Counted at the laundry"), _l("Give the count."))
    reason = StringField(_l("Reason for a difference"), validators=[Optional(), Length(max=300)])


class ParForm(FlaskForm):
    room_type = SelectField(_l("Room type"), render_kw={"required": False})
    par = IntegerField(
        _l("Pieces per room"),
        invalid_value_message=_l("Write a whole number."),
        validators=[
            InputRequired(message=_l("Give the par level.")),
            IntRange(0, 100, _l("Give a number from 0 to 100.")),
        ],
        render_kw={"inputmode": "numeric", "min": 0},
    )


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class CycleForm(FlaskForm):
    kind = SelectField(_l("Deep cleaning"), choices=_choices(DEEP_CLEAN_LABELS))
    every_days = IntegerField(
        _l("Every (days)"),
        invalid_value_message=_l("Write a whole number."),
        validators=[
            InputRequired(message=_l("Give the cycle in days.")),
            IntRange(1, 3650, _l("Give a number of days from 1 to 3650.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    starts_on = DateField(
        _l("First round from"), validators=[InputRequired(message=_l("Give the first day."))]
    )


class DeepCleanForm(FlaskForm):
    unit_id = IntegerField(validators=[InputRequired()])
    kind = SelectField(choices=_choices(DEEP_CLEAN_LABELS))


class UniformForm(FlaskForm):
    holder_id = SelectField(
        _l("Issued to"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose who takes the uniform."))],
        render_kw={"required": False},
    )
    item = StringField(
        _l("Item"),
        validators=[DataRequired(message=_l("Name the item.")), Length(max=80)],
    )
    size = SelectField(_l("Size"), choices=[SelectChoice(s, s) for s in UNIFORM_SIZES])
    quantity = IntegerField(
        _l("Pieces"),
        invalid_value_message=_l("Write a whole number."),
        default=1,
        validators=[
            InputRequired(message=_l("Give the number of pieces.")),
            IntRange(1, 20, _l("Give a number from 1 to 20.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    condition_out = SelectField(_l("Condition"), choices=_choices(UNIFORM_CONDITION_LABELS))


class UniformReturnForm(FlaskForm):
    condition_in = SelectField(
        _l("Condition on return"), choices=_choices(UNIFORM_CONDITION_LABELS)
    )


class SupplyForm(FlaskForm):
    name = StringField(
        _l("Supply"), validators=[DataRequired(message=_l("Name the supply.")), Length(max=80)]
    )
    kind = SelectField(_l("Kind of supply"), choices=_choices(SUPPLY_KIND_LABELS))
    in_stock = _count(_l("In stock now"), _l("Give the stock."))
    par = _count(_l("Stock to hold (par)"), _l("Give the par level."))


class SupplyUseForm(FlaskForm):
    supply_id = SelectField(_l("Supply"), coerce=int, render_kw={"required": False})
    quantity = IntegerField(
        _l("Taken to the floors"),
        invalid_value_message=_l("Write a whole number."),
        validators=[
            InputRequired(message=_l("Give the number taken.")),
            IntRange(1, MAX_PIECES, _l("Give a number from 1 up.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1},
    )


class MachineForm(FlaskForm):
    code = StringField(
        _l("Machine number"),
        validators=[DataRequired(message=_l("Give the machine's number.")), Length(max=20)],
    )
    name = StringField(
        _l("Machine"), validators=[DataRequired(message=_l("Name the machine.")), Length(max=80)]
    )
    location = StringField(_l("Kept at"), validators=[Optional(), Length(max=80)])


class MachineCheckForm(FlaskForm):
    condition = SelectField(_l("Condition"), choices=_choices(MACHINE_CONDITION_LABELS))


class DutyForm(FlaskForm):
    user_id = SelectField(
        _l("On duty"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose who is on duty."))],
        render_kw={"required": False},
    )
    emergency = SelectField(_l("Emergency"), choices=_choices(EMERGENCY_LABELS))
    duty_on = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day."))])
    shift = SelectField(_l("Shift"), choices=_choices(SHIFT_LABELS))
    task = StringField(_l("Task"), validators=[Optional(), Length(max=120)])


CRITERIA = ("quality", "speed", "grooming", "attendance")
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class EvaluationForm(FlaskForm):
    user_id = SelectField(
        _l("Member of staff"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose whom you evaluate."))],
        render_kw={"required": False},
    )
    period = StringField(
        _l("Month (YYYY-MM)"),
        validators=[
            DataRequired(message=_l("Give the month.")),
            Regexp(PERIOD_PATTERN, message=_l("Write the month as 2026-11.")),
        ],
        render_kw={"inputmode": "numeric", "placeholder": "2026-11"},
    )
    score = RadioField(
        _l("Score"),
        coerce=int,
        choices=[SelectChoice(n, label) for n, label in SCORE_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a score."))],
    )
    quality = SelectField(_l("Quality of work"), validators=[Optional()])
    speed = SelectField(_l("Speed"), validators=[Optional()])
    grooming = SelectField(_l("Grooming"), validators=[Optional()])
    attendance = SelectField(_l("Attendance"), validators=[Optional()])
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in CRITERIA:
            self[name].choices = [SelectChoice("", "—")] + [
                SelectChoice(str(n), label) for n, label in SCORE_LABELS.items()
            ]

    def criteria(self) -> dict[str, int | None]:
        return {name: int(self[name].data) if self[name].data else None for name in CRITERIA}


# --- Work orders, guest requests, lost and found ------------------------------------------


class WithPhotoForm(FlaskForm):
    """A form posted with a photo: a file sent in place of a text or choice field is
    dropped, so that the field reads as left empty (and says so) instead of failing."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            files = {name for name, f in form._fields.items() if isinstance(f, FileField)}
            kept = MultiDict()
            for key, value in data.items(multi=True):
                if isinstance(value, FileStorage) and key not in files:
                    continue
                kept.add(key, value)
            return kept


def _photo() -> FileField:
    return FileField(_l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class WorkOrderForm(WithPhotoForm):
    """A repair for engineering: a room (its number) or a public area, and what is wrong."""

    room = StringField(
        _l("Room"),
        description=_l("The room's number; leave it empty for a public area."),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric"},
    )
    place = StringField(
        _l("Public area"),
        description=_l("Where, when it is not a room: lobby, restaurant, back of house…"),
        validators=[Optional(), Length(max=120)],
    )
    problem = StringField(
        _l("What is wrong"),
        validators=[DataRequired(message=_l("Say what is wrong.")), Length(max=300)],
    )
    priority = SelectField(_l("Priority"), choices=_choices(PRIORITY_LABELS), default="normal")
    photo = _photo()
    out_of_order = BooleanField(_l("Take the room out of order until it is repaired"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.room.data or "").strip() and not (self.place.data or "").strip():
            self.place.errors = [
                *self.place.errors,
                _l("Give the room's number or the public area."),
            ]
            return False
        return valid


class CloseOrderForm(FlaskForm):
    engineer = StringField(
        _l("Repaired by (engineering)"),
        validators=[DataRequired(message=_l("Name who repaired it.")), Length(max=120)],
    )
    work_done = StringField(
        _l("Work done"),
        validators=[DataRequired(message=_l("Say what was done.")), Length(max=300)],
    )


class GuestRequestForm(FlaskForm):
    room = StringField(
        _l("Room"),
        validators=[DataRequired(message=_l("Give the room's number.")), Length(max=20)],
        render_kw={"inputmode": "numeric"},
    )
    kind = SelectField(_l("Request or complaint"), choices=_choices(REQUEST_KIND_LABELS))
    what = StringField(
        _l("What the guest asked for or complained of"),
        validators=[DataRequired(message=_l("Say what the guest wants.")), Length(max=300)],
    )
    assigned_to_id = SelectField(
        _l("Assigned to"), coerce=int, validators=[Optional()], render_kw={"required": False}
    )


class CloseRequestForm(FlaskForm):
    satisfaction = RadioField(
        _l("The guest is"),
        choices=_choices(SATISFACTION_LABELS),
        validators=[InputRequired(message=_l("Choose how satisfied the guest is."))],
    )
    outcome = StringField(_l("What was done"), validators=[Optional(), Length(max=300)])


class LostItemForm(WithPhotoForm):
    item = StringField(
        _l("Item"),
        validators=[DataRequired(message=_l("Describe the item.")), Length(max=200)],
    )
    found_where = StringField(
        _l("Found where"),
        validators=[DataRequired(message=_l("Say where it was found.")), Length(max=120)],
    )
    found_by = StringField(
        _l("Found by"),
        validators=[DataRequired(message=_l("Name who found it.")), Length(max=120)],
    )
    found_on = DateField(_l("Found on"), validators=[InputRequired(message=_l("Give the day."))])
    kept_at = StringField(
        _l("Kept at"),
        validators=[DataRequired(message=_l("Say where it is kept.")), Length(max=120)],
    )
    photo = _photo()


class ClaimForm(FlaskForm):
    claimed_by = StringField(
        _l("Claimed by"),
        validators=[DataRequired(message=_l("Name who claims it.")), Length(max=120)],
    )
    claim_id_seen = StringField(
        _l("ID seen (kind and last four characters)"),
        validators=[DataRequired(message=_l("Note the ID you saw.")), Length(max=60)],
    )
    signed = BooleanField(
        _l("Signed for in the lost and found register"),
        validators=[DataRequired(message=_l("The owner signs for the item first."))],
    )


class DisposeForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why it is disposed of.")), Length(max=300)],
    )


class LostSettingForm(FlaskForm):
    lost_days = IntegerField(
        _l("Days lost property is kept"),
        validators=[
            InputRequired(message=_l("Give a number of days from 1 to 3650.")),
            IntRange(1, 3650, _l("Give a number of days from 1 to 3650.")),
        ],
    )


class Amount:
    """The wage typed as money of the site's currency, kept in ``field.minor``."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        field.minor = None
        try:
            field.minor = money.parse(field.data, current_site().currency)
        except money.MoneyError as error:
            raise ValidationError(str(error)) from None


# --- Labour -----------------------------------------------------------------------------


class GradeForm(FlaskForm):
    name = StringField(
        _l("Grade"), validators=[DataRequired(message=_l("Name the grade.")), Length(max=60)]
    )
    hourly_rate = StringField(
        _l("Wage per hour"),
        validators=[Amount()],
        render_kw={"inputmode": "decimal"},
    )


class RoomTimeForm(FlaskForm):
    room_type = StringField(
        _l("Room type"),
        validators=[DataRequired(message=_l("Give the room type.")), Length(max=40)],
    )
    minutes = IntegerField(
        _l("Minutes to clean"),
        validators=[
            InputRequired(message=_l("Give a number of minutes from 1 to 600.")),
            IntRange(1, 600, _l("Give a number of minutes from 1 to 600.")),
        ],
    )


class ShiftForm(FlaskForm):
    user_id = SelectField(
        _l("Member of staff"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose who worked."))],
        render_kw={"required": False},
    )
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day."))])
    hours = StringField(
        _l("Hours worked"),
        description=_l("For example 7.5"),
        validators=[DataRequired(message=_l("Give the hours worked."))],
        render_kw={"inputmode": "decimal"},
    )
    grade_id = SelectField(
        _l("Grade"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the grade."))],
        render_kw={"required": False},
    )

    def validate_hours(self, field: StringField) -> None:
        self.minutes = None
        try:
            hundredths = money.parse_quantity(field.data)
        except money.MoneyError:
            hundredths = 0
        if not 1 <= hundredths <= 2400:
            raise ValidationError(_l("Give hours from 0.01 to 24."))
        self.minutes = round(hundredths * 60 / 100)


# --- Public areas ------------------------------------------------------------------------


class AreaForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Name the area.")), Length(max=80)]
    )
    kind = SelectField(_l("Kind of area"), choices=_choices(AREA_KIND_LABELS))
    checklist = TextAreaField(
        _l("Inspection checklist"),
        description=_l("One item a line."),
        validators=[DataRequired(message=_l("Give at least one item to check.")), Length(max=2000)],
    )


class AreaAttendantForm(FlaskForm):
    attendant_id = SelectField(_l("Public-area attendant"), coerce=int, validate_choice=True)


class FunctionForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day."))])
    area_id = SelectField(
        _l("Public area"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the area."))],
        render_kw={"required": False},
    )
    name = StringField(
        _l("Function"),
        validators=[DataRequired(message=_l("Name the function.")), Length(max=120)],
    )
    starts_at = TimeField(_l("Starts"), validators=[InputRequired(message=_l("Give the time."))])
    ends_at = TimeField(_l("Ends"), validators=[InputRequired(message=_l("Give the time."))])
    covers = IntegerField(
        _l("Covers"),
        validators=[
            InputRequired(message=_l("Give a number from 0 to 5000.")),
            IntRange(0, 5000, _l("Give a number from 0 to 5000.")),
        ],
    )

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("A function ends after it starts."))


class SpotCheckForm(FlaskForm):
    """The checklist's boxes are added by the view: one per item, ``item_<n>``."""

    night = BooleanField(_l("Night-shift spot check"))
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=500)])


class BriefingForm(FlaskForm):
    body = TextAreaField(
        _l("The briefing"),
        description=_l(
            "What the team should know today; put each task on a line of its own, "
            "starting with a dash (-)."
        ),
        validators=[DataRequired(message=_l("Write the briefing.")), Length(max=2000)],
    )


class StaffRecordForm(FlaskForm):
    user_id = SelectField(
        _l("Member of staff"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the member of staff."))],
        render_kw={"required": False},
    )
    kind = SelectField(_l("Record"), choices=_choices(STAFF_RECORD_LABELS))
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day."))])
    passed = SelectField(
        _l("Grooming and hygiene"),
        choices=[
            SelectChoice("", "—"),
            SelectChoice("y", _l("Up to standard")),
            SelectChoice("n", _l("Not up to standard")),
        ],
        validators=[Optional()],
    )
    note = StringField(
        _l("Note"),
        validators=[DataRequired(message=_l("Say what was seen or done.")), Length(max=500)],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == "grooming" and not self.passed.data:
            self.passed.errors = [
                *self.passed.errors,
                _l("Say whether the grooming is up to standard."),
            ]
            return False
        return valid
