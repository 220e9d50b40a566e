"""How long a member record packet takes for a member with five years of history, beside the
ICP PDF of the same member.

Seeds one fictional member inside a transaction that is rolled back at the end (nothing stays
in the database; the packet's stored file is deleted): monthly contacts, quarterly monitoring
reviews, yearly assessments and ICP versions (each with an update half-way), referrals with
follow-ups, letters with their deliveries, hospital stays, releases and the stored deadlines.
Then it makes the packet as the worker does and prints the seconds, pages and queries, and
the seconds of the latest ICP's PDF. PDF rendering is warmed up first (fonts), as in a
worker. ``DEBUG=1 python manage.py bench_packet [--years 5]``."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careplans.copies import render_icp
from careplans.models import (
    ActionStep,
    Allergy,
    Assessment,
    CarePlan,
    CarePlanParticipant,
    CareTeamEntry,
    EmergencyMedication,
    Goal,
)
from cares.base import pdf
from cares.base.staff.models import Program, Role, RoleAssignment, StaffProfile, User
from cares.deadlines.services import refresh_member_deadlines
from cares.program.quality.packets import build
from members.models import (
    Contact,
    Episode,
    EpisodeStatus,
    Guardian,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    ReleaseOfInformation,
    ServiceReferral,
)
from notices.models import Letter, LetterDelivery

TEXT = "Fictional text for the benchmark, about as long as a care manager writes. " * 3


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the PDF is rendered in a child):
    the figure that does not depend on what else the machine is doing."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Rollback(Exception):
    """Leaves the seeding transaction without keeping anything."""


class Command(BaseCommand):
    help = "Time a member record packet for a member with years of history (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=5)

    def handle(self, *args, years: int, **options):
        warm_start = time.perf_counter()
        pdf.warm_up()
        warm = time.perf_counter() - warm_start
        self.stdout.write(f"PDF warm-up (once per worker): {warm:.2f} s")
        try:
            with transaction.atomic():
                self.measure(years)
                raise Rollback
        except Rollback:
            self.stdout.write("Seeded records rolled back.")

    def measure(self, years: int) -> None:
        start = timezone.localdate() - timedelta(days=365 * years)
        seed_start = time.perf_counter()
        member, staff = seed(start, years)
        counts = {"contacts": member.contact_records.count(),
                  "monitoring reviews": member.monitoring_reviews.count(),
                  "assessments": member.assessments.count(),
                  "ICP versions": member.care_plans.count(),
                  "referrals": member.referrals.count(), "letters": member.letters.count(),
                  "hospital stays": member.hospital_stays.count(),
                  "deadlines": member.deadlines.count()}
        self.stdout.write(f"Seeded in {time.perf_counter() - seed_start:.1f} s: "
                          + ", ".join(f"{n} {k}" for k, n in counts.items()))
        packet = member.record_packets.create(records_from=start,
                                              records_to=timezone.localdate(),
                                              sections_total=build.STEPS,
                                              requested_by=staff.user)
        began, cpu = time.perf_counter(), cpu_seconds()
        with CaptureQueriesContext(connection) as queries:
            outcome = build.make_packet(packet.pk)
        total, cpu = time.perf_counter() - began, cpu_seconds() - cpu
        packet.refresh_from_db()
        self.stdout.write(f"Record packet ({years} years): {outcome} in {total:.2f} s "
                          f"(CPU {cpu:.2f} s; load average {os.getloadavg()[0]:.1f} on "
                          f"{os.cpu_count()} CPUs), {packet.pages} pages, "
                          f"{packet.document.size // 1024} KiB, {len(queries)} queries")
        plan = member.care_plans.order_by("-version").first()
        began, cpu = time.perf_counter(), cpu_seconds()
        _html, icp = render_icp(plan, "en")
        self.stdout.write(f"ICP PDF (version {plan.version}, same member): "
                          f"{time.perf_counter() - began:.2f} s (CPU {cpu_seconds() - cpu:.2f} s), "
                          f"{pdf.page_count(icp)} pages")
        verdict = "under" if total < 10 else "OVER"
        self.stdout.write(f"Packet {verdict} the 10 s target.")
        packet.document.file.delete(save=False)


def seed(start: date, years: int) -> tuple[Member, StaffProfile]:
    Program.objects.get_or_create(name="Bench CARES Program",
                                  defaults={"phone": "617-555-0100"})
    user = User.objects.create(email=f"bench.packet.{time.time_ns()}@example.org",
                               first_name="Jordan", last_name="Sample")
    staff = StaffProfile.objects.create(user=user, hire_date=start - timedelta(days=30))
    RoleAssignment.objects.create(staff=staff, role=Role.CARE_COORDINATOR)
    member = Member.objects.create(
        legal_first_name="Bench", legal_last_name="Packet", date_of_birth=date(2012, 6, 15),
        masshealth_id=f"{time.time_ns() % 10**12:012d}", address_line1="1 Elm Street",
        city="Boston", postal_code="02118", primary_language="en",
        preferred_written_language="en")
    episode = Episode.objects.create(member=member, status=EpisodeStatus.ENROLLED,
                                     referral_date=start, referral_source="pcp",
                                     effective_date=start, primary_contact=staff)
    Guardian.objects.create(member=member, name="Ana Sample", relationship="mother",
                            receives_letters=True)
    _coordination(member, staff, start, years)
    _care_plans(member, staff, start, years)
    _letters(member, episode, start)
    refresh_member_deadlines(member.pk)  # the stored deadlines, as the nightly sweep keeps them
    return member, staff


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


def _coordination(member, staff, start: date, years: int) -> None:
    months = 12 * years
    Contact.objects.bulk_create([Contact(
        member=member, contact_at=_moment(start + timedelta(days=30 * i + 3)),
        contact_mode="phone" if i % 3 else "in_person", with_guardian=True,
        participants="Ana Sample", staff=staff, duration_minutes=30, summary=TEXT)
        for i in range(months)])
    MonitoringReview.objects.bulk_create([MonitoringReview(
        member=member, reviewed_on=start + timedelta(days=91 * i + 20),
        participants="Ana Sample", services_per_icp=True, services_adequate=True,
        changes_reflected=True, notes=TEXT) for i in range(4 * years)])
    referrals = ServiceReferral.objects.bulk_create([ServiceReferral(
        member=member, service=f"Specialty service {i}", referrer_kind="professional",
        referrer_name="Bench PCP", referred_on=start + timedelta(days=90 * i + 10),
        scheduled_on=start + timedelta(days=90 * i + 25), status="closed",
        status_changed_on=start + timedelta(days=90 * i + 60),
        closed_on=start + timedelta(days=90 * i + 60), closure_reason="services_started",
        icp_goal="Clinical goal") for i in range(4 * years)])
    ReferralFollowUp.objects.bulk_create([ReferralFollowUp(
        referral=r, followed_up_on=r.scheduled_on + timedelta(days=20), with_whom="Ana Sample",
        services_received=True, met_need=True, notes=TEXT) for r in referrals])
    HospitalStay.objects.bulk_create([HospitalStay(
        member=member, setting="inpatient" if i % 2 else "emergency",
        admitted_on=start + timedelta(days=365 * i + 150),
        discharged_on=start + timedelta(days=365 * i + 154),
        follow_up_on=start + timedelta(days=365 * i + 160), reason=TEXT,
        follow_up_notes=TEXT, reassessment="dismissed", reassessment_reason="Stable.")
        for i in range(years)])
    ReleaseOfInformation.objects.bulk_create([ReleaseOfInformation(
        member=member, party=f"Bench School {i}", purpose="IEP", scope="Care plan",
        signed_on=start + timedelta(days=365 * i + 5), signed_by="Ana Sample",
        expires_on=start + timedelta(days=365 * i + 370)) for i in range(years)])


def _care_plans(member, staff, start: date, years: int) -> None:
    """A completed assessment each year and two ICP versions a year (the annual one and an
    update), each with its meeting, team, goals and steps, medications and allergies."""
    previous = None
    for year in range(years):
        day = start + timedelta(days=365 * year + 30)
        assessment = Assessment.objects.create(
            member=member, kind="initial" if year == 0 else "annual", completed_on=day,
            completed_by=staff, medical_history=TEXT, current_services=TEXT,
            medications=TEXT, allergies="Penicillin", needs_identified=TEXT,
            continues_eligible=None if year == 0 else True)
        for half in range(2):
            on = day + timedelta(days=10 + 180 * half)
            previous = _plan(member, assessment, previous, on, 2 * year + half + 1)


def _plan(member, assessment, previous, on: date, version: int) -> CarePlan:
    plan = CarePlan.objects.create(
        member=member, version=version, previous=previous, assessment=assessment,
        meeting_on=on, meeting_place="At home", medical_history=TEXT, current_services=TEXT,
        upcoming_transitions=TEXT, continuity_strategies=TEXT, diagnoses="Epilepsy.",
        baseline_status=TEXT, accommodations=TEXT)
    CarePlanParticipant.objects.bulk_create([
        CarePlanParticipant(plan=plan, kind="parent_guardian", name="Ana Sample",
                            relationship="mother")])
    team = CareTeamEntry.objects.bulk_create([
        CareTeamEntry(plan=plan, role=role, name=name, phone="617-555-0100", emergency=True)
        for role, name in (("care_manager", "Jordan Sample"), ("pcp", "Dr. Bench"),
                           ("family", "Ana Sample"))])
    goals = Goal.objects.bulk_create([
        Goal(plan=plan, order=i, kind=kind, description=f"{kind} goal: {TEXT}",
             target_date=on + timedelta(days=180))
        for i, kind in enumerate(("clinical", "functional", "developmental", "social"))])
    ActionStep.objects.bulk_create([
        ActionStep(plan=plan, goal=goal, order=n, description=TEXT, responsible=team[0],
                   accessibility="None") for goal in goals for n in range(2)])
    EmergencyMedication.objects.bulk_create([
        EmergencyMedication(plan=plan, name="Levetiracetam", dose="250 mg",
                            schedule="twice daily")])
    Allergy.objects.bulk_create([Allergy(plan=plan, allergen="Penicillin", reaction="hives")])
    CarePlan.objects.filter(pk=plan.pk).update(status="finalized", finalized_on=on)
    plan.refresh_from_db()
    return plan


def _letters(member, episode, start: date) -> None:
    letters = [Letter.objects.create(  # one enrollment letter per episode
        member=member, episode=episode, kind="enrollment", letter_date=start + timedelta(days=2),
        status="sent", sent_on=start + timedelta(days=3))]
    LetterDelivery.objects.bulk_create([LetterDelivery(
        letter=letter, channel=channel, status="sent", recipient="Ana Sample",
        address="1 Elm Street", email="ana@family.example" if channel == "email" else "",
        sent_on=letter.sent_on, tracking_number="9400100000" if channel != "email" else "")
        for letter in letters for channel in ("certified_mail", "email")])
