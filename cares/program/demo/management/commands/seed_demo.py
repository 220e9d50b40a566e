from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from cares.program.demo.accounts import DEMO_PASSWORD, seed_demo_staff
from cares.program.demo.coverage import seed_demo_coverage
from cares.program.demo.program import seed_demo_members
from cares.program.demo.quality import seed_demo_quality


class Command(BaseCommand):
    help = ("Create the demo program and staff (fictional people), and with --members N a "
            "synthetic program of N members with their whole history. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=0, metavar="N",
                            help="synthetic members (each with a whole history); 0: none")

    def handle(self, *args, members: int = 0, **options):
        if members < 0:
            raise CommandError("--members must be 0 or more.")
        try:
            staff = seed_demo_staff()
            created = self._members(members) if members else []
            # After the members' seeding: it may add synthetic coordinators, who are supervised
            # too (the dashboard's supervision check covers every active coordinator).
            around = seed_demo_coverage()
            quality = seed_demo_quality()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo program ready. Demo logins:"))
        for demo in staff:
            self.stdout.write(f"  {demo.role:<28} {demo.email:<40} {DEMO_PASSWORD}")
        if members:
            self.stdout.write(f"Synthetic members: {members} wanted, {len(created)} created "
                              f"now (the others existed).")
        self.stdout.write(around.words())
        self.stdout.write(quality.words())
        self.stdout.write(
            "Two-factor code for a demo login: "
            "DEBUG=1 .venv/bin/python manage.py demo_code director@demo.cares-kids.example")

    def _members(self, n: int) -> list[int]:
        def progress(done: int, total: int) -> None:
            if total > 2000:
                self.stderr.write(f"  members: {done}/{total}")

        return seed_demo_members(n, progress=progress)
