import json

from django.core.management.base import BaseCommand, CommandError

from cares.program.interchange.importer import CaseloadImportError, import_caseload


class Command(BaseCommand):
    help = ("Import a caseload file (shared/spec/interchange.md): all or nothing; every error "
            "names its JSON path. --dry-run validates and reports without saving.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, dry_run, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: no such file") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file}: not JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg})") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not JSON (not UTF-8 text)") from exc
        except RecursionError as exc:
            raise CommandError(f"{file}: not the caseload format (nested too deeply)") from exc
        try:
            counts = import_caseload(data, dry_run=dry_run)
        except CaseloadImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported.") from exc
        prefix = "Dry run (nothing saved): " if dry_run else ""
        self.stdout.write(prefix + ("would change:" if dry_run else "Imported:"))
        for line in counts.lines():
            self.stdout.write(f"  {line}")
