"""The letter template editor (issue 16, item 16): the variables offered in words, a live
preview of the unsaved edit rendered as a real letter with the sample data, an "open preview"
in its own tab, and unknown variables or syntax errors named next to the body, in the preview
and on save (nothing saved). Only the program director may use any of it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import AuditEvent
from notices import content, rendering
from notices.models import LetterTemplate
from tests.factories import make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_client():
    return sign_in(Client(), make_director().user)


@pytest.fixture
def english():
    return LetterTemplate.objects.get(kind="enrollment", language="en")


def live(client, template, body, **extra):
    response = client.post(reverse("letters:template_live_preview", args=[template.pk]),
                           {"body": body, "css": "", "note": "", **extra})
    assert response.status_code == 200
    return response.json()


def test_the_editor_offers_every_variable_in_words_with_its_sample_value(director_client,
                                                                         english):
    page = director_client.get(reverse("letters:template", args=[english.pk]))
    html = page.content.decode()
    assert "Member&#x27;s full name" in html and 'data-insert="{{ member_name }}"' in html
    assert "Alex Example" in html  # the sample letter's value, shown with the variable
    assert "Termination reason" not in html  # not a variable of an enrollment letter
    assert 'src="/static/js/template-editor.js"' in html and "<script>" not in html


def test_the_list_of_variables_is_what_the_renderer_provides(english):
    values = rendering.section_context(replace(rendering.SAMPLE_FACTS, kind="termination"),
                                       "en", english, timezone.localdate())
    assert set(values) == content.VARIABLES
    offered = {v.name for v in content.variables_for("enrollment")}
    assert offered == content.VARIABLES - {"reason", "termination_date"}


def test_the_live_preview_renders_the_unsaved_body_with_the_sample_values(director_client,
                                                                          english):
    body = english.body.replace("Dear {{ recipient_names }}",
                                "Hello {{ care_manager_email }}")
    answer = live(director_client, english, body)
    assert answer["problems"] == []
    assert "Hello jordan.sample@example.org" in answer["html"]
    assert "Alex Example" in answer["html"] and "March 2, 2026" in answer["html"]
    assert "/static/notices/letters.css" in answer["html"]  # styled as the letter is


def test_previews_save_nothing(director_client, english):
    templates, events = LetterTemplate.objects.count(), AuditEvent.objects.count()
    body = english.body + "<p>New paragraph</p>"
    live(director_client, english, body)
    opened = director_client.post(reverse("letters:template_open_preview", args=[english.pk]),
                                  {"body": body, "css": "", "note": ""})
    assert opened.status_code == 200 and "New paragraph" in opened.content.decode()
    assert LetterTemplate.objects.count() == templates
    assert AuditEvent.objects.count() == events
    english.refresh_from_db()
    assert "New paragraph" not in english.body


def test_an_unknown_variable_is_named_in_the_preview_and_refused_on_save(director_client,
                                                                         english):
    body = english.body + "<p>{{ member_first_name }}</p>"
    answer = live(director_client, english, body)
    assert any("Unknown variable {{ member_first_name }}" in p for p in answer["problems"])
    assert "Alex Example" in answer["html"]  # the rest of the letter still shows

    saved = director_client.post(reverse("letters:template", args=[english.pk]),
                                 {"body": body, "css": "", "note": ""})
    assert saved.status_code == 200
    assert any("{{ member_first_name }}" in p for p in saved.context["refused"])
    assert any("{{ member_first_name }}" in e for e in saved.context["form"].errors["body"])
    assert LetterTemplate.objects.filter(kind="enrollment", language="en").count() == 1


def test_a_syntax_error_is_named_and_nothing_is_rendered(director_client, english):
    answer = live(director_client, english, english.body + "{% if member_name %}open")
    assert answer["html"] == ""
    assert any("does not compile" in p for p in answer["problems"])
    refused = director_client.post(reverse("letters:template_open_preview", args=[english.pk]),
                                   {"body": english.body + "{% debug %}", "css": ""})
    html = refused.content.decode()
    assert refused.status_code == 200 and "{% debug %} is not allowed" in html
    assert "Alex Example" not in html


def test_the_preview_escapes_the_values_as_letters_do(director_client):
    termination = LetterTemplate.objects.get(kind="termination", language="en")
    reasons = {f"reason_{k}": v for k, v in termination.reasons.items()}
    reasons["reason_goals_met"] = "<script>alert(1)</script> goals met"
    answer = live(director_client, termination, termination.body, **reasons)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; goals met" in answer["html"]
    assert "<script>" not in answer["html"]


def test_open_preview_is_the_whole_letter_in_bounded_queries(director_client, english,
                                                             django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = director_client.post(
            reverse("letters:template_open_preview", args=[english.pk]),
            {"body": english.body, "css": ""})
    html = response.content.decode()
    assert html.startswith("<!doctype html>") and 'data-section="en"' in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response[
        "Cache-Control"]


def test_only_the_director_previews(english):
    client = sign_in(Client(), make_staff("care_coordinator").user)
    for name in ("template_live_preview", "template_open_preview"):
        response = client.post(reverse(f"letters:{name}", args=[english.pk]),
                               {"body": english.body})
        assert response.status_code == 403


def test_previews_are_posted(director_client, english):
    for name in ("template_live_preview", "template_open_preview"):
        assert director_client.get(reverse(f"letters:{name}", args=[english.pk])
                                   ).status_code == 405


def test_previews_need_the_csrf_token(english):
    client = sign_in(Client(enforce_csrf_checks=True), make_director().user)
    response = client.post(reverse("letters:template_live_preview", args=[english.pk]),
                           {"body": english.body})
    assert response.status_code == 403
