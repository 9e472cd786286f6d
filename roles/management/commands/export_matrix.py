"""Export a matrix version of a track as YAML, JSON or CSV (docs/interchange.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roles import interchange
from roles.management.versions import version_for_command


class Command(BaseCommand):
    help = "Export the current published version of a track (or version N) as YAML, JSON or CSV."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version N is the public contract; it replaces Django's --version (its own version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("track", help="the track's slug")
        parser.add_argument("--format", dest="fmt", choices=interchange.FORMATS, default="yaml")
        parser.add_argument(
            "--version",
            type=int,
            metavar="N",
            help="the version number (drafts too); default: the current published version",
        )
        parser.add_argument("--output", metavar="PATH", help="write to this file, not stdout")

    def handle(
        self, *args, track: str, fmt: str, version: int | None, output: str | None, **options
    ):
        matrix_version = version_for_command(track, version, "export")
        text = interchange.dump(interchange.export_version(matrix_version, resources=True), fmt)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(f"{output}: cannot be written ({error.strerror})") from None
            self.stdout.write(f"Wrote {matrix_version} as {fmt} to {output}.")
        else:
            self.stdout.write(text, ending="")
