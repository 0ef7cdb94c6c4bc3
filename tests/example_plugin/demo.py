"""The example plugin's demo rows: one note per demo site, added once."""

from __future__ import annotations

from core.extensions import db
from core.models import Site
from tests.example_plugin import rules
from tests.example_plugin.models import ExampleNote


def add(site: Site) -> None:
    if not rules.count(site):
        db.session.add(ExampleNote(site_id=site.id, text="Demo note"))
