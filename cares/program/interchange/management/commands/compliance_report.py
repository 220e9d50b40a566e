import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cares.deadlines.services import compliance_report

# "stay" (discharge follow-ups, reading 14) came last, so existing columns keep their places.
CSV_FIELDS = ["subject", "rule", "referral", "due", "status", "satisfied_on", "spec", "stay"]


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
        report = compliance_report(day, member_key=member)
        if format == "json":
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in report["deadlines"]:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in CSV_FIELDS})
