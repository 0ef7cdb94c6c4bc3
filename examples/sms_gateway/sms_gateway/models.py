"""The plugin keeps no table of its own: the outbox's rows are the record of every SMS."""

from __future__ import annotations

MODELS: tuple = ()
