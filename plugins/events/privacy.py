"""What events hold about a resident, for an access request, and its erasure.

Erasure: registrations stay, since an event's places, attendance and feedback scores count
them; they hold nothing personal once the resident's row is blank. A resident named in an
event's report has the name replaced.
"""

from __future__ import annotations

from core.privacy import rows_of, scrub
from plugins.events.models import Event, Registration


def rows(site, resident) -> list:
    return [rows_of(site, Registration, Registration.resident_id == resident.id)]


def erase(site, resident) -> list:
    return [scrub(site, Event, ["report", "description"], resident)]
