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


def same_language(a: str, b: str) -> bool:
    return (a or "").lower() == (b or "").lower()


def is_english(tag: str) -> bool:
    """True when the primary subtag is ``en`` (one delivery suffices for ICP copies)."""
    return (tag or "").split("-")[0].lower() == "en"
