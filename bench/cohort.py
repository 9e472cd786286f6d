"""How fast is a mentor's cohort view at 200 mentees x 150 skills? Prints figures; not a test.

Against a fresh temporary SQLite file: a synthetic ladder of 8 roles x 150 skills
(tests.factories.make_ladder), 200 mentees of one mentor, each with one submitted assessment
of seeded random levels aiming for a random rung. Each URL goes through Django's test Client
in-process (middleware, session, auth, views and templates; no network), timed against a
trivial template served the same way in the same run (bench/inprocess.py). Prints the median
time of each, its ratio to the trivial page (target for the cohort view: 10x or less), the
response size and the queries per request after warm-up (a published version's matrix is
built once per process, assessments.scored.published_matrix: the first request adds four;
each submitted assessment's row is scored once per process, assessments.cohort).

    SECRET_KEY=bench .venv/bin/python bench/cohort.py [--repeats 30] [--mentees 200]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time

from inprocess import TRIVIAL, print_results, serve_to_test_client, throwaway_sqlite, time_pages

SKILLS = 150
ROLES = 8
CATEGORIES = 4
TARGET = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed rounds (30)")
    parser.add_argument("--mentees", type=int, default=200, help="mentees of the mentor (200)")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_sqlite("cohort"):
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    serve_to_test_client()

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from assessments.kept import forget_everything
    from assessments.models import Assessment, Rating
    from tests.factories import make_ladder, make_mentorship

    rng = random.Random(args.seed)
    ladder = make_ladder(skills=SKILLS, roles=ROLES, categories=CATEGORIES)
    roles = list(ladder.roles.all())
    skills = list(ladder.skills.all())
    mentor = User.objects.create_user("mentor", "mentor@example.com", "x")
    mentees = User.objects.bulk_create(
        User(username=f"mentee{number:03}", email=f"mentee{number:03}@example.com")
        for number in range(args.mentees)
    )
    for mentee in mentees:
        make_mentorship(mentee, mentor)
    assessments = Assessment.objects.bulk_create(
        Assessment(user=mentee, track=ladder.track, version=ladder, target_role=rng.choice(roles))
        for mentee in mentees
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=rng.randint(0, 5))
        for assessment in assessments
        for skill in skills
    )
    for assessment in assessments:
        assessment.submit()

    client = Client()
    client.force_login(mentor)
    results = time_pages(
        client,
        {
            "account page": "/accounts/",
            "cohort view": "/mentoring/cohort/",
            "cohort, sorted": f"/mentoring/cohort/?sort={skills[len(skills) // 2].slug}",
            "mentoring page": "/mentoring/",
        },
        args.repeats,
    )
    print(
        f"Cohort benchmark: {args.mentees} mentees x {SKILLS} skills ({ROLES} roles, "
        f"{CATEGORIES} categories), one submitted assessment each; SQLite; Django test Client "
        f"in-process; {args.repeats} rounds of one request per URL"
    )
    print_results(results)
    ratio = results["cohort view"].ratio
    verdict = "ok" if ratio <= TARGET else "over"
    print(f"  cohort view / trivial: {ratio:.1f}x   target <= {TARGET}x: {verdict}")
    # The first request of a process builds the version's matrix (four queries more) and
    # scores every row.
    cold = []
    for _ in range(10):
        forget_everything()
        gc.collect()
        start = time.perf_counter()
        client.get("/mentoring/cohort/")
        cold.append(time.perf_counter() - start)
    forget_everything()
    queries = 0

    def counter(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        client.get("/mentoring/cohort/")
    floor, first = results[TRIVIAL].median, statistics.median(cold)
    print(
        f"  first request of a process (matrix built, rows scored): {first * 1000:.2f} ms, "
        f"{first / floor:.1f}x the trivial median, {queries} queries"
    )


if __name__ == "__main__":
    main()
