"""Everything one member's export reads, in a fixed number of queries whatever the record's
size (each list one query, its parts prefetched). ``clinical=False`` (minimum necessary: family
support staff) leaves out what only clinical resources carry: contacts, hospital stays and the
ICP and emergency plan documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from careplans.models import ActionStep, CarePlan, CarePlanCopy, Goal
from cares.base.documents.models import RESPONDER_CARD_KIND, Document
from cares.base.staff.models import Credential, Program, StaffProfile
from members.coordination.models import ReferralFollowUp
from members.documents import CLINICAL_DOCUMENT_KINDS
from members.models import Episode, Member

# The documents exported as DocumentReference: the ICP copies and the emergency plan; not the
# responder card, which prints a live bearer link.
EXPORTED_DOCUMENT_KINDS = tuple(sorted(CLINICAL_DOCUMENT_KINDS - {RESPONDER_CARD_KIND}))


@dataclass
class MemberRecord:
    member: Member
    clinical: bool
    program: Program | None
    episode: Episode | None
    guardians: list
    care_team: list  # CareTeamMember, current, with staff.user
    directory: list  # MemberContact with provider: PCP, specialists, ...
    plans: list  # CarePlan with goals (and outcome), action steps, team entries
    referrals: list  # ServiceReferral with provider, referrer contact, goal, follow-ups
    releases: list  # ReleaseOfInformation with provider
    contacts: list = field(default_factory=list)  # Contact with staff.user (clinical)
    stays: list = field(default_factory=list)  # HospitalStay with facility (clinical)
    documents: list = field(default_factory=list)  # (Document, CarePlanCopy | None) (clinical)
    staff: dict = field(default_factory=dict)  # StaffProfile pk -> profile, credentials loaded


def member_record(member: Member, *, clinical: bool) -> MemberRecord:
    record = MemberRecord(
        member=member, clinical=clinical,
        program=Program.objects.order_by("pk").first(),
        episode=member.episodes.select_related("primary_contact__user").first(),
        guardians=list(member.guardians.order_by("pk")),
        care_team=list(member.care_team.filter(until__isnull=True)
                       .select_related("staff__user").order_by("since", "pk")),
        directory=list(member.contacts.select_related("provider").order_by("pk")),
        plans=_plans(member),
        referrals=list(
            member.referrals.select_related("provider", "referrer_contact", "goal")
            .prefetch_related(Prefetch("follow_ups",
                                       queryset=ReferralFollowUp.objects.order_by(
                                           "followed_up_on", "pk")))
            .order_by("referred_on", "pk")),
        releases=list(member.releases.select_related("provider").order_by("signed_on", "pk")),
    )
    if clinical:
        record.contacts = list(member.contact_records.select_related("staff__user")
                               .order_by("contact_at", "pk"))
        record.stays = list(member.hospital_stays.select_related("facility")
                            .order_by("admitted_on", "pk"))
        record.documents = _documents(member)
    record.staff = _staff(record)
    return record


def _plans(member: Member) -> list[CarePlan]:
    return list(
        CarePlan.objects.filter(member=member)
        .select_related("finalized_by__staff_profile__user", "created_by__staff_profile__user")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("outcome")
                     .order_by("order", "pk")),
            Prefetch("action_steps", queryset=ActionStep.objects.select_related("responsible")
                     .order_by("order", "pk")),
            "team")
        .order_by("version"))


def _documents(member: Member) -> list[tuple[Document, CarePlanCopy | None]]:
    documents = list(member.documents.filter(kind__in=EXPORTED_DOCUMENT_KINDS)
                     .order_by("created_at", "pk"))
    copies = {c.document_id: c for c in CarePlanCopy.objects.filter(
        document__in=[d.pk for d in documents]).select_related("care_plan")}
    return [(d, copies.get(d.pk)) for d in documents]


def plan_author(plan: CarePlan) -> StaffProfile | None:
    """Who finalized the version (or created the draft), when that user is staff."""
    user = plan.finalized_by or plan.created_by
    return getattr(user, "staff_profile", None) if user is not None else None


def _staff(record: MemberRecord) -> dict[int, StaffProfile]:
    """Every staff member the export names (care team, primary contact, ICP authors, contact
    staff), with their credentials, in one more query."""
    people = [m.staff for m in record.care_team]
    if record.episode is not None and record.episode.primary_contact is not None:
        people.append(record.episode.primary_contact)
    people += [p for p in map(plan_author, record.plans) if p is not None]
    people += [c.staff for c in record.contacts if c.staff is not None]
    staff = {p.pk: p for p in people}
    credentials: dict[int, list[Credential]] = {pk: [] for pk in staff}
    for credential in Credential.objects.filter(staff_id__in=list(staff)).order_by("type", "pk"):
        credentials[credential.staff_id].append(credential)
    for pk, profile in staff.items():
        profile.fhir_credentials = credentials[pk]
    return staff
