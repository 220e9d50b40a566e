"""In the ICP PDF a table row never splits across pages: a provider's name stays on the page
with their phone (issue 16, item 3)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from careplans import copies
from careplans.models import CareTeamEntry
from cares.base.pdf import _static_path
from tests.factories import ready_care_plan

pytestmark = pytest.mark.django_db

ROWS = 40
LONG_ORGANIZATION = ("Pediatric complex care clinic of a teaching hospital, third floor of the "
                     "east building, next to the pharmacy and the family resource center")


def test_the_pdf_stylesheets_keep_rows_whole():
    print_css = _static_path("cares-static:/css/print.css").read_text()
    assert re.search(r"(^|\n)tr\s*\{[^}]*break-inside:\s*avoid", print_css)


def test_every_team_row_is_on_one_page(member, coordinator):
    plan = ready_care_plan(member, actor=coordinator.user)
    CareTeamEntry.objects.bulk_create(
        CareTeamEntry(plan=plan, order=10 + n, role="specialist", name=f"Row{n:02d}name",
                      organization=f"{LONG_ORGANIZATION} Row{n:02d}end",
                      phone=f"617-555-{n:04d}") for n in range(ROWS))
    _html, pdf = copies.render_icp(plan, "en")
    pages = [" ".join(page.extract_text().split()).replace(" ", "")
             for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 3  # the team table runs over more than one page break
    row_pages = []
    for n in range(ROWS):
        on = {token: {i for i, text in enumerate(pages) if token in text}
              for token in (f"Row{n:02d}name", f"Row{n:02d}end", f"617-555-{n:04d}")}
        assert all(len(found) == 1 for found in on.values()), (n, on)
        assert len(set().union(*on.values())) == 1, f"row {n} split across pages: {on}"
        row_pages.append(min(on[f"Row{n:02d}name"]))
    assert len(set(row_pages)) >= 2  # the rows really do reach the end of a page
