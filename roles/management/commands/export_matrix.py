"""Export a matrix version of a track as YAML, JSON or CSV (docs/interchange.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roles import interchange
from roles.models import MatrixVersion, Track


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
        matrix_version = _get_version(track, version)
        text = interchange.dump(interchange.export_version(matrix_version), fmt)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(f"{output}: cannot be written ({error.strerror})") from None
            self.stdout.write(f"Wrote {matrix_version} as {fmt} to {output}.")
        else:
            self.stdout.write(text, ending="")


def _get_version(slug: str, number: int | None) -> MatrixVersion:
    track_obj = Track.objects.filter(slug=slug).first()
    if track_obj is None:
        known = ", ".join(Track.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"Unknown track {slug!r}. Known tracks: {known or 'none'}.")
    versions = track_obj.versions.order_by("number")
    found = (
        track_obj.current_version() if number is None else versions.filter(number=number).first()
    )
    if found is None:
        listed = ", ".join(f"v{v.number} ({v.status})" for v in versions) or "none"
        wanted = f"version {number}" if number is not None else "published version"
        hint = "" if number is not None else "; use --version N to export a draft"
        raise CommandError(f"Track {slug!r} has no {wanted} (versions: {listed}){hint}.")
    return found
