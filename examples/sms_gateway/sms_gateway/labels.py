"""The SMS gateway plugin's words shown to people, in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABEL = _l("SMS gateway")
DESCRIPTION = _l("Sends the outbox's SMS to residents through the company's SMS gateway.")
SEE = _l("See the SMS gateway's state")
SMS = _l("SMS")
NOT_SET = _l(
    "The SMS gateway is turned on, but its address or key is not set: SMS messages wait "
    "here unsent until SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY are set."
)
