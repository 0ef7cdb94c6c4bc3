"""A plugin says which plugin API it was written for; Butler refuses, at start-up and by
name, one written for an API it does not offer (docs/plugins.md, "Plugin API version")."""

from __future__ import annotations

import pytest

from core.plugins import hookimpl
from core.plugins.api import API_VERSION, OLDEST_API_VERSION, PluginInfo
from core.plugins.host import PluginError, host


def written_for(api_version):
    class Laundry:
        @hookimpl
        def butler_plugin_info(self):
            return PluginInfo(name="laundry", label="Laundry", api_version=api_version)

    return Laundry()


def start_with(make_app, app, plugin):
    return make_app({**app.config, "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin", plugin]})


def test_a_plugin_of_the_current_api_is_loaded(make_app, app):
    started = start_with(make_app, app, written_for(API_VERSION))
    with started.app_context():
        assert host().plugins["laundry"].info.api_version == API_VERSION


def test_a_plugin_that_says_nothing_is_taken_for_the_first_api(make_app, app):
    class Quiet:
        @hookimpl
        def butler_plugin_info(self):
            return PluginInfo(name="quiet", label="Quiet")

    started = start_with(make_app, app, Quiet())
    with started.app_context():
        assert host().plugins["quiet"].info.api_version == 1


def test_a_plugin_for_a_newer_api_stops_start_up_and_says_to_upgrade_butler(make_app, app):
    with pytest.raises(
        PluginError,
        match=rf"'laundry' was written for Butler's plugin API {API_VERSION + 1}.*upgrade Butler",
    ):
        start_with(make_app, app, written_for(API_VERSION + 1))


def test_a_plugin_for_a_retired_api_stops_start_up_and_says_to_upgrade_it(make_app, app):
    with pytest.raises(PluginError, match="'laundry'.*API 0.*upgrade the plugin"):
        start_with(make_app, app, written_for(OLDEST_API_VERSION - 1))


def test_an_api_version_that_is_not_a_number_stops_start_up(make_app, app):
    with pytest.raises(PluginError, match="'laundry'.*API '1.0'"):
        start_with(make_app, app, written_for("1.0"))
