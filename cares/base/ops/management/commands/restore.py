from django.core.management.base import BaseCommand, CommandError

from cares.base.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into the configured database and "
            "document store, after checking every file against the manifest. Stop the web "
            "server and workers first.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the backup directory (with manifest.json)")
        parser.add_argument("--yes", action="store_true",
                            help="replace a database that is not empty")

    def handle(self, *args, directory, yes=False, **options):
        try:
            result = restore(directory, replace=yes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the {result.engine} database and {result.files} "
                          f"document file(s); checked {result.documents_checked} document(s).")
        if result.unplaced:
            self.stderr.write(f"{result.unplaced} file(s) of the backup belong to no restored "
                              "document and were left out.")
        if result.pending_migrations:
            self.stdout.write(f"The code has {result.pending_migrations} migration(s) the "
                              "backup had not applied: run `manage.py migrate`.")
        if result.mismatches:
            raise CommandError("Restored, but these documents do not match their recorded "
                               "SHA-256:\n  " + "\n  ".join(result.mismatches))
        self.stdout.write(self.style.SUCCESS("Every document matches its recorded SHA-256."))
