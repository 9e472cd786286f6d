"""Local set-up for `make run`: load the shipped ladders and create an admin account once."""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

LADDERS_DIR = Path(__file__).resolve().parents[2] / "ladders"


class Command(BaseCommand):
    help = "Import the shipped ladders (idempotent) and create a local admin on first run."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--no-admin", action="store_true", help="Do not create an admin.")

    def handle(self, *args, admin_username: str, no_admin: bool, **options) -> None:
        for path in sorted(LADDERS_DIR.glob("*.yaml")):
            # Learning resources edited in the browser survive the next `make run`.
            call_command(
                "import_matrix", str(path), publish=True, seed_resources=True, stdout=self.stdout
            )
        if no_admin:
            return
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already; its password is not shown again.")
            return
        # Generated per installation and shown once: there is no default password to guess.
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(admin_username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated the local admin account (shown only this once):\n"
                f"  username: {admin_username}\n  password: {password}\n"
                "  log in at http://127.0.0.1:8000/accounts/login/, then edit a ladder at\n"
                "  http://127.0.0.1:8000/roles/mlops/edit/ (the admin is at /admin/)\n"
            )
        )
