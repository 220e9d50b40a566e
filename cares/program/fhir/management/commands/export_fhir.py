"""``manage.py export_fhir --member KEY [--member KEY ...] [--out FILE|FOLDER]``."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cares.program.fhir.services import export_member
from members.models import Member


class Command(BaseCommand):
    help = ("Export members' records as FHIR R4 (R4B) collection Bundles, one per member, every "
            "resource validated; each export is recorded in the audit log.")

    def add_arguments(self, parser):
        parser.add_argument("--member", action="append", required=True, metavar="KEY",
                            help="the member's key (as in the caseload file) or MassHealth ID; "
                                 "repeat for several members")
        parser.add_argument("--out", default="", metavar="PATH",
                            help="a file for one member, a folder for several (one "
                                 "<key>.json each); default: standard output")
        parser.add_argument("--base-url", default=settings.CARES_FHIR_BASE_URL,
                            help="the FHIR base of the fullUrls (default: CARES_FHIR_BASE_URL)")

    def handle(self, *args, member: list[str], out: str, base_url: str, **options):
        members = self._members(member)
        folder = Path(out) if out and len(members) > 1 else None
        if folder is not None and folder.exists() and not folder.is_dir():
            raise CommandError(f"--out {out}: several members need a folder, not a file.")
        made = []
        for m in members:
            made.append(export_member(m, clinical=True, base_url=base_url,
                                      via="export_fhir command"))
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for export in made:
                (folder / f"{export.member.key or export.member.pk}.json").write_text(
                    export.json, encoding="utf-8")
        elif out:
            Path(out).write_text(made[0].json, encoding="utf-8")
        else:
            for export in made:
                self.stdout.write(export.json)
        for export in made:
            kinds = ", ".join(f"{n} {t}" for t, n in sorted(export.resources.items()))
            self.stderr.write(f"{export.member.key or export.member.pk}: {export.total} "
                              f"resources ({kinds})")

    @staticmethod
    def _members(keys: list[str]) -> list[Member]:
        found, missing = [], []
        for key in keys:
            member = (Member.objects.filter(key=key).first()
                      or Member.objects.filter(masshealth_id=key).first())
            (found if member is not None else missing).append(member or key)
        if missing:
            raise CommandError("No member with key or MassHealth ID: " + ", ".join(missing))
        return found
