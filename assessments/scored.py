"""Scores read from the database: a stored matrix version as the scoring engine's input, an
assessment scored on its pinned version (what the report, its exports and mentors read), the
skills a questionnaire step shows, and how the pages word the figures.

The engine itself (`assessments.scoring`) is pure; this is where the ORM meets it, on the
assessments side, so that the ladder app knows nothing of scoring."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from assessments import scoring
from assessments.kept import Kept
from assessments.models import Assessment, Rating, levels_from_snapshot
from assessments.scoring import Matrix, MatrixRequirement, MatrixSkill, RoleScore, Score
from roles.models import Category, MatrixVersion, Requirement, Role, Skill


def scoring_matrix(version: MatrixVersion) -> Matrix:
    """The scoring engine's input for a version, in four queries whatever its size."""
    return scoring_matrices([version])[version.pk]


def scoring_matrices(versions: Iterable[MatrixVersion]) -> dict[int, Matrix]:
    """The scoring engine's input for each version, by version id: four queries whatever
    their number and size."""
    by_id = {version.pk: version for version in versions}
    categories: dict[int, list[scoring.MatrixCategory]] = {pk: [] for pk in by_id}
    for category in Category.objects.filter(version_id__in=by_id).in_matrix_order():
        categories[category.version_id].append(
            scoring.MatrixCategory(slug=category.slug, name=category.name)
        )
    skills: dict[int, list[scoring.MatrixSkill]] = {pk: [] for pk in by_id}
    skill_slugs: dict[int, str] = {}
    for skill in (
        Skill.objects.filter(version_id__in=by_id)
        .in_matrix_order()
        .values("pk", "version_id", "slug", "name", "category__slug")
    ):
        skill_slugs[skill["pk"]] = skill["slug"]
        skills[skill["version_id"]].append(
            scoring.MatrixSkill(
                slug=skill["slug"], name=skill["name"], category=skill["category__slug"]
            )
        )
    roles = list(Role.objects.filter(version_id__in=by_id).in_matrix_order())
    requirements: dict[int, list[MatrixRequirement]] = {role.pk: [] for role in roles}
    for role_id, skill_id, level, importance in Requirement.objects.filter(
        role__version_id__in=by_id
    ).values_list("role_id", "skill_id", "level", "importance"):
        requirements[role_id].append(
            scoring.MatrixRequirement(
                skill=skill_slugs[skill_id], level=level, importance=importance
            )
        )
    return {
        pk: scoring.Matrix(
            scale=tuple(version.scale),
            ready_threshold=Fraction(version.ready_threshold),
            close_threshold=Fraction(version.close_threshold),
            categories=tuple(categories[pk]),
            skills=tuple(skills[pk]),
            roles=tuple(
                scoring.MatrixRole(
                    slug=role.slug,
                    title=role.title,
                    rank=role.rank,
                    requirements=tuple(requirements[role.pk]),
                )
                for role in roles
                if role.version_id == pk
            ),
        )
        for pk, version in by_id.items()
    }


@dataclass(frozen=True)
class Scored:
    """An assessment, its pinned matrix, its stored answers and their score."""

    assessment: Assessment
    matrix: Matrix
    ratings: tuple[tuple[str, int, str], ...]  # (skill slug, level, evidence), matrix order
    score: Score
    # What keeps this score, and what is made from it, for later requests (submitted_key);
    # None when it may still change.
    kept_as: tuple | None = None

    @cached_property
    def levels(self) -> dict[str, int]:
        return {slug: level for slug, level, _ in self.ratings}

    @cached_property
    def skills(self) -> dict[str, MatrixSkill]:
        return {skill.slug: skill for skill in self.matrix.skills}

    @cached_property
    def level_labels(self) -> tuple[str, ...]:
        """level_label of every level of the scale, by level: a report labels two levels per
        requirement of each role it details, hundreds of rows."""
        return tuple(level_label(self.matrix, level) for level in range(len(self.matrix.scale)))

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

    @cached_property
    def _requirements(self) -> dict[str, list[MatrixRequirement]]:
        return {}

    def requirements(self, role_score: RoleScore) -> list[MatrixRequirement]:
        """The role's requirements in skill order (sorted once: a report lists them in
        several tables and charts)."""
        role = role_score.role
        if role.slug not in self._requirements:
            self._requirements[role.slug] = sorted(
                role.requirements, key=lambda r: self._skill_order[r.skill]
            )
        return self._requirements[role.slug]


def score_assessment(assessment: Assessment, mentor_levels: dict[str, int] | None = None) -> Scored:
    """Score an assessment on its pinned version, and over a mentor's levels when given (the
    reviewed score): one query for the answers, and four for the matrix the first time this
    process meets its version (published_matrix) or every time for a draft's. A submitted
    assessment's is worked out once per process (submitted_key): no query after that."""
    matrix = published_matrix(assessment.version)
    key = submitted_key(assessment, mentor_levels)
    ratings, score = _SUBMITTED_SCORES.get_or_make(
        key, lambda: _score(assessment, matrix, mentor_levels)
    )
    return Scored(assessment=assessment, matrix=matrix, ratings=ratings, score=score, kept_as=key)


def _score(
    assessment: Assessment, matrix: Matrix, mentor_levels: dict[str, int] | None
) -> tuple[tuple[tuple[str, int, str], ...], Score]:
    order = {skill.slug: position for position, skill in enumerate(matrix.skills)}
    ratings = sorted(
        (rating for rating in assessment.stored_ratings() if rating[0] in order),
        key=lambda rating: order[rating[0]],
    )
    score = scoring.score(matrix, {slug: level for slug, level, _ in ratings}, mentor_levels)
    return tuple(ratings), score


# A submitted assessment's answers and evidence never change, nor does a published version:
# so neither does its score over a given review's levels. Once worked out, it serves every later
# view of its report and exports in this process (the seeker's, their mentors'), with what the
# report makes of it (reports.kept_report). Each process keeps its own few; nothing here is
# needed by another process.
_SUBMITTED_SCORES: Kept[tuple[tuple[tuple[str, int, str], ...], Score]] = Kept(128)


def submitted_key(
    assessment: Assessment, mentor_levels: dict[str, int] | None = None
) -> tuple | None:
    """What keeps a submitted assessment's score: its id, its published version's content
    hash and the mentor's levels it is reviewed with (None: self-assessed only); None for a
    draft, or an assessment on a version that is not published, whose score may change."""
    version_key = kept_key(assessment.version)
    if not assessment.is_submitted or version_key is None:
        return None
    reviewed = frozenset(mentor_levels.items()) if mentor_levels is not None else None
    return (assessment.pk, version_key[1], reviewed)


# A published version never changes (its content_hash covers all of it), so its matrix, once
# built, serves every later request of this process, with the engine's index and the gaps it
# has made: a cohort view scoring hundreds of people pays for it once. Each process keeps its
# own few; nothing here is needed by another process.
_PUBLISHED_MATRICES: Kept[Matrix] = Kept(16)


def published_matrix(version: MatrixVersion) -> Matrix:
    """scoring_matrix(version), built once per process for a published version (four queries
    the first time, none after); a draft's is built afresh each time."""
    return _matrices({version.pk: version})[version.pk]


# What each level of each skill looks like: read for every report, and as immutable as the
# matrix in a published version, so kept the same way.
_PUBLISHED_STATEMENTS: Kept[dict[str, dict[str, str]]] = Kept(16)


def published_statements(assessment: Assessment) -> dict[str, dict[str, str]]:
    """Assessment.level_statements() (skill slug -> {level: statement}; not to be changed),
    read once per process for a published version (one query the first time, none after)
    and every time for a draft's."""
    key = kept_key(assessment.version)
    return _PUBLISHED_STATEMENTS.get_or_make(key, assessment.level_statements)


# The skills of a published version, as immutable as its matrix: every step page shows one
# category's, with their level statements, and every answer names one by its slug.
@dataclass(frozen=True)
class VersionSkills:
    by_category: dict[int, tuple[Skill, ...]]  # in step order
    by_slug: dict[str, Skill]


_PUBLISHED_SKILLS: Kept[VersionSkills] = Kept(16)


def step_skills(version: MatrixVersion, category: Category) -> tuple[Skill, ...]:
    """The category's skills in step order (not to be changed): for a published version the
    whole version's read once per process (one query the first time, none after), for a
    draft the category's every time."""
    key = kept_key(version)
    if key is None:
        return tuple(Skill.objects.filter(category=category).order_by("position", "pk"))
    return _version_skills(version, key).by_category.get(category.pk, ())


def version_skill(version: MatrixVersion, slug: str) -> Skill | None:
    """The version's skill with this slug, its category read with it (not to be changed), or
    None: for a published version from the skills step_skills keeps (one query the first
    time this process meets the version, none after), for a draft one query every time."""
    key = kept_key(version)
    if key is None:
        skills = Skill.objects.filter(version=version, slug=slug).select_related("category")
        return skills.first()
    return _version_skills(version, key).by_slug.get(slug)


def _version_skills(version: MatrixVersion, key: tuple[int, str]) -> VersionSkills:
    def read() -> VersionSkills:
        skills = Skill.objects.filter(version=version).select_related("category")
        by_category: dict[int, list[Skill]] = {}
        for skill in skills.order_by("category_id", "position", "pk"):
            by_category.setdefault(skill.category_id, []).append(skill)
        return VersionSkills(
            by_category={pk: tuple(found) for pk, found in by_category.items()},
            by_slug={skill.slug: skill for found in by_category.values() for skill in found},
        )

    return _PUBLISHED_SKILLS.get_or_make(key, read)


def matrices_of(assessments: Iterable[Assessment]) -> dict[int, Matrix]:
    """The scoring matrix of each version the assessments are pinned to: four queries for
    all the versions this process has not built yet (published_matrix), none for the others,
    whatever the number of assessments."""
    return _matrices({assessment.version_id: assessment.version for assessment in assessments})


def version_matrices(versions: dict[int, MatrixVersion]) -> dict[int, Matrix]:
    """The scoring matrix of each of `versions` (by id), as matrices_of() reads them."""
    return _matrices(versions)


def kept_key(version: MatrixVersion) -> tuple[int, str] | None:
    """What keeps what is made from a version for later requests: its id and content hash,
    for a published version only (a draft may still change); None otherwise."""
    if not version.is_published or not version.content_hash:
        return None
    return (version.pk, version.content_hash)


def _matrices(versions: dict[int, MatrixVersion]) -> dict[int, Matrix]:
    """Each version's matrix, from this process's published ones where it has them, the rest
    built together (scoring_matrices) and the published ones among them kept."""
    keys = {version_id: kept_key(version) for version_id, version in versions.items()}
    kept = _PUBLISHED_MATRICES.get_many(key for key in keys.values() if key is not None)
    found = {version_id: kept[key] for version_id, key in keys.items() if key in kept}
    missing = [version for version_id, version in versions.items() if version_id not in found]
    if not missing:
        return found
    built = scoring_matrices(missing)
    _PUBLISHED_MATRICES.put_many(
        {keys[version.pk]: built[version.pk] for version in missing if keys[version.pk] is not None}
    )
    return {**found, **built}


def stored_levels(
    snapshots: Iterable[tuple[uuid.UUID, int, str]], matrices: dict[int, Matrix]
) -> dict[uuid.UUID, list[int]]:
    """Assessments' levels in their matrix's skill order (what score_role takes), from
    (assessment id, version id, submitted_levels): the snapshot kept at submission, without a
    query; for drafts and rows without one, their ratings, in one query for all of those."""
    levels: dict[uuid.UUID, list[int]] = {}
    missing: list[tuple[uuid.UUID, int]] = []
    for assessment_id, version_id, snapshot in snapshots:
        found = levels_from_snapshot(snapshot, len(matrices[version_id].skills))
        if found is None:
            missing.append((assessment_id, version_id))
        else:
            levels[assessment_id] = found
    if missing:
        ids = [assessment_id for assessment_id, _ in missing]
        stored = Rating.objects.filter(assessment__in=ids).levels_by_assessment()
        for assessment_id, version_id in missing:
            by_slug = stored.get(assessment_id, {})
            skills = matrices[version_id].skills
            levels[assessment_id] = [by_slug.get(skill.slug, 0) for skill in skills]
    return levels


# --- How figures read --------------------------------------------------------------------------


def percent(coverage: Fraction) -> int:
    """Whole percent, rounded down, so a role shown at 90 % really reaches a 90 % threshold."""
    if isinstance(coverage, Fraction):
        # The same in integers, without a Fraction product: a cohort view asks for hundreds.
        return coverage.numerator * 100 // coverage.denominator
    return math.floor(coverage * 100)


def threshold_percent(threshold: Fraction) -> str:
    return f"{float(threshold * 100):g}%"


def level_label(matrix: Matrix, level: int) -> str:
    return f"{level} · {matrix.scale[level]}"
