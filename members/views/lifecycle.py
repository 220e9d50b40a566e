"""Each step of the enrollment lifecycle (PS VIII, IX): eligibility, consent, enrollment,
the care team, removal of assignment, the aftercare plan, termination, closing before
enrollment and a new referral."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.access import staff_profile
from cares.base.toolkit import Refusal, form_flow
from members import services
from members.access import member_view
from members.coordination.models import ReferralStatus, ServiceReferral
from members.forms import (
    AftercareForm,
    CareTeamForm,
    EligibilityForm,
    EngagementForm,
    EnrollmentForm,
    EpisodeCloseForm,
    ReferralForm,
    RemovalForm,
    TerminationForm,
)
from members.models import Episode, Removal
from members.pages import aftercare_checklist, done, form_page, post_data
from members.selectors import aftercare_starting_values


def _referred(episode: Episode | None) -> Episode:
    if episode is None:
        raise Refusal(_("The member has not been referred yet: record a referral first."))
    return episode


def _removal(episode: Episode | None) -> Removal:
    removal = getattr(episode, "removal", None) if episode else None
    if removal is None:
        raise Refusal(_("Start the removal of assignment first."))
    return removal


def _open_referrals(member) -> list[ServiceReferral]:
    """Referrals whose loop is still open, to close before the assignment ends (CLR)."""
    return list(member.referrals.exclude(status=ReferralStatus.CLOSED)
                .order_by("referred_on", "pk"))


@member_view("GET", "POST", change=True)
def eligibility_view(request, member):
    episode = services.current_episode(member)
    form = EligibilityForm(post_data(request), profile=staff_profile(request.user))
    saved, refused = form_flow(request, [form], lambda: services.eligibility_record(
        episode=_referred(episode), actor=request.user, **form.evaluation()))
    if saved:
        return done(request, member, _("Eligibility evaluation recorded: %(result)s.") % {
            "result": _("eligible") if saved.eligible else _("not eligible")})
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Eligibility evaluation"),
                     citation="PS I, VIII; 130 CMR 433.485",
                     intro=_("Document the evaluation of eligibility for the CARES program. "
                             "PS I defers to the clinical eligibility criteria of 130 CMR "
                             "433.485: for each criterion, record whether it was met and "
                             "the source of the finding."))


@member_view("GET", "POST", change=True)
def consent_view(request, member):
    episode = services.current_episode(member)
    form = EngagementForm(post_data(request), member=member, initial=dict.fromkeys(
        ("educated_on", "rights_given_on", "choice_explained_on", "consent_on"),
        timezone.localdate()))
    saved, refused = form_flow(request, [form], lambda: services.engagement_record(
        episode=_referred(episode), actor=request.user, **form.engagement()))
    if saved:
        return done(request, member, _("Consent recorded."))
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Education and consent"), citation="PS VIII",
                     intro=_("Educate the member and their parent/guardian about CARES, give "
                             "their rights and responsibilities, explain their right to "
                             "choose among CARES providers and other TCM services, and record "
                             "their consent."))


@member_view("GET", "POST", change=True)
def enroll_view(request, member):
    episode = services.current_episode(member)
    form = EnrollmentForm(post_data(request), profile=staff_profile(request.user))
    saved, refused = form_flow(request, [form], lambda: services.enrollment_create(
        episode=_referred(episode), effective_date=form.cleaned_data["effective_date"],
        primary_contact=form.cleaned_data["primary_contact"], team=form.team_roles(),
        actor=request.user))
    if saved:
        return done(request, member, _("%(name)s is enrolled from %(date)s.") % {
            "name": member, "date": saved.effective_date.isoformat()})
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Enrollment"), citation="PS VIII, VI.B.1.a")


@member_view("GET", "POST", change=True)
def care_team_view(request, member):
    episode = services.current_episode(member)
    form = CareTeamForm(post_data(request), episode=episode)
    saved, refused = form_flow(request, [form], lambda: services.care_team_change(
        episode=_referred(episode), on=form.cleaned_data["effective_date"],
        primary_contact=form.cleaned_data["primary_contact"], team=form.team_roles(),
        actor=request.user))
    if saved:
        return done(request, member, _("The care team is changed from %(date)s.") % {
            "date": form.cleaned_data["effective_date"].isoformat()})
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Change the care team"), citation="PS VI.B.1.a",
                     intro=_("Staff who are not kept leave the care team on this date; the "
                             "history of who was on it is kept."))


@member_view("GET", "POST", change=True)
def removal_view(request, member):
    episode = services.current_episode(member)
    form = RemovalForm(post_data(request), initial={"initiated_on": timezone.localdate()})
    saved, refused = form_flow(request, [form], lambda: services.removal_initiate(
        episode=_referred(episode), actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("Removal of assignment started."))
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Removal of assignment"), citation="PS IX.A",
                     open_referrals=_open_referrals(member),
                     intro=_("Removal can begin when the member no longer needs or is no "
                             "longer eligible for CARES. Convene the CARES team to develop "
                             "the aftercare/transition plan next (PS IX.B)."))


@member_view("GET", "POST", change=True)
def aftercare_view(request, member):
    episode = services.current_episode(member)
    removal = getattr(episode, "removal", None) if episode else None
    missing = aftercare_checklist(member, removal, here=True)
    form = AftercareForm(post_data(request), instance=removal or Removal())
    offered = _offer_aftercare(form, removal)
    saved, refused = form_flow(request, [form], lambda: services.aftercare_update(
        removal=_removal(episode), **form.cleaned_data))
    if saved:
        if saved.plan_complete:
            return done(request, member, _("The aftercare/transition plan is complete."))
        return done(request, member, _("Aftercare/transition plan saved; still missing: "
                                       "%(missing)s.") % {
            "missing": "; ".join(saved.missing_elements())})
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Aftercare/transition plan"), citation="PS IX.B",
                     missing=missing, removal=removal,
                     intro=_("Some empty fields start from what was entered elsewhere (each "
                             "says where from): check and edit them, then save; nothing is "
                             "kept until you save.") if offered else "")


def _offer_aftercare(form, removal: Removal | None) -> dict:
    """The starting values of the plan's empty fields, each with a note of where it came
    from (``members.selectors.aftercare_starting_values``)."""
    offered = aftercare_starting_values(removal) if removal else {}
    for name, offer in offered.items():
        form.initial[name] = offer["value"]
        field = form.fields[name]
        note = _("Starting value %(source)s: check and edit it.") % {"source": offer["source"]}
        field.help_text = f"{note} {field.help_text}".strip()
    return offered


@member_view("GET", "POST", change=True)
def terminate_view(request, member):
    episode = services.current_episode(member)
    removal = getattr(episode, "removal", None) if episode else None
    form = TerminationForm(post_data(request), initial={
        "termination_date": removal.planned_termination_date if removal else None})
    saved, refused = form_flow(request, [form], lambda: services.termination_complete(
        episode=_referred(episode), actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("The assignment ended on %(date)s.") % {
            "date": saved.termination_date.isoformat()})
    # What the plan lacks is the checklist (each item a link to its field), not one sentence.
    reasons = set(services.aftercare_missing_reasons(removal)) if removal else set()
    listed = aftercare_checklist(member, removal)
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     refused_checklist=listed if reasons & set(refused) else [],
                     refused_other=[r for r in refused if r not in reasons],
                     title=_("Complete termination"), citation="PS IX",
                     missing=listed, removal=removal,
                     open_referrals=_open_referrals(member),
                     intro=_("Only with the signed consent form and a complete "
                             "aftercare/transition plan (PS IX.B)."))


@member_view("GET", "POST", change=True)
def close_view(request, member):
    episode = services.current_episode(member)
    form = EpisodeCloseForm(post_data(request), initial={"closed_on": timezone.localdate()})
    saved, refused = form_flow(request, [form], lambda: services.episode_close(
        episode=_referred(episode), actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("The referral is closed before enrollment (%(reason)s) "
                                       "on %(date)s.") % {
            "reason": saved.get_closure_reason_display(),
            "date": saved.closed_on.isoformat()})
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("Close the referral before enrollment"), citation="PS VIII",
                     intro=_("For a family who declined, withdrew or could not be reached, "
                             "or a member found not eligible. The 60-day assessment, care "
                             "plan and care-plan copies are owed only once the family "
                             "consents (PS VIII): those not done by the closing date are "
                             "released with this reason. A new referral later starts a new "
                             "episode."))


@member_view("GET", "POST", change=True)
def refer_view(request, member):
    episode = services.current_episode(member)
    form = ReferralForm(post_data(request))
    saved, refused = form_flow(request, [form], lambda: services.referral_create(
        member=member, actor=request.user, **form.cleaned_data))
    if saved:
        return done(request, member, _("Referral recorded."))
    return form_page(request, member=member, episode=episode, form=form, refused=refused,
                     title=_("New referral"), citation="PS VIII",
                     intro=_("A new episode, after the previous one ended."))
