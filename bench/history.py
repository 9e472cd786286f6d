"""Does one person's history slow their own pages down? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH), a synthetic ladder of 8 roles x 164 skills
(tests.factories.make_ladder) and three people with 1, 10 and 50 submitted assessments on it,
each a month after the one before, a third of the skills moving between one and the next. Their
progress page and My assessments go through Django's test Client in-process (bench/inprocess.py),
with the login page timed in the same rounds by the same signed-in client as the floor: the
cheapest page that renders the site's layout. Prints, per page, the median, its ratio to the
login page, the response size and the queries per request.

    SECRET_KEY=bench .venv/bin/python bench/history.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import timedelta

from inprocess import Timing, serve_to_test_client, throwaway_sqlite, time_pages

SKILLS = 164
ROLES = 8
CATEGORIES = 4
HISTORIES = (1, 10, 50)
LOGIN = "login page"
TARGET = 3.0  # times the login page, at 50 assessments


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed rounds (30)")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_sqlite("history"):
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    serve_to_test_client()

    from django.test import Client

    from tests.factories import make_ladder

    rng = random.Random(args.seed)
    ladder = make_ladder(skills=SKILLS, roles=ROLES, categories=CATEGORIES)
    print(
        f"History benchmark: {SKILLS} skills, {ROLES} roles, {CATEGORIES} categories; "
        f"SQLite; Django test Client in-process; {args.repeats} rounds of one request per URL; "
        f"load average {_load()}"
    )
    print(
        f"  {'':28} {'median':>10} {'x login':>8} {'size':>10} {'queries':>8}   "
        f"target at 50: <= {TARGET:g}x login"
    )
    for count in HISTORIES:
        user = _person_with_history(ladder, count, rng)
        client = Client()
        client.force_login(user)
        results = time_pages(
            client,
            {
                LOGIN: "/accounts/login/",
                "progress page": f"/assessments/progress/{ladder.track.slug}/",
                "my assessments": "/assessments/",
            },
            args.repeats,
        )
        login = results[LOGIN]
        for name in (LOGIN, "progress page", "my assessments"):
            _print_row(f"{name}, {count} assessments", results[name], login, count)


def _person_with_history(ladder, count: int, rng: random.Random):
    """A user with `count` submitted assessments on the ladder, a month apart."""
    from django.utils import timezone

    from assessments.models import Assessment, Rating
    from tests.factories import AssessmentFactory, UserFactory

    user = UserFactory(username=f"history-{count}")
    skills = list(ladder.skills.all())
    levels = [rng.randint(0, 3) for _ in skills]
    start = timezone.now() - timedelta(days=30 * count)
    for number in range(count):
        assessment = AssessmentFactory(user=user, version=ladder)
        Rating.objects.bulk_create(
            Rating(assessment=assessment, skill=skill, level=level)
            for skill, level in zip(skills, levels, strict=True)
        )
        assessment.submit()
        moment = start + timedelta(days=30 * number)
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=moment - timedelta(hours=1), submitted_at=moment
        )
        levels = [
            min(5, max(0, level + rng.choice((-1, 1)))) if rng.random() < 1 / 3 else level
            for level in levels
        ]
    return user


def _print_row(name: str, timing: Timing, login: Timing, count: int) -> None:
    ratio = timing.ratio / login.ratio
    verdict = ""
    if name.startswith(("progress", "my assessments")) and count == HISTORIES[-1]:
        verdict = "met" if ratio <= TARGET else "not met"
    print(
        f"  {name:28} {timing.median * 1000:>7.2f} ms {ratio:>7.1f}x "
        f"{timing.size / 1024:>7.1f} KB {timing.queries:>8}   {verdict}"
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
