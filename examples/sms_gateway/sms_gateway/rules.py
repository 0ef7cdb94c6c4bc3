"""How this site's SMS have fared: the counts the status page and the widget show."""

from __future__ import annotations

import sqlalchemy as sa

from core import tenancy
from core.extensions import db
from core.models import OutboxMessage


def sms_counts() -> dict[str, int]:
    """This site's SMS: how many sent, waiting (queued or being sent) and failed."""
    rows = db.session.execute(
        tenancy.select(OutboxMessage, OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.channel == "sms")
        .group_by(OutboxMessage.status)
    ).all()
    by_status = dict(rows)
    return {
        "sent": by_status.get("sent", 0),
        "waiting": by_status.get("queued", 0) + by_status.get("sending", 0),
        "failed": by_status.get("failed", 0) + by_status.get("uncertain", 0),
    }
