"""The member: a child or young person under 21 referred to or served by the program."""

from __future__ import annotations

import unicodedata
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cares.base.languages import validate_language_tag

# The ages the program turns on, each defined once.
TRANSITION_FROM_AGE = 16  # PS VI.C: transition planning from the 16th birthday
ADULT_AGE = 18  # of age: decides alone (PS VI.A.1.c.1 care planning; letters; PS IX.A.8)
INDEPENDENT_CHOICE_AGE = ADULT_AGE  # PS IX.A.8: may choose to leave CARES
TRANSFER_TIMING_FROM_AGE = 20  # PS VI.C.5: transfer timing, as the member approaches 21
APPROACHING_21 = relativedelta(years=20, months=6)  # PS VI.C.5: flag the 21st birthday
MAX_AGE = 21  # under 21 (PS, preamble; PS VI.C.5; at 21 removal, PS IX.A.1)

masshealth_id_validator = RegexValidator(
    r"^\d{12}$", _("A MassHealth ID is exactly 12 digits."), code="masshealth_id"
)


# PS VI.B.1.h: the state agencies whose services a member may receive.
STATE_AGENCIES: tuple[tuple[str, str], ...] = (
    ("DCF", _("DCF (Department of Children and Families)")),
    ("DDS", _("DDS (Department of Developmental Services)")),
    ("DESE", _("DESE (Elementary and Secondary Education)")),
    ("DMH", _("DMH (Department of Mental Health)")),
    ("DPH", _("DPH (Department of Public Health)")),
    ("DTA", _("DTA (Department of Transitional Assistance)")),
    ("DYS", _("DYS (Department of Youth Services)")),
)


class ContactPreference(models.TextChoices):
    """The family's chosen mode for regular contact (PS VI.B.1.a)."""

    IN_PERSON = "in_person", _("Face to face (in person)")
    TELEHEALTH = "telehealth", _("Telehealth (video)")


RENEWAL_LOOKAHEAD_DAYS = 60  # the worklist lists MassHealth renewals this close


# Letters that carry no combining accent but are read as a plain one in a search box.
_PLAIN = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"})


def folded(text: str) -> str:
    """``text`` for searching: accents dropped and case folded ("Ramírez", "RAMIREZ" and
    "ramirez" all read "ramirez"; "Nguyễn Đức" reads "nguyen duc")."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_PLAIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


NAME_FIELDS = ("legal_first_name", "legal_last_name", "preferred_name")


def age_on(date_of_birth: date, on: date) -> int:
    return relativedelta(on, date_of_birth).years


class Member(models.Model):
    """A child or young person under 21 referred to or served by the program."""

    key = models.CharField(_("import key"), max_length=64, unique=True, null=True, blank=True)
    legal_first_name = models.CharField(_("legal first name"), max_length=100)
    legal_last_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    masshealth_id = models.CharField(
        _("MassHealth ID"), max_length=12, unique=True, validators=[masshealth_id_validator],
        error_messages={"unique": _("Another member already has this MassHealth ID.")},
    )
    sex_gender = models.CharField(
        _("sex / gender, as the family states it"), max_length=60, blank=True
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address, line 2"), max_length=200, blank=True)
    city = models.CharField(_("city or town"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, default="MA", blank=True)
    postal_code = models.CharField(
        _("ZIP code"), max_length=10, blank=True,
        validators=[RegexValidator(r"^\d{5}(-\d{4})?$", _("Use a 5-digit ZIP code."))],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    primary_language = models.CharField(
        _("primary language"), max_length=35, default="en",
        validators=[validate_language_tag], help_text=_("Language tag, e.g. en, es, vi, zh-Hant."),
    )
    preferred_written_language = models.CharField(
        _("preferred written language"), max_length=35, default="en",
        validators=[validate_language_tag],
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    electronic_contact_available = models.BooleanField(
        _("electronic contact available"), default=False,
        help_text=_("The family can receive letters and care plans electronically."),
    )
    # PS VI.B.1.a: the family chooses face-to-face or telehealth for regular contact.
    contact_preference = models.CharField(
        _("chosen mode for regular contact"), max_length=12, blank=True,
        choices=ContactPreference.choices,
        help_text=_("The family's choice for regular contact (PS VI.B.1.a)."))
    # Benefits (PS VI.B.1.h).
    masshealth_renewal_date = models.DateField(_("MassHealth renewal date"), null=True,
                                               blank=True)
    health_plan = models.CharField(_("health plan"), max_length=200, blank=True,
                                   help_text=_("e.g. the MassHealth ACO or MCO."))
    third_party_insurance = models.CharField(_("third-party insurance"), max_length=200,
                                             blank=True)
    state_agencies = models.JSONField(
        _("state-agency services"), default=list, blank=True,
        help_text=_("The state agencies the member receives services from."))
    # The names, folded (``folded``): what the member search matches, whatever the accents.
    search_name = models.CharField(max_length=420, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["legal_last_name", "legal_first_name", "pk"]
        indexes = [
            models.Index(fields=["legal_last_name", "legal_first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        permissions = [
            ("view_all_members", "Can see every member, not only their care teams'"),
            ("manage_members", "Can refer, evaluate, enroll and remove members"),
            ("break_glass", "Can open a member outside their care team, giving a reason"),
            ("view_clinical", "Can see clinical detail"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.fold_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(NAME_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def fold_names(self) -> None:
        """Keep ``search_name`` in step with the names (``save`` does it; bulk inserts call
        it themselves)."""
        self.search_name = folded(" ".join(filter(None, (getattr(self, f) for f in
                                                          NAME_FIELDS))))

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def age_on(self, on: date) -> int:
        return age_on(self.date_of_birth, on)

    @property
    def birthday_21(self) -> date:
        return self.date_of_birth + relativedelta(years=MAX_AGE)

    @property
    def transfer_planning_from(self) -> date:
        """Age 20 and a half: flag the approaching 21st birthday (PS VI.C.5)."""
        return self.date_of_birth + APPROACHING_21
