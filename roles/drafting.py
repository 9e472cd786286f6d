"""Changes to a track's draft as the matrix editor makes them. Each runs in its own short
transaction with the draft's row locked, so that a publish, a discard or an import cannot
interleave with it; each is checked against the rules and recorded in the audit log with its
old and new value. Publishing and discarding are here too, so that each happens once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.text import slugify

from roles.audit import AuditEntry
from roles.document import document_hash
from roles.models import (
    IMPORTANCE_NAMES,
    SLUG_MAX,
    Category,
    MatrixVersion,
    Requirement,
    Role,
    Skill,
    Track,
)

Action = AuditEntry.Action
# A role slug the editor's URLs take (DESIGN.md: /roles/<track>/edit/).
RESERVED_ROLE_SLUGS = frozenset({"edit"})
# (level, importance) of a requirement; None: not required.
Cell = tuple[int, int] | None


class DraftError(Exception):
    """A change refused, with a message for the admin; nothing was written."""

    status = 400


class DraftGone(DraftError):
    """The draft was published or discarded meanwhile."""

    status = 409


class DraftChanged(DraftError):
    """The draft is not what the admin reviewed."""

    status = 409


@contextmanager
def _editing(draft: MatrixVersion) -> Iterator[None]:
    """A transaction holding the draft's row lock, refused once the draft is gone."""
    with transaction.atomic():
        # order_by(): the models' default orders join other tables for nothing here.
        status = (
            MatrixVersion.objects.select_for_update()
            .filter(pk=draft.pk)
            .order_by()
            .values_list("status", flat=True)
            .first()
        )
        if status != MatrixVersion.Status.DRAFT:
            raise DraftGone(
                f"Draft v{draft.number} has been "
                f"{'published' if status else 'discarded'} meanwhile, so this change was not "
                "saved. Start a new draft to go on editing."
            )
        yield


def _record(draft: MatrixVersion, user, action: str, summary: str, **fields) -> AuditEntry:
    return AuditEntry.record(
        track=draft.track, version=draft, user=user, action=action, summary=summary, **fields
    )


def slug_from(name: str, what: str) -> str:
    """The slug a name gives ("Cloud platforms (AWS)" -> "cloud-platforms-aws")."""
    slug = re.sub(r"-+", "-", slugify(name).replace("_", "-")).strip("-")
    slug = slug[:SLUG_MAX].rstrip("-")
    if not slug:
        raise DraftError(
            f"The {what}'s name needs at least one letter or digit from a to z: "
            "its address is made from it."
        )
    return slug


def _published_slugs(track: Track, model: type) -> set[str]:
    """Slugs of this kind that a published version of the track holds: they stay as they are."""
    return set(
        model.objects.filter(
            version__track=track, version__status=MatrixVersion.Status.PUBLISHED
        ).values_list("slug", flat=True)
    )


def _unique_slug(draft: MatrixVersion, model: type, slug: str, what: str, exclude=None) -> None:
    taken = model.objects.filter(version=draft, slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    other = taken.first()
    if other is not None:
        raise DraftError(
            f"The {what} {other} already has the address “{slug}”: choose another name."
        )


# ---------- Cells ----------------------------------------------------------------------------


def cell_text(draft: MatrixVersion, cell: Cell) -> str:
    """ "4 Advanced, essential" or "not required" """
    if cell is None:
        return "not required"
    level, importance = cell
    return f"{level} {draft.level_name(level)}, {IMPORTANCE_NAMES[importance].lower()}"


@dataclass(frozen=True)
class CellAddress:
    """The role and the skill of one cell of a draft's matrix."""

    role_id: int
    role_slug: str
    role_title: str
    skill_id: int
    skill_slug: str
    skill_name: str

    @property
    def target(self) -> str:
        """What the audit log calls the cell, by ids (slugs of new skills follow names)."""
        return f"requirement:{self.role_id}:{self.skill_id}"


def find_cell(draft: MatrixVersion, role_slug: str, skill_slug: str) -> CellAddress | None:
    """The cell of a draft's role and skill, by their slugs, in one query; None when either is
    not in the draft."""
    found = _first(
        Role.objects.filter(
            version=draft, slug=role_slug, version__skills__slug=skill_slug
        ).values_list("pk", "title", "version__skills__pk", "version__skills__name")
    )
    if found is None:
        return None
    role_id, role_title, skill_id, skill_name = found
    return CellAddress(role_id, role_slug, role_title, skill_id, skill_slug, skill_name)


@dataclass(frozen=True)
class CellSave:
    before: Cell
    after: Cell
    # The cell was not what the admin's form showed: someone changed it meanwhile. The last
    # recorded change of the cell says who and when (None if it was an import).
    changed_under_you: bool = False
    last_change: AuditEntry | None = None


UNSEEN = object()


def _first(queryset):
    """The first row of a query that finds at most one, unordered: first() would order it
    (by the model's default order, which joins other tables, or by id), and the cell save's
    budget is tight (bench/editor.py)."""
    return next(iter(queryset.order_by()[:1]), None)


def lock_draft(track_slug: str) -> MatrixVersion | None:
    """The track's draft with its track, its row locked until the caller's transaction ends
    (every change, publishing, discarding and importing take the same lock); None when the
    track has no draft. Call it inside transaction.atomic()."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_draft() locks until the transaction ends: call it in one.")
    return _first(
        MatrixVersion.objects.select_for_update(of=("self",))
        .select_related("track")
        .filter(track__slug=track_slug, status=MatrixVersion.Status.DRAFT)
    )


def set_requirement(
    draft: MatrixVersion, address: CellAddress, cell: Cell, *, user, seen=UNSEEN
) -> CellSave:
    """Set one cell of the matrix of a draft from lock_draft(), in the same transaction: the
    later save wins; `seen` is the value the admin's form was rendered from, to tell them when
    the cell had changed under them.

    The busiest write of the editor, so it keeps to three queries: the lock proves the draft
    is a draft, so the published-version guards of the content's querysets (a query each) are
    skipped by calling Django's own QuerySet methods."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("set_requirement() needs the draft locked by lock_draft().")
    stored = _first(
        Requirement.objects.filter(role_id=address.role_id, skill_id=address.skill_id).values_list(
            "pk", "level", "importance"
        )
    )
    before: Cell = (stored[1], stored[2]) if stored else None
    changed_under_you = seen is not UNSEEN and seen != before
    last_change = (
        AuditEntry.objects.last_change_of(draft, address.target) if changed_under_you else None
    )
    if cell != before:
        rows = Requirement.objects.filter(pk=stored[0]) if stored else None
        if cell is None:
            models.QuerySet.delete(rows)
        elif stored is not None:
            models.QuerySet.update(rows, level=cell[0], importance=cell[1])
        else:
            models.QuerySet.bulk_create(
                Requirement.objects.all(),
                [
                    Requirement(
                        role_id=address.role_id,
                        skill_id=address.skill_id,
                        level=cell[0],
                        importance=cell[1],
                    )
                ],
            )
        _record(
            draft,
            user,
            Action.CHANGED,
            f"{address.role_title}: {address.skill_name} from {cell_text(draft, before)} to "
            f"{cell_text(draft, cell)}",
            target=address.target,
            before=cell_text(draft, before),
            after=cell_text(draft, cell),
        )
    return CellSave(before, cell, changed_under_you, last_change)


# ---------- Skills ---------------------------------------------------------------------------


def _statements(levels: dict[int, str]) -> dict[str, str]:
    return {str(level): text for level, text in sorted(levels.items()) if text}


def add_skill(
    draft: MatrixVersion,
    *,
    user,
    name: str,
    category: Category,
    description: str,
    levels: dict[int, str],
    requirements: dict[Role, tuple[int, int]],
) -> Skill:
    """A new skill at the end of its category, required by the given roles."""
    slug = slug_from(name, "skill")
    with _editing(draft):
        _unique_slug(draft, Skill, slug, "skill")
        last = Skill.objects.filter(category=category).order_by("-position").first()
        skill = Skill(
            version=draft,
            category=category,
            slug=slug,
            name=name,
            description=description,
            levels=_statements(levels),
            position=last.position + 1 if last else 0,
        )
        Skill.objects.bulk_create([skill])
        Requirement.objects.bulk_create(
            Requirement(role=role, skill=skill, level=level, importance=importance)
            for role, (level, importance) in requirements.items()
        )
        required = "; ".join(
            f"{role.title} at {cell_text(draft, pair)}" for role, pair in requirements.items()
        )
        _record(
            draft,
            user,
            Action.ADDED,
            f"Added the skill {name} to {category.name}"
            + (f", required by {required}" if required else ""),
            target=f"skill:{skill.pk}",
            after=name,
        )
    return skill


def update_skill(
    draft: MatrixVersion,
    skill: Skill,
    *,
    user,
    name: str,
    category: Category,
    description: str,
    levels: dict[int, str],
) -> Skill:
    """Rename, describe, move to another category, reword level statements. The slug follows
    the name until a published version holds the skill; then it stays."""
    statements = _statements(levels)
    changes = []
    if name != skill.name:
        changes.append(f"renamed from “{skill.name}”")
    if category.pk != skill.category_id:
        changes.append(f"moved to {category.name}")
    if description != skill.description:
        changes.append("new description")
    reworded = sorted(
        int(level)
        for level in set(statements) | set(skill.levels)
        if statements.get(level, "") != skill.levels.get(level, "")
    )
    if reworded:
        changes.append("level statements " + ", ".join(map(str, reworded)))
    if not changes:
        return skill
    with _editing(draft):
        slug = skill.slug
        if name != skill.name and skill.slug not in _published_slugs(draft.track, Skill):
            slug = slug_from(name, "skill")
            _unique_slug(draft, Skill, slug, "skill", exclude=skill)
        fields = {
            "name": name,
            "slug": slug,
            "description": description,
            "levels": statements,
            "category": category,
        }
        if category.pk != skill.category_id:
            last = Skill.objects.filter(category=category).order_by("-position").first()
            fields["position"] = last.position + 1 if last else 0
        before = skill.name
        Skill.objects.filter(pk=skill.pk).update(**fields)
        for field, value in fields.items():
            setattr(skill, field, value)
        _record(
            draft,
            user,
            Action.CHANGED,
            f"Skill {name}: {', '.join(changes)}",
            target=f"skill:{skill.pk}",
            before=before,
            after=name,
        )
    return skill


def remove_skill(draft: MatrixVersion, skill: Skill, *, user) -> None:
    """Remove a skill and every requirement of it."""
    with _editing(draft):
        required_by = Requirement.objects.filter(skill=skill).count()
        Skill.objects.filter(pk=skill.pk).delete()
        _record(
            draft,
            user,
            Action.REMOVED,
            f"Removed the skill {skill.name} and its {required_by} requirement"
            f"{'s' if required_by != 1 else ''}",
            target=f"skill:{skill.pk}",
            before=skill.name,
        )


def _move(siblings: list, item, offset: int) -> list | None:
    """The siblings in their new order, or None when the item cannot move that way."""
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index + offset
    if not 0 <= other < len(siblings):
        return None
    siblings[index], siblings[other] = siblings[other], siblings[index]
    return siblings


def _renumber(model: type, ordered: list) -> None:
    for position, entry in enumerate(ordered):
        entry.position = position
    model.objects.bulk_update(ordered, ["position"])


def move_skill(draft: MatrixVersion, skill: Skill, offset: int, *, user) -> bool:
    """Move a skill one place up (-1) or down (+1) within its category."""
    with _editing(draft):
        siblings = list(Skill.objects.filter(category_id=skill.category_id).in_matrix_order())
        ordered = _move(siblings, skill, offset)
        if ordered is None:
            return False
        _renumber(Skill, ordered)
        _record(
            draft,
            user,
            Action.MOVED,
            f"Moved the skill {skill.name} {'up' if offset < 0 else 'down'}",
            target=f"skill:{skill.pk}",
        )
    return True


# ---------- Categories -----------------------------------------------------------------------


def add_category(draft: MatrixVersion, *, user, name: str, description: str) -> Category:
    slug = slug_from(name, "category")
    with _editing(draft):
        _unique_slug(draft, Category, slug, "category")
        last = Category.objects.filter(version=draft).order_by("-position").first()
        category = Category.objects.create(
            version=draft,
            slug=slug,
            name=name,
            description=description,
            position=last.position + 1 if last else 0,
        )
        _record(
            draft,
            user,
            Action.ADDED,
            f"Added the category {name}",
            target=f"category:{category.pk}",
            after=name,
        )
    return category


def update_category(
    draft: MatrixVersion, category: Category, *, user, name: str, description: str
) -> Category:
    if name == category.name and description == category.description:
        return category
    with _editing(draft):
        slug = category.slug
        if name != category.name and slug not in _published_slugs(draft.track, Category):
            slug = slug_from(name, "category")
            _unique_slug(draft, Category, slug, "category", exclude=category)
        before = category.name
        changes = [f"renamed from “{before}”"] if name != before else []
        if description != category.description:
            changes.append("new description")
        Category.objects.filter(pk=category.pk).update(
            name=name, slug=slug, description=description
        )
        category.name, category.slug, category.description = name, slug, description
        _record(
            draft,
            user,
            Action.CHANGED,
            f"Category {name}: {', '.join(changes)}",
            target=f"category:{category.pk}",
            before=before,
            after=name,
        )
    return category


def remove_category(draft: MatrixVersion, category: Category, *, user) -> None:
    """Remove a category with its skills and their requirements; not the last category."""
    with _editing(draft):
        if not Category.objects.filter(version=draft).exclude(pk=category.pk).exists():
            raise DraftError("A ladder needs at least one category: this is the last one.")
        skills = Skill.objects.filter(category=category)
        count = skills.count()
        skills.delete()
        Category.objects.filter(pk=category.pk).delete()
        _record(
            draft,
            user,
            Action.REMOVED,
            f"Removed the category {category.name}"
            + (f" with its {count} skill{'s' if count != 1 else ''}" if count else ""),
            target=f"category:{category.pk}",
            before=category.name,
        )


def move_category(draft: MatrixVersion, category: Category, offset: int, *, user) -> bool:
    with _editing(draft):
        siblings = list(Category.objects.filter(version=draft).in_matrix_order())
        ordered = _move(siblings, category, offset)
        if ordered is None:
            return False
        _renumber(Category, ordered)
        _record(
            draft,
            user,
            Action.MOVED,
            f"Moved the category {category.name} {'up' if offset < 0 else 'down'}",
            target=f"category:{category.pk}",
        )
    return True


# ---------- Roles ----------------------------------------------------------------------------


def _role_slug(draft: MatrixVersion, title: str, exclude: Role | None = None) -> str:
    slug = slug_from(title, "role")
    if slug in RESERVED_ROLE_SLUGS:
        raise DraftError(f"“{slug}” is taken by the editor's addresses: choose another title.")
    _unique_slug(draft, Role, slug, "role", exclude=exclude)
    return slug


def add_role(draft: MatrixVersion, *, user, values: dict) -> Role:
    """A new role (values: Role.CONTENT_FIELDS but slug and position) at the end of its rank."""
    with _editing(draft):
        slug = _role_slug(draft, values["title"])
        last = Role.objects.filter(version=draft).order_by("-position").first()
        role = Role(version=draft, slug=slug, position=last.position + 1 if last else 0, **values)
        Role.objects.bulk_create([role])
        _record(
            draft,
            user,
            Action.ADDED,
            f"Added the role {role.title} at rank {role.rank}",
            target=f"role:{role.pk}",
            after=role.title,
        )
    return role


ROLE_FIELD_NAMES = {
    "title": "title",
    "rank": "rank",
    "summary": "summary",
    "salary_min": "salary",
    "salary_max": "salary",
    "salary_average": "salary",
    "salary_currency": "salary",
    "salary_year": "salary",
    "salary_source": "salary source",
    "experience_min": "experience",
    "experience_max": "experience",
}


def update_role(draft: MatrixVersion, role: Role, *, user, values: dict) -> Role:
    changed = [field for field, value in values.items() if getattr(role, field) != value]
    if not changed:
        return role
    with _editing(draft):
        fields = dict(values)
        if values["title"] != role.title and role.slug not in _published_slugs(draft.track, Role):
            fields["slug"] = _role_slug(draft, values["title"], exclude=role)
        before = role.title
        Role.objects.filter(pk=role.pk).update(**fields)
        for field, value in fields.items():
            setattr(role, field, value)
        words = []
        for field in changed:
            if field == "rank":
                words.append(f"rank {values['rank']}")
            elif field == "title":
                words.append(f"renamed from “{before}”")
            elif ROLE_FIELD_NAMES[field] not in words:
                words.append(ROLE_FIELD_NAMES[field])
        _record(
            draft,
            user,
            Action.CHANGED,
            f"Role {role.title}: {', '.join(words)}",
            target=f"role:{role.pk}",
            before=before,
            after=role.title,
        )
    return role


def remove_role(draft: MatrixVersion, role: Role, *, user) -> None:
    with _editing(draft):
        if not Role.objects.filter(version=draft).exclude(pk=role.pk).exists():
            raise DraftError("A ladder needs at least one role: this is the last one.")
        count = Requirement.objects.filter(role=role).count()
        Role.objects.filter(pk=role.pk).delete()
        _record(
            draft,
            user,
            Action.REMOVED,
            f"Removed the role {role.title} and its {count} requirement{'s' if count != 1 else ''}",
            target=f"role:{role.pk}",
            before=role.title,
        )


def move_role(draft: MatrixVersion, role: Role, offset: int, *, user) -> bool:
    """Move a role one place left (-1) or right (+1) among the roles of its rank."""
    with _editing(draft):
        siblings = list(Role.objects.filter(version=draft, rank=role.rank).in_matrix_order())
        ordered = _move(siblings, role, offset)
        if ordered is None:
            return False
        _renumber(Role, ordered)
        _record(
            draft,
            user,
            Action.MOVED,
            f"Moved the role {role.title} {'left' if offset < 0 else 'right'}",
            target=f"role:{role.pk}",
        )
    return True


# ---------- The draft as a whole -------------------------------------------------------------


def start_draft(track: Track, *, user) -> tuple[MatrixVersion, bool]:
    """The track's draft, as a new copy of the current version when there is none; True when
    it was started now."""
    existing = track.draft_version()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        Track.objects.select_for_update().filter(pk=track.pk).first()
        existing = track.draft_version()
        if existing is not None:
            return existing, False
        current = track.current_version()
        if current is None:
            raise DraftError(f"{track.name} has no published version to start a draft from.")
        draft = current.copy_as_draft()
        AuditEntry.record(
            track=track,
            version=draft,
            user=user,
            action=Action.STARTED,
            summary=f"Started draft v{draft.number} as a copy of v{current.number}",
        )
    return draft, True


def discard_draft(draft: MatrixVersion, *, user) -> None:
    with _editing(draft):
        changes = draft.audit_entries.exclude(action=Action.STARTED).count()
        MatrixVersion.objects.filter(pk=draft.pk).delete()
        AuditEntry.record(
            track=draft.track,
            user=user,
            action=Action.DISCARDED,
            summary=f"Discarded draft v{draft.number} and its {changes} "
            f"change{'s' if changes != 1 else ''}",
        )


def publish_draft(draft: MatrixVersion, *, user, reviewed: str, changes: int) -> MatrixVersion:
    """Publish the draft once, exactly as the admin reviewed it (`reviewed`: its content hash
    on the review page). A replayed or concurrent publish finds it published and refuses."""
    with _editing(draft):
        document = draft.to_document()
        if document_hash(document) != reviewed:
            raise DraftChanged(
                f"Draft v{draft.number} has changed since you reviewed it: nothing was "
                "published. Review the changes again, then publish."
            )
        if not document["skills"] or not document["roles"]:
            raise DraftError("A ladder needs at least one skill and one role to be published.")
        current = draft.track.current_version()
        if current is not None and current.content_hash == document_hash(document):
            raise DraftError(
                f"Draft v{draft.number} holds the same content as v{current.number}: "
                "there is nothing to publish."
            )
        draft.publish()
        AuditEntry.record(
            track=draft.track,
            version=draft,
            user=user,
            action=Action.PUBLISHED,
            summary=f"Published v{draft.number} with {changes} change{'s' if changes != 1 else ''}",
        )
    return draft
