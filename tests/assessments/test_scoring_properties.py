"""Properties of the scoring engine over random ladders and random ratings.

Ladders: scales of N = 3..7 levels, 1..4 categories, 1..30 skills, 1..8 roles whose ranks
repeat (forks) and skip (holes), 0..12 random requirements a role, thresholds with
close <= ready in (0, 1]. Pure Python: nothing here needs Django or a database.
"""

import random
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    VERDICT_ORDER,
    Matrix,
    MatrixCategory,
    MatrixRequirement,
    MatrixRole,
    MatrixSkill,
    gap_table,
    readiness,
    score,
    score_role,
)

PROPERTY = settings(max_examples=200, deadline=None)


def random_ladder(rng: random.Random, top: int, skill_count: int, role_count: int) -> Matrix:
    category_count = rng.randint(1, 4)
    skills = tuple(
        # Slugs like s10 sort before s2, so skill order is not alphabetical order.
        MatrixSkill(f"s{i}", f"Skill {i}", f"c{rng.randrange(category_count)}")
        for i in range(skill_count)
    )
    roles = []
    for number in range(role_count):
        # Ranks 1..6 for up to 8 roles: shared ranks (forks) and missing ranks (holes).
        rank = rng.randint(1, 6)
        required = rng.sample(skills, rng.randint(0, min(12, skill_count)))
        requirements = tuple(
            MatrixRequirement(skill.slug, rng.randint(1, top), rng.randint(1, 3))
            for skill in required
        )
        roles.append(MatrixRole(f"r{number}", f"Role {number}", rank, requirements))
    # close <= ready, both in (0, 1], on a grid so that coverage often lands exactly on them.
    denominator = rng.randint(1, 20)
    ready = rng.randint(1, denominator)
    close = rng.randint(1, ready)
    return Matrix(
        scale=tuple(f"level {level}" for level in range(top + 1)),
        ready_threshold=Fraction(ready, denominator),
        close_threshold=Fraction(close, denominator),
        categories=tuple(MatrixCategory(f"c{i}", f"Category {i}") for i in range(category_count)),
        skills=skills,
        roles=tuple(roles),
    )


def random_levels(rng: random.Random, matrix: Matrix) -> dict[str, int]:
    """Levels for a random share of the skills, often at 0 or the top of the scale."""
    top = matrix.top_level
    share = rng.random()
    return {
        skill.slug: rng.choice((0, top, rng.randint(0, top)))
        for skill in matrix.skills
        if rng.random() < share
    }


# Hypothesis draws the sizes and a seed; the bulk comes from a seeded Random, because drawing
# hundreds of values one by one through Hypothesis made this file several times slower.
@st.composite
def assessments(draw) -> tuple[Matrix, dict[str, int]]:
    top = draw(st.integers(3, 7))
    skill_count = draw(st.integers(1, 30))
    role_count = draw(st.integers(1, 8))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    matrix = random_ladder(rng, top, skill_count, role_count)
    return matrix, random_levels(rng, matrix)


def plain_role(matrix: Matrix, role: MatrixRole, ratings: dict[str, int]):
    """The DESIGN.md formula written as plainly as possible: (coverage, verdict, gap keys)."""
    requirements = role.requirements
    covered = sum(r.importance * min(ratings.get(r.skill, 0), r.level) for r in requirements)
    total = sum(r.importance * r.level for r in requirements)
    coverage = Fraction(covered, total) if total else Fraction(1)
    gaps = {
        r.skill: (r.level - ratings.get(r.skill, 0), r.importance)
        for r in requirements
        if ratings.get(r.skill, 0) < r.level
    }
    blocked = any(importance == 3 for _, importance in gaps.values())
    if coverage >= matrix.ready_threshold and not blocked:
        verdict = "ready"
    elif coverage >= matrix.close_threshold:
        verdict = "close"
    else:
        verdict = "gap"
    return coverage, verdict, gaps


def gap_order_key(matrix: Matrix, gap):
    category_order = [category.slug for category in matrix.categories]
    skill_order = [skill.slug for skill in matrix.skills]
    return (
        -gap.priority,
        -gap.required,
        category_order.index(gap.category),
        skill_order.index(gap.skill),
    )


@PROPERTY
@given(assessments())
def test_it_agrees_with_the_formula_written_plainly(assessment):
    matrix, ratings = assessment
    result = score(matrix, ratings)

    for role_score in result.roles:
        coverage, verdict, gaps = plain_role(matrix, role_score.role, ratings)
        assert role_score.coverage == coverage
        assert role_score.verdict == verdict
        assert {gap.skill: (gap.gap, gap.importance) for gap in role_score.gaps} == gaps
        assert role_score.steps_to_close == sum(size for size, _ in gaps.values())
        assert all(gap.priority == gap.importance * gap.gap for gap in role_score.gaps)


@PROPERTY
@given(assessments())
def test_coverage_is_between_0_and_1_and_is_1_exactly_without_gaps(assessment):
    matrix, ratings = assessment
    for role_score in score(matrix, ratings).roles:
        assert 0 <= role_score.coverage <= 1
        assert 0.0 <= role_score.coverage_float <= 1.0
        assert (role_score.coverage == 1) == (role_score.gaps == ())


@PROPERTY
@given(assessments())
def test_verdicts_agree_with_thresholds_and_blocking(assessment):
    matrix, ratings = assessment
    for role_score in score(matrix, ratings).roles:
        assert role_score.blocking == tuple(g for g in role_score.gaps if g.importance == 3)
        meets_ready = role_score.coverage >= matrix.ready_threshold
        meets_close = role_score.coverage >= matrix.close_threshold
        if role_score.verdict == "ready":
            assert meets_ready
            assert role_score.blocking == ()
        elif role_score.verdict == "close":
            assert meets_close
            assert not meets_ready or role_score.blocking
        else:
            assert not meets_close
        for category in role_score.categories:
            assert 0 <= category.met <= category.requirements
            assert (category.coverage == 1) == (category.met == category.requirements)


@PROPERTY
@given(st.data())
def test_raising_one_rating_never_lowers_coverage_or_worsens_a_verdict(data):
    matrix, ratings = data.draw(assessments())
    skill = data.draw(st.sampled_from([skill.slug for skill in matrix.skills]))
    current = ratings.get(skill, 0)
    if current == matrix.top_level:
        ratings[skill] = current = matrix.top_level - 1
    raised = ratings | {skill: data.draw(st.integers(current + 1, matrix.top_level))}

    before = score(matrix, ratings).roles
    after = score(matrix, raised).roles
    for old, new in zip(before, after, strict=True):
        assert new.coverage >= old.coverage
        assert VERDICT_ORDER[new.verdict] >= VERDICT_ORDER[old.verdict]
        assert len(new.gaps) <= len(old.gaps)


@PROPERTY
@given(assessments())
def test_gaps_come_in_a_strict_total_order(assessment):
    matrix, ratings = assessment
    result = score(matrix, ratings)
    for role_score in result.roles:
        keys = [gap_order_key(matrix, gap) for gap in role_score.gaps]
        assert all(a < b for a, b in pairwise(keys))
    assert score(matrix, ratings) == result


@PROPERTY
@given(assessments())
def test_fit_next_roles_and_path_follow_the_ranks(assessment):
    matrix, ratings = assessment
    result = score(matrix, ratings)
    ready = [rs for rs in result.roles if rs.verdict == "ready"]
    ranks = [rs.rank for rs in result.roles]
    assert ranks == sorted(ranks)

    if result.current_fit is None:
        assert ready == []
        assert result.path == result.roles
        floor = -1
    else:
        fit = result.current_fit
        assert fit.verdict == "ready"
        assert all(rs.rank <= fit.rank for rs in ready)
        assert all(rs.coverage <= fit.coverage for rs in ready if rs.rank == fit.rank)
        floor = fit.rank
    assert result.path == tuple(rs for rs in result.roles if rs.rank > floor)
    ahead = [rs.rank for rs in result.path]
    assert result.next_roles == tuple(rs for rs in result.path if rs.rank == min(ahead, default=0))


@PROPERTY
@given(assessments())
def test_strengths_exceed_what_every_role_ahead_requires(assessment):
    matrix, ratings = assessment
    result = score(matrix, ratings)
    reference = result.next_roles or ((result.current_fit,) if result.current_fit else ())
    highest = {}
    for role_score in reference:
        for requirement in role_score.role.requirements:
            highest[requirement.skill] = max(highest.get(requirement.skill, 0), requirement.level)

    expected = {skill for skill, level in highest.items() if ratings.get(skill, 0) > level}
    assert {strength.skill for strength in result.strengths} == expected
    for strength in result.strengths:
        assert strength.required == highest[strength.skill]
        assert strength.rated == ratings[strength.skill]


@PROPERTY
@given(assessments(), st.integers(0, 2**32 - 1))
def test_it_does_not_depend_on_the_order_of_the_input(assessment, seed):
    matrix, ratings = assessment
    rng = random.Random(seed)
    result = score(matrix, ratings)

    shuffled_ratings = list(ratings.items())
    rng.shuffle(shuffled_ratings)
    assert score(matrix, dict(shuffled_ratings)) == result

    roles = list(matrix.roles)
    rng.shuffle(roles)
    shuffled = score(
        Matrix(
            scale=matrix.scale,
            ready_threshold=matrix.ready_threshold,
            close_threshold=matrix.close_threshold,
            categories=matrix.categories,
            skills=matrix.skills,
            roles=tuple(roles),
        ),
        ratings,
    )
    # Roles sharing a rank keep input order, so compare per role and as sets.
    assert {rs.slug: rs for rs in shuffled.roles} == {rs.slug: rs for rs in result.roles}
    assert {rs.slug for rs in shuffled.next_roles} == {rs.slug for rs in result.next_roles}
    assert {rs.slug for rs in shuffled.path} == {rs.slug for rs in result.path}
    if result.current_fit is None:
        assert shuffled.current_fit is None
    else:
        # A tie between equally covered ready roles of one rank goes to the first in input
        # order; which one is first may change, what they score may not.
        assert shuffled.current_fit.rank == result.current_fit.rank
        assert shuffled.current_fit.coverage == result.current_fit.coverage


@PROPERTY
@given(st.data())
def test_reviewed_levels_lay_over_self_ratings(data):
    matrix, ratings = data.draw(assessments())
    mentor_levels = random_levels(random.Random(data.draw(st.integers(0, 2**32 - 1))), matrix)

    assert score(matrix, ratings, {}).reviewed == score(matrix, ratings)
    assert score(matrix, ratings, mentor_levels).reviewed == score(matrix, ratings | mentor_levels)


@PROPERTY
@given(assessments())
def test_one_role_scored_alone_is_that_role_of_the_whole_score(assessment):
    matrix, ratings = assessment
    levels = [ratings.get(skill.slug, 0) for skill in matrix.skills]
    whole = score(matrix, ratings)
    for role_score in whole.roles:
        assert score_role(matrix, role_score.slug, levels) == role_score
        ready = readiness(matrix, role_score.slug, levels)
        assert (ready.covered, ready.total, ready.verdict, ready.coverage) == (
            role_score.covered,
            role_score.total,
            role_score.verdict,
            role_score.coverage,
        )


@PROPERTY
@given(assessments())
def test_the_gap_table_gives_each_required_skills_gap_at_every_level(assessment):
    matrix, ratings = assessment
    levels = [ratings.get(skill.slug, 0) for skill in matrix.skills]
    for role in matrix.roles:
        table = gap_table(matrix, role.slug)
        assert set(table) == {requirement.skill for requirement in role.requirements}
        gaps = {gap.skill: gap.gap for gap in score_role(matrix, role.slug, levels).gaps}
        for skill, by_level in table.items():
            assert len(by_level) == matrix.top_level + 1
            assert by_level[ratings.get(skill, 0)] == gaps.get(skill, 0)
