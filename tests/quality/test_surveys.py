"""Member experience surveys (PS VII.A): who is invited, the response rate, the results per
question, the refusals, the all-or-nothing CSV import, the free text kept to the program
director, the dashboard section and the pages' query budgets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cares.base.audit.models import Action, AuditEvent
from members.models import Episode, SurveyAnswer, SurveyResponse, SurveyRound
from members.quality import survey_import, surveys
from tests.factories import MemberFactory, make_director, make_staff, sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - timedelta(days=90)
END = TODAY - timedelta(days=60)
SECRET = "Sentinel-free-text-7731"


def enrolled(start, end=None, **fields):
    """A member enrolled from ``start`` (terminated on ``end``)."""
    member = MemberFactory(**fields)
    Episode.objects.create(member=member, status="terminated" if end else "enrolled",
                           referral_date=start, referral_source="pcp", effective_date=start,
                           termination_date=end)
    return member


def new_round(title="Spring survey", **values) -> SurveyRound:
    survey = surveys.round_create(
        title=title, period_start=values.pop("start", START), period_end=values.pop("end", END),
        languages=["es"], actor=None, questions=[
            {"id": None, "kind": "scale", "text": "How well did we coordinate care?",
             "translations": {"es": "¿Qué tan bien coordinamos?"}},
            {"id": None, "kind": "yes_no", "text": "Did we call back in time?"},
            {"id": None, "kind": "text", "text": "What could we do better?"}])
    return survey


def ids(survey):
    return {q.position: q.pk for q in survey.questions.all()}


def respond(survey, member, *, score=None, yes=None, text="", on=None, mode="paper"):
    q = ids(survey)
    return surveys.response_record(round_id=survey.pk, member=member, received_on=on or END,
                                   mode=mode, language="", actor=None,
                                   answers={q[1]: score, q[2]: yes, q[3]: text})


@pytest.fixture
def manager_client():
    return sign_in(Client(), make_staff("senior_care_manager", credentials=("RN",)).user)


@pytest.fixture
def director_client():
    return sign_in(Client(), make_director().user)


# --- Invited and the response rate --------------------------------------------------------------

def test_invited_are_the_members_enrolled_on_any_day_of_the_period():
    survey = new_round()
    throughout = enrolled(START - timedelta(days=200))
    enrolled(START + timedelta(days=10))  # joined during the period
    enrolled(END)  # joined on its last day
    enrolled(START - timedelta(days=100), end=START)  # terminated on its first day
    enrolled(END + timedelta(days=1))  # only after: not invited
    enrolled(START - timedelta(days=100), end=START - timedelta(days=1))  # before: not invited
    sibling_a, sibling_b = enrolled(START, legal_last_name="Example"), enrolled(START)
    twice = enrolled(START - timedelta(days=300), end=START - timedelta(days=200))
    Episode.objects.create(member=twice, status="enrolled", referral_date=START,
                           referral_source="pcp", effective_date=START)
    assert surveys.round_rate(survey) == surveys.Rate(responded=0, invited=7)
    for member in (throughout, sibling_a, sibling_b):  # each member is one household
        respond(survey, member, score=4)
    rate = surveys.round_rate(survey)
    assert (rate.responded, rate.invited, rate.percent) == (3, 7, 42.9)
    assert str(rate) == "3 of 7 households (42.9%)"


def test_no_households_invited_is_no_division():
    rate = surveys.Rate(responded=0, invited=0)
    assert rate.percent is None
    assert str(rate) == "no households invited"
    assert surveys.percent(1, 3) == 33.3


# --- Results per question -----------------------------------------------------------------------

def test_results_per_question():
    survey = new_round()
    for score, yes, text in ((5, True, "More calls"), (4, False, ""), (4, True, "Nothing"),
                             (None, None, "Thanks")):
        respond(survey, enrolled(START), score=score, yes=yes, text=text)
    scale, yes_no, free = surveys.round_results(survey)
    assert (scale.answered, scale.mean, scale.by_score) == (3, 4.3, {1: 0, 2: 0, 3: 0, 4: 2,
                                                                      5: 1})
    assert (yes_no.answered, yes_no.yes, yes_no.share_yes) == (3, 2, 66.7)
    assert free.answered == 3 and free.texts == []
    assert surveys.round_results(survey, with_text=True)[2].texts == ["More calls", "Nothing",
                                                                      "Thanks"]


# --- Refusals -----------------------------------------------------------------------------------

def refusal(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_a_member_not_invited_is_refused_and_told_why():
    survey = new_round()
    later = enrolled(END + timedelta(days=5))
    said = refusal(lambda: respond(survey, later, score=3))
    assert "was not enrolled on any day" in said and "not invited" in said
    assert not SurveyResponse.objects.exists()


def test_one_response_per_household_also_for_the_loser_of_a_race():
    survey = new_round()
    member = enrolled(START)
    respond(survey, member, score=3)
    assert "already recorded" in refusal(lambda: respond(survey, member, score=5))
    # The race: both passed the checks; the database's unique constraint decides.
    said = refusal(lambda: surveys.save_response(survey, member, END, "phone", "", [], None))
    assert "already recorded" in said
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("case, expected", [
    ("closed", "round is closed"),
    ("bad score", "whole number from 1 to 5"),
    ("before", "before the period starts"),
    ("future", "cannot be in the future"),
    ("empty", "at least one answer"),
    ("language", "not offered in"),
])
def test_refusals_save_nothing(case, expected):
    survey = new_round()
    member = enrolled(START)
    q = ids(survey)
    values = {"round_id": survey.pk, "member": member, "received_on": END, "mode": "phone",
              "language": "", "actor": None, "answers": {q[1]: 4}}
    if case == "closed":
        SurveyRound.objects.filter(pk=survey.pk).update(closed=True)
    elif case == "bad score":
        values["answers"] = {q[1]: 6}
    elif case == "before":
        values["received_on"] = START - timedelta(days=1)
    elif case == "future":
        values["received_on"] = TODAY + timedelta(days=1)
    elif case == "empty":
        values["answers"] = {q[1]: None, q[3]: ""}
    else:
        values["language"] = "vi"
    assert expected in refusal(lambda: surveys.response_record(**values))
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_questions_are_frozen_once_a_response_is_recorded():
    survey = new_round()
    q = ids(survey)
    surveys.question_edit(question_id=q[2], kind="yes_no", text="Did we call back?", actor=None)
    respond(survey, enrolled(START), score=5)
    assert "cannot change" in refusal(lambda: surveys.question_remove(question_id=q[1],
                                                                      actor=None))
    assert "cannot change" in refusal(lambda: surveys.question_add(
        round_id=survey.pk, kind="text", text="More?", actor=None))
    assert "cannot change" in refusal(lambda: surveys.round_update(
        round_id=survey.pk, title="x", period_start=START - timedelta(days=1), period_end=END,
        actor=None))
    closed = surveys.round_update(round_id=survey.pk, title="Spring", period_start=START,
                                  period_end=END, languages=["es"], closed=True, actor=None)
    assert closed.closed and survey.questions.count() == 3


def test_removing_a_question_renumbers_the_later_ones():
    survey = new_round()
    surveys.question_remove(question_id=ids(survey)[1], actor=None)
    assert list(survey.questions.values_list("position", "kind")) == [(1, "yes_no"),
                                                                       (2, "text")]
    assert AuditEvent.objects.filter(action=Action.DELETE,
                                     object_type="members.SurveyQuestion").exists()


# --- CSV import ---------------------------------------------------------------------------------

def csv_text(*rows) -> str:
    return "\n".join(["masshealth_id,received_on,mode,language,q1,q2,q3", *rows]) + "\n"


def test_import_is_all_or_nothing_with_every_problem_by_row_and_column():
    survey = new_round()
    good, later = enrolled(START), enrolled(END + timedelta(days=3))
    text = csv_text(f"{good.masshealth_id},{END},phone,es,5,yes,Fine",
                    f"{later.masshealth_id},{END},,,4,,",
                    f"999999999999,{END},,,3,,",
                    f"{good.masshealth_id},31/31/2026,fax,Klingon,9,perhaps,")
    said = refusal(lambda: survey_import.response_import(round_id=survey.pk, text=text,
                                                         actor=None))
    for expected in ("Row 3, column masshealth_id: This member was not enrolled",
                     "Row 4, column masshealth_id: no member has this MassHealth ID",
                     "Row 5, column received_on: not a date",
                     "Row 5, column mode:", "Row 5, column language:",
                     "Row 5, column q1: A rating is a whole number from 1 to 5.",
                     "Row 5, column q2: Answer yes or no.",
                     "Row 5, column masshealth_id: the same household is on row 2"):
        assert expected in said, expected
    assert not SurveyResponse.objects.exists()  # the good row was not saved either


def test_a_clean_file_is_imported_whole():
    survey = new_round()
    a, b = enrolled(START), enrolled(START)
    text = "\ufeff" + csv_text(f"{a.masshealth_id},{END},,Spanish,5,Y,{SECRET}",
                               f"{b.masshealth_id},{END:%m/%d/%Y},paper,,,no,")
    assert survey_import.response_import(round_id=survey.pk, text=text, actor=None) == 2
    first = SurveyResponse.objects.get(member=a)
    assert (first.mode, first.language) == ("imported", "es")
    assert surveys.round_rate(survey).responded == 2


def test_an_unknown_column_or_a_closed_round_refuses_the_file():
    survey = new_round()
    member = enrolled(START)
    said = refusal(lambda: survey_import.response_import(
        round_id=survey.pk, actor=None,
        text=f"masshealth_id,received_on,q9\n{member.masshealth_id},{END},3\n"))
    assert "Row 1, column q9: not a column" in said
    SurveyRound.objects.filter(pk=survey.pk).update(closed=True)
    said = refusal(lambda: survey_import.response_import(
        round_id=survey.pk, actor=None, text=csv_text(f"{member.masshealth_id},{END},,,3,,")))
    assert "closed" in said


# --- Pages: free text for the director only -----------------------------------------------------

def test_free_text_is_hidden_from_the_senior_care_manager(manager_client, director_client):
    survey = new_round()
    respond(survey, enrolled(START), score=2, text=SECRET)
    page = manager_client.get(reverse("quality:survey", args=[survey.pk]))
    assert page.status_code == 200 and SECRET not in page.content.decode()
    assert "1 of 1 household invited responded" in page.content.decode()
    assert SECRET in director_client.get(
        reverse("quality:survey", args=[survey.pk])).content.decode()
    export = manager_client.get(reverse("quality:survey_export", args=[survey.pk]))
    header, row = list(csv.reader(io.StringIO(export.content.decode())))
    assert header == ["masshealth_id", "received_on", "mode", "language", "q1", "q2"]
    assert SECRET not in export.content.decode() and row[4] == "2"
    director_csv = director_client.get(reverse("quality:survey_export", args=[survey.pk]))
    assert SECRET in director_csv.content.decode()
    events = AuditEvent.objects.filter(action=Action.EXPORT, detail__table="survey-responses")
    assert events.count() == 2
    assert [e.detail["free_text"] for e in events.order_by("pk")] == [False, True]


def test_recording_a_response_on_the_page(manager_client):
    survey = new_round()
    member = enrolled(START)
    url = reverse("quality:survey_response_add", args=[survey.pk])
    assert manager_client.get(url).status_code == 200
    posted = {"member": member.masshealth_id, "received_on": END.isoformat(), "mode": "phone",
              "language": "es", "q1": "4", "q2": "yes", "q3": ""}
    assert manager_client.post(url, posted).status_code == 302
    answers = SurveyAnswer.objects.filter(response__member=member)
    assert sorted((a.question.position, a.score, a.yes) for a in answers) == [
        (1, 4, None), (2, None, True)]
    again = manager_client.post(url, posted)  # the same household: refused next to the field
    assert again.status_code == 200 and "already recorded" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_import_page_lists_the_problems(manager_client):
    survey = new_round()
    url = reverse("quality:survey_import", args=[survey.pk])
    upload = SimpleUploadedFile("r.csv", csv_text(f"999999999999,{END},,,3,,").encode())
    page = manager_client.post(url, {"file": upload})
    assert "Row 2, column masshealth_id" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_creating_a_round_with_its_questions(manager_client):
    url = reverse("quality:survey_add")
    assert manager_client.get(url).status_code == 200
    posted = {"title": "Autumn", "period_start": START.isoformat(),
              "period_end": END.isoformat(), "languages": ["es"],
              "questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0",
              "questions-0-kind": "scale", "questions-0-text": "How did we do?",
              "questions-0-translations": "Spanish: ¿Cómo lo hicimos?",
              "questions-1-kind": "", "questions-1-text": "", "questions-1-translations": ""}
    assert manager_client.post(url, posted).status_code == 302
    survey = SurveyRound.objects.get(title="Autumn")
    assert list(survey.questions.values_list("position", "translations")) == [
        (1, {"es": "¿Cómo lo hicimos?"})]


# --- Dashboard ----------------------------------------------------------------------------------

def dashboard(client, **extra):
    query = {"period": "custom", "start": START.isoformat(), "end": END.isoformat(), **extra}
    return client.get(reverse("dashboards:program"), query)


def test_dashboard_section_and_its_export(director_client):
    assert 'id="surveys-section"' not in dashboard(director_client).content.decode()
    survey = new_round()
    enrolled(START)
    respond(survey, enrolled(START), score=5, yes=True, text=SECRET)
    page = dashboard(director_client).content.decode()
    assert 'id="surveys-section"' in page and "50.0%" in page and SECRET not in page
    export = dashboard(director_client, export="surveys").content.decode()
    rows = list(csv.DictReader(io.StringIO(export)))
    assert SECRET not in export and len(rows) == 3
    assert (rows[0]["invited"], rows[0]["responded"], rows[0]["response_rate_percent"],
            rows[0]["mean_score"], rows[0]["score_5"]) == ("2", "1", "50.0", "5.0", "1")
    assert (rows[1]["share_yes_percent"], rows[2]["answered"]) == ("100.0", "1")
    other = surveys.survey_summary(type("P", (), {"start": END + timedelta(days=1),
                                                  "end": TODAY})(), TODAY)
    assert other is None


# --- Query budgets ------------------------------------------------------------------------------

def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_the_summary_and_pages_run_a_fixed_number_of_queries(
        director_client, django_assert_max_num_queries):
    period = type("P", (), {"start": START, "end": END})()
    survey = new_round()
    respond(survey, enrolled(START), score=3, text="a")
    small = count(lambda: surveys.survey_summary(period, TODAY))
    pages = {url: count(lambda u=url: director_client.get(u)) for url in (
        reverse("quality:surveys"), reverse("quality:survey", args=[survey.pk]),
        reverse("quality:survey_export", args=[survey.pk]))}
    for n in range(3):
        more = new_round(title=f"Round {n}")
        for _i in range(3):
            respond(more, enrolled(START), score=4, yes=False, text="b")
            respond(survey, enrolled(START), score=1, text="c")
    assert small == 2
    assert count(lambda: surveys.survey_summary(period, TODAY)) == small
    for url, queries in pages.items():
        assert count(lambda u=url: director_client.get(u)) == queries, url
    with django_assert_max_num_queries(12):
        director_client.get(reverse("quality:survey", args=[survey.pk]))


def test_the_edit_page_once_responses_are_in(manager_client):
    survey = new_round()
    respond(survey, enrolled(START), score=4, text=SECRET)
    url = reverse("quality:survey_edit", args=[survey.pk])
    page = manager_client.get(url).content.decode()
    assert 'id="frozen"' in page and "questions-TOTAL_FORMS" not in page
    posted = {"title": "Spring, closed", "period_start": START.isoformat(),
              "period_end": END.isoformat(), "languages": ["es"], "closed": "on"}
    assert manager_client.post(url, posted).status_code == 302
    survey.refresh_from_db()
    assert survey.closed and survey.title == "Spring, closed"
    moved = manager_client.post(url, {**posted, "period_end": TODAY.isoformat()})
    assert "cannot change once responses" in moved.content.decode()
    detail = manager_client.get(reverse("quality:survey", args=[survey.pk])).content.decode()
    assert "Record a response" not in detail  # closed
