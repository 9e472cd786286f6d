"""Check that a ladder reads as a progression: holes, inversions and loose ends
(docs/coherence.md). Exits non-zero on an inversion or an undeclared hole."""

from django.core.management.base import BaseCommand, CommandError

from roles import coherence, interchange
from roles.management.versions import version_for_command


class Command(BaseCommand):
    help = (
        "Lint the current published version of a track (or version N): holes, inversions, "
        "skills no role requires, roles without an essential skill, missing level statements."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version N is the public contract; it replaces Django's --version (its own version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("track", help="the track's slug")
        parser.add_argument(
            "--version",
            type=int,
            metavar="N",
            help="the version number (drafts too); default: the current published version",
        )

    def handle(self, *args, track: str, version: int | None, **options) -> None:
        matrix_version = version_for_command(track, version, "lint")
        report = coherence.lint(interchange.export_version(matrix_version))
        self.stdout.write(f"{matrix_version}: {report.summary()}.")
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            count = len(report.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''}: an inversion or an undeclared hole "
                "makes the ladder read out of order; see above."
            )
