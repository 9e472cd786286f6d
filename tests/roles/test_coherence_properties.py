"""What a ladder that lints clean guarantees, checked with the scoring engine on random ladders.

"On a clean ladder a rung is never ready while a lower one is not" is false for arbitrary
profiles under DESIGN.md's formula: a higher rung usually weighs more than a lower one, so the
shortfall it allows (1 - ready threshold of its weight), spent on what the lower rung needs,
can exceed what the lower rung allows. The shipped MLOps ladder has such profiles between every
pair of rungs (test_the_shipped_ladder_has_profiles_ready_above_and_not_below). What does hold,
for a ladder without inversions (holes do not matter) and any rungs L below H:

1. Whoever meets or exceeds every requirement of H, whatever they rate elsewhere, is ready for
   L. (Coverage and blocking only improve as levels rise, and H's exact profile is ready for L:
   that is the inversion check.)
2. More generally, let e(s) be H's required level of skill s (0 where H does not require it)
   and slack = (1 - ready) x weight(L) - shortfall of L at e. Whoever holds every skill that L
   holds essential at min(L's level, e(s)) or above, and whose shortfall against
   min(L's level, e), weighted by L's importances over L's skills, is at most the slack, is
   ready for L. (Per skill, L's gap at any level is at most L's gap at e plus the gap between
   the level and min(L's level, e); summing, L's shortfall stays within (1 - ready) of its
   weight. The essential skills L holds are met at e, or e would be an inversion.)

The linter's worst-case note (roles.coherence.worst_case) is checked against brute force: it
finds every pair of rungs where class 1-2 is all that holds, with the largest shortfall.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import roles
from assessments import scoring
from roles import readiness
from roles.coherence import WORST_CASE, lint, worst_case
from tests.factories import ladder_document, scoring_matrix_of

PROPERTY = settings(max_examples=150, deadline=None)


def random_clean_ladder(rng: random.Random) -> dict:
    """A ladder without holes or inversions: 2..5 rungs, some forked; every role keeps what
    each role of the rung below requires, at that level or up to one above, with any
    importance, adds new skills, and sometimes declares a drop of one or two skills (kept only
    if its exact profile stays ready for every lower role)."""
    top = rng.randint(3, 7)
    skills = [f"s{i}" for i in range(rng.randint(2, 16))]
    # Thresholds 0.05, 0.10, ... 1: coverage often lands exactly on them.
    ready_text = f"{rng.randint(1, 20) * 5 / 100:.2f}"
    ready = Fraction(ready_text)
    lower_roles: list[tuple[int, dict]] = []
    previous: list[dict] = []
    specs = []
    for rank in range(1, rng.randint(2, 5) + 1):
        rung = []
        for number in range(2 if rng.random() < 0.25 else 1):
            inherited: dict[str, int] = {}
            for role in previous:
                for skill, (level, _) in role.items():
                    inherited[skill] = max(inherited.get(skill, 0), level)
            requires = {
                skill: (min(top, level + rng.choice((0, 0, 1))), rng.randint(1, 3))
                for skill, level in inherited.items()
            }
            fresh = [skill for skill in skills if skill not in requires]
            for skill in rng.sample(fresh, min(len(fresh), rng.randint(0 if previous else 1, 3))):
                requires[skill] = (rng.randint(1, top), rng.randint(1, 3))
            drops = {}
            if previous and rng.random() < 0.5:
                for skill in rng.sample(sorted(inherited), min(len(inherited), rng.randint(1, 2))):
                    drops[skill] = "declared in a test"
                kept = {s: pair for s, pair in requires.items() if s not in drops}
                exact = {s: level for s, (level, _) in kept.items()}
                if kept and all(
                    readiness.is_ready(lower, exact, ready) for _, lower in lower_roles
                ):
                    requires = kept
                else:
                    drops = {}
            rung.append(requires)
            specs.append((f"r{rank}-{number}", rank, requires, drops))
        lower_roles += [(rank, role) for role in rung]
        previous = rung
    return ladder_document(
        *specs,
        skills=skills,
        scale=[f"level {level}" for level in range(top + 1)],
        ready=ready_text,
        close="0",
    )


@st.composite
def clean_ladders(draw) -> tuple[dict, random.Random]:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    document = random_clean_ladder(rng)
    assert lint(document).ok, lint(document).lines()
    return document, rng


def pairs(document: dict):
    """(higher role, lower role, threshold) for every two roles of different ranks."""
    ready = Fraction(document["track"]["ready_threshold"])
    for upper in document["roles"]:
        for lower in document["roles"]:
            if lower["rank"] < upper["rank"]:
                yield upper, lower, ready


def ready_roles(document: dict, levels: dict[str, int]) -> set[str]:
    result = scoring.score(scoring_matrix_of(document), levels)
    return {role_score.slug for role_score in result.roles if role_score.verdict == scoring.READY}


def top_of(document: dict) -> int:
    return len(document["scale"]) - 1


@PROPERTY
@given(clean_ladders())
def test_whoever_meets_or_exceeds_a_rung_is_ready_for_every_rung_below(case):
    document, rng = case
    top = top_of(document)
    for upper in document["roles"]:
        below = {role["slug"] for role in document["roles"] if role["rank"] < upper["rank"]}
        exact = {skill: level for skill, (level, _) in upper["requires"].items()}
        assert below <= ready_roles(document, exact)
        for _ in range(5):
            levels = {skill["slug"]: rng.randint(0, top) for skill in document["skills"]}
            for skill, level in exact.items():
                levels[skill] = rng.randint(level, top)
            assert below <= ready_roles(document, levels), (upper["slug"], levels)


def slack_class(upper: dict, lower: dict, ready: Fraction):
    """Membership of class 2 of the module docstring, for one pair of rungs."""
    reached = {skill: level for skill, (level, _) in upper["requires"].items()}
    requires = lower["requires"]
    target = {skill: min(level, reached.get(skill, 0)) for skill, (level, _) in requires.items()}
    slack = (1 - ready) * readiness.weight(requires) - readiness.shortfall(requires, reached)

    def contains(levels: dict[str, int]) -> bool:
        if any(
            levels.get(skill, 0) < target[skill]
            for skill, (_, importance) in requires.items()
            if importance == readiness.ESSENTIAL
        ):
            return False
        spent = sum(
            importance * max(0, target[skill] - levels.get(skill, 0))
            for skill, (_, importance) in requires.items()
        )
        return spent <= slack

    return reached, contains


@PROPERTY
@given(clean_ladders())
def test_whoever_misses_a_rung_by_no_more_than_the_slack_below_is_ready_below(case):
    document, rng = case
    top = top_of(document)
    for upper, lower, ready in pairs(document):
        reached, contains = slack_class(upper, lower, ready)
        # Walk down from the higher rung's exact profile, one level at a time, as far as the
        # class allows: the profiles on the way miss the higher rung, often by a lot.
        levels = dict(reached)
        skills = list(lower["requires"])
        for _ in range(rng.randint(0, 3 * len(skills))):
            skill = rng.choice(skills)
            if levels.get(skill, 0) > 0:
                lowered = {**levels, skill: levels[skill] - 1}
                if contains(lowered):
                    levels = lowered
        assert contains(levels)
        assert lower["slug"] in ready_roles(document, levels), (upper["slug"], levels)
        # And any profile at all that falls in the class.
        for _ in range(5):
            anything = {skill["slug"]: rng.randint(0, top) for skill in document["skills"]}
            if contains(anything):
                assert lower["slug"] in ready_roles(document, anything)


@PROPERTY
@given(clean_ladders())
def test_each_worst_case_note_carries_a_profile_ready_above_and_not_below(case):
    document, _ = case
    for note in lint(document).notes:
        assert note.kind == WORST_CASE
        ready = ready_roles(document, dict(note.example))
        assert note.role in ready
        assert note.below not in ready


@st.composite
def tiny_pairs(draw):
    """Two roles over at most 4 skills on a 0..3 scale, with any requirements: small enough
    to try every profile."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    skills = [f"s{i}" for i in range(rng.randint(1, 4))]

    def requires() -> dict:
        chosen = rng.sample(skills, rng.randint(0, len(skills)))
        return {skill: (rng.randint(1, 3), rng.randint(1, 3)) for skill in chosen}

    denominator = rng.randint(1, 10)
    return skills, requires(), requires(), Fraction(rng.randint(1, denominator), denominator)


@settings(max_examples=300, deadline=None)
@given(tiny_pairs())
def test_worst_case_matches_trying_every_profile(case):
    skills, upper, lower, ready = case
    most_missed, can_block, fails = 0, set(), False
    for combination in itertools.product(range(4), repeat=len(skills)):
        levels = dict(zip(skills, combination, strict=True))
        if not readiness.is_ready(upper, levels, ready):
            continue
        most_missed = max(most_missed, readiness.shortfall(lower, levels))
        can_block.update(readiness.blocking(lower, levels))
        fails = fails or not readiness.is_ready(lower, levels, ready)

    worst = worst_case(upper, lower, ready)

    if not fails:
        assert worst is None
        return
    assert worst is not None
    assert worst.missed == most_missed
    assert set(worst.blocked) == can_block
    assert readiness.is_ready(upper, worst.example, ready)
    assert not readiness.is_ready(lower, worst.example, ready)


SHIPPED = Path(roles.__file__).parent / "ladders" / "mlops.yaml"


def test_the_shipped_ladder_has_profiles_ready_above_and_not_below():
    """The counterexample to the broad claim, on the shipped ladder: between every two rungs
    there is someone the engine finds ready for the higher and not for the lower."""
    data = yaml.safe_load(SHIPPED.read_text())
    ready = Fraction(str(data["track"]["ready_threshold"]))
    ladder = sorted(data["roles"], key=lambda role: role["rank"])
    for upper, lower in itertools.combinations(reversed(ladder), 2):
        upper_requires = {s: tuple(pair) for s, pair in upper["requires"].items()}
        lower_requires = {s: tuple(pair) for s, pair in lower["requires"].items()}
        worst = worst_case(upper_requires, lower_requires, ready)
        assert worst is not None, (upper["slug"], lower["slug"])
        assert Fraction(worst.missed, worst.weight) > 1 - ready
        assert readiness.is_ready(upper_requires, worst.example, ready)
        assert not readiness.is_ready(lower_requires, worst.example, ready)
