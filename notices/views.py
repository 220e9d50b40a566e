"""Letter pages. Thin: a member's letter pages get the member through
``members.access.member_view`` (404 outside one's care teams; 403 on a page that writes for a
user who may only read); program pages require a permission; a form validates and one
service writes (``cares.base.toolkit.form_flow``). A refusal lists the service's reasons and
saves nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import may_mail, permission_required
from cares.base.audit.services import audit_members_listed
from cares.base.languages import language_name
from cares.base.toolkit import Refusal, form_flow
from members.access import may_change_member, member_view
from members.services import current_episode
from notices import rendering, selectors, services
from notices.delivery import (
    letter_email_retry,
    mailing_batch_after_commit,
    mailing_batch_read,
    mailing_record,
    stuck_emails,
)
from notices.forms import (
    ApproveForm,
    BatchMailedForm,
    ConfirmForm,
    CorrectForm,
    LetterNewForm,
    MailedForm,
    TemplateForm,
)
from notices.models import Channel, DeliveryStatus, LetterStatus, LetterTemplate, MailingBatch

# Letter templates are program settings, like the program's name and phone on every letter:
# the program director's (the only role that may change the Program record).
EDIT_TEMPLATES = "staff.change_program"


def _data(request):
    return request.POST if request.method == "POST" else None


def _letter_url(letter) -> str:
    return reverse("letters:detail", args=[letter.member_id, letter.pk])


def _page(request, page: str, **context):
    return render(request, page, context)


# --- A member's letters -------------------------------------------------------------------------

@member_view("GET", "POST", change=True)
def letter_new_view(request, member):
    """Draft the enrollment or termination letter of the member's current episode."""
    form = LetterNewForm(_data(request))

    def draft():
        episode = current_episode(member)
        if episode is None:
            raise Refusal([_("The member has not been referred yet.")])
        return services.letter_draft(episode=episode, kind=form.cleaned_data["kind"],
                                     actor=request.user)

    letter, refused = form_flow(request, [form], draft)
    if letter is not None:
        messages.success(request, _("The letter is drafted; its PDF is being prepared."))
        return redirect(_letter_url(letter))
    return _page(request, "notices/form.html", member=member, form=form, refused=refused,
                 title=_("Draft a letter"), submit=_("Draft"),
                 cancel_url=reverse("members:detail", args=[member.pk]))


@member_view("GET")
def letter_detail_view(request, member, letter_id: int):
    letter = selectors.member_letter(member, letter_id)
    can_change = may_change_member(request.user, member)
    problems = services.letter_check(letter) if letter.status == LetterStatus.DRAFT else []
    deliveries = list(letter.deliveries.select_related("batch").order_by("channel", "pk"))
    return _page(request, "notices/letter.html", member=member, letter=letter,
                 language=language_name(letter.language), problems=problems,
                 deliveries=deliveries, can_change=can_change,
                 corrections=list(letter.corrections.order_by("pk")),
                 failed_email=stuck_emails(letter).exists(),
                 pending_mail=any(d.channel == Channel.CERTIFIED_MAIL
                                  and d.status == DeliveryStatus.PENDING for d in deliveries),
                 gap=letter.translation_gap or (
                     rendering.choose_templates(letter.kind, letter.language).gap
                     if letter.status == LetterStatus.DRAFT else ""))


@member_view("POST", change=True)
def letter_refresh_view(request, member, letter_id: int):
    letter = selectors.member_letter(member, letter_id)
    if services.letter_refresh(letter=letter):
        messages.info(request, _("The draft PDF is being brought up to date."))
    else:
        messages.error(request, _("A released letter is never changed; correct it instead."))
    return redirect(_letter_url(letter))


@member_view("GET", "POST", change=True)
def letter_send_view(request, member, letter_id: int):
    """Release a draft: a page names its languages and recipients (and warns when a family
    reading another language gets English only); the release needs the confirmation."""
    letter = selectors.member_letter(member, letter_id)
    form = ConfirmForm(_data(request))
    released, refused = form_flow(request, [form], lambda: services.letter_release(
        letter=letter, actor=request.user))
    if released is not None:
        messages.success(request, _("Released: the final PDF is being made, e-mail copies go "
                                    "out now and certified copies join the next mailing "
                                    "batch."))
        return redirect(_letter_url(letter))
    draft = letter.status == LetterStatus.DRAFT
    return _page(request, "notices/send.html", member=member, form=form, refused=refused,
                 title=_("Send the letter"), submit=_("Send"), letter=letter, draft=draft,
                 summary=selectors.release_summary(letter) if draft else None,
                 cancel_url=_letter_url(letter))


@member_view("GET", "POST", change=True)
def letter_mailed_view(request, member, letter_id: int):
    """Record the certified mailing of a copy: tracking number and mailed date."""
    letter = selectors.member_letter(member, letter_id)
    form = MailedForm(_data(request), letter=letter)

    def record():
        delivery = form.cleaned_data["delivery"]
        if delivery is None:
            pending = list(form.fields["delivery"].queryset)
            if len(pending) != 1:
                raise Refusal([
                    _("Choose the copy (envelope) this tracking number belongs to.") if pending
                    else _("No certified copy of this letter awaits mailing.")])
            delivery = pending[0]
        return mailing_record(delivery=delivery,
                                       tracking_number=form.cleaned_data["tracking_number"],
                                       mailed_on=form.cleaned_data["mailed_on"],
                                       actor=request.user)

    saved, refused = form_flow(request, [form], record)
    if saved is not None:
        messages.success(request, _("Certified mailing recorded."))
        return redirect(_letter_url(letter))
    return _page(request, "notices/form.html", member=member, form=form, refused=refused,
                 title=_("Record certified mailing"), submit=_("Record"), letter=letter,
                 cancel_url=_letter_url(letter), citation="PS VIII, IX.C")


@member_view("GET", "POST", change=True)
def letter_correct_view(request, member, letter_id: int):
    letter = selectors.member_letter(member, letter_id)
    form = CorrectForm(_data(request))
    correction, refused = form_flow(request, [form], lambda: services.letter_correct(
        letter=letter, reason=form.cleaned_data["correction_reason"], actor=request.user))
    if correction is not None:
        messages.success(request, _("A corrected letter is drafted; the original stays on "
                                    "record as it was sent."))
        return redirect(_letter_url(correction))
    return _page(request, "notices/form.html", member=member, form=form, refused=refused,
                 title=_("Correct the letter"), submit=_("Draft the correction"),
                 letter=letter, cancel_url=_letter_url(letter),
                 intro=_("The letter that went out never changes. The correction is a new "
                         "letter that refers to it; copies not yet mailed are cancelled."))


@member_view("POST", change=True)
def letter_retry_email_view(request, member, letter_id: int):
    letter = selectors.member_letter(member, letter_id)
    count = letter_email_retry(letter=letter, actor=request.user)
    if count:
        messages.success(request, _("E-mail copies queued again."))
    else:
        messages.info(request, _("No failed e-mail copy to send again."))
    return redirect(_letter_url(letter))


# --- Letter templates (program director) ------------------------------------------------------

@require_GET
@permission_required(EDIT_TEMPLATES)
def template_list_view(request):
    return _page(request, "notices/templates.html", rows=selectors.template_overview())


@require_http_methods(["GET", "POST"])
@permission_required(EDIT_TEMPLATES)
def template_edit_view(request, template_id: int):
    """Edit a template: saving makes a new version, a draft until approved."""
    template = get_object_or_404(LetterTemplate, pk=template_id)
    form = _template_form(request, template)
    saved, refused = form_flow(request, [form], lambda: services.template_save(
        kind=template.kind, language=template.language, body=form.cleaned_data["body"],
        css=form.cleaned_data["css"], reasons=form.reasons(), note=form.cleaned_data["note"],
        actor=request.user))
    if saved is not None:
        messages.success(request, _("Saved as version %(version)s: preview it, then approve "
                                    "it.") % {"version": saved.version})
        return redirect("letters:template", saved.pk)
    return _page(request, "notices/template.html", template=template, form=form,
                 refused=refused, versions=selectors.template_versions(template),
                 approve_form=ApproveForm(), language=language_name(template.language),
                 variables=rendering.sample_variables(template))


def _template_form(request, template: LetterTemplate) -> TemplateForm:
    return TemplateForm(_data(request), template=template, reasons=selectors.reason_labels(),
                        initial={"body": template.body, "css": template.css})


def _unsaved_preview(request, template_id: int) -> tuple[str, list[str]]:
    """The edit posted from the template page, rendered with the sample data (nothing saved),
    and every reason saving it would be refused."""
    template = get_object_or_404(LetterTemplate, pk=template_id)
    form = _template_form(request, template)
    form.is_valid()
    problems = [f"{form.fields[name].label}: {error}" for name, errors in form.errors.items()
                if name in form.fields for error in errors]
    html, refused = services.template_preview(
        template=template, body=form.cleaned_data.get("body", ""),
        css=form.cleaned_data.get("css", ""), reasons=form.reasons())
    return html, problems + refused


@permission_required(EDIT_TEMPLATES)
@require_http_methods(["POST"])
def template_live_preview_view(request, template_id: int):
    """The template page's live preview: ``{"html": the letter, "problems": [...]}``."""
    html, problems = _unsaved_preview(request, template_id)
    response = JsonResponse({"html": html, "problems": problems})
    add_never_cache_headers(response)
    return response


@permission_required(EDIT_TEMPLATES)
@require_http_methods(["POST"])
def template_open_preview_view(request, template_id: int):
    """The unsaved edit as the whole letter, in its own browser tab (sample data)."""
    html, problems = _unsaved_preview(request, template_id)
    if not html:
        return _page(request, "notices/template_preview_refused.html", problems=problems,
                     template_id=template_id)
    response = HttpResponse(html)
    add_never_cache_headers(response)
    return response


@require_GET
@permission_required(EDIT_TEMPLATES)
def template_preview_view(request, template_id: int):
    """The template as a PDF with fictional sample data."""
    template = get_object_or_404(LetterTemplate, pk=template_id)
    _html, data = rendering.preview_pdf(template)
    response = HttpResponse(data, content_type="application/pdf")
    # A download: the app's Content-Security-Policy (object-src 'none') blanks the browser's
    # built-in PDF viewer.
    response["Content-Disposition"] = (f'attachment; filename="letter-template-{template.pk}-'
                                       f'preview.pdf"')
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


@permission_required(EDIT_TEMPLATES)
@require_http_methods(["POST"])
def template_approve_view(request, template_id: int):
    template = get_object_or_404(LetterTemplate, pk=template_id)
    form = ApproveForm(request.POST)
    approved, refused = form_flow(request, [form], lambda: services.template_approve(
        template=template, actor=request.user, translator=form.cleaned_data["translator"]))
    if approved is not None:
        messages.success(request, _("Version %(version)s approved: new letters use it.")
                         % {"version": template.version})
    else:
        for problem in refused or [_("Nothing was approved.")]:
            messages.error(request, problem)
    return redirect("letters:template", template.pk)


# --- The daily mailing batch --------------------------------------------------------------------

def _batch(request) -> MailingBatch | None:
    raw = request.GET.get("batch") or request.POST.get("batch")
    if raw:
        if not str(raw).isdigit():
            raise Http404
        return get_object_or_404(MailingBatch, pk=int(raw))
    return MailingBatch.objects.order_by("-on", "-pk").first()


@require_http_methods(["GET", "POST"])
def mailing_view(request):
    """Make the day's batch, print it, then record the tracking numbers of its envelopes."""
    if not may_mail(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "batch":
        mailing_batch_after_commit(actor=request.user)
        messages.info(request, _("The batch is being prepared; refresh in a moment."))
        return redirect("letters:mailing")
    batch = _batch(request)
    deliveries = selectors.batch_deliveries(batch) if batch else []
    form = BatchMailedForm(_data(request), deliveries=deliveries)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        recorded = 0
        for delivery, number in form.entries():
            try:
                mailing_record(delivery=delivery, tracking_number=number,
                                        mailed_on=form.cleaned_data["mailed_on"],
                                        actor=request.user)
                recorded += 1
            except ValidationError as exc:
                refused += [f"#{delivery.letter_id} {delivery.recipient}: {m}"
                            for m in exc.messages]
        if recorded:
            messages.success(request, _("%(count)s certified mailing(s) recorded.")
                             % {"count": recorded})
        if not refused:
            return redirect(f"{reverse('letters:mailing')}?batch={batch.pk}")
    audit_members_listed(members=sorted({d.letter.member for d in deliveries},
                                        key=lambda m: m.pk),
                         request=request, detail={"page": "mailing batch",
                                                  "batch": batch.pk if batch else None})
    return _page(request, "notices/mailing.html", batch=batch, deliveries=deliveries,
                 form=form, refused=refused, **selectors.mailing_overview())


@require_GET
def mailing_pdf_view(request):
    """The batch PDF to print (checksum verified, one audit event per member in it)."""
    if not may_mail(request.user):
        raise PermissionDenied
    batch = _batch(request)
    if batch is None or not batch.sha256:
        raise Http404
    try:
        data = mailing_batch_read(batch=batch, actor=request.user)
    except ValidationError:
        return HttpResponse(_("This batch failed its integrity check and cannot be shown."),
                            status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cares-mailing-{batch.pk}.pdf"'
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response
