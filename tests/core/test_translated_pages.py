"""The main pages read entirely in Chinese when Chinese is chosen."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import login

# Words that stay as they are in every language: language names in the switch, codes.
ALLOWED = {"English"}


class VisibleText(HTMLParser):
    """Collects the text a reader sees, plus labels of buttons and placeholders."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z]{2,}", " ".join(parser.parts)))
    return words - ALLOWED


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_main_pages_have_no_english_left(client, make, locale):
    org = make.org(name="常青物業")
    site = make.site(org=org, name="海景花園", slug="harbour", default_locale=locale)
    other = make.site(org=org, name="花園城", slug="garden", default_locale=locale)
    tower = make.building(site, code="一", name="第一座")
    ben = make.user(site=site, username="ben", display_name="黃家豪", locale=locale)
    make.membership(ben, other, "manager")
    make.assignment(ben, tower)
    make.resident(site, make.unit(tower, number="三樓"), name="陳大文")

    login_page = client.get("/login", headers={"Accept-Language": locale.replace("_", "-")})
    assert english_words(login_page.get_data(as_text=True)) == set()
    failed = client.post(
        "/login",
        data={"username": "ben", "password": "x"},
        headers={"Accept-Language": locale.replace("_", "-")},
    )
    assert english_words(failed.get_data(as_text=True)) == set()
    flat = make.unit(tower, number="五樓")
    unit_id = flat.id
    resident = make.resident(site, flat, name="李小龍")
    boss = make.user(
        role=None, org_admin=True, org=org, username="boss", locale=locale, display_name="林愛麗"
    )
    del boss
    login(client, "ben")
    pages = [
        "/sites",
        "/s/harbour/",
        "/account/password",
        "/s/nowhere/",
        "/s/harbour/search",
        "/s/harbour/search?q=陳",
        "/s/harbour/search?q=無此人",
        f"/s/harbour/residents/{resident.id}",
        "/s/garden/reports",
        f"/s/harbour/units/{unit_id}",
        "/s/garden/reports?period=bad",
    ]
    for url in pages:
        page = client.get(url)
        assert english_words(page.get_data(as_text=True)) == set(), url
    assert client.get("/s/harbour/admin/plugins").status_code == 403
    assert english_words(client.get("/s/harbour/admin/plugins").get_data(as_text=True)) == set()
    client.post("/logout")
    login(client, "boss")
    page = client.get("/s/harbour/admin/plugins")
    assert page.status_code == 200
    assert english_words(page.get_data(as_text=True)) == set()
