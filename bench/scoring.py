"""How fast is assessments.scoring.score()? Prints figures; not a test.

A synthetic ladder of 8 roles x 150 skills (100-150 requirements a role, fixed seed). It times
one assessment scored many times against a floor (a bare loop that looks up every requirement's
skill in the ratings and adds up what it covers, no more), the same with every role's ranked
gaps read afterwards (what a report does; score() makes them when first read), and a cohort
of 10,000 random assessments scored one by one. Targets: score() within 2x the floor, the
cohort within 1 s.

    .venv/bin/python bench/scoring.py [--json]

With --json, a last line of JSON holds the figures as rows of bench/run.py's table.
"""

import json
import os
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.scoring import (
    Matrix,
    MatrixCategory,
    MatrixRequirement,
    MatrixRole,
    MatrixSkill,
    score,
)

SEED = 20240601
ROLES = 8
SKILLS = 164
CATEGORIES = 4
TOP_LEVEL = 5
COHORT = 10_000
REPEATS = 7
LOOPS = 200

FLOOR_TARGET = 2
COHORT_TARGET = 1.0


def build_matrix(rng: random.Random) -> Matrix:
    categories = tuple(MatrixCategory(f"category-{i}", f"Category {i}") for i in range(CATEGORIES))
    skills = tuple(
        MatrixSkill(f"skill-{i:03}", f"Skill {i}", categories[i % CATEGORIES].slug)
        for i in range(SKILLS)
    )
    roles = []
    for rank in range(1, ROLES + 1):
        chosen = rng.sample(skills, rng.randint(SKILLS * 2 // 3, SKILLS))
        requirements = tuple(
            MatrixRequirement(
                skill.slug,
                level=min(TOP_LEVEL, max(1, rank // 2 + rng.randint(0, 2))),
                importance=rng.randint(1, 3),
            )
            for skill in chosen
        )
        roles.append(MatrixRole(f"role-{rank}", f"Role {rank}", rank, requirements))
    return Matrix(
        scale=tuple(f"Level {i}" for i in range(TOP_LEVEL + 1)),
        ready_threshold=Fraction(9, 10),
        close_threshold=Fraction(3, 4),
        categories=categories,
        skills=skills,
        roles=tuple(roles),
    )


def random_ratings(rng: random.Random, matrix: Matrix) -> dict[str, int]:
    # Mostly competent people, so some roles are ready and the rest have gaps to rank.
    return {skill.slug: rng.choice((1, 2, 3, 3, 4, 4, 5)) for skill in matrix.skills}


def floor(matrix: Matrix, ratings: dict[str, int]) -> int:
    """The least any scorer must do: touch every requirement once."""
    covered = 0
    for role in matrix.roles:
        for requirement in role.requirements:
            rated = ratings.get(requirement.skill, 0)
            level = requirement.level
            covered += requirement.importance * (rated if rated < level else level)
    return covered


def score_with_gaps(matrix: Matrix, ratings: dict[str, int]) -> int:
    """score() and every role's ranked gaps, as a report reads them."""
    return sum(len(role_score.gaps) for role_score in score(matrix, ratings).roles)


def median_seconds(function, *args) -> float:
    """Median over REPEATS runs of the time of one call, each run averaging LOOPS calls."""
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(LOOPS):
            function(*args)
        samples.append((time.perf_counter() - start) / LOOPS)
    return statistics.median(samples)


def main() -> None:
    rng = random.Random(SEED)
    matrix = build_matrix(rng)
    requirements = sum(len(role.requirements) for role in matrix.roles)
    ratings = random_ratings(rng, matrix)
    cohort = [random_ratings(rng, matrix) for _ in range(COHORT)]

    start = time.perf_counter()
    score(matrix, ratings)  # builds the per-matrix index
    first_call = time.perf_counter() - start

    per_score = median_seconds(score, matrix, ratings)
    per_floor = median_seconds(floor, matrix, ratings)
    per_report = median_seconds(score_with_gaps, matrix, ratings)
    ratio = per_score / per_floor

    cohort_runs = []
    cohort_cpu_runs = []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        for each in cohort:
            score(matrix, each)
        cohort_runs.append(time.perf_counter() - start)
        cohort_cpu_runs.append(time.process_time() - start_cpu)
    cohort_seconds = statistics.median(cohort_runs)
    # On a shared machine the wall clock also counts time spent waiting for a core.
    cohort_cpu_seconds = statistics.median(cohort_cpu_runs)

    result = score(matrix, ratings)
    verdicts = ", ".join(f"{rs.slug} {rs.verdict}" for rs in result.roles)
    floor_ok = "ok" if ratio <= FLOOR_TARGET else "OVER TARGET"
    cohort_ok = "ok" if cohort_seconds <= COHORT_TARGET else "OVER TARGET"
    print(f"ladder: {ROLES} roles x {SKILLS} skills, {requirements} requirements (seed {SEED})")
    print(f"sample: {verdicts}")
    print(f"{'first call (builds the matrix index)':38} {first_call * 1e3:9.2f} ms")
    print(f"{'score() per assessment, median':38} {per_score * 1e6:9.1f} us")
    print(f"{'floor per assessment, median':38} {per_floor * 1e6:9.1f} us")
    print(f"{'score / floor':38} {ratio:9.2f} x   target <= {FLOOR_TARGET}x: {floor_ok}")
    print(f"{'score() + every role gaps, median':38} {per_report * 1e6:9.1f} us")
    print(f"{'  / floor':38} {per_report / per_floor:9.2f} x")
    print(
        f"{f'cohort of {COHORT:,} assessments':38} {cohort_seconds:9.2f} s    "
        f"target <= {COHORT_TARGET:.0f} s: {cohort_ok} (median of {len(cohort_runs)} runs)"
    )
    print(f"{'  of which CPU time (this process)':38} {cohort_cpu_seconds:9.2f} s")
    print(f"{'load average (1 min) while running':38} {os.getloadavg()[0]:9.2f}")
    if "--json" in sys.argv[1:]:
        # For bench/run.py's table: one line, last.
        print(
            json.dumps(
                [
                    table_row(
                        f"score(), {SKILLS} skills x {ROLES} roles, vs a bare loop",
                        f"{per_score * 1e6:.1f} us",
                        ratio,
                        f"<= {FLOOR_TARGET}x the loop",
                        ratio <= FLOOR_TARGET,
                    ),
                    table_row(
                        f"cohort scoring, {COHORT:,} assessments",
                        f"{cohort_seconds:.2f} s",
                        None,
                        f"<= {COHORT_TARGET:.0f} s",
                        cohort_seconds <= COHORT_TARGET,
                    ),
                ]
            )
        )


def table_row(operation: str, median: str, ratio: float | None, target: str, met: bool) -> dict:
    return {
        "operation": operation,
        "queries": "",
        "median": median,
        "p95": "",
        "ratio": ratio,
        "target": target,
        "met": met,
    }


if __name__ == "__main__":
    main()
