"""The pure rules of letters: languages, recipients, tracking numbers, template limits and
the required-element check over rendered HTML (PS VIII, IX.C)."""

import pytest

from notices import content
from notices.content import Person, Recipient

MEMBER = Person(name="Kim Example", address="12 Elm Street\nBoston, MA 02118",
                email="kim@family.example")


@pytest.mark.parametrize(("tag", "expected"), [
    ("es", "es"), ("ES", "es"), ("es-419", "es"), ("pt-BR", "pt"), ("vi", "vi"),
    ("zh", "zh-Hans"), ("zh-CN", "zh-Hans"), ("zh-Hans", "zh-Hans"), ("zh-TW", "zh-Hant"),
    ("zh-HK", "zh-Hant"), ("zh-Hant-TW", "zh-Hant"), ("ht", "ht"), ("km", None),
])
def test_template_language_for_a_family_tag(tag, expected):
    available = ["en", "es", "pt", "ht", "vi", "zh-Hans", "zh-Hant"]
    assert content.template_language(tag, available) == expected


def test_family_language_prefers_a_non_english_written_language():
    assert content.family_language("zh", "zh-Hant") == "zh-Hant"
    assert content.family_language("es", "en") == "es"
    assert content.family_language("en", "en") == "en"


def test_one_envelope_per_address_and_the_member_only_when_adult_or_alone():
    mother = Person(name="Ana Example", guardian_id=1)  # lives with the member
    father = Person(name="Luis Example", address="9 Oak Road, Salem, MA 01970", guardian_id=2)
    child = content.mail_recipients(MEMBER, [mother, father], member_age=9)
    assert [(r.names, r.address) for r in child] == [
        (["Ana Example"], MEMBER.address), (["Luis Example"], "9 Oak Road, Salem, MA 01970")]
    adult = content.mail_recipients(MEMBER, [mother], member_age=18)
    assert [r.names for r in adult] == [["Kim Example", "Ana Example"]]
    alone = content.mail_recipients(MEMBER, [], member_age=9)
    assert [r.names for r in alone] == [["Kim Example"]]


def test_no_address_no_envelope_and_the_check_says_so():
    homeless = Person(name="Kim Example")
    assert content.mail_recipients(homeless, [], member_age=9) == []
    problems = content.missing_recipients([], [], electronic=True)
    assert any("mailing address" in p for p in problems)
    assert any("e-mail address" in p for p in problems)


def test_email_copies_only_with_electronic_contact():
    mother = Person(name="Ana Example", email="ana@family.example", guardian_id=1)
    assert content.email_recipients(MEMBER, [mother], 9, electronic=False) == []
    assert content.email_recipients(MEMBER, [mother], 9, electronic=True) == [
        Recipient(["Ana Example"], email="ana@family.example", guardian_ids=[1])]


@pytest.mark.parametrize(("number", "digits"), [
    ("9407 1118 9876 5432 1000 00", "9407111898765432100000"),  # 22 digits
    ("7019-0700-0000-0000-0000", "70190700000000000000"),  # 20 digits
    ("  94071118987654321000 1 ", "940711189876543210001"),  # 21 digits
])
def test_usps_certified_numbers(number, digits):
    assert content.normalize_tracking_number(number) == digits


@pytest.mark.parametrize("number", ["", "1234", "9407 1118 9876 5432 100", "EJ958083578US",
                                    "9407 1118 9876 5432 1000 0X", "92148969009997901234567"])
def test_not_a_certified_mail_number(number):
    with pytest.raises(content.TrackingNumberError, match="20 to 22 digits"):
        content.normalize_tracking_number(number)


ENROLLMENT_BODY = (
    '<p data-element="effective_date">{{ effective_date }}</p><div data-element="overview">x'
    '</div><p data-element="care_manager_name">{{ care_manager_name }}</p>'
    '<p data-element="care_manager_phone">{{ care_manager_phone }}</p>'
    '<p data-element="reminder">r</p>')


def test_a_complete_enrollment_template_passes():
    assert content.template_problems("enrollment", ENROLLMENT_BODY, "", {}) == []


@pytest.mark.parametrize(("body", "css", "expected"), [
    (ENROLLMENT_BODY + '{% load static %}', "", "{% load %}"),
    (ENROLLMENT_BODY + '{% include "base.html" %}', "", "{% include %}"),
    (ENROLLMENT_BODY + "{{ member.masshealth_id }}", "", "Unknown variable"),
    (ENROLLMENT_BODY + "{{ member_name|safe }}", "", "|safe"),
    (ENROLLMENT_BODY.replace('data-element="reminder"', ""), "", 'data-element="reminder"'),
    (ENROLLMENT_BODY, "p { color: red } </style><script>", "may not contain"),
    (ENROLLMENT_BODY, '@import url("https://example.org/x.css");', "may not contain"),
])
def test_template_limits(body, css, expected):
    problems = content.template_problems("enrollment", body, css, {})
    assert any(expected in p for p in problems), problems


def test_a_termination_template_words_every_reason():
    body = ('<p data-element="termination_date">{{ termination_date }}</p>'
            '<p data-element="reason">{{ reason }}</p>'
            '<p data-element="provider_phone">{{ program_phone }}</p>'
            '<p data-element="reminder">r</p>')
    problems = content.template_problems("termination", body, "", {"goals_met": "Met."})
    assert len(problems) == 1 and "moved_out_of_state" in problems[0]


def test_missing_elements_are_found_per_language_section():
    html = ('<article data-section="es"><b data-element="provider_name">P</b>'
            '<b data-element="effective_date">1 de marzo</b><div data-element="overview">o</div>'
            '<b data-element="care_manager_name">N</b><b data-element="care_manager_phone"></b>'
            '<p data-element="reminder">r</p></article>'
            '<article data-section="en"><b data-element="provider_name">P</b>'
            '<b data-element="effective_date">March 1</b><div data-element="overview">o</div>'
            '<b data-element="care_manager_name">N</b><b data-element="care_manager_phone">'
            '617</b></article>')
    problems = content.missing_elements("enrollment", html, ["es", "en"])
    assert problems == [
        "the designated care manager's phone number (PS VIII): no work phone on the care "
        "manager's staff record [Spanish / Español]",
        "the reminder that enrollment does not affect MassHealth benefits or health plan "
        "enrollment (PS VIII): the template must keep the reminder section [English]",
    ]
