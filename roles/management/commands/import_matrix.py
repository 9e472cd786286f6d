"""Import a track's matrix from YAML, JSON or CSV into a draft version (docs/interchange.md),
and print the ladder linter's findings on it (docs/coherence.md)."""

from django.core.management.base import BaseCommand, CommandError

from roles import coherence, interchange


class Command(BaseCommand):
    help = (
        "Validate a matrix file completely, then store it as the track's draft version in one "
        "transaction (content identical to the current version creates nothing)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="a .yaml, .yml, .json or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would change; write nothing"
        )
        parser.add_argument("--publish", action="store_true", help="publish the imported draft")
        parser.add_argument(
            "--track", metavar="SLUG", help="the track whose requirements a CSV file updates"
        )
        parser.add_argument(
            "--seed-resources",
            action="store_true",
            help="take the file's learning resources only if the track has none yet",
        )

    def handle(
        self,
        *args,
        path: str,
        dry_run: bool,
        publish: bool,
        track: str | None,
        seed_resources: bool,
        **options,
    ):
        try:
            document = interchange.read_document(path, track_slug=track)
            result = interchange.import_document(
                document, publish=publish, dry_run=dry_run, seed_resources=seed_resources
            )
        except interchange.InterchangeError as error:
            raise CommandError(error.report()) from None
        self.stdout.write(result.report())
        # The ladder check informs; it never refuses an import (lint_ladder is the gate).
        report = coherence.lint(document)
        self.stdout.write(f"Ladder check (docs/coherence.md): {report.summary()}.")
        # Notes say what the score cannot promise on any ladder; they are shown on request
        # (-v 2, or lint_ladder) so that errors and warnings stand out.
        shown = [
            line
            for finding, line in zip(report.findings, report.lines(), strict=True)
            if finding.severity != coherence.NOTE or options["verbosity"] > 1
        ]
        for line in shown:
            self.stdout.write(f"  {line}")
        if len(shown) < len(report.findings):
            self.stdout.write(
                f"  Notes: manage.py lint_ladder {document['track']['slug']} (or -v 2) shows them."
            )
