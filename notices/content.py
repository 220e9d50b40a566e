"""What a letter must say and to whom it goes: pure rules over plain values (PS VIII, IX.C).

- ``REQUIRED``: the elements each kind of letter must contain, with their citation. A template
  marks each one with ``data-element="<key>"``; the check looks for a non-empty element of
  each key in every language of the rendered letter, so a missing datum (no care manager
  phone) and a template that forgot an element are both refused by name.
- ``family_language`` / ``template_language``: which translation the family receives.
- ``mail_recipients`` / ``email_recipients``: the member and the parents/guardians who receive
  letters, grouped by address so one household gets one envelope.
- ``normalize_tracking_number``: USPS certified mail numbers (20 to 22 digits).
- ``LETTER_VARIABLES``: the values a template may insert, named in words for the editor.
- ``template_problems``: what a director's template edit may contain (Django template syntax
  limited to variables, a few filters and ``if``; no ``load``/``include``/``extends``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.translation import gettext_lazy as _

from cares.base.languages import is_english, language_name
from members.models import ADULT_AGE  # an adult member is written to directly

ENROLLMENT = "enrollment"
TERMINATION = "termination"


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    citation: str
    hint: str = ""
    in_body: bool = True  # the director's template must contain it (else the letterhead does)

    def message(self) -> str:
        text = f"{self.label} ({self.citation})"
        return f"{text}: {self.hint}" if self.hint else text


REMINDER_HINT = _("the template must keep the reminder section")
REQUIRED: dict[str, tuple[Element, ...]] = {
    ENROLLMENT: (
        Element("effective_date", _("the enrollment effective date"), "PS VIII",
                _("no effective date on the episode")),
        Element("provider_name", _("the name of the CARES program provider"), "PS VIII",
                _("enter the program's name (Program record)"), in_body=False),
        Element("overview", _("an overview of CARES services"), "PS VIII",
                _("the template must keep the overview section")),
        Element("care_manager_name", _("the designated care manager's name"), "PS VIII",
                _("no designated primary contact on the episode")),
        Element("care_manager_phone", _("the designated care manager's phone number"),
                "PS VIII", _("no work phone on the care manager's staff record")),
        Element("reminder", _("the reminder that enrollment does not affect MassHealth "
                              "benefits or health plan enrollment"), "PS VIII", REMINDER_HINT),
    ),
    TERMINATION: (
        Element("termination_date", _("the effective termination date"), "PS IX.C",
                _("no termination date on the episode")),
        Element("reason", _("the reason for the termination"), "PS IX.C",
                _("no removal reason recorded, or the template has no wording for it")),
        Element("provider_name", _("the name of the CARES program provider"), "PS IX.C",
                _("enter the program's name (Program record)"), in_body=False),
        Element("provider_phone", _("the provider's contact information for questions"),
                "PS IX.C", _("enter the program's phone number (Program record)")),
        Element("reminder", _("the reminder that termination does not affect MassHealth "
                              "benefits or health plan enrollment"), "PS IX.C", REMINDER_HINT),
    ),
}

# PS IX.A reasons, keys of members.models.RemovalReason (the termination template words each).
REMOVAL_REASONS = ("no_longer_eligible", "conditions_resolved", "goals_met",
                   "needs_met_without_cares", "family_declined", "lost_masshealth",
                   "moved_out_of_state", "independent_choice")



@dataclass(frozen=True)
class Variable:
    """A value a template may insert: ``{{ name }}``, described in words for the editor."""

    name: str
    label: str
    kinds: tuple[str, ...] = (ENROLLMENT, TERMINATION)

    @property
    def code(self) -> str:
        return f"{{{{ {self.name} }}}}"


# The variables a template can use (all plain, already formatted text); the renderer's
# context (``rendering.section_context``) provides exactly these, and the template editor
# offers them in this order with the sample letter's values.
LETTER_VARIABLES: tuple[Variable, ...] = (
    Variable("recipient_names", _("Names of the people the letter is addressed to")),
    Variable("member_name", _("Member's full name")),
    Variable("masshealth_id", _("Member's MassHealth ID")),
    Variable("effective_date", _("Enrollment effective date")),
    Variable("termination_date", _("Termination effective date"), (TERMINATION,)),
    Variable("reason", _("Termination reason (its wording below)"), (TERMINATION,)),
    Variable("program_name", _("Program name")),
    Variable("program_phone", _("Program phone number")),
    Variable("program_address", _("Program address")),
    Variable("care_manager_name", _("Care manager's name")),
    Variable("care_manager_phone", _("Care manager's phone number")),
    Variable("care_manager_email", _("Care manager's e-mail address")),
    Variable("letter_date", _("Date of the letter")),
)
VARIABLES = frozenset(v.name for v in LETTER_VARIABLES)


def variables_for(kind: str) -> list[Variable]:
    """The variables a letter of ``kind`` offers."""
    return [v for v in LETTER_VARIABLES if kind in v.kinds]


# --- Which elements a rendered letter contains -----------------------------------------------

class _ElementText(HTMLParser):
    """Collects the text inside each ``data-element`` element, per ``lang`` section."""

    VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, str | None]] = []  # tag, element, section
        self.found: dict[str | None, dict[str, str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        section = attributes.get("data-section")
        if section is None and self.stack:
            section = self.stack[-1][2]
        self.stack.append((tag, attributes.get("data-element"), section))
        if attributes.get("data-element"):
            self.found.setdefault(section, {}).setdefault(attributes["data-element"], "")

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        for _tag, element, section in self.stack:
            if element:
                self.found.setdefault(section, {})[element] = (
                    self.found.get(section, {}).get(element, "") + data)


def elements_present(html: str) -> dict[str | None, set[str]]:
    """For each section (``data-section`` value) of ``html``, the element keys whose text is
    not blank."""
    parser = _ElementText()
    parser.feed(html)
    parser.close()
    return {section: {key for key, text in elements.items() if text.strip()}
            for section, elements in parser.found.items()}


def missing_elements(kind: str, html: str, sections: Sequence[str]) -> list[str]:
    """Every required element absent from any of ``sections`` of the rendered letter, as
    messages naming the element and its citation. Empty: the letter may be sent."""
    present = elements_present(html)
    problems = []
    for element in REQUIRED[kind]:
        lacking = [s for s in sections if element.key not in present.get(s, set())]
        if not lacking:
            continue
        message = element.message()
        if lacking != list(sections) and len(sections) > 1:
            message = f"{message} [{', '.join(language_name(s) for s in lacking)}]"
        problems.append(message)
    return problems


# --- Languages ----------------------------------------------------------------------------------

CHINESE_SIMPLIFIED = ("zh", "zh-cn", "zh-sg", "zh-hans", "zh-my")
CHINESE_TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def family_language(primary_language: str, preferred_written_language: str) -> str:
    """The language the family reads: the preferred written language when it is not English
    (the language of choice), else the primary language."""
    if preferred_written_language and not is_english(preferred_written_language):
        return preferred_written_language
    return primary_language or "en"


def template_language(tag: str, available: Iterable[str]) -> str | None:
    """The template language that serves ``tag``: the same tag (case-insensitive), Chinese by
    script (``zh-TW`` -> ``zh-Hant``, ``zh`` -> ``zh-Hans``), else the same primary subtag
    (``pt-BR`` -> ``pt``). ``None`` when no template language fits."""
    by_lower = {a.lower(): a for a in available}
    lowered = (tag or "").lower()
    if lowered in by_lower:
        return by_lower[lowered]
    if lowered.startswith("zh"):
        if lowered.startswith(CHINESE_TRADITIONAL):
            return by_lower.get("zh-hant")
        if lowered.startswith(CHINESE_SIMPLIFIED) or lowered == "zh":
            return by_lower.get("zh-hans")
    primary = lowered.split("-")[0]
    return by_lower.get(primary)


# --- Recipients ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A parent/guardian (``guardian_id``) or the member (``guardian_id`` None)."""

    name: str
    address: str = ""
    email: str = ""
    guardian_id: int | None = None


@dataclass
class Recipient:
    names: list[str]
    address: str = ""
    email: str = ""
    guardian_ids: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return join_names(self.names)


def join_names(names: Sequence[str]) -> str:
    return " & ".join(n for n in names if n)


def _address_key(address: str) -> str:
    return re.sub(r"[\W_]+", " ", address.lower()).strip()


def _addressees(member: Person, guardians: Sequence[Person], member_age: int) -> list[Person]:
    """The parents/guardians who receive letters, and the member when 18 or older or when no
    parent/guardian receives letters (PS VIII, IX.C: "the member and their parent/guardian")."""
    people = list(guardians)
    if member_age >= ADULT_AGE or not people:
        people.insert(0, member)
    return people


def mail_recipients(member: Person, guardians: Sequence[Person], member_age: int
                    ) -> list[Recipient]:
    """One envelope per address: a guardian without an address of their own lives at the
    member's. People with no address at all get nothing (``missing_recipients`` says so)."""
    envelopes: dict[str, Recipient] = {}
    for person in _addressees(member, guardians, member_age):
        address = (person.address or member.address).strip()
        if not address:
            continue
        envelope = envelopes.setdefault(_address_key(address), Recipient([], address))
        envelope.names.append(person.name)
        if person.guardian_id:
            envelope.guardian_ids.append(person.guardian_id)
    return list(envelopes.values())


def email_recipients(member: Person, guardians: Sequence[Person], member_age: int,
                     electronic: bool) -> list[Recipient]:
    """E-mail copies, when the family can receive letters electronically: one per address."""
    if not electronic:
        return []
    seen: dict[str, Recipient] = {}
    for person in _addressees(member, guardians, member_age):
        if not person.email:
            continue
        recipient = seen.setdefault(person.email.lower(), Recipient([], email=person.email))
        recipient.names.append(person.name)
        if person.guardian_id:
            recipient.guardian_ids.append(person.guardian_id)
    return list(seen.values())


def missing_recipients(mail: Sequence[Recipient], email: Sequence[Recipient],
                       electronic: bool) -> list[str]:
    problems = []
    if not mail:
        problems.append(str(_(
            "a mailing address for certified mail: the member's address or that of a parent/"
            "guardian who receives letters (PS VIII, IX.C)")))
    if electronic and not email:
        problems.append(str(_(
            "an e-mail address for the electronic copy: electronic contact is marked available "
            "but neither the member nor a parent/guardian who receives letters has one "
            "(PS VIII, IX.C)")))
    return problems


# --- Certified mail ---------------------------------------------------------------------------

class TrackingNumberError(ValueError):
    pass


def normalize_tracking_number(value: str) -> str:
    """The digits of a USPS certified mail number: 20 to 22 digits once spaces and dashes are
    removed (e.g. ``9407 1118 9876 5432 1000 00``). Anything else raises."""
    digits = re.sub(r"[\s-]+", "", value or "")
    if not re.fullmatch(r"\d{20,22}", digits):
        raise TrackingNumberError(str(_(
            "A USPS certified mail tracking number has 20 to 22 digits (spaces allowed), e.g. "
            "9407 1118 9876 5432 1000 00.")))
    return digits


def format_tracking_number(digits: str) -> str:
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


# --- Templates a director may write -----------------------------------------------------------

ALLOWED_TAGS = frozenset({"if", "elif", "else", "endif", "comment", "endcomment"})
ALLOWED_FILTERS = frozenset({"upper", "lower", "title", "capfirst", "default", "linebreaksbr"})
_BLOCK = re.compile(r"{%-?\s*(\w+)")
_VARIABLE = re.compile(r"{{(.*?)}}", re.S)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def unsafe_syntax(body: str) -> list[str]:
    """Tags and filters a letter template may not use: a body with any of them is never
    rendered, not even as a preview."""
    problems = []
    for tag in _BLOCK.findall(body):
        if tag not in ALLOWED_TAGS:
            problems.append(str(_("The tag {%% %(tag)s %%} is not allowed in a letter template.")
                                % {"tag": tag}))
    for expression in _VARIABLE.findall(body):
        for item in expression.split("|")[1:]:
            filter_name = item.split(":")[0].strip()
            if filter_name not in ALLOWED_FILTERS:
                problems.append(str(_("The filter |%(name)s is not allowed.")
                                    % {"name": filter_name}))
    return problems


def body_problems(kind: str, body: str) -> list[str]:
    """What is wrong with a template body (its text alone, before rendering)."""
    problems = unsafe_syntax(body)
    offered = {v.name for v in variables_for(kind)}
    for expression in _VARIABLE.findall(body):
        name = expression.split("|")[0].strip()
        if name in VARIABLES and name not in offered:
            problems.append(str(_("{{ %(name)s }} is not available in this kind of letter.")
                                % {"name": name}))
        elif name not in offered:
            problems.append(str(_("Unknown variable {{ %(name)s }}; insert one from the list "
                                  "of variables (%(known)s).")
                                % {"name": name, "known": ", ".join(sorted(offered))}))
    if "{#" in body:
        problems.append(str(_("Use {% comment %} rather than {# #} comments.")))
    for element in REQUIRED[kind]:
        if element.in_body and f'data-element="{element.key}"' not in body:
            problems.append(str(_('The template must contain an element marked '
                                  'data-element="%(key)s" for %(label)s (%(citation)s).')
                                % {"key": element.key, "label": element.label,
                                   "citation": element.citation}))
    return problems


def css_problems(css: str) -> list[str]:
    if "<" in css or "@import" in css.lower():
        return [str(_("The CSS may not contain '<' or @import."))]
    return []


def reason_problems(kind: str, reasons: dict[str, str]) -> list[str]:
    if kind == TERMINATION:
        blank = [r for r in REMOVAL_REASONS if not (reasons.get(r) or "").strip()]
        if blank:
            return [str(_("Word every termination reason; missing: %(reasons)s.")
                        % {"reasons": ", ".join(blank)})]
    return []


def template_problems(kind: str, body: str, css: str, reasons: dict[str, str]) -> list[str]:
    """What is wrong with a template edit; empty when it may be saved."""
    return body_problems(kind, body) + css_problems(css) + reason_problems(kind, reasons)
