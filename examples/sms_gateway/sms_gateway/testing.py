"""The plugin's part of Butler's walks over every route (the permission matrix and the
fuzz walk): importing it registers the plugin's world and forms; tests/test_walks.py runs
both walks from Butler's installed test support (Butler's docs/plugins.md, "Testing a
plugin")."""

from __future__ import annotations

from core.extensions import db
from core.models import PluginEnablement
from core.testing import walks


def fill(site, ids):
    """Turn the plugin on for the walk's site; its one page needs no objects of its own."""
    db.session.add(PluginEnablement(site_id=site.id, plugin="sms_gateway", enabled=True))
    return {}


walks.register_world("sms_gateway", fill)
# No POST routes: nothing for the fuzz walk to post, and it fails if one appears unlisted.
walks.register_forms("sms_gateway", lambda kit: {})
