"""The example plugin's part of an access request and an erasure: its notes about a
resident are listed, and deleted, since nothing counts them."""

from __future__ import annotations

from core.privacy import delete_rows, rows_of
from tests.example_plugin.models import ExampleNote


def rows(site, resident) -> list:
    return [rows_of(site, ExampleNote, ExampleNote.resident_id == resident.id)]


def erase(site, resident) -> list:
    return [delete_rows(site, ExampleNote, ExampleNote.resident_id == resident.id)]
