from django.core.management.base import BaseCommand, CommandError

from cares.base.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump custom format, or SQLite's online backup) and the "
            "private document store, with a manifest of SHA-256 sums. The backup holds PHI.")

    def add_arguments(self, parser):
        parser.add_argument("--out", help="a new or empty directory (default: a timestamped "
                                          "directory under VAR_DIR/backups)")

    def handle(self, *args, out=None, **options):
        try:
            result = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        database = result.manifest["database"]
        self.stdout.write(self.style.SUCCESS(
            f"Backed up the {database['engine']} database and {result.documents} stored "
            f"document file(s), {len(result.manifest['files'])} file(s), "
            f"{result.total_bytes / 1_000_000:.1f} MB, to {result.directory}"))
        self.stdout.write("It holds PHI: encrypt it and keep it where only the backup "
                          "operator can read it.")
