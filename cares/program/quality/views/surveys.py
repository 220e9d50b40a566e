"""Pages of the member experience surveys (PS VII.A): the rounds with their response rates,
a round's questions and results, recording a household's response, importing a CSV file and
exporting the responses. Everything needs MANAGE_QUALITY; the free-text answers (on the round
page and in the export) need VIEW_SURVEY_TEXT. Rules: ``members.quality.surveys``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import MANAGE_QUALITY, VIEW_SURVEY_TEXT, may, permission_required
from cares.base.exports import csv_export
from cares.base.languages import language_label
from cares.base.toolkit import NOTHING_SAVED, form_flow
from cares.program.quality.forms_surveys import (
    ImportForm,
    QuestionFormSet,
    ResponseForm,
    RoundForm,
    question_rows,
)
from members.models import SurveyQuestion, SurveyRound
from members.quality import survey_import, surveys


@require_GET
@permission_required(MANAGE_QUALITY)
def survey_list(request):
    rounds = list(surveys.rounds_with_rates().order_by("-period_start", "-pk"))
    return render(request, "quality/survey_list.html", {
        "rounds": [(r, surveys.Rate(r.responded or 0, r.invited or 0)) for r in rounds]})


def _round_values(form) -> dict:
    return {k: form.cleaned_data[k] for k in form.fields}


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_QUALITY)
def survey_add(request):
    data = request.POST if request.method == "POST" else None
    form = RoundForm(data)
    formset = QuestionFormSet(data, prefix="questions", queryset=SurveyQuestion.objects.none())
    saved, refused = form_flow(request, [form, formset], lambda: surveys.round_create(
        actor=request.user, questions=question_rows(formset), **_round_values(form)))
    if saved:
        messages.success(request, _("Survey round created."))
        return redirect("quality:survey", round_id=saved.pk)
    return render(request, "quality/survey_form.html", {
        "form": form, "formset": formset, "refused": refused,
        "title": _("New survey round")})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_QUALITY)
def survey_edit(request, round_id: int):
    survey = get_object_or_404(SurveyRound, pk=round_id)
    frozen = survey.responses.exists()
    data = request.POST if request.method == "POST" else None
    form = RoundForm(data, editing=True, initial={
        "title": survey.title, "period_start": survey.period_start,
        "period_end": survey.period_end, "languages": survey.languages,
        "closed": survey.closed})
    formset = None if frozen else QuestionFormSet(
        data, prefix="questions", queryset=survey.questions.order_by("position"))
    parts = [form] if formset is None else [form, formset]
    saved, refused = form_flow(request, parts, lambda: surveys.round_update(
        round_id=survey.pk, actor=request.user,
        questions=None if formset is None else question_rows(formset),
        **_round_values(form)))
    if saved:
        messages.success(request, _("Survey round saved."))
        return redirect("quality:survey", round_id=survey.pk)
    return render(request, "quality/survey_form.html", {
        "form": form, "formset": formset, "refused": refused, "survey": survey,
        "frozen": frozen, "questions": survey.questions.order_by("position"),
        "title": _("Change survey round")})


@require_GET
@permission_required(MANAGE_QUALITY)
def survey_detail(request, round_id: int):
    survey = get_object_or_404(SurveyRound, pk=round_id)
    with_text = may(request.user, VIEW_SURVEY_TEXT)
    return render(request, "quality/survey_detail.html", {
        "survey": survey, "rate": surveys.round_rate(survey), "with_text": with_text,
        "results": surveys.round_results(survey, with_text=with_text),
        "languages": [language_label(t) for t in survey.languages],
        "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_QUALITY)
def response_add(request, round_id: int):
    survey = get_object_or_404(SurveyRound, pk=round_id)
    form = ResponseForm(request.POST if request.method == "POST" else None, survey=survey,
                        initial={"received_on": timezone.localdate()})
    saved, refused = form_flow(request, [form], lambda: surveys.response_record(
        round_id=survey.pk, actor=request.user, member=form.cleaned_data["member"],
        received_on=form.cleaned_data["received_on"], mode=form.cleaned_data["mode"],
        language=form.cleaned_data["language"], answers=form.answers()))
    if saved:
        messages.success(request, _("Response recorded."))
        if "another" in request.POST:
            return redirect("quality:survey_response_add", round_id=survey.pk)
        return redirect("quality:survey", round_id=survey.pk)
    return render(request, "quality/survey_response_form.html", {
        "survey": survey, "form": form, "refused": refused})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_QUALITY)
def response_import(request, round_id: int):
    survey = get_object_or_404(SurveyRound, pk=round_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = survey_import.response_import(round_id=survey.pk, actor=request.user,
                                                  text=form.cleaned_data["file"])
        except ValidationError as exc:
            refused = exc.messages
        else:
            messages.success(request, _("%(n)s responses imported.") % {"n": count})
            return redirect("quality:survey", round_id=survey.pk)
    if request.method == "POST":
        messages.error(request, NOTHING_SAVED)
    return render(request, "quality/survey_import.html", {
        "survey": survey, "form": form, "refused": refused,
        "columns": ["masshealth_id", "received_on", "mode", "language",
                    *(f"q{q.position}" for q in survey.questions.order_by("position"))]})


@require_GET
@permission_required(MANAGE_QUALITY)
def survey_export(request, round_id: int):
    """The round's responses as CSV, one row per household; free text only with
    VIEW_SURVEY_TEXT. Recorded as an export."""
    survey = get_object_or_404(SurveyRound, pk=round_id)
    with_text = may(request.user, VIEW_SURVEY_TEXT)
    header, rows, member_ids = surveys.export_table(survey, with_text=with_text)
    return csv_export(request, table="survey-responses", header=header, rows=rows,
                      filters={"round": survey.pk}, member_ids=member_ids,
                      detail={"free_text": with_text})


urlpatterns = [
    path("surveys/", survey_list, name="surveys"),
    path("surveys/add/", survey_add, name="survey_add"),
    path("surveys/<int:round_id>/", survey_detail, name="survey"),
    path("surveys/<int:round_id>/edit/", survey_edit, name="survey_edit"),
    path("surveys/<int:round_id>/responses/add/", response_add,
         name="survey_response_add"),
    path("surveys/<int:round_id>/responses/import/", response_import, name="survey_import"),
    path("surveys/<int:round_id>/export/", survey_export, name="survey_export"),
]
