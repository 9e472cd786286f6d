"""Changes to a track's draft as the matrix editor makes them: its cells, declared drops,
starting, discarding and publishing it (skills, categories and roles are roles.draft_structure).
Each runs in its own short transaction with the draft's row locked, so that a publish, a
discard or an import cannot interleave with it; each is checked against the rules and recorded
in the audit log with its old and new value, and publishing happens once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models, transaction

from roles.audit import AuditEntry
from roles.document import document_hash
from roles.limits import IMPORTANCE_NAMES
from roles.models import DeclaredDrop, MatrixVersion, Requirement, Role, Skill, Track

Action = AuditEntry.Action
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
def editing(draft: MatrixVersion) -> Iterator[None]:
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


def record(draft: MatrixVersion, user, action: str, summary: str, **fields) -> AuditEntry:
    return AuditEntry.record(
        track=draft.track, version=draft, user=user, action=action, summary=summary, **fields
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


@dataclass(frozen=True)
class CellSave:
    before: Cell
    after: Cell
    # The cell was not what the admin's form showed: someone changed it meanwhile. The last
    # recorded change of the cell says who and when (None if it was an import).
    changed_under_you: bool = False
    last_change: AuditEntry | None = None
    # The role declares it no longer assesses the skill (roles.coherence), after the save.
    dropped: bool = False
    # Requiring a dropped skill withdrew the declared drop.
    withdrew_drop: bool = False


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


@dataclass(frozen=True)
class StoredCell:
    """What a cell holds before a save: its requirement's (pk, level, importance) and its
    declared drop's pk, None where it has none."""

    requirement: tuple[int, int, int] | None
    drop_id: int | None


def lock_cell(track_slug: str, role_slug: str, skill_slug: str):
    """(draft, cell address, stored cell) of a track's draft, the draft's row locked as by
    lock_draft(), in one query (the busiest write's budget is tight); None when the track has
    no draft or the draft has no such role or skill. Call it inside transaction.atomic().

    Written as SQL: the ORM took several times longer to build the query (the draft, its
    track, the role and the skill, the cell's requirement and declared drop) than the database
    took to run it."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("lock_cell() locks until the transaction ends: call it in one.")
    lock = " FOR UPDATE OF v" if connection.features.has_select_for_update_of else ""
    params = [track_slug, MatrixVersion.Status.DRAFT, role_slug, skill_slug]
    draft = next(iter(MatrixVersion.objects.raw(_LOCK_CELL + lock, params)), None)
    if draft is None:
        return None
    track_fields = [draft.track_id, draft.track_slug, draft.track_name]
    draft.track = Track.from_db(draft._state.db, ["id", "slug", "name"], track_fields)
    address = CellAddress(
        draft.cell_role_id,
        role_slug,
        draft.cell_role_title,
        draft.cell_skill_id,
        skill_slug,
        draft.cell_skill_name,
    )
    requirement = (
        (draft.requirement_id, draft.requirement_level, draft.requirement_importance)
        if draft.requirement_id is not None
        else None
    )
    return draft, address, StoredCell(requirement, draft.drop_id)


def _lock_cell_sql() -> str:
    """The draft (the columns the cell save reads), its track's slug and name, the role's and
    the skill's id and name, and the cell's requirement and declared drop: one row at most."""
    tables = {
        model: model._meta.db_table
        for model in (MatrixVersion, Track, Role, Skill, Requirement, DeclaredDrop)
    }
    return (
        "SELECT v.id, v.track_id, v.number, v.status, v.scale, "
        "t.slug AS track_slug, t.name AS track_name, "
        "r.id AS cell_role_id, r.title AS cell_role_title, "
        "s.id AS cell_skill_id, s.name AS cell_skill_name, q.id AS requirement_id, "
        "q.level AS requirement_level, q.importance AS requirement_importance, d.id AS drop_id "
        f"FROM {tables[Role]} r "
        f"INNER JOIN {tables[MatrixVersion]} v ON v.id = r.version_id "
        f"INNER JOIN {tables[Track]} t ON t.id = v.track_id "
        f"INNER JOIN {tables[Skill]} s ON s.version_id = v.id "
        f"LEFT JOIN {tables[Requirement]} q ON q.role_id = r.id AND q.skill_id = s.id "
        f"LEFT JOIN {tables[DeclaredDrop]} d ON d.role_id = r.id AND d.skill_id = s.id "
        "WHERE t.slug = %s AND v.status = %s AND r.slug = %s AND s.slug = %s LIMIT 1"
    )


_LOCK_CELL = _lock_cell_sql()


def set_requirement(
    draft: MatrixVersion,
    address: CellAddress,
    stored_cell: StoredCell,
    cell: Cell,
    *,
    user,
    seen=UNSEEN,
) -> CellSave:
    """Set one cell of the matrix of a draft from lock_cell(), in the same transaction: the
    later save wins; `seen` is the value the admin's form was rendered from, to tell them when
    the cell had changed under them.

    The busiest write of the editor, so it keeps to two queries: the write and the audit
    entry (lock_cell() read the cell). The lock proves the draft is a draft, so the
    published-version guards of the content's querysets (a query each) are skipped by calling
    Django's own QuerySet methods."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("set_requirement() needs the draft locked by lock_cell().")
    stored, drop = stored_cell.requirement, stored_cell.drop_id
    before: Cell = (stored[1], stored[2]) if stored else None
    changed_under_you = seen is not UNSEEN and seen != before
    last_change = (
        AuditEntry.objects.last_change_of(draft, address.target) if changed_under_you else None
    )
    withdrew_drop = drop is not None and cell is not None
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
        if withdrew_drop:  # a required skill is not dropped
            models.QuerySet.delete(DeclaredDrop.objects.filter(pk=drop))
        record(
            draft,
            user,
            Action.CHANGED,
            f"{address.role_title}: {address.skill_name} from {cell_text(draft, before)} to "
            f"{cell_text(draft, cell)}"
            + ("; its declared drop is withdrawn" if withdrew_drop else ""),
            target=address.target,
            before=cell_text(draft, before),
            after=cell_text(draft, cell),
        )
    return CellSave(
        before,
        cell,
        changed_under_you,
        last_change,
        dropped=drop is not None and not withdrew_drop,
        withdrew_drop=withdrew_drop,
    )


def rung_below_requires(draft: MatrixVersion, address: CellAddress) -> list[tuple[str, int]]:
    """(title, level) of the roles of the next rung below the cell's role that require its
    skill: a skill they require and this role does not is a hole, unless declared dropped."""
    rank = Role.objects.filter(pk=address.role_id).values("rank")
    below = Role.objects.filter(version=draft, rank__lt=rank).order_by("-rank").values("rank")[:1]
    return list(
        Requirement.objects.filter(
            role__version=draft, role__rank__in=below, skill_id=address.skill_id
        )
        .order_by("role__position", "role_id")
        .values_list("role__title", "level")
    )


def declare_drop(draft: MatrixVersion, address: CellAddress, reason: str, *, user) -> None:
    """Declare that the role no longer assesses the skill, and why (roles.coherence)."""
    with editing(draft):
        if Requirement.objects.filter(role_id=address.role_id, skill_id=address.skill_id).exists():
            raise DraftError(
                f"{address.role_title} requires {address.skill_name}: set its level to 0 "
                "before declaring that it no longer assesses it."
            )
        existing = DeclaredDrop.objects.filter(
            role_id=address.role_id, skill_id=address.skill_id
        ).first()
        if existing is not None and existing.reason == reason:
            return
        if existing is not None:
            DeclaredDrop.objects.filter(pk=existing.pk).update(reason=reason)
        else:
            DeclaredDrop.objects.bulk_create(
                [DeclaredDrop(role_id=address.role_id, skill_id=address.skill_id, reason=reason)]
            )
        record(
            draft,
            user,
            Action.CHANGED if existing else Action.ADDED,
            f"{address.role_title} no longer assesses {address.skill_name}: {reason}",
            target=address.target,
            before=existing.reason if existing else "",
            after=reason,
        )


def withdraw_drop(draft: MatrixVersion, address: CellAddress, *, user) -> bool:
    with editing(draft):
        drops = DeclaredDrop.objects.filter(role_id=address.role_id, skill_id=address.skill_id)
        reason = drops.values_list("reason", flat=True).first()
        if reason is None:
            return False
        drops.delete()
        record(
            draft,
            user,
            Action.REMOVED,
            f"{address.role_title} no longer declares that it stops assessing {address.skill_name}",
            target=address.target,
            before=reason,
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
    with editing(draft):
        changes = draft.audit_entries.exclude(action=Action.STARTED).count()
        MatrixVersion.objects.filter(pk=draft.pk).delete()
        AuditEntry.record(
            track=draft.track,
            user=user,
            action=Action.DISCARDED,
            summary=f"Discarded draft v{draft.number} and its {changes} "
            f"change{'s' if changes != 1 else ''}",
        )


def publish_draft(
    draft: MatrixVersion, *, user, reviewed: str | None, changes: int
) -> MatrixVersion:
    """Publish the draft once. With `reviewed` (its content hash on the review page), only if
    it still holds exactly what the admin reviewed. A replayed or concurrent publish finds it
    published and refuses; an empty draft, or one equal to the current version, is refused."""
    with editing(draft):
        document = draft.to_document()
        if reviewed is not None and document_hash(document) != reviewed:
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
