"""A mentor's cohort view: their mentees x the skills of one ladder, each cell the levels the
mentee's latest submitted assessment is short of what their target role requires (0 where it
meets it; nothing where that role does not require the skill), with the skills most of them
lack summarised on top. Server-rendered; every figure comes from the scoring engine.

Fast at a size (200 mentees x 150 skills, 30,000 cells) where a template tag per cell would
not be: each mentee's levels come from the snapshot kept at submission, the matrix of a
published version is built once per process (scored.published_matrix), each mentee's
readiness for one role is scored (scoring.readiness) and their gaps looked up
(scoring.gap_table), and the table's rows and column heads are joined here from ready-made,
escaped strings, with short class names: 30,000 cells make every byte count. A submitted
assessment's scored row is kept per process for the next views with the same columns."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from html import escape
from operator import getitem, itemgetter

from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString, mark_safe

from assessments import scoring
from assessments.kept import Kept
from assessments.models import Assessment, Mentorship
from assessments.scored import kept_key, percent, stored_levels, version_matrices
from careerfit.http import path_with_id
from roles.limits import MAX_SCALE_LEVEL
from roles.models import MatrixVersion

# The summary on top lists at most this many skills.
TOP_LACKS = 5
# One ready-made cell per value: None is a skill the mentee's target role does not require.
# Every cell says its number (or that nothing is required) in text; the class only colours it.
CELLS: dict[int | None, str] = {
    None: '<td class="na"><span aria-hidden="true">·</span>'
    '<span class="visually-hidden">not required</span></td>',
    **{gap: f'<td class="g{gap}">{gap}</td>' for gap in range(MAX_SCALE_LEVEL + 1)},
}
# A mentee's row head: name (a link to the report), target role and its readiness; and a
# skill's column head: a link sorting by it. Filled with escape()d text.
ROW_HEAD = (
    '<tr><th scope="row" class="cohort-mentee"><a href="{url}">{name}</a>'
    '<span class="cell-note">{target}, {percent}% {verdict}</span></th>'
)
COLUMN_HEAD = (
    '<th scope="col" class="cohort-skill"{sorted}><a href="?track={track}&amp;sort={slug}'
    '#heat-title" title="{name} ({category}): sort by it">{name}</a></th>'
)


class UnknownChoice(Exception):
    """A ladder or a skill to sort by that the cohort does not have; the message says so."""


@dataclass(frozen=True)
class LadderChoice:
    slug: str
    name: str
    mentees: int
    is_current: bool


@dataclass(frozen=True)
class Entry:
    """A mentee's latest submitted assessment on one ladder, as the cohort reads it."""

    assessment_id: uuid.UUID
    name: str
    track_slug: str
    track_name: str
    version_id: int
    target_slug: str
    target_title: str
    submitted_levels: str


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
    entry: Entry
    target: scoring.Readiness
    html: SafeString  # the whole <tr>
    sort_value: int  # the sorted column's gap; -1 where not required


@dataclass(frozen=True)
class Cohort:
    ladders: tuple[LadderChoice, ...]
    ladder: LadderChoice | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    sort: Column | None
    mentee_count: int  # everyone mentored now, with or without an assessment on this ladder

    @cached_property
    def lacks(self) -> tuple[Column, ...]:
        """The skills most mentees lack, most first; ties by total gap, then ladder order."""
        lacking = [column for column in self.columns if column.lacking]
        ranked = sorted(lacking, key=lambda column: (-column.lacking, -column.total_gap))
        return tuple(ranked[:TOP_LACKS])

    @property
    def without(self) -> int:
        """Mentees with no submitted assessment on this ladder."""
        return self.mentee_count - len(self.rows)

    @cached_property
    def head(self) -> SafeString:
        """The heat map's column heads, one per skill."""
        sorted_slug = self.sort.slug if self.sort else None
        return mark_safe(
            "".join(
                COLUMN_HEAD.format(
                    sorted=' aria-sort="descending"' if column.slug == sorted_slug else "",
                    track=escape(self.ladder.slug),
                    slug=escape(column.slug),
                    name=escape(column.name),
                    category=escape(column.category),
                )
                for column in self.columns
            )
        )

    @property
    def body(self) -> SafeString:
        """The heat map's rows, as one piece of HTML."""
        return mark_safe("\n".join(row.html for row in self.rows))


def build_cohort(mentor, track_slug: str = "", sort: str = "") -> Cohort:
    """The cohort of `mentor` on one ladder (by default the one most of them are assessed on),
    sorted by mentee name, or by the gap on skill `sort`, largest first. Queries: the
    mentorships, each mentee's latest submitted assessment per ladder, their versions, and
    four for every matrix version in use this process has not read yet."""
    mentee_count = Mentorship.objects.active().filter(mentor=mentor).count()
    latest_per_ladder = Assessment.objects.filter(
        user=OuterRef("user"), track=OuterRef("track"), status=Assessment.Status.SUBMITTED
    ).order_by("-submitted_at", "-pk")
    entries = [
        Entry(*row)
        for row in Assessment.objects.shared_with(mentor)
        .filter(pk=Subquery(latest_per_ladder.values("pk")[:1]))
        .order_by("user__username")
        .values_list(
            "pk",
            "user__username",
            "track__slug",
            "track__name",
            "version_id",
            "target_role__slug",
            "target_role__title",
            "submitted_levels",
        )
    ]
    counts = Counter(entry.track_slug for entry in entries)
    names = {entry.track_slug: entry.track_name for entry in entries}
    if track_slug and track_slug not in counts:
        raise UnknownChoice(f"None of your mentees has a submitted assessment on “{track_slug}”.")
    chosen = track_slug or min(counts, key=lambda slug: (-counts[slug], names[slug]), default="")
    ladders = tuple(
        LadderChoice(slug, names[slug], counts[slug], slug == chosen)
        for slug in sorted(counts, key=lambda slug: names[slug])
    )
    ladder = next((choice for choice in ladders if choice.is_current), None)
    on_ladder = [entry for entry in entries if entry.track_slug == chosen]
    columns, rows = _heat_map(on_ladder, sort) if on_ladder else ((), ())
    sorted_by = next((column for column in columns if column.slug == sort), None)
    return Cohort(ladders, ladder, columns, rows, sorted_by, mentee_count)


def _heat_map(entries: list[Entry], sort: str) -> tuple[tuple[Column, ...], tuple[Row, ...]]:
    # The versions in use, newest first: the columns follow the newest one's skill order
    # (skills only older versions hold come after).
    versions = list(
        MatrixVersion.objects.filter(pk__in={e.version_id for e in entries}).order_by("-number")
    )
    matrices = version_matrices({version.pk: version for version in versions})
    # Each target role in use: the gap at each level of each skill it requires.
    gap_tables = {
        (version_id, slug): scoring.gap_table(matrices[version_id], slug)
        for version_id, slug in {(e.version_id, e.target_slug) for e in entries}
    }
    wanted = set().union(*gap_tables.values())
    skills: dict[str, scoring.MatrixSkill] = {}
    category_names: dict[str, str] = {}
    for version in versions:
        matrix = matrices[version.pk]
        category_names.update({c.slug: c.name for c in matrix.categories})
        for skill in matrix.skills:
            if skill.slug in wanted:
                skills.setdefault(skill.slug, skill)
    if sort and sort not in skills:
        raise UnknownChoice(f"The skills of this ladder do not include “{sort}”.")
    slugs = list(skills)
    sort_at = slugs.index(sort) if sort else -1
    layout = _layout(versions, gap_tables)
    scored = _kept_rows(layout, [entry.assessment_id for entry in entries])
    missing = [entry for entry in entries if entry.assessment_id not in scored]
    # For each (version, target role) of the rows to score: where each column's level sits in
    # that version's list of levels (a 0 appended at its end for a skill the role does not
    # require), and what each level there means, as a gap and as a ready-made cell
    # (engine.gap_table).
    lookups = {
        key: _column_lookup(matrices[key[0]], gap_tables[key], slugs)
        for key in {(entry.version_id, entry.target_slug) for entry in missing}
    }
    levels = stored_levels(
        ((e.assessment_id, e.version_id, e.submitted_levels) for e in missing), matrices
    )
    fresh = {
        entry.assessment_id: _scored_row(
            matrices[entry.version_id],
            entry.target_slug,
            levels[entry.assessment_id],
            lookups[(entry.version_id, entry.target_slug)],
        )
        for entry in missing
    }
    _keep_rows(layout, fresh)
    scored.update(fresh)
    report_path = path_with_id("assessments:report")
    rows, grid = [], []
    for entry in entries:
        found = scored[entry.assessment_id]
        values = found.gaps
        grid.append(values)
        head = ROW_HEAD.format(
            url=report_path(entry.assessment_id),
            name=escape(entry.name),
            target=escape(entry.target_title),
            percent=percent(found.target.coverage),
            verdict=found.target.verdict,
        )
        html = mark_safe(f"{head}{found.cells}</tr>")
        sort_value = -1 if sort_at < 0 or values[sort_at] is None else values[sort_at]
        rows.append(Row(entry, found.target, html, sort_value))
    if sort_at >= 0:
        # Largest gap first; sort() keeps the name order among equals.
        rows.sort(key=lambda row: -row.sort_value)
    cohort_key = (layout, frozenset(scored)) if layout is not None else None
    columns = _COLUMNS.get_or_make(cohort_key, lambda: _columns(skills, category_names, grid))
    return columns, tuple(rows)


def _columns(
    skills: dict[str, scoring.MatrixSkill], category_names: dict[str, str], grid: list[tuple]
) -> tuple[Column, ...]:
    """Each skill's column with its tally over the rows of `grid` (a row's gaps in the order
    of `skills`)."""
    columns = []
    for skill, cells in zip(skills.values(), zip(*grid, strict=True), strict=True):
        gaps = list(filter(None, cells))  # neither not required (None) nor met (0)
        columns.append(
            Column(
                slug=skill.slug,
                name=skill.name,
                category=category_names[skill.category],
                required=len(cells) - cells.count(None),
                lacking=len(gaps),
                total_gap=sum(gaps),
            )
        )
    return tuple(columns)


@dataclass(frozen=True)
class ScoredRow:
    """What a mentee's row shows that only their submitted answers and the columns decide:
    their readiness for their target role, the gap in each column, the cells."""

    target: scoring.Readiness
    gaps: tuple[int | None, ...]
    cells: str


def _scored_row(
    matrix: scoring.Matrix, target_slug: str, person: list[int], lookup: tuple
) -> ScoredRow:
    pick, gaps, cells = lookup
    in_columns = pick([*person, 0])
    return ScoredRow(
        target=scoring.readiness(matrix, target_slug, person),
        gaps=tuple(map(getitem, gaps, in_columns)),
        cells="".join(map(getitem, cells, in_columns)),
    )


# A submitted assessment's answers and its published version never change, so neither does its
# row for a given set of columns: once scored and written, it serves every later cohort view of
# this process (sorted or not), and 200 mentees are not scored again on every request. The
# columns follow from the published versions and target roles in use, which is the key beside
# the assessment. Each process keeps its own, bounded (a row of 150 skills is about 5 KB);
# nothing here is needed by another process.
Layout = frozenset[tuple[int, str, str]]
_ROWS: Kept[ScoredRow] = Kept(2048)


# The columns' tallies follow from the same and the set of assessments shown: kept for the
# cohorts viewed last.
_COLUMNS: Kept[tuple[Column, ...]] = Kept(32)


def _layout(
    versions: list[MatrixVersion], gap_tables: dict[tuple[int, str], dict]
) -> Layout | None:
    """What decides the columns: each (published version, target role) in use; None when a
    version in use is not published (its rows are scored afresh)."""
    keys = {version.pk: kept_key(version) for version in versions}
    if None in keys.values():
        return None
    return frozenset((*keys[version_id], slug) for version_id, slug in gap_tables)


def _kept_rows(layout: Layout | None, ids: list[uuid.UUID]) -> dict[uuid.UUID, ScoredRow]:
    if layout is None:
        return {}
    kept = _ROWS.get_many((layout, assessment_id) for assessment_id in ids)
    return {assessment_id: row for (_, assessment_id), row in kept.items()}


def _keep_rows(layout: Layout | None, rows: dict[uuid.UUID, ScoredRow]) -> None:
    if layout is not None:
        _ROWS.put_many({(layout, assessment_id): row for assessment_id, row in rows.items()})


def _column_lookup(
    matrix: scoring.Matrix, by_level: dict[str, tuple[int, ...]], slugs: list[str]
) -> tuple[Callable[[list[int]], tuple[int, ...]], list[tuple], list[tuple[str, ...]]]:
    """For one version and target role (`by_level`, its gap_table): a function taking the
    levels of the columns `slugs` out of a person's levels (with a 0 appended, standing for a
    skill the role does not require), and for each column the gap and the cell at each
    level."""
    position = {skill.slug: index for index, skill in enumerate(matrix.skills)}
    not_required = len(matrix.skills)  # the appended 0
    nothing = (None,) * (matrix.top_level + 1)
    picks = [position[slug] if slug in by_level else not_required for slug in slugs]
    gaps = [by_level.get(slug, nothing) for slug in slugs]
    cells = [tuple(map(CELLS.__getitem__, column)) for column in gaps]
    if len(picks) == 1:
        only = picks[0]
        return (lambda levels: (levels[only],)), gaps, cells
    return itemgetter(*picks), gaps, cells
