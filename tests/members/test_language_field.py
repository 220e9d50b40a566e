"""Languages are picked by name from one list and stored as IETF tags (issue 16, item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from careplans.forms import DeliveryForm, TranslationForm
from cares.base.languages import language_label, language_tag
from members.coordination.forms import ContactForm
from members.forms import GuardianForm, IntakeForm, LanguageField
from members.models import Guardian
from tests.factories import enrolled_member, sign_in


@pytest.mark.parametrize(("typed", "tag"), [
    ("Spanish", "es"), ("spanish", "es"), ("Español", "es"), ("Spanish — Español", "es"),
    ("  Spanish / Español ", "es"), ("es", "es"), ("ES", "es"),
    ("Chinese, simplified — 简体中文", "zh-Hans"), ("简体中文", "zh-Hans"),
    ("Haitian Creole", "ht"), ("kreyòl ayisyen", "ht"),
    ("Portuguese (Brazil) — Português do Brasil", "pt-BR"), ("pt-BR", "pt-BR"),
    ("pl", "pl"),  # a language not on the list, by its tag
])
def test_a_name_or_a_tag_is_stored_as_the_tag(typed, tag):
    assert language_tag(typed) == tag
    assert LanguageField().clean(typed) == tag


@pytest.mark.parametrize("typo", ["Spanihs", "Portugese (Brazil)", "Spanish!", "Chinese"])
def test_a_typo_is_refused_with_a_clear_message(typo):
    assert language_tag(typo) is None
    with pytest.raises(Exception) as caught:
        LanguageField().clean(typo)
    assert f"“{typo}” is not a language on the list" in str(caught.value)


def test_a_stored_tag_is_shown_by_its_name():
    assert language_label("zh-Hans") == "Chinese, simplified — 简体中文"
    assert language_label("pl") == "pl"
    html = str(GuardianForm(instance=Guardian(preferred_language="ht"))["preferred_language"])
    assert 'value="Haitian Creole — Kreyòl ayisyen"' in html
    assert '<option value="Spanish — Español"></option>' in html
    assert "maxlength" not in html  # the names are longer than the tags


@pytest.mark.django_db
def test_the_same_widget_everywhere():
    """Members, guardians, contacts' interpreter language, ICP deliveries and translations."""
    fields = [IntakeForm().fields["primary_language"],
              IntakeForm().fields["preferred_written_language"],
              GuardianForm().fields["preferred_language"],
              ContactForm().fields["interpreter_language"],
              DeliveryForm().fields["language"], TranslationForm().fields["language"]]
    assert all(isinstance(field, LanguageField) for field in fields)


@pytest.mark.django_db
def test_a_guardian_added_with_a_language_name_gets_its_tag(client, coordinator):
    member = enrolled_member(coordinator)
    sign_in(client, coordinator.user)
    data = {"name": "Luis Quintero", "relationship": "father", "legal_authority": "parent",
            "preferred_language": "Haitian Creole — Kreyòl ayisyen", "receives_letters": "on"}
    url = reverse("members:guardian_add", args=[member.pk])
    assert client.post(url, data).status_code == 302
    assert member.guardians.get().preferred_language == "ht"
    response = client.post(url, {**data, "name": "Other", "preferred_language": "Creol"})
    assert response.status_code == 200
    assert "“Creol” is not a language on the list" in response.content.decode()
    assert member.guardians.count() == 1
