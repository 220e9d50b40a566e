"""The letter PDF carries the family's address where a US #10 window envelope shows it, and
downloads under a meaningful name without PHI (issue 16, item 20)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from notices import rendering
from tests.factories import sign_in
from tests.notices.test_rendering import rendered_letter

pytestmark = pytest.mark.django_db

POINTS = 72  # per inch
PAGE_HEIGHT = 11 * POINTS


def text_positions(page) -> list[tuple[str, float, float]]:
    """(text, inches from the left edge, inches from the top edge) of each run of text."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / POINTS, (PAGE_HEIGHT - y) / POINTS))

    page.extract_text(visitor_text=visit)
    return found


def test_the_address_block_sits_in_the_envelope_window():
    _letter, data = rendered_letter("enrollment", "en")
    first = PdfReader(io.BytesIO(data)).pages[0]
    runs = text_positions(first)
    name = next(r for r in runs if r[0].startswith("Ana Example"))
    street = next(r for r in runs if "12 Elm Street" in r[0])
    city = next(r for r in runs if r[0].startswith("Boston"))
    window = (0.875, 4.5 + 0.875, 2.0, 2.0 + 1.125)  # left, right, top, bottom, inches
    for text, left, top in (name, street, city):
        assert window[0] <= left <= window[0] + 0.25, (text, left)
        assert window[2] < top < window[3], (text, top)  # baseline inside the window
    assert name[2] < street[2] < city[2]  # name, street, city line: top to bottom
    # Nothing else shows through the window: the letter's own text runs beside or below it.
    address = {name, street, city}
    for text, left, top in runs:
        if (text, left, top) not in address and window[2] - 0.1 < top < window[3] + 0.1:
            assert left > 0.9 + 3.9, (text, left, top)


def test_only_the_first_section_has_the_address_block():
    letter, _data = rendered_letter("enrollment", "es")
    html = rendering.letter_html(letter, letter_date=timezone.localdate()).html
    assert html.count('class="window-address"') == 1
    assert html.index('class="window-address"') < html.index('data-section="en"')


@pytest.mark.parametrize("kind", ["enrollment", "termination"])
def test_the_letter_downloads_under_a_meaningful_name_without_phi(client, kind):
    letter, _data = rendered_letter(kind, "en", legal_last_name="Sentinelname")
    coordinator = letter.episode.primary_contact
    sign_in(client, coordinator.user)
    response = client.get(reverse("document_download",
                                  args=[letter.member_id, letter.document_id]))
    assert response.status_code == 200
    today = timezone.localdate(letter.document.created_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="{kind}-letter-{today}.pdf"')
    assert "Sentinelname" not in response["Content-Disposition"]
    assert letter.member.masshealth_id not in response["Content-Disposition"]
