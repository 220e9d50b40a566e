from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cares.deadlines.report import write_compliance_report


class _Raw:
    """The command's stdout without the newline ``OutputWrapper.write`` adds to each write:
    the report is written in chunks."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = "Print every deadline existing on a date, program checks and a summary."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--member", help="only this member's key")

    def handle(self, *args, as_of, format, member, **options):
        try:
            day = date.fromisoformat(as_of)
        except ValueError as exc:
            raise CommandError(f"--as-of: not a date: {as_of!r} (use YYYY-MM-DD)") from exc
        write_compliance_report(_Raw(self.stdout), day, member_key=member, fmt=format)
        if format == "json":
            self.stdout.write("")  # the final newline the report has always ended with
