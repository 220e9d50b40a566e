from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.http import urlencode

from cares.base.staff.enrollment import enrollment_link_issue
from cares.base.staff.models import User


class Command(BaseCommand):
    help = ("Print a one-time two-factor enrollment link for an account (for the first "
            "program director or an administrator; the program director issues the others "
            "on the staff page). Audited; earlier unused links of the account are revoked.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--base-url", default="",
                            help="e.g. https://cares.example.org (default: the path only)")

    def handle(self, *args, email, base_url, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError("No account has this e-mail address.")
        try:
            link, token = enrollment_link_issue(user=user, issued_by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        path = f"{reverse('enroll')}?{urlencode({'token': token})}"
        self.stdout.write(f"{base_url.rstrip('/')}{path}")
        self.stdout.write(f"Valid until {link.expires_at:%Y-%m-%d %H:%M %Z}, once.")
