"""Choosing staff at program scale (cares/base/widgets.py): the care team as grouped
checkboxes with the team first, the primary contact as a plain select written in one pass;
the same values post as before, a bad one is refused next to the field, and the form's
queries do not grow with the staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cares.base.widgets import PickList, QuickSelect
from members.forms import CareTeamForm
from members.models import CareTeamMember
from tests.factories import enrolled_member, make_staff, sign_in


@pytest.fixture
def coordinator_client(client, coordinator):
    sign_in(client, coordinator.user)
    return client


def form_html(client, member) -> str:
    return client.get(reverse("members:care_team", args=[member.pk])).content.decode()


def test_the_team_is_listed_first_then_everyone_by_role(coordinator_client, coordinator):
    member = enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(9))
    helper = make_staff("family_support")
    nurse = make_staff("senior_care_manager", credentials=("RN",))
    other = make_staff("care_coordinator")
    CareTeamMember.objects.create(member=member, staff=helper, role="family_support",
                                  since=timezone.localdate())
    html = form_html(coordinator_client, member)
    picker = html[html.index('id="id_team"'):]
    legends = [part.split("</legend>")[0] for part in picker.split("<legend")[1:]]
    assert [legend.split(">", 1)[1] for legend in legends] == [
        "Chosen", "Senior care manager", "Care coordinator"]
    chosen, rest = picker.split("Senior care manager</legend>", 1)
    assert f'value="{helper.pk}" id="id_team_{helper.pk}" checked' in chosen
    assert f'value="{nurse.pk}"' in rest and f'value="{other.pk}"' in rest
    assert f'value="{helper.pk}"' not in rest  # once only
    assert 'name="team"' in picker and "form-select" not in picker.split(">", 1)[0]
    assert "data-filter-box hidden" in picker  # the script shows it; without it, all boxes


def test_the_same_values_post_and_a_bad_one_is_refused_by_the_field(coordinator_client,
                                                                     coordinator):
    member = enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(9))
    helper = make_staff("family_support")
    url = reverse("members:care_team", args=[member.pk])
    day = timezone.localdate().isoformat()
    refused = coordinator_client.post(url, {"effective_date": day,
                                            "primary_contact": coordinator.pk,
                                            "team": ["999999"]})
    assert refused.status_code == 200
    assert "Select a valid choice. 999999 is not one of the available choices." in \
        refused.content.decode()
    assert not CareTeamMember.objects.filter(member=member, staff_id=999999).exists()
    saved = coordinator_client.post(url, {"effective_date": day,
                                          "primary_contact": coordinator.pk,
                                          "team": [str(helper.pk)]})
    assert saved.status_code == 302
    assert CareTeamMember.objects.filter(member=member, staff=helper,
                                         until__isnull=True).exists()


def test_the_form_reads_staff_in_the_same_queries_however_many(coordinator_client,
                                                               coordinator,
                                                               django_assert_max_num_queries):
    member = enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(9))
    for role in ("care_coordinator", "family_support") * 15:
        make_staff(role)
    with django_assert_max_num_queries(20):
        html = form_html(coordinator_client, member)
    assert html.count('name="team"') == 31  # the thirty and the primary contact


def test_quick_select_writes_what_django_select_writes():
    form = CareTeamForm(episode=None)
    field = form["primary_contact"]
    assert isinstance(field.field.widget, QuickSelect)
    assert isinstance(form.fields["team"].widget, PickList)
    assert QuickSelect(choices=[("", "---"), ("1", "A & B"), ("2", "<C>")]).render(
        "who", "2", {"id": "id_who", "required": True}) == (
        '<select name="who" id="id_who" required><option value="">---</option>'
        '<option value="1">A &amp; B</option><option value="2" selected>&lt;C&gt;</option>'
        "</select>")
