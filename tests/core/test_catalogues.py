"""Every message is translated, and the catalogues match the code."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from core.i18n_tools import catalogue_dirs, fresh_template

PARTS = catalogue_dirs()


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


@pytest.mark.parametrize(("name", "folder", "sources"), PARTS, ids=[p[0] for p in PARTS])
def test_catalogue_is_up_to_date_with_the_code(name, folder, sources):
    with open(fresh_template(sources), "rb") as f:
        in_code = _ids(read_po(f))
    for locale in ("en", "zh_Hant", "zh_Hans"):
        with open(folder / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
            in_catalogue = _ids(read_po(f))
        missing = in_code - in_catalogue
        assert not missing, f"{name}/{locale} lacks {sorted(map(str, missing))[:5]}: run make i18n"


@pytest.mark.parametrize(("name", "folder", "sources"), PARTS, ids=[p[0] for p in PARTS])
@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_every_message_is_translated(name, folder, sources, locale):
    with open(folder / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=locale)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"{name}/{locale}: untranslated {untranslated[:5]}"
    assert fuzzy == [], f"{name}/{locale}: fuzzy {fuzzy[:5]}"


@pytest.mark.parametrize(("name", "folder", "sources"), PARTS, ids=[p[0] for p in PARTS])
@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_placeholders_survive_translation(name, folder, sources, locale):
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    with open(folder / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=locale)
    for m in catalog:
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for text in strings:
            assert set(pattern.findall(text)) == set(pattern.findall(source)), source


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_a_message_shared_by_two_catalogues_reads_the_same_in_both(locale):
    # Flask-Babel merges every catalogue into one: a message that two catalogues both
    # translate would read one way on one page and another way on the next. A message with
    # a context (pgettext) is a different message from the same words without it.
    seen: dict[tuple[str | None, str], list[tuple[str, object]]] = {}
    for name, folder, _sources in PARTS:
        with open(folder / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=locale)
        for m in catalog:
            if not m.id or not m.string:
                continue
            key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
            seen.setdefault(key, []).append((name, m.string))
    differing = []
    for (context, msgid), translations in seen.items():
        for i, (name_a, string_a) in enumerate(translations):
            for name_b, string_b in translations[i + 1 :]:
                if string_a != string_b:
                    shown = f"{context}|{msgid}" if context else msgid
                    differing.append(f"{shown!r}: {name_a} {string_a!r}, {name_b} {string_b!r}")
    assert differing == [], "\n".join(differing)
