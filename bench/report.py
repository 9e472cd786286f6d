"""How fast are the report page and its exports? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH), a synthetic ladder of 8 roles x 150 skills
(tests.factories.make_ladder) and one submitted assessment with seeded random levels. Each URL
goes through Django's test Client in-process (middleware, session, auth, views and templates;
no network), and a trivial template served the same way (same middleware, session and user)
is timed in the same run as the floor (bench/inprocess.py). Prints the median of each, its ratio
to the floor, the response size and the queries per request.

    SECRET_KEY=bench .venv/bin/python bench/report.py [--repeats 50]
"""

from __future__ import annotations

import argparse
import random

from inprocess import print_results, serve_to_test_client, throwaway_sqlite, time_pages

SKILLS = 150
ROLES = 8
CATEGORIES = 4


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50, help="timed rounds (50)")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_sqlite("report"):
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    serve_to_test_client()

    from django.test import Client

    from assessments.models import Rating
    from tests.factories import AssessmentFactory, UserFactory, make_ladder

    rng = random.Random(args.seed)
    ladder = make_ladder(skills=SKILLS, roles=ROLES, categories=CATEGORIES)
    user = UserFactory(username="bench")
    assessment = AssessmentFactory(user=user, version=ladder)
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=rng.randint(0, 5))
        for skill in ladder.skills.all()
    )
    assessment.submit()

    client = Client()
    client.force_login(user)
    base = f"/assessments/{assessment.pk}"
    results = time_pages(
        client,
        {
            "report page": f"{base}/report/",
            "report.json": f"{base}/report.json",
            "report.csv": f"{base}/report.csv",
        },
        args.repeats,
    )
    print(
        f"Report benchmark: {SKILLS} skills, {ROLES} roles, {CATEGORIES} categories; "
        f"one submitted assessment; SQLite; Django test Client in-process; "
        f"{args.repeats} rounds of one request per URL"
    )
    print_results(results)


if __name__ == "__main__":
    main()
