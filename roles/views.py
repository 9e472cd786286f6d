"""Public ladder pages: every track, one track's rungs, one role's requirements. Each page
reads a fixed number of queries whatever the size of the matrix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roles.limits import IMPORTANCE_NAMES
from roles.models import DeclaredDrop, MatrixVersion, Requirement, Role, Skill, Track

ESSENTIAL = 3


@dataclass(frozen=True)
class LevelChange:
    skill: Skill
    before: int
    after: int


@dataclass(frozen=True)
class ImportanceChange:
    skill: Skill
    before: int
    after: int

    @property
    def before_name(self) -> str:
        return IMPORTANCE_NAMES[self.before]

    @property
    def after_name(self) -> str:
        return IMPORTANCE_NAMES[self.after]


@dataclass
class RungChanges:
    """How a role's requirements differ from those of one role on the rung below."""

    below: Role
    new: list[Requirement] = field(default_factory=list)
    raised: list[LevelChange] = field(default_factory=list)
    lowered: list[LevelChange] = field(default_factory=list)
    importance: list[ImportanceChange] = field(default_factory=list)
    dropped: list[Requirement] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.raised or self.lowered or self.importance or self.dropped)


def _changes_from(
    below: Role, requirements: Sequence[Requirement], below_requirements: Sequence[Requirement]
) -> RungChanges:
    """Both sequences come in category then skill order, and so do the lists returned."""
    changes = RungChanges(below=below)
    before = {req.skill_id: req for req in below_requirements}
    now = {req.skill_id: req for req in requirements}
    for req in requirements:
        old = before.get(req.skill_id)
        if old is None:
            changes.new.append(req)
            continue
        if req.level > old.level:
            changes.raised.append(LevelChange(req.skill, old.level, req.level))
        elif req.level < old.level:
            changes.lowered.append(LevelChange(req.skill, old.level, req.level))
        if req.importance != old.importance:
            changes.importance.append(ImportanceChange(req.skill, old.importance, req.importance))
    changes.dropped = [req for req in below_requirements if req.skill_id not in now]
    return changes


@dataclass(frozen=True)
class NotAssessed:
    """Skills a role declares it no longer assesses, for one reason."""

    skills: list[str]
    reason: str


def _not_assessed(role: Role) -> list[NotAssessed]:
    """The role's declared drops, grouped by reason, in skill order."""
    drops = DeclaredDrop.objects.filter(role=role).order_by(
        "skill__category__position", "skill__category_id", "skill__position", "skill_id"
    )
    groups: dict[str, list[str]] = {}
    for name, reason in drops.values_list("skill__name", "reason"):
        groups.setdefault(reason, []).append(name)
    return [
        NotAssessed(skills, reason if reason.endswith((".", "!", "?")) else f"{reason}.")
        for reason, skills in groups.items()
    ]


def _rungs(roles: Iterable[Role]) -> list[list[Role]]:
    """Roles in rank order grouped into rungs; a rung with several roles is a fork."""
    return [list(group) for _, group in groupby(roles, key=attrgetter("rank"))]


def _get_version_or_404(track_slug: str) -> MatrixVersion:
    """The track's current published version; drafts are never shown publicly."""
    version = MatrixVersion.objects.current_of(track_slug)
    if version is None:
        raise Http404("No published ladder by that name.")
    return version


@require_GET
def track_list(request: HttpRequest) -> HttpResponse:
    tracks = list(Track.objects.for_ladder_list())
    roles = (
        Role.objects.filter(version_id__in=[track.current_version_id for track in tracks])
        .order_by("version_id", "rank", "position", "pk")
        .only("version_id", "slug", "title", "rank")
    )
    roles_by_version: dict[int, list[Role]] = defaultdict(list)
    for role in roles:
        roles_by_version[role.version_id].append(role)
    for track in tracks:
        track.rungs = _rungs(roles_by_version[track.current_version_id])
    return render(request, "roles/track_list.html", {"tracks": tracks})


@require_GET
def track_detail(request: HttpRequest, track_slug: str) -> HttpResponse:
    version = _get_version_or_404(track_slug)
    roles = version.roles.annotate(
        requirement_count=Count("requirements"),
        essential_count=Count("requirements", filter=Q(requirements__importance=ESSENTIAL)),
    ).in_matrix_order()
    categories = version.categories.annotate(skill_count=Count("skills")).in_matrix_order()
    rungs = _rungs(roles)
    context = {
        "track": version.track,
        "version": version,
        "rungs": rungs,
        "has_fork": any(len(rung) > 1 for rung in rungs),
        "categories": categories,
        "levels": list(enumerate(version.scale)),
    }
    return render(request, "roles/track_detail.html", context)


@require_GET
def role_detail(request: HttpRequest, track_slug: str, role_slug: str) -> HttpResponse:
    version = _get_version_or_404(track_slug)
    roles = list(version.roles.in_matrix_order())
    role = next((candidate for candidate in roles if candidate.slug == role_slug), None)
    if role is None:
        raise Http404("No such role on this ladder.")
    lower = [r for r in roles if r.rank < role.rank]
    higher = [r for r in roles if r.rank > role.rank]
    below = [r for r in lower if r.rank == lower[-1].rank] if lower else []
    above = [r for r in higher if r.rank == higher[0].rank] if higher else []
    same_rung = [r for r in roles if r.rank == role.rank and r.pk != role.pk]

    # Category, then skill order, so both the grouped table and the diff lists read in order.
    requirements = list(
        Requirement.objects.filter(role__in=[role, *below])
        .select_related("skill__category")
        .order_by("skill__category__position", "skill__category_id", "skill__position", "skill_id")
    )
    own = [req for req in requirements if req.role_id == role.pk]
    by_category = [
        (category, list(reqs))
        for category, reqs in groupby(own, key=lambda req: req.skill.category)
    ]
    changes = [
        _changes_from(
            below_role, own, [req for req in requirements if req.role_id == below_role.pk]
        )
        for below_role in below
    ]
    context = {
        "track": version.track,
        "version": version,
        "role": role,
        "rung_number": 1 + len({r.rank for r in lower}),
        "requirement_count": len(own),
        "essential_count": sum(1 for req in own if req.importance == ESSENTIAL),
        "by_category": by_category,
        "not_assessed": _not_assessed(role),
        "changes": changes,
        "below": below,
        "above": above,
        "same_rung": same_rung,
    }
    return render(request, "roles/role_detail.html", context)
