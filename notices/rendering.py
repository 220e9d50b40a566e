"""Letters to HTML and PDF.

A letter is one HTML document (``templates/letters/letter.html``) with one section per
language: the family's language first when an approved translation exists, then English.
Each section's body is the director's ``LetterTemplate`` rendered with plain, pre-formatted
text (dates in the section's language); a section is marked ``data-section="<lang>"`` and
each required element ``data-element="<key>"``, which is what the required-content check
reads. The PDF comes from ``cares.base.pdf`` (child process, time limit, static-only fetcher).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from pypdf import PdfReader, PdfWriter

from cares.base import pdf
from cares.base.languages import is_english, language_name
from cares.base.staff.models import Program
from members.models import Removal, age_on
from notices import content
from notices.models import Letter, LetterKind, LetterTemplate

STYLESHEETS = ("notices/letters.css",)
SHIPPED_DIR = Path(settings.BASE_DIR) / "templates" / "letters" / "shipped"
HAITIAN_MONTHS = ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
                  "oktòb", "novanm", "desanm")

# A private engine: no loaders (so no include/extends of files), autoescaped variables.
_ENGINE = Engine(debug=False, autoescape=True, loaders=[], libraries={})


def format_date(value: date | None, language: str) -> str:
    """A date written the way the section's language writes it (Django's locale formats;
    Haitian Creole, which Django lacks, by hand)."""
    if value is None:
        return ""
    primary = language.split("-")[0].lower()
    if primary == "ht":
        return f"{value.day} {HAITIAN_MONTHS[value.month - 1]} {value.year}"
    with translation.override(language.lower()):
        # English in full ("March 2, 2026"), not the abbreviated "Mar. 2, 2026".
        return formats.date_format(value, "F j, Y" if primary == "en" else "DATE_FORMAT")


def address_lines(text: str) -> str:
    """A one-line address as a postal block: the street, then the city line."""
    text = (text or "").strip()
    if "\n" in text or "," not in text:
        return text
    street, rest = text.split(",", 1)
    return f"{street.strip()}\n{rest.strip()}"


# --- The facts a letter states (plain values) --------------------------------------------------

@dataclass
class LetterFacts:
    kind: str
    member_name: str = ""
    masshealth_id: str = ""
    effective_date: date | None = None
    termination_date: date | None = None
    reason: str = ""  # a PS IX.A reason key
    program_name: str = ""
    program_phone: str = ""
    program_address: str = ""
    on_call_phone: str = ""  # the dedicated 24/7 line (PS VI.B.1.b), in every letter's footer
    care_manager_name: str = ""
    care_manager_phone: str = ""
    care_manager_email: str = ""
    mail: list[content.Recipient] = field(default_factory=list)
    email: list[content.Recipient] = field(default_factory=list)
    electronic: bool = False

    @property
    def recipient_names(self) -> str:
        names: list[str] = []
        for recipient in [*self.mail, *self.email]:
            names.extend(n for n in recipient.names if n not in names)
        return content.join_names(names)


def letter_facts(letter: Letter) -> LetterFacts:
    """What the letter will say, read from the member's record (a few queries)."""
    member = letter.member
    episode = letter.episode
    program = Program.objects.order_by("pk").first()
    manager = episode.primary_contact if episode else None
    removal = Removal.objects.filter(episode=episode).first() if episode else None
    member_address = "\n".join(filter(None, [
        member.address_line1, member.address_line2,
        " ".join(filter(None, [", ".join(filter(None, [member.city, member.state])),
                               member.postal_code]))]))
    person = content.Person(name=f"{member.legal_first_name} {member.legal_last_name}",
                            address=member_address if member.address_line1 else "",
                            email=member.email)
    guardians = [content.Person(name=g.name, address=address_lines(g.address), email=g.email,
                                guardian_id=g.pk)
                 for g in member.guardians.filter(receives_letters=True).order_by("pk")]
    age = age_on(member.date_of_birth, letter.released_on or date.today())
    electronic = member.electronic_contact_available
    return LetterFacts(
        kind=letter.kind,
        member_name=person.name,
        masshealth_id=member.masshealth_id,
        effective_date=episode.effective_date if episode else None,
        termination_date=episode.termination_date if episode else None,
        reason=removal.reason if removal else "",
        program_name=program.name if program else "",
        program_phone=program.phone if program else "",
        program_address=program.address if program else "",
        on_call_phone=program.on_call_phone if program else "",
        care_manager_name=str(manager) if manager else "",
        care_manager_phone=manager.phone if manager else "",
        care_manager_email=manager.user.email if manager else "",
        mail=content.mail_recipients(person, guardians, age),
        email=content.email_recipients(person, guardians, age, electronic),
        electronic=electronic,
    )


SAMPLE_FACTS = LetterFacts(
    kind=LetterKind.ENROLLMENT, member_name="Alex Example", masshealth_id="000000000000",
    effective_date=date(2026, 3, 2), termination_date=date(2026, 9, 30),
    reason="goals_met", program_name="Example CARES Program", program_phone="617-555-0100",
    program_address="1 Example Way, Boston, MA 02118", care_manager_name="Jordan Sample",
    care_manager_phone="617-555-0142", care_manager_email="jordan.sample@example.org",
    mail=[content.Recipient(["Sam Example"], "1 Example Way\nBoston, MA 02118")],
)


# --- Which templates ----------------------------------------------------------------------------

def approved_template(kind: str, language: str) -> LetterTemplate | None:
    return (LetterTemplate.objects.filter(kind=kind, language=language,
                                          approved_at__isnull=False)
            .order_by("-version").first())


@dataclass
class TemplateChoice:
    english: LetterTemplate | None
    translation: LetterTemplate | None
    gap: str  # why the family's language is missing, for staff ("" when none)


def choose_templates(kind: str, family_language: str) -> TemplateChoice:
    """English always; the family's language when its template is approved. An unapproved or
    missing translation falls back to English, and ``gap`` says so."""
    english = approved_template(kind, "en")
    if is_english(family_language):
        return TemplateChoice(english, None, "")
    languages = set(LetterTemplate.objects.filter(kind=kind).values_list("language", flat=True))
    match = content.template_language(family_language, languages)
    translation_ = approved_template(kind, match) if match else None
    if translation_ is not None:
        return TemplateChoice(english, translation_, "")
    name = language_name(family_language)
    if match:
        gap = (f"The {name} ({match}) {kind} template is a draft awaiting a qualified "
               f"translator's approval: the family receives this letter in English only.")
    else:
        gap = (f"There is no {name} ({family_language}) {kind} template: the family receives "
               f"this letter in English only.")
    return TemplateChoice(english, None, gap)


# --- HTML -------------------------------------------------------------------------------------

def section_context(facts: LetterFacts, language: str, template: LetterTemplate,
                    letter_date: date) -> dict[str, str]:
    reasons = template.reasons or {}
    return {
        "recipient_names": facts.recipient_names or facts.member_name,
        "member_name": facts.member_name,
        "masshealth_id": facts.masshealth_id,
        "effective_date": format_date(facts.effective_date, language),
        "termination_date": format_date(facts.termination_date, language),
        "reason": reasons.get(facts.reason, "") if facts.reason else "",
        "program_name": facts.program_name,
        "program_phone": facts.program_phone,
        "program_address": facts.program_address,
        "care_manager_name": facts.care_manager_name,
        "care_manager_phone": facts.care_manager_phone,
        "care_manager_email": facts.care_manager_email,
        "letter_date": format_date(letter_date, language),
    }


def compile_body(body: str):
    """A director's template body, compiled (raises TemplateSyntaxError)."""
    return _ENGINE.from_string(body)


def render_body(template: LetterTemplate, context: dict[str, str]) -> str:
    return compile_body(template.body).render(Context(context, autoescape=True))


@dataclass
class RenderedLetter:
    html: str
    sections: list[str]  # template languages, in order
    choice: TemplateChoice
    facts: LetterFacts
    letter_date: date

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.html.encode()).hexdigest()

    @property
    def templates(self) -> list[LetterTemplate]:
        return [t for t in (self.choice.translation, self.choice.english) if t is not None]


def _reference(letter_id: int | None, templates: list[LetterTemplate], on: date) -> str:
    versions = ", ".join(f"{t.language} v{t.version}" for t in templates)
    number = f"#{letter_id}" if letter_id else "(preview)"
    return f"CARES Kids letter {number} · {on.isoformat()} · templates {versions}"


def build_html(facts: LetterFacts, templates: list[LetterTemplate], letter_date: date, *,
               letter_id: int | None = None, browser: bool = False) -> str:
    """The letter's HTML; ``browser``: linking its stylesheets, for a browser to show it."""
    sections = []
    for template in templates:
        context = section_context(facts, template.language, template, letter_date)
        sections.append({
            "lang": template.language, "body": mark_safe(render_body(template, context)),  # noqa: S308 (variables autoescaped)
            # template_problems refuses "<" and @import in CSS, so it cannot leave <style>.
            "css": mark_safe(template.css) if template.css else "",  # noqa: S308
            "program_name": facts.program_name, "program_phone": facts.program_phone,
            "program_address": facts.program_address,
            "on_call_phone": facts.on_call_phone,
            "letter_date": context["letter_date"],
        })
    title = dict(LetterKind.choices).get(facts.kind, facts.kind)
    return render_to_string("letters/letter.html", {
        "sections": sections, "title": f"{facts.program_name}: {title}",
        "window": facts.mail[0] if facts.mail else None,
        "reference": _reference(letter_id, templates, letter_date),
        "stylesheet_links": [static(s) for s in STYLESHEETS] if browser else []})


def letter_html(letter: Letter, *, letter_date: date, facts: LetterFacts | None = None
                ) -> RenderedLetter:
    facts = facts or letter_facts(letter)
    choice = choose_templates(letter.kind, letter.language)
    rendered = RenderedLetter("", [], choice, facts, letter_date)
    rendered.html = build_html(facts, rendered.templates, letter_date, letter_id=letter.pk)
    rendered.sections = [t.language for t in rendered.templates]
    return rendered


def letter_problems(rendered: RenderedLetter) -> list[str]:
    """Every reason the letter may not be sent yet, each naming what is missing (PS VIII,
    IX.C): required elements, in every language of the letter, and the recipients."""
    problems = []
    if rendered.choice.english is None:
        problems.append(f"an approved English {rendered.facts.kind} template (Letter "
                        f"templates page)")
    problems += content.missing_elements(rendered.facts.kind, rendered.html, rendered.sections)
    problems += content.missing_recipients(rendered.facts.mail, rendered.facts.email,
                                           rendered.facts.electronic)
    return problems


# --- PDF ----------------------------------------------------------------------------------------

def render_pdfs(htmls: list[str]) -> list[bytes]:
    """PDF bytes of each letter, rendered in one child process (a time limit each)."""
    return pdf.render_many_html_to_pdf(htmls, stylesheets=STYLESHEETS)


def sample_html(template: LetterTemplate, *, browser: bool = False) -> str:
    """A template (saved or not) rendered as a real letter is, with fictional sample data."""
    return build_html(replace(SAMPLE_FACTS, kind=template.kind), [template],
                      timezone.localdate(), browser=browser)


def sample_variables(template: LetterTemplate) -> list[tuple[content.Variable, str]]:
    """The variables the template's letter offers, each with its value in the sample letter."""
    values = section_context(replace(SAMPLE_FACTS, kind=template.kind), template.language,
                             template, timezone.localdate())
    return [(variable, values[variable.name]) for variable in content.variables_for(template.kind)]


def preview_pdf(template: LetterTemplate) -> tuple[str, bytes]:
    """A template rendered with fictional sample data (the director's preview)."""
    html = sample_html(template)
    return html, pdf.render_html_to_pdf(html, stylesheets=STYLESHEETS)


def carrier_sheets_pdf(batch, sheets: list[dict], program) -> bytes:
    html = render_to_string("letters/carrier_sheets.html", {
        "batch": batch, "sheets": sheets,
        "program_name": program.name if program else "",
        "program_address": address_lines(program.address) if program else ""})
    return pdf.render_html_to_pdf(html)


def interleave(carriers: bytes, letters: list[bytes]) -> tuple[bytes, int]:
    """One PDF: carrier sheet *i* (page *i* of ``carriers``), then letter *i* as stored (its
    exact pages), for each letter; and the page count (pypdf)."""
    writer = PdfWriter()
    sheets = PdfReader(io.BytesIO(carriers))
    for index, letter in enumerate(letters):
        writer.add_page(sheets.pages[index])
        writer.append(PdfReader(io.BytesIO(letter)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


# --- The shipped templates (read by the data migration and the tests) ----------------------------

def shipped_templates() -> list[dict]:
    reasons = json.loads((SHIPPED_DIR / "reasons.json").read_text(encoding="utf-8"))
    shipped = []
    for path in sorted(SHIPPED_DIR.glob("*.html")):
        kind, language = path.stem.split(".", 1)
        shipped.append({"kind": kind, "language": language,
                        "body": path.read_text(encoding="utf-8"),
                        "reasons": reasons.get(language, {}) if kind == "termination" else {}})
    return shipped
