"""What the report, its exports and the progress page show, arranged from the scoring
engine's results: the summary sentence, the ladder, ranked gaps, report.json and report.csv,
and the geometry of the inline SVG charts. Every figure comes from `assessments.scoring`; this
module only selects, orders, words and draws it."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import cached_property
from itertools import pairwise
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime

from assessments import scoring
from assessments.models import Assessment
from assessments.scored import scoring_matrix
from assessments.scoring import (
    CLOSE,
    ESSENTIAL,
    Matrix,
    MatrixRequirement,
    MatrixSkill,
    RoleScore,
    Score,
)
from roles.models import IMPORTANCE_NAMES, MatrixVersion

# Above this many required skills, the per-skill radar keeps to the essential and important
# ones, and above RADAR_MOST_AXES of those to the essential ones: more spokes than that cannot
# be told apart. The table beside it lists them all.
RADAR_MAX_AXES = 24
RADAR_MOST_AXES = 48
RADAR_SUBSETS = {1: "", 2: "essential and important", 3: "essential"}
# Gaps listed before the rest are folded away.
TOP_GAPS = 10

CSV_COLUMNS = (
    "role",
    "role_title",
    "rank",
    "category",
    "skill",
    "skill_name",
    "rated",
    "required",
    "gap",
    "importance",
    "priority",
    "role_coverage",
    "role_verdict",
)


def percent(coverage: Fraction) -> int:
    """Whole percent, rounded down, so a role shown at 90 % really reaches a 90 % threshold."""
    return math.floor(coverage * 100)


def threshold_percent(threshold: Fraction) -> str:
    return f"{float(threshold * 100):g}%"


def level_label(matrix: Matrix, level: int) -> str:
    return f"{level} · {matrix.scale[level]}"


# --- Loading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """An assessment, its pinned matrix, its stored answers and their score."""

    assessment: Assessment
    matrix: Matrix
    ratings: tuple[tuple[str, int, str], ...]  # (skill slug, level, evidence), matrix order
    score: Score

    @cached_property
    def levels(self) -> dict[str, int]:
        return {slug: level for slug, level, _ in self.ratings}

    @cached_property
    def skills(self) -> dict[str, MatrixSkill]:
        return {skill.slug: skill for skill in self.matrix.skills}

    @cached_property
    def category_names(self) -> dict[str, str]:
        return {category.slug: category.name for category in self.matrix.categories}

    @property
    def unanswered(self) -> int:
        """Skills of the pinned version without an answer (they count as 0)."""
        return len(self.matrix.skills) - len(self.ratings)

    @cached_property
    def _skill_order(self) -> dict[str, int]:
        return {slug: position for position, slug in enumerate(self.skills)}

    def requirements(self, role_score: RoleScore) -> list[MatrixRequirement]:
        """The role's requirements in skill order."""
        return sorted(role_score.role.requirements, key=lambda r: self._skill_order[r.skill])


def load(assessment: Assessment) -> Scored:
    """Score an assessment on its pinned version: five queries whatever its size."""
    matrix = scoring_matrix(assessment.version)
    order = {skill.slug: position for position, skill in enumerate(matrix.skills)}
    ratings = sorted(
        (rating for rating in assessment.stored_ratings() if rating[0] in order),
        key=lambda rating: order[rating[0]],
    )
    score = scoring.score(matrix, {slug: level for slug, level, _ in ratings})
    return Scored(assessment=assessment, matrix=matrix, ratings=tuple(ratings), score=score)


# --- Exports -----------------------------------------------------------------------------------


def export_filename(assessment: Assessment, extension: str) -> str:
    moment = assessment.submitted_at or assessment.updated_at
    return f"careerfit-{assessment.track.slug}-{moment:%Y-%m-%d}-report.{extension}"


def report_json(scored: Scored) -> dict[str, Any]:
    """report.json: the assessment, its ratings and the engine's own serialisation."""
    assessment = scored.assessment
    engine = scoring.report_data(scored.score)
    answered = scored.levels
    return {
        "assessment": {
            "id": str(assessment.pk),
            "track": assessment.track.slug,
            "target_role": assessment.target_role.slug,
            "status": assessment.status,
            "matrix_version": assessment.version.number,
            "created_at": _iso(assessment.created_at),
            "submitted_at": _iso(assessment.submitted_at),
        },
        "draft": not assessment.is_submitted,
        "scale": engine.pop("scale"),
        "ratings": [
            {
                "skill": slug,
                "category": scored.skills[slug].category,
                "level": level,
                "evidence": evidence,
            }
            for slug, level, evidence in scored.ratings
        ],
        # Unanswered skills count as 0 in every figure below.
        "unanswered": [skill.slug for skill in scored.matrix.skills if skill.slug not in answered],
        **engine,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def csv_rows(scored: Scored) -> Iterator[list[Any]]:
    """report.csv: one row per role and skill it requires, ladder order then skill order."""
    yield list(CSV_COLUMNS)
    for role_score in scored.score.roles:
        coverage = scoring.rounded(role_score.coverage_float)
        gaps = {gap.skill: gap for gap in role_score.gaps}
        for requirement in scored.requirements(role_score):
            skill = scored.skills[requirement.skill]
            gap = gaps.get(requirement.skill)
            yield [
                role_score.slug,
                _cell(role_score.role.title),
                role_score.rank,
                skill.category,
                skill.slug,
                _cell(skill.name),
                gap.rated if gap else scored.levels.get(skill.slug, 0),
                requirement.level,
                gap.gap if gap else 0,
                requirement.importance,
                gap.priority if gap else 0,
                coverage,
                role_score.verdict,
            ]


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with one of these as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- The report page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LadderRole:
    score: RoleScore
    percent: int
    blocking: tuple[str, ...]  # names of the essential skills below their level
    is_target: bool
    is_fit: bool
    is_next: bool


@dataclass(frozen=True)
class Rung:
    rank: int
    roles: tuple[LadderRole, ...]


@dataclass(frozen=True)
class GapRow:
    skill: str
    category: str
    rated: str
    required: str
    importance: int
    importance_name: str
    priority: int
    statement: str  # what a person at the required level does
    blocking: bool


@dataclass(frozen=True)
class CategoryRow:
    name: str
    percent: int
    met: int
    requirements: int


@dataclass(frozen=True)
class SkillRow:
    name: str
    category: str
    importance: int
    importance_name: str
    required: str
    rated: str
    gap: int
    in_radar: bool


@dataclass(frozen=True)
class StrengthRow:
    skill: str
    category: str
    rated: str
    required: str


@dataclass(frozen=True)
class RoleDetail:
    """One role's coverage per category and per skill, charted and tabled, and its gaps."""

    score: RoleScore
    percent: int
    categories: tuple[CategoryRow, ...]
    category_radar: Radar | None
    skills: tuple[SkillRow, ...]
    skill_radar: Radar | None
    radar_subset: str  # which skills the skill radar keeps ("" for all), e.g. "essential"
    gaps: tuple[GapRow, ...]

    @property
    def title(self) -> str:
        return self.score.role.title

    @property
    def top_gaps(self) -> tuple[GapRow, ...]:
        return self.gaps[:TOP_GAPS]

    @property
    def more_gaps(self) -> tuple[GapRow, ...]:
        return self.gaps[TOP_GAPS:]

    @property
    def blocking(self) -> tuple[str, ...]:
        return tuple(gap.skill for gap in self.gaps if gap.blocking)


@dataclass(frozen=True)
class ComparisonRow:
    title: str
    pinned: tuple[int, str] | None  # (percent, verdict); None: not a role of that version
    current: tuple[int, str] | None
    is_target: bool


@dataclass(frozen=True)
class VersionComparison:
    """The same answers scored on the track's newer current version (by skill slug)."""

    pinned_number: int
    current_number: int
    published_at: datetime | None
    pinned_fit: str | None
    current_fit: str | None
    rows: tuple[ComparisonRow, ...]
    added: tuple[str, ...]  # skill names new in the current version: unrated there
    removed: tuple[str, ...]  # skill names the current version no longer holds


@dataclass(frozen=True)
class Report:
    scored: Scored
    summary: str
    target: RoleDetail
    next_details: tuple[RoleDetail, ...]  # next roles other than the target
    ladder: tuple[Rung, ...]
    strengths: tuple[StrengthRow, ...]
    comparison: VersionComparison | None
    ready_percent: str
    close_percent: str

    @property
    def score(self) -> Score:
        return self.scored.score

    @property
    def unanswered(self) -> int:
        return self.scored.unanswered

    @property
    def next_roles(self) -> tuple[LadderRole, ...]:
        return tuple(role for rung in self.ladder for role in rung.roles if role.is_next)

    @property
    def skill_count(self) -> int:
        return len(self.scored.matrix.skills)

    @property
    def ready_mark(self) -> float:
        """The ready threshold on a 0..100 bar."""
        return float(self.scored.matrix.ready_threshold * 100)

    @property
    def close_mark(self) -> float:
        return float(self.scored.matrix.close_threshold * 100)


def build_report(
    scored: Scored,
    statements: dict[str, dict[str, str]],
    newer: tuple[MatrixVersion, Matrix] | None = None,
) -> Report:
    """Everything the report page shows. `statements` are the pinned skills' level statements;
    `newer` the track's current version and its matrix, when newer than the pinned one."""
    score = scored.score
    target = score.role(scored.assessment.target_role.slug)
    next_slugs = {role_score.slug for role_score in score.next_roles}
    fit_slug = score.current_fit.slug if score.current_fit else None
    rungs: dict[int, list[LadderRole]] = {}
    for role_score in score.roles:
        rungs.setdefault(role_score.rank, []).append(
            LadderRole(
                score=role_score,
                percent=percent(role_score.coverage),
                blocking=tuple(scored.skills[gap.skill].name for gap in role_score.blocking),
                is_target=role_score.slug == target.slug,
                is_fit=role_score.slug == fit_slug,
                is_next=role_score.slug in next_slugs,
            )
        )
    return Report(
        scored=scored,
        summary=summary_sentence(score),
        target=role_detail(scored, target, statements),
        next_details=tuple(
            role_detail(scored, role_score, statements)
            for role_score in score.next_roles
            if role_score.slug != target.slug
        ),
        ladder=tuple(Rung(rank, tuple(roles)) for rank, roles in rungs.items()),
        strengths=tuple(
            StrengthRow(
                skill=scored.skills[strength.skill].name,
                category=scored.category_names[strength.category],
                rated=level_label(scored.matrix, strength.rated),
                required=level_label(scored.matrix, strength.required),
            )
            for strength in score.strengths
        ),
        comparison=compare_versions(scored, *newer) if newer else None,
        ready_percent=threshold_percent(scored.matrix.ready_threshold),
        close_percent=threshold_percent(scored.matrix.close_threshold),
    )


def summary_sentence(score: Score) -> str:
    """Where the person stands, as they would say it."""
    fit = score.current_fit
    following = score.next_roles
    if fit is None and not following:
        return "This ladder has no roles yet."
    if fit is not None and not following:
        return f"You are ready for {fit.role.title}, the top rung of this ladder."
    opening = "No rung is ready yet" if fit is None else f"You are ready for {fit.role.title}"
    if len(following) == 1:
        role_score = following[0]
        if role_score.verdict == CLOSE:
            state = "is close"
        else:
            state = "is the first step" if fit is None else "is the next step"
        return f"{opening}; {role_score.role.title} {state}: {gap_phrase(role_score)}."
    options = " or ".join(
        f"{role_score.role.title} ({'close, ' if role_score.verdict == CLOSE else ''}"
        f"{gap_phrase(role_score)})"
        for role_score in following
    )
    where = "at its first rung" if fit is None else "next"
    return f"{opening}; the ladder forks {where}: {options}."


def gap_phrase(role_score: RoleScore) -> str:
    """'3 gaps, one essential'."""
    gaps = len(role_score.gaps)
    if not gaps:
        return "no gaps"
    essential = len(role_score.blocking)
    essential_words = {0: "none essential", 1: "one essential"}.get(
        essential, f"{essential} essential"
    )
    return f"{gaps} gap{'s' if gaps != 1 else ''}, {essential_words}"


def role_detail(
    scored: Scored, role_score: RoleScore, statements: dict[str, dict[str, str]]
) -> RoleDetail:
    matrix = scored.matrix
    slug = role_score.slug
    categories = tuple(
        CategoryRow(
            name=scored.category_names[category.category],
            percent=percent(category.coverage),
            met=category.met,
            requirements=category.requirements,
        )
        for category in role_score.categories
    )
    requirements = scored.requirements(role_score)
    gaps = {gap.skill: gap for gap in role_score.gaps}
    least = _radar_importance(requirements)
    in_radar = [r.importance >= least for r in requirements]
    skills = tuple(
        SkillRow(
            name=scored.skills[r.skill].name,
            category=scored.category_names[scored.skills[r.skill].category],
            importance=r.importance,
            importance_name=IMPORTANCE_NAMES[r.importance],
            required=level_label(matrix, r.level),
            rated=level_label(matrix, scored.levels.get(r.skill, 0)),
            gap=gaps[r.skill].gap if r.skill in gaps else 0,
            in_radar=charted,
        )
        for r, charted in zip(requirements, in_radar, strict=True)
    )
    title = role_score.role.title
    category_radar = radar(
        f"radar-{slug}-categories",
        f"{title}: your coverage per category",
        "Each spoke is a category of skills; the dashed outline is the full requirement "
        "(100 %), the filled shape your coverage. "
        + "; ".join(f"{row.name} {row.percent}%" for row in categories)
        + ".",
        [(scored.category_names[c.category], c.coverage_float, 1.0) for c in role_score.categories],
        maximum=1.0,
        rings=[(0.25, "25%"), (0.5, "50%"), (0.75, "75%"), (1.0, "100%")],
    )
    charted = [
        (r, row) for r, row, keep in zip(requirements, skills, in_radar, strict=True) if keep
    ]
    met = sum(1 for _, row in charted if not row.gap)
    skill_radar = radar(
        f"radar-{slug}-skills",
        f"{title}: your level against the required level, per skill",
        f"Each spoke is a skill {title} requires"
        + (f" ({RADAR_SUBSETS[least]} ones)" if least > 1 else "")
        + f", from 0 at the centre to {matrix.top_level} at the edge; the dashed outline is "
        f"the required level, the filled shape yours. You meet {met} of {len(charted)}; "
        "the table lists every level.",
        [(row.name, scored.levels.get(r.skill, 0), r.level) for r, row in charted],
        maximum=matrix.top_level,
        rings=[(level, str(level)) for level in range(1, matrix.top_level + 1)],
    )
    return RoleDetail(
        score=role_score,
        percent=percent(role_score.coverage),
        categories=categories,
        category_radar=category_radar,
        skills=skills,
        skill_radar=skill_radar,
        radar_subset=RADAR_SUBSETS[least],
        gaps=tuple(
            GapRow(
                skill=scored.skills[gap.skill].name,
                category=scored.category_names[gap.category],
                rated=level_label(matrix, gap.rated),
                required=level_label(matrix, gap.required),
                importance=gap.importance,
                importance_name=IMPORTANCE_NAMES[gap.importance],
                priority=gap.priority,
                statement=statements.get(gap.skill, {}).get(str(gap.required), ""),
                blocking=gap.importance == ESSENTIAL,
            )
            for gap in role_score.gaps
        ),
    )


def _radar_importance(requirements: Sequence[MatrixRequirement]) -> int:
    """The least importance a requirement needs to be charted on the per-skill radar."""
    if len(requirements) <= RADAR_MAX_AXES:
        return 1
    if sum(1 for r in requirements if r.importance > 1) <= RADAR_MOST_AXES:
        return 2
    return ESSENTIAL


def compare_versions(scored: Scored, current: MatrixVersion, matrix: Matrix) -> VersionComparison:
    """Score the same answers on `current` (skills matched by slug; new skills unrated)."""
    rescored = scoring.score(matrix, scored.levels)
    pinned_roles = {role_score.slug: role_score for role_score in scored.score.roles}
    current_roles = {role_score.slug: role_score for role_score in rescored.roles}
    target = scored.assessment.target_role.slug
    slugs = list(pinned_roles) + [slug for slug in current_roles if slug not in pinned_roles]

    def cell(role_score: RoleScore | None) -> tuple[int, str] | None:
        return (percent(role_score.coverage), role_score.verdict) if role_score else None

    rows = []
    for slug in slugs:
        pinned, now = pinned_roles.get(slug), current_roles.get(slug)
        rows.append(
            ComparisonRow(
                title=(now or pinned).role.title,
                pinned=cell(pinned),
                current=cell(now),
                is_target=slug == target,
            )
        )
    pinned_skills = set(scored.skills)
    current_skills = {skill.slug for skill in matrix.skills}
    return VersionComparison(
        pinned_number=scored.assessment.version.number,
        current_number=current.number,
        published_at=current.published_at,
        pinned_fit=scored.score.current_fit.role.title if scored.score.current_fit else None,
        current_fit=rescored.current_fit.role.title if rescored.current_fit else None,
        rows=tuple(rows),
        added=tuple(s.name for s in matrix.skills if s.slug not in pinned_skills),
        removed=tuple(s.name for s in scored.matrix.skills if s.slug not in current_skills),
    )


# --- Radar chart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RadarLabel:
    x: float
    y: float
    anchor: str  # text-anchor
    rotate: float  # degrees, about (x, y)
    text: str


@dataclass(frozen=True)
class RadarRing:
    points: str
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Radar:
    """A radar chart laid out for inline SVG: polygons as `points` strings."""

    id: str
    title: str
    description: str
    width: float  # of the viewBox
    height: float
    center_x: float
    center_y: float
    rings: tuple[RadarRing, ...]
    spokes: tuple[tuple[float, float], ...]  # outer end of each spoke
    required: str
    rated: str
    dots: tuple[tuple[float, float], ...]
    labels: tuple[RadarLabel, ...]


RADAR_RADIUS = 150
LABEL_CHARS = 22


def radar(
    chart_id: str,
    title: str,
    description: str,
    axes: Sequence[tuple[str, float, float]],
    *,
    maximum: float,
    rings: Sequence[tuple[float, str]],
) -> Radar | None:
    """Axes are (label, rated, required) on 0..maximum, drawn clockwise from the top. None
    under three axes: two spokes make a line, not a shape (the table says it all)."""
    count = len(axes)
    if count < 3:
        return None
    # Many spokes: labels run along them, or neighbours would overlap.
    radial = count > 8
    # Room for the labels: all round when they run along the spokes, else mostly at the sides.
    margin_x, margin_y = (175, 175) if radial else (170, 30)
    center_x, center_y = RADAR_RADIUS + margin_x, RADAR_RADIUS + margin_y
    angles = [2 * math.pi * i / count for i in range(count)]

    def point(angle: float, value: float) -> tuple[float, float]:
        distance = RADAR_RADIUS * value / maximum
        return (
            round(center_x + distance * math.sin(angle), 1),
            round(center_y - distance * math.cos(angle), 1),
        )

    def polygon(values: Sequence[float]) -> str:
        return " ".join(f"{x},{y}" for x, y in map(point, angles, values))

    labels = []
    for angle, (text, _, _) in zip(angles, axes, strict=True):
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"
        x, y = point(angle, maximum * (RADAR_RADIUS + 10) / RADAR_RADIUS)
        sine, cosine = math.sin(angle), math.cos(angle)
        if radial:
            degrees = math.degrees(angle) - 90
            right = sine > 1e-9 or (abs(sine) <= 1e-9 and cosine > 0)
            labels.append(
                RadarLabel(
                    x=x,
                    y=y,
                    anchor="start" if right else "end",
                    rotate=round(degrees if right else degrees + 180, 1),
                    text=short,
                )
            )
        else:
            anchor = "start" if sine > 0.1 else "end" if sine < -0.1 else "middle"
            # Top and bottom labels sit clear of the spoke's end.
            y += -6 if cosine > 0.9 else 10 if cosine < -0.9 else 0
            labels.append(RadarLabel(x=x, y=round(y, 1), anchor=anchor, rotate=0, text=short))
    return Radar(
        id=chart_id,
        title=title,
        description=description,
        width=2 * center_x,
        height=2 * center_y,
        center_x=center_x,
        center_y=center_y,
        # Ring labels sit between the first two spokes, clear of the axis labels.
        rings=tuple(
            RadarRing(points=polygon([value] * count), label=label, label_x=x + 3, label_y=y - 3)
            for value, label in rings
            for x, y in [point(math.pi / count, value)]
        ),
        spokes=tuple(point(angle, maximum) for angle in angles),
        required=polygon([required for _, _, required in axes]),
        rated=polygon([rated for _, rated, _ in axes]),
        dots=tuple(point(angle, rated) for angle, (_, rated, _) in zip(angles, axes, strict=True)),
        labels=tuple(labels),
    )


# --- Progress over time ------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment of the track, scored on its own pinned version."""

    assessment: Assessment
    matrix: Matrix
    levels: dict[str, int]  # stored answers by skill slug
    score: Score

    @property
    def fit_title(self) -> str | None:
        fit = self.score.current_fit
        return fit.role.title if fit else None

    @cached_property
    def target(self) -> RoleScore:
        return self.score.role(self.assessment.target_role.slug)

    @property
    def target_percent(self) -> int:
        return percent(self.target.coverage)

    @property
    def moment(self) -> datetime:
        return self.assessment.submitted_at or self.assessment.created_at


@dataclass(frozen=True)
class SkillChange:
    skill: str
    before: str
    after: str
    delta: int


@dataclass(frozen=True)
class Changes:
    """What moved between two submitted assessments, skills matched by slug."""

    entry: HistoryEntry
    previous: HistoryEntry
    rose: tuple[SkillChange, ...]
    fell: tuple[SkillChange, ...]
    unchanged: int
    added: tuple[tuple[str, str], ...]  # (skill, level) in the later version only
    removed: tuple[tuple[str, str], ...]  # (skill, level) in the earlier version only

    @property
    def versions_differ(self) -> bool:
        return self.entry.assessment.version_id != self.previous.assessment.version_id


@dataclass(frozen=True)
class RoleTrend:
    title: str
    rank: int
    cells: tuple[tuple[int, str] | None, ...]  # (percent, verdict) per submitted assessment


@dataclass(frozen=True)
class TrackHistory:
    entries: tuple[HistoryEntry, ...]  # every assessment, drafts too, oldest first
    submitted: tuple[HistoryEntry, ...]  # submitted ones, in the order they were submitted
    trends: tuple[RoleTrend, ...]
    chart: LineChart | None
    changes: tuple[Changes, ...]  # latest first

    @property
    def versions(self) -> list[int]:
        return sorted({entry.assessment.version.number for entry in self.submitted})

    @property
    def table(self) -> list[tuple[HistoryEntry, tuple[tuple[int, str] | None, ...]]]:
        """One row per submitted assessment, one cell per role (the trends transposed)."""
        return [
            (entry, tuple(trend.cells[position] for trend in self.trends))
            for position, entry in enumerate(self.submitted)
        ]


def build_history(
    assessments: Sequence[Assessment],
    levels: dict[Any, dict[str, int]],
    matrices: dict[int, Matrix],
) -> TrackHistory:
    """`levels`: assessment id -> {skill slug: level}; `matrices`: version id -> Matrix."""
    entries = tuple(
        HistoryEntry(
            assessment=assessment,
            matrix=matrices[assessment.version_id],
            levels=levels.get(assessment.pk, {}),
            score=scoring.score(matrices[assessment.version_id], levels.get(assessment.pk, {})),
        )
        for assessment in assessments
    )
    submitted = tuple(
        sorted((e for e in entries if e.assessment.is_submitted), key=lambda e: e.moment)
    )
    # Roles by slug across versions: the latest ladder's order, then roles it no longer has.
    roles: dict[str, RoleScore] = {}
    for entry in reversed(submitted):
        for role_score in entry.score.roles:
            roles.setdefault(role_score.slug, role_score)
    trends = tuple(
        RoleTrend(
            title=role_score.role.title,
            rank=role_score.rank,
            cells=tuple(_trend_cell(entry.score, slug) for entry in submitted),
        )
        for slug, role_score in roles.items()
    )
    chart = None
    if len(submitted) > 1:
        latest = submitted[-1].matrix
        chart = line_chart(
            [date_format(localtime(entry.moment), "j M Y") for entry in submitted],
            [(trend.title, [cell and cell[0] for cell in trend.cells]) for trend in trends],
            thresholds=[
                (percent(latest.ready_threshold), "ready"),
                (percent(latest.close_threshold), "close"),
            ],
        )
    changes = tuple(
        _changes(previous, entry) for previous, entry in reversed(list(pairwise(submitted)))
    )
    return TrackHistory(
        entries=entries, submitted=submitted, trends=trends, chart=chart, changes=changes
    )


def _trend_cell(score: Score, slug: str) -> tuple[int, str] | None:
    for role_score in score.roles:
        if role_score.slug == slug:
            return percent(role_score.coverage), role_score.verdict
    return None


def _changes(previous: HistoryEntry, entry: HistoryEntry) -> Changes:
    before_levels = _levels_of(previous)
    after_levels = _levels_of(entry)
    before_skills = {skill.slug: skill for skill in previous.matrix.skills}
    rose, fell, unchanged, added = [], [], 0, []
    for skill in entry.matrix.skills:
        after = after_levels[skill.slug]
        if skill.slug not in before_skills:
            added.append((skill.name, level_label(entry.matrix, after)))
            continue
        before = before_levels[skill.slug]
        change = SkillChange(
            skill=skill.name,
            before=level_label(previous.matrix, before),
            after=level_label(entry.matrix, after),
            delta=after - before,
        )
        if change.delta > 0:
            rose.append(change)
        elif change.delta < 0:
            fell.append(change)
        else:
            unchanged += 1
    later = set(after_levels)
    removed = tuple(
        (skill.name, level_label(previous.matrix, before_levels[skill.slug]))
        for skill in previous.matrix.skills
        if skill.slug not in later
    )
    # Biggest moves first; the matrix order among equals (sorted() is stable).
    return Changes(
        entry=entry,
        previous=previous,
        rose=tuple(sorted(rose, key=lambda c: -c.delta)),
        fell=tuple(sorted(fell, key=lambda c: c.delta)),
        unchanged=unchanged,
        added=tuple(added),
        removed=removed,
    )


def _levels_of(entry: HistoryEntry) -> dict[str, int]:
    """Every skill of the entry's version: its rating, 0 when unrated (as scoring counts it)."""
    return {skill.slug: entry.levels.get(skill.slug, 0) for skill in entry.matrix.skills}


# --- Line chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    title: str
    index: int  # picks the colour and dash pattern
    dash: str  # stroke-dasharray ("" for solid): lines differ by more than colour
    segments: tuple[str, ...]  # polyline points; a role missing from a version breaks its line
    dots: tuple[tuple[float, float, str], ...]  # x, y, what the point says
    label_y: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    thresholds: tuple[tuple[float, str], ...]
    lines: tuple[ChartLine, ...]

    @property
    def label_x(self) -> float:
        return self.right + 10


DASHES = ("", "8 4", "2 4", "12 4 2 4")
SERIES_STYLES = 8  # .series-0 .. .series-7 in report.css
LABEL_GAP = 15


def line_chart(
    dates: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    thresholds: Sequence[tuple[int, str]] = (),
) -> LineChart:
    """Coverage percents (0..100) over assessments, one line per role, labelled at its end."""
    width, height = 760.0, 320.0
    left, right, top, bottom = 84.0, 570.0, 14.0, 270.0
    count = len(dates)
    step = (right - left) / (count - 1) if count > 1 else 0.0

    def x_of(position: int) -> float:
        return round(left + position * step if count > 1 else (left + right) / 2, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / 100, 1)

    # About one date label every 80 units, the last one always.
    every = max(1, math.ceil(count / ((right - left) // 80 + 1)))
    shown = [p for p in range(count) if p % every == 0 and (count - 1 - p >= every or p == 0)]
    if count - 1 not in shown:
        shown.append(count - 1)

    lines = []
    for index, (title, values) in enumerate(series):
        segments, current, dots = [], [], []
        for position, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = x_of(position), y_of(value)
            current.append(f"{x},{y}")
            dots.append((x, y, f"{title}: {value}% on {dates[position]}"))
        if current:
            segments.append(" ".join(current))
        if not dots:
            continue
        lines.append(
            ChartLine(
                title=title,
                index=index % SERIES_STYLES,
                dash=DASHES[index % len(DASHES)],
                segments=tuple(segments),
                dots=tuple(dots),
                label_y=dots[-1][1],
            )
        )
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        # Thresholds are labelled on the axis, in place of a tick too close to read beside them.
        y_ticks=tuple(
            (y_of(value), f"{value}%")
            for value in (0, 25, 50, 75, 100)
            if all(abs(value - threshold) >= 8 for threshold, _ in thresholds)
        ),
        x_ticks=tuple((x_of(position), dates[position]) for position in shown),
        thresholds=tuple((y_of(value), f"{label} {value}%") for value, label in thresholds),
        lines=_spread_labels(lines, top, bottom),
    )


def _spread_labels(lines: list[ChartLine], top: float, bottom: float) -> tuple[ChartLine, ...]:
    """Move end labels apart so that none overlaps another, keeping their order."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].label_y)
    placed: dict[int, float] = {}
    previous = top - LABEL_GAP
    for i in order:
        placed[i] = max(lines[i].label_y, previous + LABEL_GAP)
        previous = placed[i]
    # Then back up from the bottom, so the stack stays inside the chart.
    limit = bottom + 4
    for i in reversed(order):
        placed[i] = min(placed[i], limit)
        limit = placed[i] - LABEL_GAP
    return tuple(
        ChartLine(
            title=line.title,
            index=line.index,
            dash=line.dash,
            segments=line.segments,
            dots=line.dots,
            label_y=round(placed[i], 1),
        )
        for i, line in enumerate(lines)
    )
