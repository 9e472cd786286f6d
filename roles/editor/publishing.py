"""Review and publish a draft, the version history with each version's changes, export of any
version, and import of a file in the browser (a dry run first, then into the draft)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from careerfit.http import HtmxHttpRequest, HttpResponseSeeOther, wants_fragment
from roles import coherence, drafting, interchange
from roles.audit import AuditEntry
from roles.document import document_hash
from roles.editor.access import get_track_for_editor, grid_url, require_draft
from roles.editor.forms import ImportForm
from roles.interchange import MatrixDiff
from roles.models import MatrixVersion, Track

CONTENT_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
# Headings of the review page, in its order: what the changes are about.
GROUPS = (
    ("Required levels", ("requirement",)),
    ("Skills", ("skill",)),
    ("Roles", ("role",)),
    ("Categories", ("category",)),
    ("Scale and thresholds", ("scale", "threshold")),
    ("Order", ("order",)),
)


@dataclass(frozen=True)
class ChangeGroup:
    title: str
    sentences: tuple[str, ...]
    added: int
    removed: int
    changed: int


def change_groups(changes: MatrixDiff) -> list[ChangeGroup]:
    groups = []
    for title, kinds in GROUPS:
        found = changes.of_kinds(*kinds)
        if found:
            groups.append(
                ChangeGroup(
                    title=title,
                    sentences=tuple(change.sentence for change in found),
                    added=sum(1 for change in found if change.action == "+"),
                    removed=sum(1 for change in found if change.action == "-"),
                    changed=sum(1 for change in found if change.action == "~"),
                )
            )
    return groups


def _in_progress_elsewhere(track: Track) -> int:
    """Assessments of the track still being answered: each stays on the version it started
    on. Counted through the reverse relation, so the ladder app imports nothing of
    assessments; "draft" is the assessment's status until it is submitted."""
    return track.assessments.filter(status="draft").count()


@require_GET
def review(request: HttpRequest, track_slug: str) -> HttpResponse:
    """Review and publish: what publishing the draft changes against the current version."""
    draft = require_draft(request, track_slug)
    track = draft.track
    current = track.current_version()
    document = interchange.export_version(draft)
    changes = interchange.diff(interchange.export_version(current) if current else None, document)
    lint = coherence.lint(document)
    context = {
        "track": track,
        "draft": draft,
        "current": current,
        "changes": changes,
        "groups": change_groups(changes),
        "reviewed": document_hash(document),
        "lint": lint,
        "lint_count": len(lint.errors) + len(lint.warnings),
        "in_progress": _in_progress_elsewhere(track),
        "empty": not document["skills"] or not document["roles"],
    }
    return render(request, "roles/editor/review.html", context)


@require_POST
def publish(request: HttpRequest, track_slug: str) -> HttpResponse:
    """Publish the draft, as reviewed when `reviewed` (the draft's content hash on the review
    page) is given; once only: a replayed or concurrent request finds it published and
    publishes nothing."""
    track = get_track_for_editor(request, track_slug)
    draft = track.draft_version()
    if draft is None:
        last = AuditEntry.objects.publications(track).first()
        message = (
            f"Version {last.version.number} was published by {last.actor}; there is no draft "
            "left to publish, and nothing was published twice."
            if last is not None and last.version is not None
            else "There is no draft to publish."
        )
        return render(
            request,
            "roles/editor/problem.html",
            {"message": message, "track_slug": track_slug},
            status=409,
        )
    draft.track = track
    current = track.current_version()
    changes = interchange.diff(
        interchange.export_version(current) if current else None,
        interchange.export_version(draft),
    )
    try:
        drafting.publish_draft(
            draft,
            user=request.user,
            # The review page sends what it showed; a script may publish without it.
            reviewed=request.POST.get("reviewed"),
            changes=len(changes.changes),
        )
    except drafting.DraftError as error:
        messages.error(request, str(error))
        if isinstance(error, drafting.DraftGone):
            return HttpResponseSeeOther(reverse("roles:editor:history", args=[track_slug]))
        return HttpResponseSeeOther(reverse("roles:editor:review", args=[track_slug]))
    messages.success(
        request,
        f"Published version {draft.number} of {track.name}: new assessments use it from now "
        "on; assessments already started stay on the version they started on.",
    )
    return HttpResponseSeeOther(reverse("roles:editor:history", args=[track_slug]))


@require_GET
def history(request: HttpRequest, track_slug: str) -> HttpResponse:
    """Every version, newest first, with who published it and when."""
    track = get_track_for_editor(request, track_slug)
    versions = list(track.versions.order_by("-number"))
    publishers = {
        entry.version_id: entry
        for entry in AuditEntry.objects.publications(track).order_by("at", "pk")
    }
    rows = [(version, publishers.get(version.pk)) for version in versions]
    return render(
        request, "roles/editor/history.html", {"track": track, "rows": rows, "formats": FORMATS}
    )


FORMATS = interchange.FORMATS


def _get_version_or_404(track: Track, number: int) -> MatrixVersion:
    version = track.versions.filter(number=number).first()
    if version is None:
        raise Http404(f"{track.name} has no version {number}.")
    version.track = track
    return version


@require_GET
def version_detail(request: HttpRequest, track_slug: str, number: int) -> HttpResponse:
    """One version: who published it, and its changes against the version before it."""
    track = get_track_for_editor(request, track_slug)
    version = _get_version_or_404(track, number)
    previous = (
        track.versions.published().filter(number__lt=number).order_by("-number").first()
        if version.is_published
        else track.current_version()
    )
    if previous is not None:
        previous.track = track
    changes = interchange.diff(
        interchange.export_version(previous) if previous else None,
        interchange.export_version(version),
    )
    context = {
        "track": track,
        "version": version,
        "previous": previous,
        "changes": changes,
        "groups": change_groups(changes),
        "published_by": AuditEntry.objects.publications(track).filter(version=version).first(),
        "formats": FORMATS,
    }
    return render(request, "roles/editor/version.html", context)


@require_GET
def export(request: HttpRequest, track_slug: str, number: int, fmt: str) -> HttpResponse:
    """A version as a YAML, JSON or CSV download."""
    track = get_track_for_editor(request, track_slug)
    if fmt not in FORMATS:
        raise Http404(f"No export format “{fmt}”: use {', '.join(FORMATS)}.")
    version = _get_version_or_404(track, number)
    text = interchange.dump(interchange.export_version(version, resources=True), fmt)
    response = HttpResponse(text, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{track.slug}-v{version.number}.{fmt}"
    )
    return response


# ---------- Import ---------------------------------------------------------------------------


def _read_upload(upload, track: Track):
    """The validated document of an uploaded file (InterchangeError lists its problems)."""
    name = upload.name or "upload"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("yaml", "yml", "json", "csv"):
        raise interchange.InterchangeError(
            [f"{name}: unknown file type; use a .yaml, .yml, .json or .csv file"]
        )
    raw = upload.read(interchange.FILE_MAX_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise interchange.InterchangeError([f"{name}:{line}: not UTF-8 text"]) from None
    if suffix == "csv":
        return interchange.parse_csv(text, name, track.slug)
    document = interchange.parse_document(text, name, "json" if suffix == "json" else "yaml")
    if document["track"]["slug"] != track.slug:
        raise interchange.InterchangeError(
            [
                f"{name}: track.slug: the file is for the track “{document['track']['slug']}”, "
                f"not {track.slug}; import it on that track's page"
            ]
        )
    return document


def _apply(document, track: Track, user, *, dry_run: bool, filename: str):
    """Import into the draft (or a new draft), with the draft locked against other edits."""
    with transaction.atomic():
        draft = track.draft_version()
        if draft is not None and not dry_run:
            MatrixVersion.objects.select_for_update().filter(pk=draft.pk).first()
        result = interchange.import_document(document, dry_run=dry_run)
        if dry_run:
            return result
        if result.outcome != interchange.UNCHANGED:
            count = len(result.changes.changes)
            AuditEntry.record(
                track=track,
                version=track.versions.get(number=result.number),
                user=user,
                action=AuditEntry.Action.IMPORTED,
                summary=f"Imported {filename}: {count} change{'s' if count != 1 else ''} "
                f"against {result.base}",
                after="\n".join(result.changes.sentences()),
            )
        if result.resources is not None and not result.resources.is_empty:
            AuditEntry.record(
                track=track,
                user=user,
                action=AuditEntry.Action.IMPORTED,
                target="resource",
                summary=f"Imported {filename}: {result.resources.text(dry_run=False)}",
            )
    return result


def _headline(result) -> list[str]:
    """The import report's sentences before its list of changes."""
    lines = []
    for line in result.report().splitlines():
        if line.startswith(("Changes against", "  ")):
            break
        lines.append(line)
    return lines


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def import_file(request: HtmxHttpRequest, track_slug: str) -> HttpResponse:
    """POST `file` (YAML, JSON or CSV) and `dry_run` (1: show what it would change, write
    nothing); applying writes the file into the draft, or a new draft."""
    track = get_track_for_editor(request, track_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"track": track, "draft": track.draft_version(), "form": form}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            try:
                document = _read_upload(upload, track)
                result = _apply(
                    document, track, request.user, dry_run=dry_run, filename=upload.name
                )
            except interchange.InterchangeError as error:
                context["problems"] = error.problems
            else:
                status = 200
                context |= {
                    "result": result,
                    "headline": _headline(result),
                    "groups": change_groups(result.changes),
                    "filename": upload.name,
                }
                if not dry_run:
                    messages.success(request, result.report().splitlines()[0])
                    if wants_fragment(request):
                        return HttpResponseClientRedirect(grid_url(track_slug))
                    return HttpResponseSeeOther(grid_url(track_slug))
    if wants_fragment(request):
        return render(request, "roles/editor/import.html#outcome", context, status=status)
    return render(request, "roles/editor/import.html", context, status=status)
