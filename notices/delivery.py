"""Delivery of released letters and its proof (PS VIII, IX.C): the e-mail copy through the
program's secure mail gateway, the certified copy (tracking number and mailed date), and the
daily mailing batch printed once for window envelopes.

Each copy is claimed with a conditional update before anything leaves, so a retry, a second
task or a second worker never sends or batches it twice (an e-mail's claim is held in its
transaction until it is marked sent, so a worker that dies mid-send leaves it to the
redelivered task). Once every required copy has gone
out, ``letter_complete_if_delivered`` marks the letter sent and refreshes the deadlines.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change, audit_record
from cares.base.pdf import page_count
from cares.base.staff.models import Program
from cares.base.toolkit import Refusal, history_row, refuse
from notices import content, queue, rendering
from notices.models import (
    Channel,
    DeliveryStatus,
    Letter,
    LetterDelivery,
    LetterStatus,
    MailingBatch,
)
from notices.services import letter_complete_if_delivered

# --- Delivery: e-mail ---------------------------------------------------------------------------

def letter_mail_connection():
    """The program's secure mail gateway (``CARES_MAIL_GATEWAY``) or, unset, Django's default
    e-mail backend (console in development)."""
    gateway = getattr(settings, "CARES_MAIL_GATEWAY", None)
    if not gateway:
        return get_connection(fail_silently=False)
    return get_connection(
        backend=gateway["EMAIL_BACKEND"], fail_silently=False,
        host=gateway.get("EMAIL_HOST"), port=gateway.get("EMAIL_PORT"),
        username=gateway.get("EMAIL_HOST_USER"), password=gateway.get("EMAIL_HOST_PASSWORD"),
        use_tls=gateway.get("EMAIL_USE_TLS", False), use_ssl=gateway.get("EMAIL_USE_SSL", False),
        timeout=30)


def _read_pdf(letter: Letter) -> bytes:
    with letter.document.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != letter.document.sha256:
        raise Refusal(_("The stored PDF of letter %(id)s failed its integrity check.")
                          % {"id": letter.pk})
    return data


def letter_email_send(*, delivery_id: int) -> bool:
    """Send one e-mail copy once. The copy is claimed with a single-row conditional update on
    the delivery itself (``UPDATE ... WHERE id = X AND status = 'pending'``: one row, or
    someone else has it), in a transaction held open until the copy is marked sent. A second
    task for the same copy waits on the row lock and then finds nothing to claim; if the
    worker dies before the message leaves, the database rolls the claim back and the
    redelivered task sends it. If sending raises, the claim is rolled back so the task's
    retry can send it. Returns whether this call sent it.

    The one window left is a worker killed after the mail gateway accepted the message and
    before the commit (milliseconds): then the redelivered task sends it again (at least
    once), which beats a copy silently never sent."""
    delivery = (LetterDelivery.objects.select_related("letter__document")
                .filter(pk=delivery_id, channel=Channel.EMAIL).first())
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return False
    letter = delivery.letter
    if letter.status != LetterStatus.QUEUED or letter.finalized_at is None:
        return False
    try:
        with transaction.atomic():
            claimed = LetterDelivery.objects.filter(
                pk=delivery_id, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, claimed_at=timezone.now(),
                attempts=F("attempts") + 1)
            if claimed != 1:
                return False
            delivery.refresh_from_db()
            _email_message(letter, delivery).send()
            LetterDelivery.objects.filter(pk=delivery_id).update(
                status=DeliveryStatus.SENT, sent_on=timezone.localdate(),
                sent_at=timezone.now(), last_error="")
            history_row(delivery, None)
            audit_change(action=Action.EXPORT, obj=delivery, member=letter.member_id,
                         detail={"channel": "email", "letter": letter.pk})
    except Exception as exc:
        LetterDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300])
        raise
    letter_complete_if_delivered(letter.pk)
    return True


def _email_message(letter: Letter, delivery: LetterDelivery) -> EmailMessage:
    program = Program.objects.order_by("pk").first()
    name = program.name if program else "CARES"
    phone = f" at {program.phone}" if program and program.phone else ""
    # No PHI in the subject or body: the letter itself is the attachment.
    message = EmailMessage(
        subject=f"A letter from {name}",
        body=(f"Dear {delivery.recipient},\n\nPlease find attached a letter from {name}.\n"
              f"If you have questions, please call us{phone}.\n\n{name}\n"),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[delivery.email],
        connection=letter_mail_connection())
    message.attach(f"cares-letter-{letter.pk}.pdf", _read_pdf(letter), "application/pdf")
    return message


def letter_email_failed(delivery_id: int, error: str) -> None:
    LetterDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=error[:300])


# A copy "sending" this long after its claim (a committed claim, from before claims were held
# in the sending transaction) or queued this long ago and still pending: a person looks.
STALE_SENDING = timedelta(minutes=30)


def stuck_emails(letter: Letter):
    """E-mail copies a person must look at: failed, stuck in "sending", or queued long ago
    and still pending (the task never reached a worker)."""
    stale = timezone.now() - STALE_SENDING
    return letter.deliveries.filter(channel=Channel.EMAIL).filter(
        Q(status=DeliveryStatus.FAILED)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)
        | Q(status=DeliveryStatus.PENDING, queued_at__lt=stale))


def letter_email_retry(*, letter: Letter, actor=None) -> int:
    """Queue failed e-mail copies again (after the address or gateway was fixed), and copies
    stuck in "sending" (after checking the mail gateway's log that they did not leave)."""
    with transaction.atomic():
        ids = list(stuck_emails(letter).values_list("pk", flat=True))
        LetterDelivery.objects.filter(
            pk__in=ids, status__in=(DeliveryStatus.FAILED, DeliveryStatus.SENDING,
                                    DeliveryStatus.PENDING)).update(
            status=DeliveryStatus.PENDING, queued_at=timezone.now())
        if ids:
            audit_change(action=Action.UPDATE, obj=letter, member=letter.member_id,
                         actor=actor, detail={"email_retry": ids})
            for delivery_id in ids:
                queue.later(queue.EMAIL_LETTER, delivery_id)
    return len(ids)


# --- Delivery: certified mail -------------------------------------------------------------------

def mailing_record(*, delivery: LetterDelivery, tracking_number: str, mailed_on: date,
                   actor=None) -> LetterDelivery:
    """Record that a certified copy was mailed: the USPS tracking number (20 to 22 digits,
    used once) and the mailed date. Refuses with every reason; records once."""
    problems: list[str] = []
    digits = ""
    try:
        digits = content.normalize_tracking_number(tracking_number)
    except content.TrackingNumberError as exc:
        problems.append(str(exc))
    letter = Letter.objects.get(pk=delivery.letter_id)  # fresh: its status decides
    if delivery.channel != Channel.CERTIFIED_MAIL:
        problems.append(_("This copy goes by e-mail, not by certified mail."))
    if letter.status not in (LetterStatus.QUEUED, LetterStatus.SENT) or not letter.finalized_at:
        problems.append(_("This letter has not been released with its final PDF yet; "
                          "release it first."))
    if delivery.status == DeliveryStatus.SENT:
        problems.append(_("This copy was already recorded as mailed on %(date)s.")
                        % {"date": delivery.sent_on})
    elif delivery.status == DeliveryStatus.CANCELLED:
        problems.append(_("This copy was cancelled (the letter was corrected)."))
    if mailed_on > timezone.localdate():
        problems.append(_("The mailed date cannot be in the future."))
    if letter.released_on and mailed_on < letter.released_on:
        problems.append(_("The mailed date cannot be before the letter was released "
                          "(%(date)s).") % {"date": letter.released_on.isoformat()})
    if digits and LetterDelivery.objects.filter(tracking_number=digits).exclude(
            pk=delivery.pk).exists():
        problems.append(_("This tracking number is already recorded for another letter."))
    refuse(problems)
    try:
        with transaction.atomic():
            claimed = LetterDelivery.objects.filter(
                pk=delivery.pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENT, tracking_number=digits, sent_on=mailed_on,
                sent_at=timezone.now(), recorded_by=actor)
            if claimed != 1:
                raise Refusal([_("This copy was already recorded.")])
            history_row(delivery, actor)
            audit_change(action=Action.UPDATE, obj=delivery, member=letter.member_id,
                         actor=actor, fields=["status", "tracking_number", "sent_on"],
                         detail={"channel": "certified_mail", "letter": letter.pk})
    except IntegrityError as exc:
        raise Refusal([_("This tracking number is already recorded for another "
                             "letter.")]) from exc
    letter_complete_if_delivered(letter.pk)
    delivery.refresh_from_db()
    return delivery


def mailing_batch_create(*, on: date | None = None, actor=None) -> MailingBatch | None:
    """The daily mailing batch: every certified copy released and not yet in a batch, each
    behind an address carrier sheet for a window envelope, in one PDF. Copies are claimed
    with a conditional update, so two runs never put a copy in two batches. A batch whose PDF
    failed is completed first. ``None`` when there is nothing to mail."""
    for unfinished in MailingBatch.objects.filter(sha256=""):
        _batch_pdf(unfinished)
    candidates = list(LetterDelivery.objects.filter(
        channel=Channel.CERTIFIED_MAIL, status=DeliveryStatus.PENDING, batch__isnull=True,
        letter__status=LetterStatus.QUEUED, letter__finalized_at__isnull=False,
    ).values_list("pk", flat=True))
    if not candidates:
        return None
    with transaction.atomic():
        batch = MailingBatch.objects.create(on=on or timezone.localdate(),
                                            created_by=actor if getattr(
                                                actor, "is_authenticated", False) else None)
        claimed = LetterDelivery.objects.filter(pk__in=candidates, batch__isnull=True,
                                                status=DeliveryStatus.PENDING).update(batch=batch)
        if not claimed:
            batch.delete()
            return None
        audit_change(action=Action.CREATE, obj=batch, actor=actor,
                     detail={"copies": claimed})
    return _batch_pdf(batch)


def mailing_batch_after_commit(*, actor=None) -> None:
    """Make the batch now (in a worker), rather than waiting for the morning's."""
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    queue.later(queue.MAILING_BATCH, actor_id)


def _batch_pdf(batch: MailingBatch) -> MailingBatch:
    deliveries = list(batch.deliveries.select_related("letter__document")
                      .order_by("letter__member__legal_last_name", "letter_id", "pk"))
    letters = {d.letter_id: _read_pdf(d.letter) for d in deliveries}
    pages = {letter_id: page_count(data) for letter_id, data in letters.items()}
    sheets = [{"name": d.recipient, "address": d.address, "letter_id": d.letter_id,
               "pages": pages[d.letter_id]} for d in deliveries]
    carriers = rendering.carrier_sheets_pdf(batch, sheets, Program.objects.order_by("pk").first())
    data, count = rendering.interleave(carriers, [letters[d.letter_id] for d in deliveries])
    batch.file.save(f"{secrets.token_hex(16)}.bin", ContentFile(data), save=False)
    batch.sha256 = hashlib.sha256(data).hexdigest()
    batch.size = len(data)
    batch.pages = count
    batch.save()
    return batch


def mailing_batch_read(*, batch: MailingBatch, actor=None) -> bytes:
    """The batch PDF after its checksum; one download event per member in it."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise Refusal(_("The mailing batch PDF failed its integrity check."))
    members = sorted(set(batch.deliveries.values_list("letter__member_id", flat=True)))
    for member_id in members:
        audit_record(action=Action.DOWNLOAD, actor=actor, member=member_id, obj=batch)
    return data
