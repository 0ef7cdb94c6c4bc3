"""The reminder: once, to the households that have not answered a running survey."""

from __future__ import annotations

from datetime import datetime

from core.models import Site
from plugins.surveys import rules


def send_reminders(site: Site, now: datetime) -> int:
    """Queue the reminders due on ``site`` (through the outbox, each once); how many."""
    return rules.send_reminders(site, now)
