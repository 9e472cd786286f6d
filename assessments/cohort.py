"""A mentor's cohort view: their mentees x the skills of one ladder, each cell the levels the
mentee's latest submitted assessment is short of what their target role requires (0 where it
meets it; nothing where that role does not require the skill), with the skills most of them
lack summarised on top. Server-rendered; every figure comes from the scoring engine.

Fast at a size (200 mentees x 150 skills) where a template tag per cell would not be: each
mentee's levels come from the snapshot kept at submission, one role is scored per mentee
(scoring.score_role), and each row's cells are joined from ready-made strings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString, mark_safe

from assessments import scoring
from assessments.models import Assessment, Mentorship
from assessments.scored import matrices_of, percent, submitted_levels
from roles.models import MAX_SCALE_LEVEL

# The summary on top lists at most this many skills.
TOP_LACKS = 5
# One ready-made cell per value: None is a skill the mentee's target role does not require.
# Every cell says its number (or that nothing is required) in text; the class only colours it.
CELLS: dict[int | None, str] = {
    None: '<td class="cohort-na"><span aria-hidden="true">·</span>'
    '<span class="visually-hidden">not required</span></td>',
    **{gap: f'<td class="cohort-gap-{gap}">{gap}</td>' for gap in range(MAX_SCALE_LEVEL + 1)},
}


class UnknownChoice(Exception):
    """A ladder or a skill to sort by that the cohort does not have; the message says so."""


@dataclass(frozen=True)
class LadderChoice:
    slug: str
    name: str
    mentees: int
    is_current: bool


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    category: str
    required: int  # mentees whose target role requires it
    lacking: int  # of those, how many are below the required level
    total_gap: int

    @property
    def average_gap(self) -> float:
        """Levels short on average, over the mentees who lack it."""
        return self.total_gap / self.lacking if self.lacking else 0.0


@dataclass(frozen=True)
class Row:
    name: str
    assessment: Assessment
    target: scoring.RoleScore
    percent: int
    cells: SafeString  # the row's <td>s, in column order
    sort_value: int  # the sorted column's gap; -1 where not required

    @property
    def submitted_at(self) -> datetime:
        return self.assessment.submitted_at


@dataclass(frozen=True)
class Cohort:
    ladders: tuple[LadderChoice, ...]
    ladder: LadderChoice | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    sort: Column | None
    mentee_count: int  # everyone mentored now, with or without an assessment on this ladder

    @property
    def lacks(self) -> tuple[Column, ...]:
        """The skills most mentees lack, most first; ties by total gap, then ladder order."""
        lacking = [column for column in self.columns if column.lacking]
        ranked = sorted(lacking, key=lambda column: (-column.lacking, -column.total_gap))
        return tuple(ranked[:TOP_LACKS])

    @property
    def without(self) -> int:
        """Mentees with no submitted assessment on this ladder."""
        return self.mentee_count - len(self.rows)


def build_cohort(mentor, track_slug: str = "", sort: str = "") -> Cohort:
    """The cohort of `mentor` on one ladder (by default the one most of them are assessed on),
    sorted by mentee name, or by the gap on skill `sort`, largest first. Queries: the
    mentorships, each mentee's latest submitted assessment per ladder, and four per matrix
    version in use on that ladder."""
    mentee_count = Mentorship.objects.active().filter(mentor=mentor).count()
    newest_first = ("-submitted_at", "-pk")
    latest_per_ladder = Assessment.objects.filter(
        user=OuterRef("user"), track=OuterRef("track"), status=Assessment.Status.SUBMITTED
    ).order_by(*newest_first)
    latest = list(
        Assessment.objects.shared_with(mentor)
        .filter(pk=Subquery(latest_per_ladder.values("pk")[:1]))
        .select_related("user", "track", "version", "target_role")
        .order_by("user__username")
    )
    counts = Counter(assessment.track.slug for assessment in latest)
    names = {assessment.track.slug: assessment.track.name for assessment in latest}
    if track_slug and track_slug not in counts:
        raise UnknownChoice(f"None of your mentees has a submitted assessment on “{track_slug}”.")
    chosen = track_slug or min(counts, key=lambda slug: (-counts[slug], names[slug]), default="")
    ladders = tuple(
        LadderChoice(slug, names[slug], counts[slug], slug == chosen)
        for slug in sorted(counts, key=lambda slug: names[slug])
    )
    ladder = next((choice for choice in ladders if choice.is_current), None)
    on_ladder = [assessment for assessment in latest if assessment.track.slug == chosen]
    columns, rows = _heat_map(on_ladder, sort)
    sorted_by = next((column for column in columns if column.slug == sort), None)
    return Cohort(ladders, ladder, columns, rows, sorted_by, mentee_count)


def _heat_map(
    assessments: list[Assessment], sort: str
) -> tuple[tuple[Column, ...], tuple[Row, ...]]:
    matrices = matrices_of(assessments)
    levels = submitted_levels(assessments, matrices)
    # Columns: the skills any mentee's target role requires, in the order of the newest
    # version in use (skills only older versions hold come after).
    newest = sorted(
        {a.version_id: a.version for a in assessments}.values(), key=lambda v: -v.number
    )
    required_by = {
        (a.version_id, a.target_role.slug): {
            r.skill: r.level
            for role in matrices[a.version_id].roles
            if role.slug == a.target_role.slug
            for r in role.requirements
        }
        for a in assessments
    }
    wanted = {skill for required in required_by.values() for skill in required}
    skills: dict[str, scoring.MatrixSkill] = {}
    category_names: dict[str, str] = {}
    for version in newest:
        matrix = matrices[version.pk]
        category_names.update({c.slug: c.name for c in matrix.categories})
        for skill in matrix.skills:
            if skill.slug in wanted:
                skills.setdefault(skill.slug, skill)
    slugs = list(skills)
    if sort and sort not in skills:
        raise UnknownChoice(f"The skills of this ladder do not include “{sort}”.")
    position = {slug: index for index, slug in enumerate(slugs)}
    # Each (version, target role)'s row before its gaps are laid in: 0 where required.
    blank = {
        key: [0 if slug in required else None for slug in slugs]
        for key, required in required_by.items()
    }
    sort_at = position.get(sort)
    lacking, total_gap, required_count = Counter(), Counter(), Counter()
    for required in (required_by[(a.version_id, a.target_role.slug)] for a in assessments):
        required_count.update(required.keys())
    rows = []
    for assessment in assessments:
        matrix = matrices[assessment.version_id]
        target = scoring.score_role(matrix, assessment.target_role.slug, levels[assessment.pk])
        values = list(blank[(assessment.version_id, assessment.target_role.slug)])
        for gap in target.gaps:
            values[position[gap.skill]] = gap.gap
            lacking[gap.skill] += 1
            total_gap[gap.skill] += gap.gap
        sort_value = -1 if sort_at is None or values[sort_at] is None else values[sort_at]
        rows.append(
            Row(
                name=assessment.user.get_username(),
                assessment=assessment,
                target=target,
                percent=percent(target.coverage),
                cells=mark_safe("".join(map(CELLS.__getitem__, values))),
                sort_value=sort_value,
            )
        )
    if sort_at is not None:
        # Largest gap first; sorted() keeps the name order among equals.
        rows.sort(key=lambda row: -row.sort_value)
    columns = tuple(
        Column(
            slug=slug,
            name=skill.name,
            category=category_names[skill.category],
            required=required_count[slug],
            lacking=lacking[slug],
            total_gap=total_gap[slug],
        )
        for slug, skill in skills.items()
    )
    return columns, tuple(rows)
