"""Languages our families speak, as IETF BCP 47 tags.

Tags compare whole and case-insensitively (``pt-BR`` is not ``pt``; deadlines.md reading 3).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# (tag, name in English / name in the language itself). The first entries are the languages
# the program must support at least; any other well-formed tag is accepted too.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("es", "Spanish / Español"),
    ("pt", "Portuguese / Português"),
    ("pt-BR", "Portuguese (Brazil) / Português do Brasil"),
    ("ht", "Haitian Creole / Kreyòl ayisyen"),
    ("vi", "Vietnamese / Tiếng Việt"),
    ("zh-Hans", "Chinese, simplified / 简体中文"),
    ("zh-Hant", "Chinese, traditional / 繁體中文"),
    ("kea", "Cape Verdean Creole / Kriolu kabuverdianu"),
    ("km", "Khmer / ភាសាខ្មែរ"),
    ("ar", "Arabic / العربية"),
    ("ru", "Russian / Русский"),
    ("fr", "French / Français"),
    ("so", "Somali / Soomaali"),
    ("ne", "Nepali / नेपाली"),
    ("ase", "American Sign Language"),
)
LANGUAGE_NAMES = {tag.lower(): name for tag, name in LANGUAGES}

_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")


def validate_language_tag(value: str) -> None:
    if not value or not _TAG.match(value):
        raise ValidationError(
            _("%(value)s is not a language tag such as en, es, pt-BR, vi or zh-Hant."),
            params={"value": value}, code="language_tag",
        )


def language_name(tag: str) -> str:
    return LANGUAGE_NAMES.get((tag or "").lower(), tag)


def language_label(tag: str) -> str:
    """How the language is offered in a list: "Spanish — Español"; an unlisted tag as is."""
    name = LANGUAGE_NAMES.get((tag or "").lower())
    return name.replace(" / ", " — ") if name else (tag or "")


def _words(text: str) -> str:
    return " ".join(re.sub(r"\s*[—–/]\s*|\s-\s", " — ", text or "").split()).casefold()


# Every way a listed language is written: its tag, its label, its name in English or in
# the language itself ("spanish", "español", "spanish — español", "es").
def _ways_written() -> dict[str, str]:
    found: dict[str, str] = {}
    for tag, name in LANGUAGES:
        found[tag.casefold()] = tag
        found[_words(name)] = tag
        for part in name.split(" / "):
            found.setdefault(_words(part), tag)
    return found


_BY_NAME = _ways_written()


def language_tag(text: str) -> str | None:
    """The IETF tag for what someone typed or picked: a listed language's name (in English or
    in the language itself, any case) or label, or a well-formed tag (``pl``, ``pt-BR``).
    ``None`` when it is neither, e.g. a misspelt name."""
    text = (text or "").strip()
    if not text:
        return ""
    found = _BY_NAME.get(_words(text))
    if found:
        return found
    return text if _TAG.match(text) else None


def same_language(a: str, b: str) -> bool:
    return (a or "").lower() == (b or "").lower()


def is_english(tag: str) -> bool:
    """True when the primary subtag is ``en`` (one delivery suffices for ICP copies)."""
    return (tag or "").split("-")[0].lower() == "en"
