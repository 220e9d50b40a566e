from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cares.program.demo.accounts import demo_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("Demo codes are available only with DEBUG on.")
        self.stdout.write(demo_code(email.lower()))
