"""The example plugin's words shown to people, in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABEL = _l("Example notes")
DESCRIPTION = _l("Notes about residents, to show how plugins work.")
SEE = _l("See example notes")
WRITE = _l("Write example notes")
REPORT = _l("Example notes report")
REPORT_DESCRIPTION = _l("Every note of the period.")
NOTE = _l("Note")
REREAD = _l("Read the notes again")
