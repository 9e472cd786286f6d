"""How fast are the report page, its exports and a questionnaire step? Prints figures; not a
test.

Against a fresh temporary SQLite file (SQLITE_PATH), two ladders: the shipped MLOps ladder
(roles/ladders/mlops.yaml, 75 skills) and a synthetic one of 164 skills x 8 roles in 4
categories (tests.factories.make_ladder). On each, one submitted assessment with seeded random
levels (the report and its exports, viewed again and again as its kept report serves it), as
many more each viewed once (the report's first view) and one draft with half of its skills
answered (the step page: the category with the most skills). Each URL goes through Django's
test Client in-process (middleware, session, auth, views and templates; no network), in the
same rounds as the login page, the floor the speed targets are measured against (the cheapest
page that renders the site's layout), and as a trivial template served the same way
(bench/inprocess.py).

Prints for each page its median and 95th percentile, its ratio to the login page and to the
trivial template (medians of the rounds' own ratios), the response size and the queries per
request; then the load average.

    SECRET_KEY=bench .venv/bin/python bench/report.py [--repeats 50] [--skills 75 164]
"""

from __future__ import annotations

import argparse
import os
import random

from inprocess import (
    TRIVIAL,
    first_report_views,
    get,
    import_mlops_ladder,
    load_words,
    serve_to_test_client,
    submitted_assessment,
    throwaway_sqlite,
    time_requests,
)

SHIPPED = 75
ROLES = 8
CATEGORIES = 4
FLOOR = "login page"
# Targets as ratios to the login page's median (issue 13).
TARGETS = {"report page": 3.0, "first view": 3.0, "report.json": 2.0, "step page": 2.0}
# The report page's 95th percentile, as a ratio to its own median.
REPORT_SPREAD = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50, help="timed rounds (50)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--skills",
        type=int,
        nargs="+",
        default=[SHIPPED, 164],
        help=f"ladder sizes ({SHIPPED}: the shipped MLOps ladder; others synthetic, {ROLES} roles)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_sqlite("report"):
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    serve_to_test_client()

    from tests.factories import make_ladder

    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    for skills in args.skills:
        if skills == SHIPPED:
            version = import_mlops_ladder()
            label = f"shipped MLOps ladder, {version.skills.count()} skills"
        else:
            version = make_ladder(skills=skills, roles=ROLES, categories=CATEGORIES)
            label = f"synthetic ladder, {skills} skills x {ROLES} roles x {CATEGORIES} categories"
        print(
            f"Report and step page: {label}; SQLite; Django test Client in-process; "
            f"{args.repeats} rounds of one request per URL"
        )
        print_figures(time_ladder(version, rng, args.repeats))
        print()
    print(f"load average (1, 5, 15 min): before {load_words(load_before)}, after {load_words()}")


def time_ladder(version, rng: random.Random, repeats: int) -> list[tuple]:
    from django.test import Client

    from assessments.models import Rating
    from tests.factories import AssessmentFactory, UserFactory

    user = UserFactory(username=f"bench-{version.pk}")
    skills = list(version.skills.all())
    submitted = submitted_assessment(user, version, rng)
    draft = AssessmentFactory(user=user, version=version, track=version.track)
    Rating.objects.bulk_create(
        Rating(assessment=draft, skill=skill, level=rng.randint(0, version.max_level))
        for skill in skills[::2]
    )
    category = max(version.categories.all(), key=lambda category: category.skills.count())

    client = Client()
    client.force_login(user)
    base = f"/assessments/{submitted.pk}"
    requests = {
        TRIVIAL: get("/bench/trivial/"),
        FLOOR: get("/accounts/login/"),
        "report page": get(f"{base}/report/"),
        "first view": first_report_views(user, version, rng, repeats),
        "report.json": get(f"{base}/report.json"),
        "report.csv": get(f"{base}/report.csv"),
        "step page": get(f"/assessments/{draft.pk}/steps/{category.slug}/"),
    }
    results = time_requests(client, requests, repeats, floor=FLOOR)
    trivial = results.pop(TRIVIAL)  # the ratios say it
    return [
        (
            name,
            timing.median,
            timing.p95,
            timing.ratio,
            timing.ratio_to(trivial),
            timing.size,
            timing.queries,
        )
        for name, timing in results.items()
    ]


def print_figures(rows: list[tuple]) -> None:
    print(
        f"  {'':12} {'median':>9} {'p95':>9} {'x login':>8} {'x trivial':>9} {'size':>9} "
        f"{'queries':>7}  target"
    )
    for name, median, p95, to_floor, to_trivial, size, queries in rows:
        target = ""
        if name in TARGETS:
            met = to_floor <= TARGETS[name]
            target = f"<= {TARGETS[name]:g}x login: {'met' if met else 'NOT met'}"
            if name == "report page":
                spread = p95 / median
                met = spread <= REPORT_SPREAD
                target += f"; p95 {spread:.1f}x median: {'met' if met else 'NOT met'}"
        print(
            f"  {name:12} {median * 1000:>6.2f} ms {p95 * 1000:>6.2f} ms {to_floor:>7.1f}x "
            f"{to_trivial:>8.1f}x {size / 1024:>6.1f} KB {queries:>7}  {target}"
        )


if __name__ == "__main__":
    main()
