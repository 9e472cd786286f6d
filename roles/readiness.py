"""Whether a person's levels make them ready for one role, by the rule of DESIGN.md "Scoring".

The ladder linter (roles.coherence) needs this, and roles/ may not use assessments.scoring
(imports run assessments -> roles). So this is the rule's small core, with exact fractions;
tests/roles/test_readiness.py checks it against the scoring engine on random ladders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

# skill slug -> (required level, importance), as in the interchange format's `requires`.
Requires = Mapping[str, Sequence[int]]
Levels = Mapping[str, int]

ESSENTIAL = 3


def weight(requires: Requires) -> int:
    """Sum of importance x required level: what full coverage of the role is worth."""
    return sum(importance * level for level, importance in requires.values())


def shortfall(requires: Requires, levels: Levels) -> int:
    """Sum of importance x levels missing: the weight a person does not cover (unrated = 0)."""
    return sum(
        importance * max(0, level - levels.get(skill, 0))
        for skill, (level, importance) in requires.items()
    )


def coverage(requires: Requires, levels: Levels) -> Fraction:
    """Covered weight over full weight, exactly; 1 for a role that requires nothing."""
    total = weight(requires)
    return Fraction(total - shortfall(requires, levels), total) if total else Fraction(1)


def blocking(requires: Requires, levels: Levels) -> list[str]:
    """The essential requirements the levels do not meet, in the order of `requires`."""
    return [
        skill
        for skill, (level, importance) in requires.items()
        if importance == ESSENTIAL and levels.get(skill, 0) < level
    ]


def is_ready(requires: Requires, levels: Levels, threshold: Fraction) -> bool:
    """Ready: coverage reaches the threshold (compared exactly) and nothing essential blocks."""
    return not blocking(requires, levels) and coverage(requires, levels) >= threshold
