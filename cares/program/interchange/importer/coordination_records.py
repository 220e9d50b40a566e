"""Writing a member's contacts and hospital stays (interchange.md's optional keys; deadlines.md
readings 13 and 14). The dates and their order were checked before anything is written
(``checks``); the models hold the rest.

A file without one of these keys says nothing about those records: the importer leaves them
as they are, as it did before the keys existed, so contacts and stays recorded in the
application are not lost to an older file. A key that is present, even as an empty list, is
the member's whole list of those records and is kept exactly (as ``monitoring`` is)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext

from cares.program.interchange.importer.values import day
from cares.program.interchange.importer.writing import (
    CONTACT_FIELDS,
    STAY_FIELDS,
    Maker,
    Work,
    numbered,
    numbering,
    sync,
)
from members.models import Contact, HospitalStay, Member

# The file gives a contact's date only: it is recorded at noon, program time, so that the
# day the engine reads back (``timezone.localdate``) is the file's date.
CONTACT_TIME = time(12)


def contact_moment(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, CONTACT_TIME),
                               timezone.get_default_timezone())


def import_contacts(record: dict, member: Member, work: Work, at: str) -> None:
    """Reading 13: contacts with the member or family, matched by date and mode (and their
    number among equal ones), so a second import changes nothing. Contacts with providers,
    schools or agencies only are not the file's to keep or remove."""
    if "contacts" not in record:
        return
    family = work.stored.of("contacts", member)  # with the member or family
    summary = gettext("Imported from a caseload file.")
    sync(family, {
        (day(c["date"]), c["mode"], n): (f"{at}.contacts[{j}]", {"contact_mode": c["mode"]})
        for j, (n, c) in enumerate(numbered(record["contacts"],
                                            lambda c: (c["date"], c["mode"])))},
        Maker(lambda: Contact(member=member, with_member=True, summary=summary),
              numbering(lambda o: (timezone.localdate(o.contact_at), o.contact_mode)),
              fresh=lambda key: {"contact_at": contact_moment(key[0])}),
        work, "contacts", at=f"{at}.contacts", fields=CONTACT_FIELDS)


def import_hospital_stays(record: dict, member: Member, work: Work, at: str) -> None:
    """Reading 14: stays matched by their key. Stays recorded in the application (no import
    key) are not the file's to keep or remove."""
    if "hospital_stays" not in record:
        return
    sync(work.stored.of("stays", member), {  # with an import key
        s["key"]: (f"{at}.hospital_stays[{j}]", {
            "key": s["key"], "setting": s["setting"], "admitted_on": day(s["admitted"]),
            "discharged_on": day(s.get("discharged")),
            "follow_up_on": day(s.get("follow_up"))})
        for j, s in enumerate(record["hospital_stays"])},
        Maker(lambda: HospitalStay(member=member), lambda o: o.key), work, "hospital stays",
        at=f"{at}.hospital_stays", fields=STAY_FIELDS)
