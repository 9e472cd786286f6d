"""Apply a validated document to the database: as the track's draft (new, or replacing the
draft's content), in one transaction, publishing it if asked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from roles.document import MatrixDocument, version_content
from roles.interchange import resources as resource_section
from roles.interchange.diff import MatrixDiff, diff
from roles.interchange.export import export_version
from roles.interchange.problems import InterchangeError
from roles.interchange.resources import ResourceChanges
from roles.models import Category, DeclaredDrop, MatrixVersion, Requirement, Role, Skill, Track
from roles.resources import LearningResource

CREATED = "created"
REPLACED = "replaced"
PUBLISHED_DRAFT = "published-draft"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportResult:
    track: str
    number: int
    status: str
    outcome: str
    dry_run: bool
    counts: dict[str, int]
    changes: MatrixDiff
    base: str | None  # the version the changes are measured against, e.g. "v3 (published)"
    track_updates: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # The file's learning resources against the track's; None when it has no resources section.
    resources: ResourceChanges | None = None

    def report(self) -> str:
        would = self.dry_run
        name = f"{self.track} v{self.number}"
        published = self.status == MatrixVersion.Status.PUBLISHED
        if self.outcome == UNCHANGED:
            headline = f"No changes: {name} already has this content."
        elif self.outcome == PUBLISHED_DRAFT:
            headline = (
                f"{'Would publish' if would else 'Published'} {name}: "
                "the draft already had this content."
            )
        elif self.outcome == CREATED:
            verb = "Would create" if would else "Created"
            headline = (
                f"{verb} {name} ({self.status})."
                if not published
                else (f"{verb} and {'publish' if would else 'published'} {name}.")
            )
        else:
            verb = "Would replace" if would else "Replaced"
            tail = f" and {'publish' if would else 'published'} it" if published else ""
            headline = f"{verb} the content of the draft {name}{tail}."
        lines = ["Dry run: nothing was written."] if would else []
        lines.append(headline)
        for update in self.track_updates:
            lines.append(f"{'Would update' if would else 'Updated'} the track's {update}.")
        lines.extend(self.notes)
        if self.resources is not None:
            lines.append(self.resources.text(dry_run=would))
        counts = ", ".join(f"{count} {kind}" for kind, count in self.counts.items())
        lines.append(f"{name} ({self.status}): {counts}.")
        if self.outcome != UNCHANGED:
            if self.changes.is_new:
                lines.append("A new track: everything is new.")
            elif self.changes.is_empty:
                lines.append(f"No content changes against {self.base}.")
            else:
                lines.append(f"Changes against {self.base}:")
                lines.extend(f"  {line}" for line in self.changes.lines())
        return "\n".join(lines)


def import_document(
    document: MatrixDocument,
    *,
    publish: bool = False,
    dry_run: bool = False,
    seed_resources: bool = False,
) -> ImportResult:
    """Store a validated document as the track's draft (new, or replacing the draft's content),
    in one transaction; publish it if asked. Content equal to the current version creates
    nothing. A file with a resources section makes the track's learning resources exactly its
    own (with `seed_resources`, only for a track that has none yet). A dry run computes the same
    result and writes nothing."""
    with transaction.atomic():
        result = _import(document, publish=publish, dry_run=dry_run, seed_resources=seed_resources)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _import(
    document: MatrixDocument, *, publish: bool, dry_run: bool, seed_resources: bool
) -> ImportResult:
    meta = document["track"]
    track = Track.objects.select_for_update().filter(slug=meta["slug"]).first()
    current = track.current_version() if track else None
    draft = track.draft_version() if track else None
    current_document = export_version(current) if current else None
    draft_document = export_version(draft) if draft else None
    content = version_content(document)
    notes: list[str] = []

    if current_document is not None and version_content(current_document) == content:
        outcome, target = UNCHANGED, current
        if draft is not None:
            same = version_content(draft_document) == content
            notes.append(
                f"The draft v{draft.number} holds the same content."
                if same
                else f"The draft v{draft.number} differs from this file and was left as it is."
            )
    elif draft_document is not None and version_content(draft_document) == content:
        outcome, target = (PUBLISHED_DRAFT if publish else UNCHANGED), draft
        if not publish:
            notes.append("It is a draft; import with --publish to publish it.")
    elif draft is not None:
        outcome, target = REPLACED, draft
    else:
        outcome, target = CREATED, None

    if current is not None:
        base_version, base_document = current, current_document
    else:
        base_version, base_document = draft, draft_document
    base = f"v{base_version.number} ({base_version.status})" if base_version else None
    if target is None:
        last = track.versions.order_by("-number").first() if track else None
        number = (last.number if last else 0) + 1
    else:
        number = target.number
    publishes = publish and outcome in (CREATED, REPLACED, PUBLISHED_DRAFT)
    status = (
        MatrixVersion.Status.PUBLISHED
        if publishes or (target is not None and target.is_published)
        else MatrixVersion.Status.DRAFT
    )
    track_updates = _track_updates(track, meta)
    wanted = document.get(resource_section.KEY)
    if wanted is not None and seed_resources and track is not None:
        kept = LearningResource.objects.filter(track=track).count()
        if kept:
            notes.append(f"Kept the track's {kept} learning resources (it had some already).")
            wanted = None
    resources = None
    if wanted is not None and dry_run:
        resources = resource_section.compare(track, wanted)

    if not dry_run:
        if track is None:
            track = Track.objects.create(
                slug=meta["slug"], name=meta["name"], description=meta["description"]
            )
        elif track_updates:
            track.name, track.description = meta["name"], meta["description"]
            track.save(update_fields=["name", "description"])
        if outcome == CREATED:
            target = MatrixVersion.objects.create(
                track=track,
                number=number,
                scale=document["scale"],
                ready_threshold=meta["ready_threshold"],
                close_threshold=meta["close_threshold"],
            )
            _write_content(target, document)
        elif outcome == REPLACED:
            replace_draft_content(target, document)
        if publishes:
            target.publish()
        if wanted is not None:
            resources = resource_section.replace(track, wanted)

    return ImportResult(
        track=meta["slug"],
        number=number,
        status=status,
        outcome=outcome,
        dry_run=dry_run,
        counts=_counts(document),
        changes=diff(base_document, document),
        base=base,
        track_updates=tuple(track_updates),
        notes=tuple(notes),
        resources=resources,
    )


def _track_updates(track: Track | None, meta: dict) -> list[str]:
    if track is None:
        return []
    updates = []
    if track.name != meta["name"]:
        updates.append(f"name: {track.name!r} -> {meta['name']!r}")
    if track.description != meta["description"]:
        updates.append("description")
    return updates


def _counts(document: MatrixDocument) -> dict[str, int]:
    counts = {
        "categories": len(document["categories"]),
        "skills": len(document["skills"]),
        "roles": len(document["roles"]),
        "requirements": sum(len(role["requires"]) for role in document["roles"]),
    }
    drops = sum(len(role["drops"]) for role in document["roles"])
    if drops:
        counts["declared drops"] = drops
    return counts


def replace_draft_content(draft: MatrixVersion, document: MatrixDocument) -> None:
    """Make a draft hold exactly a validated document's content: scale, thresholds and every
    category, skill, role, requirement and declared drop. Run it inside the caller's
    transaction; published versions and drafts whose content is in use refuse."""
    draft.ensure_editable()
    try:
        DeclaredDrop.objects.filter(role__version=draft).delete()
        Requirement.objects.filter(role__version=draft).delete()
        Role.objects.filter(version=draft).delete()
        Skill.objects.filter(version=draft).delete()
        Category.objects.filter(version=draft).delete()
    except (ProtectedError, RestrictedError):
        raise InterchangeError(
            [f"{draft.track.slug} v{draft.number}: the draft is in use and cannot be replaced"]
        ) from None
    draft.scale = document["scale"]
    draft.ready_threshold = document["track"]["ready_threshold"]
    draft.close_threshold = document["track"]["close_threshold"]
    draft.save(update_fields=["scale", "ready_threshold", "close_threshold"])
    _write_content(draft, document)


def _write_content(version: MatrixVersion, document: MatrixDocument) -> None:
    """Bulk-create the document's content in a fresh (or emptied) draft."""
    categories = Category.objects.bulk_create(
        Category(
            version=version,
            slug=category["slug"],
            name=category["name"],
            description=category["description"],
            position=position,
        )
        for position, category in enumerate(document["categories"])
    )
    category_by_slug = {category.slug: category for category in categories}
    skills = Skill.objects.bulk_create(
        Skill(
            version=version,
            category=category_by_slug[skill["category"]],
            slug=skill["slug"],
            name=skill["name"],
            description=skill["description"],
            levels={str(level): text for level, text in skill["levels"].items()},
            position=position,
        )
        for position, skill in enumerate(document["skills"])
    )
    skill_by_slug = {skill.slug: skill for skill in skills}
    roles = Role.objects.bulk_create(
        Role(
            version=version,
            slug=role["slug"],
            title=role["title"],
            rank=role["rank"],
            summary=role["summary"],
            salary_min=role["salary"]["min"],
            salary_max=role["salary"]["max"],
            salary_average=role["salary"]["average"],
            salary_currency=role["salary"]["currency"],
            salary_year=role["salary"]["year"],
            salary_source=role["salary"]["source"],
            experience_min=role["experience_years"]["min"],
            experience_max=role["experience_years"]["max"],
            position=position,
        )
        for position, role in enumerate(document["roles"])
    )
    Requirement.objects.bulk_create(
        Requirement(
            role=role,
            skill=skill_by_slug[slug],
            level=level,
            importance=importance,
        )
        for role, entry in zip(roles, document["roles"], strict=True)
        for slug, (level, importance) in entry["requires"].items()
    )
    DeclaredDrop.objects.bulk_create(
        DeclaredDrop(role=role, skill=skill_by_slug[slug], reason=reason)
        for role, entry in zip(roles, document["roles"], strict=True)
        for slug, reason in entry["drops"].items()
    )
