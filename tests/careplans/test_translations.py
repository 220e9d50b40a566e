"""The translation catalogs under ``cares/locale/``: every heading and label of the ICP is
translated into each language, and the committed ``.mo`` files are compiled from the ``.po``
files as they are (an edited but uncompiled translation fails here)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "cares" / "locale"
LANGUAGES = ("es", "pt", "vi", "zh_Hans", "zh_Hant")


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: locations, msgid, msgid_plural, msgstr (or its forms)."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry and not entry.get("fuzzy"):
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            finish()
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"locations": []}
        if line.startswith("#:"):
            entry["locations"].extend(line[2:].split())
        elif line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] = entry[key] + ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mo_file_is_compiled_from_the_po_file(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    for entry in parse_po(folder / "django.po"):
        if entry["msgid"] == "":
            continue
        if "msgid_plural" in entry:
            forms = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr["))]
            if any(forms):
                for n, form in enumerate(forms):
                    assert catalog[(entry["msgid"], n)] == form, (entry["msgid"], n)
        elif entry["msgstr"]:
            assert catalog.get(entry["msgid"]) == entry["msgstr"], entry["msgid"]
        else:
            assert entry["msgid"] not in catalog, entry["msgid"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_icp_pdf_is_translated(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    icp = [e for e in entries if "templates/pdf/icp.html" in e["locations"]]
    assert len(icp) > 50
    untranslated = [e["msgid"] for e in icp
                    if not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_declares_utf8_and_is_not_fuzzy(language):
    header = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")[0]
    assert header["msgid"] == ""
    assert "charset=UTF-8" in header["msgstr"]
    assert f"Language: {language}" in header["msgstr"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_choices_the_icp_shows_are_translated(language):
    from careplans.models import GoalKind, GoalTerm, ParticipantKind, SchoolPlan, TeamRole

    translated = {e["msgid"] for e in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
                  if e.get("msgstr")}
    for choices in (GoalKind, GoalTerm, ParticipantKind, SchoolPlan, TeamRole):
        for label in choices.labels:
            assert str(label) in translated, (choices.__name__, str(label))
