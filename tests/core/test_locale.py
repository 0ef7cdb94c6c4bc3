"""Which language a page is shown in."""

from __future__ import annotations

import pytest

from core.i18n import match_accept_language, match_language_tag
from tests.conftest import login


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-MO", "zh_Hant"),
        ("zh-Hant", "zh_Hant"),
        ("zh-Hant-CN", "zh_Hant"),
        ("zh-CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh-Hans-HK", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("en-GB", "en"),
        ("en", "en"),
        ("fr-FR", None),
        ("", None),
    ],
)
def test_browser_language_is_matched_on_language_and_script(header, expected):
    assert match_language_tag(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,zh-HK;q=0.8,en;q=0.5", "zh_Hant"),
        ("en;q=0.4, zh-CN;q=0.9", "zh_Hans"),
        ("de, en-US;q=0.7, zh-TW;q=0.7", "en"),  # equal weight: the earlier one
        ("zh-TW;q=0, en;q=0.1", "en"),
        ("ja, ko", None),
        ("zh-TW;q=abc", None),
        (None, None),
    ],
)
def test_accept_language_weights_are_honoured(header, expected):
    assert match_accept_language(header) == expected


def lang_of(html: str) -> str:
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_anonymous_visitor_gets_the_browser_language(client):
    page = client.get("/login", headers={"Accept-Language": "zh-HK,zh;q=0.9"})
    assert lang_of(page.get_data(as_text=True)) == "zh-Hant"
    page = client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert lang_of(page.get_data(as_text=True)) == "zh-Hans"
    assert lang_of(client.get("/login").get_data(as_text=True)) == "en"


def test_site_default_wins_over_the_browser(client, make):
    site = make.site(default_locale="zh_Hans")
    make.user(site=site, username="ben")
    login(client, "ben")
    page = client.get(f"/s/{site.slug}/", headers={"Accept-Language": "en"})
    assert lang_of(page.get_data(as_text=True)) == "zh-Hans"


def test_users_own_choice_wins_over_the_site_and_is_remembered(app, client, make):
    site = make.site(default_locale="zh_Hans")
    make.user(site=site, username="ben")
    login(client, "ben")
    response = client.post("/language", data={"locale": "zh_Hant", "next": f"/s/{site.slug}/"})
    assert response.headers["Location"] == f"/s/{site.slug}/"
    page = client.get(f"/s/{site.slug}/", headers={"Accept-Language": "en"})
    assert lang_of(page.get_data(as_text=True)) == "zh-Hant"
    # The choice is kept on the account: a new session on another device has it too.
    other = app.test_client()
    login(other, "ben")
    page = other.get(f"/s/{site.slug}/")
    assert lang_of(page.get_data(as_text=True)) == "zh-Hant"


def test_language_switch_on_the_login_page_is_remembered_for_the_visit(client):
    client.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "en"})
    assert lang_of(page.get_data(as_text=True)) == "zh-Hans"


def test_an_unknown_language_is_refused_with_a_message(client):
    response = client.post("/language", data={"locale": "klingon", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login")
    assert "Choose one of the languages offered." in page.get_data(as_text=True)
    assert lang_of(page.get_data(as_text=True)) == "en"


def test_language_switch_never_redirects_off_site(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})
    assert "evil" not in response.headers["Location"]
