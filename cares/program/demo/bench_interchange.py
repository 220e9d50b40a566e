"""``make bench``, the interchange: a synthetic caseload file (``synthetic_caseload``), its
import, and the compliance report beside its floor.

The floor under the report is the rule book evaluated over the file alone: ``MemberFacts``
built straight from the file's dicts (no database), ``compute_member`` per episode (a file
holds one episode per member), the staff rules per staff member, and ``summarize``
(``plain_report_summary``). The report's summary and number of rows must be the same.

The file is deterministic: member ``i`` is the same in every file (its own seeded
generator), so the file of 5N members holds the file of N and the two sizes compare."""

from __future__ import annotations

import random
from datetime import date, timedelta

from cares.base.staff.training import StaffTrainingFacts
from cares.deadlines.lengths import DEFAULT_LENGTHS
from cares.deadlines.rules import (
    DeliveryFacts,
    MemberFacts,
    ReferralFacts,
    StayFacts,
    compute_member,
    compute_staff,
    summarize,
)
from members.coordination.models import QUALIFYING_MODES

FIRST = ("Ana", "Leo", "Maya", "Noah", "Sofia", "Liam", "Emma", "Lucas", "Mia", "Theo")
LAST = ("Tran", "Silva", "Nguyen", "Pierre", "Santos", "Costa", "Lopez", "Chen", "Kelly")
LANGUAGES = (("en", 55), ("es", 20), ("pt", 10), ("vi", 5), ("ht", 5), ("zh-Hans", 5))
SERVICES = ("Pediatric pulmonology", "Speech therapy", "Behavioral health", "Dental care",
            "Occupational therapy", "Nutrition counseling")
TERMINATION_REASONS = ("conditions_resolved", "goals_met", "needs_met_without_cares",
                       "family_declined", "lost_masshealth", "moved_out_of_state")
CLOSING_REASONS = ("ineligible", "declined", "withdrew", "unreachable")
CONTACT_MODES = (("in_person", 40), ("telehealth", 25), ("phone", 25), ("message", 10))
TOPICS = ("care_coordination_principles", "equity_implicit_bias", "privacy_hipaa_ferpa",
          "community_resources", "education_systems_iep_504", "shared_plan_of_care")
MEMBERS_PER_COORDINATOR = 25


def _rng(seed: str) -> random.Random:
    return random.Random(seed)  # noqa: S311 (synthetic data, not secrets)


def _pick(rng: random.Random, pairs) -> str:
    return rng.choices([k for k, _w in pairs], weights=[w for _k, w in pairs])[0]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --- The file -----------------------------------------------------------------------------------

def _staff_record(j: int, role: str, today: date) -> dict:
    """A qualified care coordinator (RN, bachelor, 2 years) or senior care manager; some
    with their initial training done, some not (staff deadlines of every status)."""
    rng = _rng(f"interchange-staff:{j}")
    hired = today - timedelta(days=rng.randint(30, 900))
    senior = role == "senior_care_manager"
    trainings = [{"topic": t, "completed": _iso(hired + timedelta(days=rng.randint(5, 200)))}
                 for t in TOPICS[:6 if rng.random() < 0.7 else 3]]
    trainings = [t for t in trainings if t["completed"] <= today.isoformat()]
    if trainings and rng.random() < 0.5:
        trainings.append({"topic": "annual",
                          "completed": _iso(min(today, hired + timedelta(days=400)))})
    return {"key": f"bs{j:04d}", "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
            "email": f"staff{j:04d}@bench.cares-kids.example", "role": role,
            "credentials": [{"type": "RN", "license_number": f"RN{j:06d}",
                             "expires": _iso(today + timedelta(days=700))}],
            "education": "bachelor", "relevant_experience_years": 6 if senior else 2,
            "clinical_experience_years": 8 if senior else 0,
            "target_population_years": 6 if senior else 2, "admin_experience_years": 0,
            "caregiver_of_special_needs_youth": False, "human_services_degree": False,
            "hire_date": _iso(hired), "trainings": trainings}


def _series(rng: random.Random, start: date, end: date, lo: int, hi: int) -> list[date]:
    """Dates after ``start``, each ``lo``..``hi`` days after the previous, up to ``end``."""
    out, day = [], start
    while True:
        day = day + timedelta(days=rng.randint(lo, hi))
        if day > end:
            return out
        out.append(day)


def _plans(rng: random.Random, language: str, first: date, end: date,
           updates: list[date]) -> list[dict]:
    """ICP versions: the first, then one after most update requests; copies in English and
    in the primary language, on paper and electronically (one sometimes missing)."""
    finals = [first] + sorted({min(end, u + timedelta(days=rng.randint(0, 40)))
                               for u in updates if rng.random() < 0.8})
    finals = sorted({d for d in finals if first <= d <= end})
    plans = []
    for on in finals:
        copies = [("en", "paper"), ("en", "electronic")]
        if language != "en":
            copies += [(language, "paper"), (language, "electronic")]
        deliveries = [{"language": lang, "medium": medium,
                       "date": _iso(min(end, on + timedelta(days=rng.randint(0, 70))))}
                      for lang, medium in copies if rng.random() < 0.95]
        plans.append({"finalized": _iso(on), "deliveries": deliveries})
    return plans


def _referrals(rng: random.Random, i: int, start: date, end: date) -> list[dict]:
    out = []
    for j in range(rng.choice((0, 0, 1, 1, 2, 3))):
        referred = start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
        scheduled = referred + timedelta(days=rng.randint(3, 45)) if rng.random() < 0.85 \
            else None
        follow_up = scheduled + timedelta(days=rng.randint(1, 45)) \
            if scheduled and rng.random() < 0.75 else None
        follow_up = follow_up if follow_up and follow_up <= end else None
        out.append({"key": f"br{i:06d}-{j}", "service": rng.choice(SERVICES),
                    "referred": _iso(referred), "scheduled": _iso(scheduled),
                    "follow_up": _iso(follow_up),
                    "exception_reason": "family declined the service"
                    if scheduled and not follow_up and rng.random() < 0.3 else None})
    return out


def _stays(rng: random.Random, i: int, start: date, end: date) -> list[dict]:
    out = []
    for j in range(rng.choice((0, 0, 0, 0, 1, 2))):
        admitted = start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
        discharged = admitted + timedelta(days=rng.randint(0, 8))
        discharged = discharged if discharged <= end else None
        follow_up = discharged + timedelta(days=rng.randint(0, 12)) \
            if discharged and rng.random() < 0.8 else None
        out.append({"key": f"bh{i:06d}-{j}", "setting": rng.choice(("inpatient", "emergency")),
                    "admitted": _iso(admitted), "discharged": _iso(discharged),
                    "follow_up": _iso(follow_up if follow_up and follow_up <= end else None)})
    return out


def _enrolled(record: dict, rng: random.Random, i: int, today: date) -> None:
    """An enrolled member's records, up to today or their termination."""
    referred = _day(record["referral_date"])
    effective = referred + timedelta(days=rng.randint(3, 40))
    end = today
    if rng.random() < 0.15 and (today - effective).days > 90:
        end = effective + timedelta(days=rng.randint(60, (today - effective).days))
        sent = end + timedelta(days=rng.randint(0, 20))
        record["termination"] = {
            "date": _iso(end), "reason": rng.choice(TERMINATION_REASONS),
            "aftercare_plan": _iso(end - timedelta(days=rng.randint(0, 20)))
            if rng.random() < 0.8 else None,
            "letter_sent": _iso(sent if sent <= today and rng.random() < 0.9 else None)}
    letter = effective + timedelta(days=rng.randint(1, 20))
    record["enrollment"] = {"effective_date": _iso(effective),
                            "letter_sent": _iso(letter if letter <= end else None)}
    initial = min(end, referred + timedelta(days=rng.randint(10, 75)))
    reassessments = _series(rng, initial, end, 300, 420)
    reviews = _series(rng, initial, end, 120, 200)
    flagged = {d for d in reassessments + reviews if rng.random() < 0.15}
    record["assessments"] = [{"kind": "initial", "completed": _iso(initial)}] + [
        {"kind": rng.choice(("annual", "annual", "abbreviated")), "completed": _iso(d),
         **({"icp_update_needed": True} if d in flagged else {})} for d in reassessments]
    record["monitoring"] = [{"date": _iso(d), **({"icp_update_needed": True}
                                                 if d in flagged else {})} for d in reviews]
    record["care_plans"] = _plans(rng, record["primary_language"],
                                  min(end, initial + timedelta(days=rng.randint(0, 15))), end,
                                  sorted(flagged))
    record["referrals"] = _referrals(rng, i, effective, end)
    record["contacts"] = [{"date": _iso(d), "mode": _pick(rng, CONTACT_MODES)}
                          for d in _series(rng, effective, end, 10, 45)]
    record["hospital_stays"] = _stays(rng, i, effective, end)
    born = _day(record["date_of_birth"])
    fourteen = born.replace(year=born.year + 14) if (born.month, born.day) != (2, 29) \
        else date(born.year + 14, 3, 1)
    if fourteen <= end and rng.random() < 0.6:
        record["transition_plan"] = {"recorded": _iso(max(fourteen, effective)
                                                      + timedelta(days=rng.randint(0, 120)))}
        if record["transition_plan"]["recorded"] > _iso(end):
            record["transition_plan"] = None


def synthetic_member(i: int, today: date, coordinators: list[str]) -> dict:
    """Member ``i``: referred in the last three years, aged 1-17 then; enrolled (most of
    them, some terminated since), still referred, or closed before enrollment."""
    rng = _rng(f"interchange-member:{i}")
    referred = today - timedelta(days=rng.randint(0, 3 * 365))
    born = referred - timedelta(days=rng.randint(365, 17 * 365))
    record = {
        "key": f"bm{i:06d}", "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
        "date_of_birth": _iso(born), "masshealth_id": f"{900000000000 + i:012d}",
        "primary_language": _pick(rng, LANGUAGES), "referral_date": _iso(referred),
        "primary_contact": coordinators[i % len(coordinators)],
        "guardians": [{"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                       "relationship": "parent", "phone": "617-555-0100", "email": None,
                       "address": None}],
        "enrollment": None, "assessments": [], "care_plans": [], "monitoring": [],
        "referrals": [], "transition_plan": None, "termination": None,
        "closed_before_enrollment": None, "contacts": [], "hospital_stays": []}
    kind = rng.random()
    if kind < 0.78 and (today - referred).days >= 45:
        _enrolled(record, rng, i, today)
    elif kind < 0.88 and (today - referred).days >= 10:
        closed = referred + timedelta(days=rng.randint(5, min(60, (today - referred).days)))
        record["closed_before_enrollment"] = {"date": _iso(closed),
                                              "reason": rng.choice(CLOSING_REASONS)}
        if rng.random() < 0.5:
            record["assessments"] = [{"kind": "initial", "completed": _iso(
                referred + timedelta(days=rng.randint(0, (closed - referred).days)))}]
    elif (today - referred).days >= 20 and rng.random() < 0.5:
        record["assessments"] = [{"kind": "initial", "completed": _iso(
            referred + timedelta(days=rng.randint(5, (today - referred).days)))}]
    return record


def synthetic_caseload(n: int, today: date) -> dict:
    """A valid caseload file (interchange.md) of ``n`` members and their staff."""
    coordinators = max(2, -(-n // MEMBERS_PER_COORDINATOR))
    staff = [_staff_record(j, "care_coordinator" if j else "senior_care_manager", today)
             for j in range(coordinators)]
    keys = [s["key"] for s in staff]
    return {"program": {"name": "Bench CARES", "phone": "617-555-0199",
                        "address": "1 Bench St, Boston, MA"},
            "staff": staff, "members": [synthetic_member(i, today, keys) for i in range(n)]}


# --- The floor: the rule book over the file's dicts ---------------------------------------------

def _events(items, field: str, prefix: str) -> tuple:
    return tuple((_day(x[field]), f"{prefix}:{j}") for j, x in enumerate(items) if x.get(field))


def _plan_facts(m: dict) -> tuple[tuple, dict]:
    icps, deliveries = [], {}
    for j, plan in enumerate(m.get("care_plans") or []):
        if plan.get("finalized"):
            ref = f"icp:{j}"
            icps.append((_day(plan["finalized"]), ref))
            deliveries[ref] = tuple(
                DeliveryFacts(d["language"], d["medium"], _day(d["date"]), f"{ref}:{k}")
                for k, d in enumerate(plan.get("deliveries") or []))
    return tuple(icps), deliveries


def _update_requests(m: dict, monitoring: list, assessments: list) -> tuple:
    reviews = [(_day(r["date"]), f"review:{j}") for j, r in enumerate(monitoring)
               if r.get("icp_update_needed")]
    reassessed = [(_day(a["completed"]), f"assessment:{j}") for j, a in enumerate(assessments)
                  if a.get("completed") and a.get("icp_update_needed")
                  and a["kind"] != "initial"]
    return tuple(reviews + reassessed)


def plain_facts(m: dict) -> MemberFacts:
    """The facts of the member's one episode, as the importer and ``facts`` would make them."""
    enrollment, termination = m.get("enrollment") or {}, m.get("termination") or {}
    closed = m.get("closed_before_enrollment")
    assessments, monitoring = m.get("assessments") or [], m.get("monitoring") or []
    icps, deliveries = _plan_facts(m)
    ended = _day(termination.get("date"))
    return MemberFacts(
        date_of_birth=_day(m["date_of_birth"]), referral_date=_day(m["referral_date"]),
        primary_language=m.get("primary_language") or "en",
        enrollment_effective=_day(enrollment.get("effective_date")),
        enrollment_letter_sent=_events([enrollment], "letter_sent", "letter")[0]
        if enrollment.get("letter_sent") else None,
        initial_assessments=_events([a for a in assessments if a["kind"] == "initial"],
                                    "completed", "initial"),
        reassessments=_events([a for a in assessments if a["kind"] != "initial"],
                              "completed", "reassessment"),
        finalized_icps=icps, deliveries_by_icp=deliveries,
        monitoring_reviews=_events(monitoring, "date", "review"),
        referrals=tuple(ReferralFacts(
            key=r["key"], scheduled=_day(r.get("scheduled")),
            follow_up=(_day(r["follow_up"]), f"follow-up:{r['key']}") if r.get("follow_up")
            else None, exception_reason=r.get("exception_reason") or "")
            for r in m.get("referrals") or []),
        transition_plans=_events([m["transition_plan"]], "recorded", "transition")
        if m.get("transition_plan") else (),
        removal_initiated=ended, planned_termination_date=ended,
        aftercare_plan=(_day(termination["aftercare_plan"]), "removal")
        if termination.get("aftercare_plan") else None,
        termination_date=ended,
        termination_letter_sent=(_day(termination["letter_sent"]), "letter:t")
        if termination.get("letter_sent") else None,
        closed_before_enrollment=(_day(closed["date"]), closed["reason"]) if closed else None,
        qualifying_contacts=_events([c for c in m.get("contacts") or []
                                     if c["mode"] in QUALIFYING_MODES], "date", "contact"),
        hospital_stays=tuple(StayFacts(
            key=s["key"], admitted=_day(s["admitted"]), discharged=_day(s.get("discharged")),
            follow_up=(_day(s["follow_up"]), f"stay:{s['key']}") if s.get("follow_up")
            else None) for s in m.get("hospital_stays") or []),
        icp_update_requests=_update_requests(m, monitoring, assessments))


def plain_staff_facts(s: dict) -> StaffTrainingFacts:
    return StaffTrainingFacts(hire_date=_day(s["hire_date"]), roles=(s["role"],),
                              trainings=tuple((t["topic"], _day(t["completed"]))
                                              for t in s.get("trainings") or []))


def plain_report_summary(data: dict, as_of: date) -> tuple[dict[str, int], int]:
    """The report's summary and number of rows, from the file alone."""
    found = [d for m in data["members"]
             for d in compute_member(plain_facts(m), as_of, lengths=DEFAULT_LENGTHS)]
    found += [d for s in data["staff"] for d in compute_staff(plain_staff_facts(s), as_of)]
    return summarize(found), len(found)
