"""The plugin's routes under Butler's two walks over every route, run from the installed
test support (``core.testing.matrix``, ``core.testing.fuzz``) on the plugin's own world
and forms (``sms_gateway.testing``): every role of an estate gets what its permission
allows and nothing of another company's estate, and every form of the plugin survives
odd values."""

from __future__ import annotations

import sms_gateway.testing  # noqa: F401 (registers the plugin's world and forms)

from core.testing.fuzz import check_forms
from core.testing.matrix import check_permission_matrix


def test_every_role_gets_what_its_permission_allows_on_the_gateway_page(app):
    # Each role, logged out, on the other company's estate and with its ids.
    assert check_permission_matrix(app, "sms_gateway") > 0


def test_every_form_of_the_plugin_survives_odd_values(app, make, tmp_path, monkeypatch):
    # The plugin has no POST route yet: the walk fails as soon as one appears unlisted.
    assert check_forms(app, make, "sms_gateway", tmp_path, monkeypatch) == {}
