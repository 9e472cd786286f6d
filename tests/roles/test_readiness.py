"""roles.readiness, the linter's copy of the readiness rule, agrees with the scoring engine
(assessments.scoring) on random ladders and random levels."""

import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import scoring
from roles.readiness import blocking, coverage, is_ready


@st.composite
def ladders_and_levels(draw):
    """Scales 0..3 to 0..7, up to 20 skills, up to 6 roles with random requirements, ready
    thresholds on a grid (so that coverage often lands on them), and random levels."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    top = rng.randint(3, 7)
    skills = [f"s{i}" for i in range(rng.randint(1, 20))]
    denominator = rng.randint(1, 20)
    ready = Fraction(rng.randint(1, denominator), denominator)
    roles = [
        {
            skill: (rng.randint(1, top), rng.randint(1, 3))
            for skill in rng.sample(skills, rng.randint(0, len(skills)))
        }
        for _ in range(rng.randint(1, 6))
    ]
    levels = {
        skill: rng.choice((0, top, rng.randint(0, top))) for skill in skills if rng.random() < 0.8
    }
    return top, skills, ready, roles, levels


@settings(max_examples=300, deadline=None)
@given(ladders_and_levels())
def test_readiness_agrees_with_the_scoring_engine(case):
    top, skills, ready, roles, levels = case
    matrix = scoring.Matrix(
        scale=tuple(str(level) for level in range(top + 1)),
        ready_threshold=ready,
        close_threshold=Fraction(0),
        categories=(scoring.MatrixCategory("c", "C"),),
        skills=tuple(scoring.MatrixSkill(skill, skill, "c") for skill in skills),
        roles=tuple(
            scoring.MatrixRole(
                f"r{n}",
                f"R{n}",
                n + 1,
                tuple(scoring.MatrixRequirement(s, lv, imp) for s, (lv, imp) in requires.items()),
            )
            for n, requires in enumerate(roles)
        ),
    )

    result = scoring.score(matrix, levels)

    for requires, role_score in zip(roles, result.roles, strict=True):
        assert coverage(requires, levels) == role_score.coverage
        assert set(blocking(requires, levels)) == {gap.skill for gap in role_score.blocking}
        assert is_ready(requires, levels, ready) == (role_score.verdict == scoring.READY)
