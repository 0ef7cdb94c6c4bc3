"""The words shown for the care plugin's codes, and the notices' ready-made texts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

METHOD_LABELS = {
    "sms": _l("SMS"),
    "email": _l("E-mail"),
    "card": _l("Card delivered"),
    "visit": _l("Visit made"),
}
TEMPLATE_LABELS = {
    "typhoon": _l("Typhoon signal"),
    "rainstorm": _l("Rainstorm warning"),
    "cold": _l("Cold weather"),
    "water_cut": _l("Water cut"),
    "power_cut": _l("Power cut"),
    "lift_works": _l("Lift works"),
    "other": _l("Other reminder"),
}
AUDIENCE_LABELS = {
    "site": _l("The whole site"),
    "buildings": _l("Some buildings"),
    "units": _l("Some units"),
}
CASE_LABELS = {
    "illness": _l("Serious illness"),
    "bereavement": _l("Bereavement"),
    "hospital": _l("Hospital stay"),
}
TOLD_LABELS = {
    "message": _l("By message"),
    "phone": _l("By phone"),
    "in_person": _l("In person"),
}
LOCALE_LABELS = {"en": "English", "zh_Hant": "繁體中文", "zh_Hans": "简体中文"}

# The ready-made title and text of each kind of notice; "{day}" stands for its date.
# Looked up with gettext under each language, so every template exists in all three.
TEMPLATE_TEXTS = {
    "typhoon": (
        _l("Typhoon warning"),
        _l(
            "A typhoon signal is expected on {day}. Please close your windows, take in "
            "plants and clothes from balconies, and keep away from the sea front. The "
            "management office is open around the clock."
        ),
    ),
    "rainstorm": (
        _l("Rainstorm warning"),
        _l(
            "Heavy rain is expected on {day}. Please close your windows, check your floor "
            "drains and avoid the car park's lower level. Call the management office if "
            "water comes in."
        ),
    ),
    "cold": (
        _l("Cold weather"),
        _l(
            "Cold weather is expected on {day}. Please keep warm, look in on elderly "
            "neighbours and never use a heater near curtains."
        ),
    ),
    "water_cut": (
        _l("Water supply suspended"),
        _l(
            "The water supply will be suspended on {day} for maintenance. Please store "
            "some water beforehand and keep your taps closed."
        ),
    ),
    "power_cut": (
        _l("Power supply suspended"),
        _l(
            "The electricity supply will be suspended on {day} for maintenance. Please "
            "switch off sensitive appliances beforehand; the lifts will not run."
        ),
    ),
    "lift_works": (
        _l("Lift maintenance"),
        _l(
            "A lift will be out of service on {day} for maintenance. Please use the "
            "other lift; call the management office if you need help with the stairs."
        ),
    ),
    "other": (_l("A warm reminder"), _l("A reminder from the management office for {day}.")),
}
# A notice of these templates marks its day for rounds (core.day weather).
WEATHER_OF_TEMPLATE = {"typhoon": "typhoon", "rainstorm": "rain"}
DEFAULT_GREETING = _l(
    "Happy birthday, {name}! With the best wishes of your butler and the management office."
)
