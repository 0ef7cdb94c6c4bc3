"""The words for paid services' codes: units of sale, order status, acceptance, payment, scores."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

UNIT_LABELS = {
    "visit": _l("per visit"),
    "hour": _l("per hour"),
    "m2": _l("per m²"),
    "month": _l("per month (rental)"),
}
STATUS_LABELS = {
    "quoted": _l("Quote"),
    "accepted": _l("Accepted"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}
HOW_LABELS = {
    "in_person": _l("In person, signed"),
    "phone": _l("By phone"),
    "message": _l("By message (WeChat, WhatsApp, SMS)"),
    "email": _l("By e-mail"),
}
METHOD_LABELS = {
    "cash": _l("Cash"),
    "card": _l("Card"),
    "transfer": _l("Bank transfer"),
    "wechat_pay": _l("WeChat Pay"),
    "alipay": _l("Alipay"),
}
SCORES = [
    SelectChoice(5, _l("5 · very satisfied")),
    SelectChoice(4, "4"),
    SelectChoice(3, "3"),
    SelectChoice(2, "2"),
    SelectChoice(1, _l("1 · unhappy")),
]
