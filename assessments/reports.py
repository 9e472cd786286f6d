"""The report page's view model: the next step (what it takes to be ready for each next role),
the summary sentence, the ladder with every rung's coverage and verdict, the target and next
roles in detail (per category and per skill, charted and tabled, with ranked gaps and the
person's evidence), strengths, and the same answers scored on a newer version.

Every figure comes from `assessments.scoring` through `assessments.scored`; this module only
selects, orders and words it. The charts' geometry is `assessments.charts`; report.json and
report.csv are `assessments.exports`; progress over time is `assessments.history`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from html import escape

from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe

from assessments import scoring
from assessments.charts import (
    Radar,
    coverage_bar,
    dumbbells,
    escape_ladder_text,
    radar,
)
from assessments.evidence import evidence_note
from assessments.kept import Kept
from assessments.scored import (
    Scored,
    kept_key,
    level_label,
    percent,
    published_matrix,
    published_statements,
    threshold_percent,
)
from assessments.scoring import CLOSE, ESSENTIAL, Gap, Matrix, RoleScore, Score, Strength
from roles.limits import IMPORTANCE_NAMES
from roles.models import MatrixVersion

# Gaps listed before the rest are folded away.
TOP_GAPS = 10
# Strengths listed before the rest are folded away.
STRENGTHS_SHOWN = 8


@dataclass(frozen=True)
class LadderRole:
    score: RoleScore
    percent: int
    blocking: tuple[str, ...]  # names of the essential skills below their level
    is_target: bool
    is_fit: bool
    is_next: bool
    bar: str  # the coverage as an SVG bar, thresholds marked
    # The same role over a mentor's levels, when the report shows a review.
    reviewed: RoleScore | None = None

    @property
    def reviewed_percent(self) -> int | None:
        return percent(self.reviewed.coverage) if self.reviewed else None


@dataclass(frozen=True)
class Rung:
    rank: int
    roles: tuple[LadderRole, ...]


@dataclass(frozen=True)
class CategoryRow:
    name: str
    percent: int
    met: int
    requirements: int


@dataclass(frozen=True)
class RoleDetail:
    """One role's coverage per category (a radar) and per skill (dumbbells), each with the same
    figures in a table, and its gaps."""

    score: RoleScore
    percent: int
    categories: tuple[CategoryRow, ...]
    category_radar: Radar | None
    skill_count: int
    skill_rows: SafeString  # every skill the role requires: your level, the required one
    dumbbells: SafeString  # the same, charted: assessments.charts.dumbbells
    blocking: tuple[str, ...]  # the names of the essential skills below their level
    top_gap_rows: SafeString  # the first TOP_GAPS gaps, most urgent first
    more_gap_rows: SafeString  # the others

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return self.score.gaps

    @property
    def title(self) -> str:
        return self.score.role.title

    @property
    def top_gaps(self) -> tuple[Gap, ...]:
        return self.gaps[:TOP_GAPS]

    @property
    def more_gaps(self) -> tuple[Gap, ...]:
        return self.gaps[TOP_GAPS:]

    @cached_property
    def category_rows(self) -> SafeString:
        return category_rows(self.categories)


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
    next_sentence: str
    next_steps: tuple[NextStep, ...]
    target: RoleDetail
    next_details: tuple[RoleDetail, ...]  # next roles other than the target
    ladder: tuple[Rung, ...]
    strengths: tuple[Strength, ...]
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
    def skill_count(self) -> int:
        return len(self.scored.matrix.skills)

    @cached_property
    def scale_words(self) -> str:
        """'0 None, 1 Awareness, 2 Working...': what the levels of the charts mean."""
        return ", ".join(f"{level} {name}" for level, name in enumerate(self.scored.matrix.scale))

    @cached_property
    def ladder_items(self) -> SafeString:
        return ladder_items(self.ladder)

    @cached_property
    def shown_strengths(self) -> SafeString:
        return strength_items(self.scored, self.strengths[:STRENGTHS_SHOWN])

    @cached_property
    def more_strengths(self) -> SafeString:
        return strength_items(self.scored, self.strengths[STRENGTHS_SHOWN:])


# What a submitted assessment's report shows follows from its kept score (Scored.kept_as: the
# answers, the published version, the review's levels) and the newer version it is compared
# with, if any: made once per process, its long rows and charts with it (they are made when the
# page first prints them, and kept with the report), it serves every later view. The few
# reports viewed last are kept: one of 164 skills and 8 roles takes some 0.45 MB.
_SUBMITTED_REPORTS: Kept[Report] = Kept(32)


def kept_report(scored: Scored, newer: MatrixVersion | None = None) -> Report:
    """build_report() with the pinned version's level statements and `newer` (the track's
    current version, when newer than the pinned one), for a submitted assessment made once
    per process and kept (nothing that changes goes into it); for a draft, made afresh."""
    newer_key = kept_key(newer) if newer else None
    key = None
    if scored.kept_as is not None and (newer is None or newer_key is not None):
        key = (scored.kept_as, newer_key)
    return _SUBMITTED_REPORTS.get_or_make(
        key,
        lambda: build_report(
            scored,
            published_statements(scored.assessment),
            newer=(newer, published_matrix(newer)) if newer else None,
        ),
    )


def build_report(
    scored: Scored,
    statements: dict[str, dict[str, str]],
    newer: tuple[MatrixVersion, Matrix] | None = None,
) -> Report:
    """Everything the report page shows. `statements` are the pinned skills' level statements;
    `newer` the track's current version and its matrix, when newer than the pinned one."""
    score = scored.score
    target = score.role(scored.assessment.target_role.slug)
    evidence = {slug: note for slug, _, note in scored.ratings if note}
    steps = next_steps(scored, statements, evidence)
    next_slugs = {role_score.slug for role_score in score.next_roles}
    fit_slug = score.current_fit.slug if score.current_fit else None
    rungs: dict[int, list[LadderRole]] = {}
    reviewed = score.reviewed.roles if score.reviewed else (None,) * len(score.roles)
    # The thresholds on a 0..100 bar.
    marks = (
        float(scored.matrix.close_threshold * 100),
        float(scored.matrix.ready_threshold * 100),
    )
    for role_score, reviewed_score in zip(score.roles, reviewed, strict=True):
        role_percent = percent(role_score.coverage)
        rungs.setdefault(role_score.rank, []).append(
            LadderRole(
                score=role_score,
                percent=role_percent,
                bar=coverage_bar(role_percent, role_score.verdict, *marks),
                blocking=tuple(scored.skills[gap.skill].name for gap in role_score.blocking),
                is_target=role_score.slug == target.slug,
                is_fit=role_score.slug == fit_slug,
                is_next=role_score.slug in next_slugs,
                reviewed=reviewed_score,
            )
        )
    return Report(
        scored=scored,
        summary=summary_sentence(score),
        next_sentence=next_step_sentence(score, steps),
        next_steps=steps,
        target=role_detail(scored, target, statements, evidence),
        next_details=tuple(
            role_detail(scored, role_score, statements, evidence)
            for role_score in score.next_roles
            if role_score.slug != target.slug
        ),
        ladder=tuple(Rung(rank, tuple(roles)) for rank, roles in rungs.items()),
        strengths=score.strengths,
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
    scored: Scored,
    role_score: RoleScore,
    statements: dict[str, dict[str, str]],
    evidence: dict[str, str],
) -> RoleDetail:
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
    levels = scored.levels
    labels = [escape_ladder_text(label) for label in scored.level_labels]
    requirements = role_requirements(scored, role_score, statements)
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
    return RoleDetail(
        score=role_score,
        percent=percent(role_score.coverage),
        categories=categories,
        category_radar=category_radar,
        skill_count=len(requirements.skills),
        skill_rows=skill_rows(requirements, labels, levels, evidence),
        dumbbells=mark_safe(  # every text in it is escaped
            dumbbells(
                [
                    (category, [(name, levels.get(skill, 0), level) for skill, name, level in rows])
                    for category, rows in requirements.by_category
                ],
                maximum=scored.matrix.top_level,
            )
        ),
        blocking=tuple(scored.skills[gap.skill].name for gap in role_score.blocking),
        top_gap_rows=gap_rows(requirements, labels, role_score.gaps[:TOP_GAPS], evidence, 1),
        more_gap_rows=gap_rows(
            requirements, labels, role_score.gaps[TOP_GAPS:], evidence, TOP_GAPS + 1
        ),
    )


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


# --- The next step -----------------------------------------------------------------------------

# Skills of a next step listed before the rest are folded away.
NEXT_SHOWN = 6
# Skills a next step's sentence names before counting the rest.
SENTENCE_NAMES = 3


@dataclass(frozen=True)
class StepSkill:
    """One skill to raise for a next role, with what the required level looks like."""

    skill: str
    category: str
    rated: str  # "2 · Working"
    required: str  # "3 · Practitioner"
    required_name: str  # "Practitioner"
    essential: bool
    statement: str  # what a person at the required level does
    evidence: str  # the person's own evidence for the skill, as they gave it


@dataclass(frozen=True)
class NextStep:
    """What it takes to be ready for one next role: every essential gap, then the others by
    priority until coverage reaches the ready threshold (scoring.to_be_ready)."""

    title: str
    percent: int
    verdict: str
    skills: tuple[StepSkill, ...]

    @property
    def shown(self) -> tuple[StepSkill, ...]:
        return self.skills[:NEXT_SHOWN]

    @property
    def folded(self) -> tuple[StepSkill, ...]:
        return self.skills[NEXT_SHOWN:]

    @cached_property
    def shown_items(self) -> SafeString:
        return step_skill_items(self.shown)

    @cached_property
    def folded_items(self) -> SafeString:
        return step_skill_items(self.folded)

    @cached_property
    def raises(self) -> str:
        """'Model deployment to Practitioner and Python to Working'."""
        named = [f"{item.skill} to {item.required_name}" for item in self.skills]
        if len(named) > SENTENCE_NAMES:
            rest = len(named) - SENTENCE_NAMES
            named = [*named[:SENTENCE_NAMES], f"{rest} more skill{'s' if rest != 1 else ''}"]
        if len(named) == 1:
            return named[0]
        return ", ".join(named[:-1]) + " and " + named[-1]


def next_steps(
    scored: Scored, statements: dict[str, dict[str, str]], evidence: dict[str, str]
) -> tuple[NextStep, ...]:
    """For each next role, the skills to raise to be ready for it, essential ones first."""
    matrix = scored.matrix
    return tuple(
        NextStep(
            title=role_score.role.title,
            percent=percent(role_score.coverage),
            verdict=role_score.verdict,
            skills=tuple(
                StepSkill(
                    skill=scored.skills[gap.skill].name,
                    category=scored.category_names[gap.category],
                    rated=level_label(matrix, gap.rated),
                    required=level_label(matrix, gap.required),
                    required_name=matrix.scale[gap.required],
                    essential=gap.importance == ESSENTIAL,
                    statement=statements.get(gap.skill, {}).get(str(gap.required), ""),
                    evidence=evidence.get(gap.skill, ""),
                )
                for gap in scoring.to_be_ready(role_score, matrix.ready_threshold)
            ),
        )
        for role_score in scored.score.next_roles
    )


def next_step_sentence(score: Score, steps: Sequence[NextStep]) -> str:
    """The next step in one sentence: 'Raise Model deployment to Practitioner and Python to
    Working to be ready for Junior MLOps Engineer.'"""
    if not steps:
        fit = score.current_fit
        if fit is None:
            return "This ladder has no roles yet."
        return f"You are ready for {fit.role.title}, the top rung of this ladder."
    if len(steps) == 1:
        return f"Raise {steps[0].raises} to be ready for {steps[0].title}."
    options = " or ".join(f"raise {step.raises} to be ready for {step.title}" for step in steps)
    return f"The ladder forks: {options}."


# --- What every report on a version prints alike of a role --------------------------------------


@dataclass(frozen=True)
class RoleRequirements:
    """A role's requirements as every report on its version prints them, texts escaped."""

    # (slug, the skill table's row up to the evidence, the row after it up to your level,
    # the required level), in skill order.
    skills: tuple[tuple[str, str, str, int], ...]
    # (category name, its (skill slug, skill name, required level) in skill order), in
    # category order, with only the categories the role requires something of.
    by_category: tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...]
    # Skill slug -> its gap table row's parts: up to the evidence, after your level up to the
    # priority, after the priority (what a person at the required level does).
    gap_parts: dict[str, tuple[str, str, str]]


# Kept per published version and role, as the version's matrix is: a first view of a report
# then only lays a person's levels over them. Some 0.2 MB a role of 164 skills.
_ROLE_REQUIREMENTS: Kept[RoleRequirements] = Kept(32)


def role_requirements(
    scored: Scored, role_score: RoleScore, statements: dict[str, dict[str, str]]
) -> RoleRequirements:
    """`statements`: the pinned version's level statements (published_statements)."""
    version_key = kept_key(scored.assessment.version)
    key = (version_key, role_score.slug) if version_key else None
    return _ROLE_REQUIREMENTS.get_or_make(
        key, lambda: _role_requirements(scored, role_score, statements)
    )


def _role_requirements(
    scored: Scored, role_score: RoleScore, statements: dict[str, dict[str, str]]
) -> RoleRequirements:
    gap_parts = {}
    by_category: dict[str, list[tuple[str, str, int]]] = {
        category.slug: [] for category in scored.matrix.categories
    }
    skills = []
    for requirement in scored.requirements(role_score):
        skill = scored.skills[requirement.skill]
        by_category[skill.category].append((skill.slug, skill.name, requirement.level))
        # Every text escaped once, for both tables.
        name = escape_ladder_text(skill.name)
        category = escape_ladder_text(scored.category_names[skill.category])
        importance = escape_ladder_text(IMPORTANCE_NAMES[requirement.importance])
        required = escape_ladder_text(scored.level_labels[requirement.level])
        statement = statements.get(skill.slug, {}).get(str(requirement.level), "")
        skills.append(
            (
                skill.slug,
                f"<tr><td>{name}",
                f'</td><td>{category}</td><td>{importance}</td><td class="levels">{required}</td>'
                '<td class="levels">',
                requirement.level,
            )
        )
        gap_parts[skill.slug] = (
            f'<th scope="row">{name}<span class="cell-note">{category}</span>',
            f" → <strong>{required}</strong></td>"
            f'<td><span class="badge importance-{requirement.importance}">{importance}</span>'
            f"{BLOCKING_BADGE if requirement.importance == ESSENTIAL else ''}</td>"
            '<td class="num">',
            f'</td><td class="statement">{escape_ladder_text(statement) or "—"}</td></tr>',
        )
    return RoleRequirements(
        skills=tuple(skills),
        by_category=tuple(
            (scored.category_names[slug], tuple(rows)) for slug, rows in by_category.items() if rows
        ),
        gap_parts=gap_parts,
    )


# --- Rows made in one piece --------------------------------------------------------------------
#
# The long lists of the report (every skill a role requires, its gaps, the strengths) print a
# row per skill for two roles or more: made here, every text escaped, because a template loop
# over them would cost several times the rest of the page.

CATEGORY_ROW = (
    '<tr><td>{name}</td><td class="num">{percent}%</td>'
    '<td class="num">{met} of {requirements}</td></tr>'
)

STEP_SKILL_ITEM = (
    '<li class="next-skill"><p class="next-skill-head"><strong>{skill}</strong> '
    '<span class="muted">({category})</span>{essential} <span class="levels">{rated} → '
    "<strong>{required}</strong></span></p>{statement}{evidence}</li>"
)

RUNG_ITEM = (
    '<li class="rung"><p class="rung-label">Rung {number}{fork}</p>'
    '<div class="rung-roles">{roles}</div></li>'
)

LADDER_ROLE = (
    '<article class="card ladder-role{classes}"><div class="ladder-role-head"><h3>{title}</h3>'
    "{marks}</div>"
    '<div class="coverage-row"><span class="coverage-figure">{you}<strong>{percent}%</strong>'
    ' coverage</span> {bar} <span class="badge badge-{verdict}">{verdict_word}</span></div>'
    '{reviewed}<p class="muted small role-gaps">{gaps}</p>{blocking}</article>'
)

REVIEWED_RUNG = (
    '<p class="reviewed-rung"><span class="reviewed-label">Reviewed:</span> '
    '<strong>{percent}%</strong> <span class="badge badge-{verdict}">{verdict_word}</span></p>'
)

ROLE_MARKS = (
    ("is_fit", '<span class="mark mark-fit">Fits you now</span>'),
    ("is_target", '<span class="mark mark-target">Your target</span>'),
    ("is_next", '<span class="mark mark-next">Next step</span>'),
)

BLOCKING_BADGE = ' <span class="badge badge-gap">Blocking</span>'
YOUR_EVIDENCE = '<span class="muted">Your evidence:</span>'


def _evidence_note(evidence: str) -> str:
    """A table row's evidence: a note in its cell, long evidence folded as the next step's."""
    if not evidence:
        return ""
    return evidence_note(
        evidence, "Your evidence:", escape(evidence), "cell-note evidence-note", short_tag="span"
    )


def skill_rows(
    requirements: RoleRequirements,
    labels: Sequence[str],
    levels: dict[str, int],
    evidence: dict[str, str],
) -> SafeString:
    """The table of every skill a role requires: your level, the required one, the levels
    short ("—" when none) and your evidence. `labels` name the levels, escaped."""
    rows = []
    for slug, start, middle, required in requirements.skills:
        rated = levels.get(slug, 0)
        rows.append(
            f"{start}{_evidence_note(evidence.get(slug, ''))}{middle}{labels[rated]}</td>"
            f'<td class="num">{required - rated if required > rated else "—"}</td></tr>'
        )
    return mark_safe("".join(rows))  # every text in it is escaped


def gap_rows(
    requirements: RoleRequirements,
    labels: Sequence[str],
    gaps: Iterable[Gap],
    evidence: dict[str, str],
    start: int,
) -> SafeString:
    """Gaps as table rows numbered from `start`, with what the required level looks like.
    `labels` name the levels, escaped."""
    rows = []
    for number, gap in enumerate(gaps, start):
        head, middle, end = requirements.gap_parts[gap.skill]
        note = _evidence_note(evidence.get(gap.skill, ""))
        rows.append(
            f'<tr><td class="num">{number}</td>{head}{note}</th>'
            f'<td class="levels">{labels[gap.rated]}{middle}{gap.priority}{end}'
        )
    return mark_safe("".join(rows))  # every text in it is escaped


def strength_items(scored: Scored, strengths: Iterable[Strength]) -> SafeString:
    labels, skills, categories = scored.level_labels, scored.skills, scored.category_names
    return mark_safe(  # every text in it is escaped
        "".join(
            [
                f"<li><strong>{escape_ladder_text(skills[strength.skill].name)}</strong> "
                f'<span class="muted">({escape_ladder_text(categories[strength.category])})'
                f"</span>: you are at {escape_ladder_text(labels[strength.rated])}; asked for "
                f"{escape_ladder_text(labels[strength.required])}</li>"
                for strength in strengths
            ]
        )
    )


def ladder_items(rungs: Iterable[Rung]) -> SafeString:
    """Every rung as a list item: its roles' cards with coverage bar, verdict, marks (fits
    you now, your target, next step), the reviewed result and what blocks each."""
    return mark_safe(  # every text in it is escaped
        "".join(
            RUNG_ITEM.format(
                number=number,
                fork=(
                    f' <span class="badge">fork: {len(rung.roles)} roles</span>'
                    if len(rung.roles) > 1
                    else ""
                ),
                roles="".join(map(_ladder_role, rung.roles)),
            )
            for number, rung in enumerate(rungs, 1)
        )
    )


def _ladder_role(item: LadderRole) -> str:
    role_score = item.score
    marks = " ".join(mark for flag, mark in ROLE_MARKS if getattr(item, flag))
    gaps = len(role_score.gaps)
    blocking = ""
    if item.blocking:
        which = "an essential skill" if len(item.blocking) == 1 else "essential skills"
        names = ", ".join(map(escape_ladder_text, item.blocking))
        blocking = f'<p class="blocking"><strong>Blocked by {which}:</strong> {names}</p>'
    return LADDER_ROLE.format(
        classes=(" is-target" if item.is_target else "") + (" is-fit" if item.is_fit else ""),
        title=escape_ladder_text(role_score.role.title),
        marks=f'<p class="role-marks">{marks}</p>' if marks else "",
        you="You: " if item.reviewed else "",
        percent=item.percent,
        bar=item.bar,
        verdict=role_score.verdict,
        verdict_word=role_score.verdict.capitalize(),
        reviewed=(
            REVIEWED_RUNG.format(
                percent=item.reviewed_percent,
                verdict=item.reviewed.verdict,
                verdict_word=item.reviewed.verdict.capitalize(),
            )
            if item.reviewed
            else ""
        ),
        gaps=(
            f"{gaps} gap{pluralize(gaps)}, {role_score.steps_to_close} "
            f"level{pluralize(role_score.steps_to_close)} to climb"
            if gaps
            else "No gaps"
        ),
        blocking=blocking,
    )


def category_rows(rows: Iterable[CategoryRow]) -> SafeString:
    """A role's coverage per category as table rows."""
    return mark_safe(  # every text in it is escaped
        "".join(
            CATEGORY_ROW.format(
                name=escape_ladder_text(row.name),
                percent=row.percent,
                met=row.met,
                requirements=row.requirements,
            )
            for row in rows
        )
    )


def step_skill_items(items: Iterable[StepSkill]) -> SafeString:
    """The skills of a next step as list items: the levels to climb, what the required level
    looks like and the person's evidence."""
    return mark_safe(  # every text in it is escaped
        "".join(
            STEP_SKILL_ITEM.format(
                skill=escape_ladder_text(item.skill),
                category=escape_ladder_text(item.category),
                essential=' <span class="badge importance-3">Essential</span>'
                if item.essential
                else "",
                rated=escape_ladder_text(item.rated),
                required=escape_ladder_text(item.required),
                statement=(
                    '<p class="next-skill-statement"><span class="visually-hidden">At '
                    f"{escape_ladder_text(item.required)}: </span>"
                    f"{escape_ladder_text(item.statement)}</p>"
                    if item.statement
                    else ""
                ),
                evidence=evidence_note(
                    item.evidence, YOUR_EVIDENCE, escape(item.evidence), "evidence-note"
                )
                if item.evidence
                else "",
            )
            for item in items
        )
    )
