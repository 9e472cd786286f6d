"""Does one person's history slow their own pages down? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH), a synthetic ladder of 8 roles x 164 skills
(tests.factories.make_ladder) and three people with 1, 10 and 50 submitted assessments on it,
each a month after the one before, a third of the skills moving between one and the next. Their
progress page and My assessments go through Django's test Client in-process (bench/inprocess.py),
with the login page timed in the same rounds by the same signed-in client as the floor: the
cheapest page that renders the site's layout. Prints, per page, the median, its ratio to the
login page, the response size and the queries per request.

    SECRET_KEY=bench .venv/bin/python bench/history.py [--repeats 30]

With --rating-table, instead: what the rating table costs per million ratings on PostgreSQL,
before and after migration 0005 dropped the assessment index (the unique (assessment, skill)
index covers it). A database is created for the run on DATABASE_URL's server and dropped
afterwards; 1,000,000 ratings (6,098 assessments x 164 skills, assessments with random UUIDs,
their answers written together as autosave writes them) are filled by set-based SQL, then
the size of the table and of each index, and the plans of the reads by assessment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careerfit_bench_ratings \
        SECRET_KEY=bench .venv/bin/python bench/history.py --rating-table
"""

from __future__ import annotations

import argparse
import os
import random
import urllib.parse
from datetime import timedelta

from inprocess import (
    Timing,
    get,
    load_words,
    serve_to_test_client,
    throwaway_sqlite,
    time_requests,
)

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
    parser.add_argument(
        "--rating-table", action="store_true", help="rating table sizes on PostgreSQL instead"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.rating_table:
        rating_table()
        return
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
        f"load average {load_words()}"
    )
    print(
        f"  {'':28} {'median':>10} {'x login':>8} {'size':>10} {'queries':>8}   "
        f"target at 50: <= {TARGET:g}x login"
    )
    for count in HISTORIES:
        user = _person_with_history(ladder, count, rng)
        client = Client()
        client.force_login(user)
        results = time_requests(
            client,
            {
                LOGIN: get("/accounts/login/"),
                "progress page": get(f"/assessments/progress/{ladder.track.slug}/"),
                "my assessments": get("/assessments/"),
            },
            args.repeats,
            floor=LOGIN,
        )
        for name in (LOGIN, "progress page", "my assessments"):
            _print_row(f"{name}, {count} assessments", results[name], count)


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


def _print_row(name: str, timing: Timing, count: int) -> None:
    ratio = timing.ratio  # the median of the rounds' own ratios to the login page
    verdict = ""
    if name.startswith(("progress", "my assessments")) and count == HISTORIES[-1]:
        verdict = "met" if ratio <= TARGET else "not met"
    print(
        f"  {name:28} {timing.median * 1000:>7.2f} ms {ratio:>7.1f}x "
        f"{timing.size / 1024:>7.1f} KB {timing.queries:>8}   {verdict}"
    )


# --- The rating table on PostgreSQL ------------------------------------------------------------

RATINGS = 1_000_000


def rating_table() -> None:
    from autosave import TemporaryPostgres

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database for the run to create.")
    database = TemporaryPostgres(url, urllib.parse.urlsplit(url).path.lstrip("/") or None)
    os.environ["DATABASE_URL"] = database.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    database.create()
    try:
        _measure_rating_table()
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()


def _measure_rating_table() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.factories import UserFactory, make_ladder

    call_command("migrate", verbosity=0)
    call_command("migrate", "assessments", "0004", verbosity=0)
    ladder = make_ladder(skills=SKILLS, roles=ROLES, categories=CATEGORIES)
    user = UserFactory()
    assessments = -(-RATINGS // SKILLS)
    role = ladder.roles.order_by("-rank").first()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO assessments_assessment (id, user_id, track_id, version_id,
                target_role_id, status, created_at, updated_at, submitted_levels)
            SELECT gen_random_uuid(), %s, %s, %s, %s, 'draft',
                now() - make_interval(mins => n), now(), ''
            FROM generate_series(1, %s) AS n
            """,
            [user.pk, ladder.track_id, ladder.pk, role.pk, assessments],
        )
        # One assessment's answers after another's, as people answer: the random UUIDs land
        # all over the (assessment, skill) index.
        cursor.execute(
            """
            INSERT INTO assessments_rating (assessment_id, skill_id, level, evidence,
                sequence, updated_at)
            SELECT a.id, s.id, (random() * 5)::int, '', 0, now()
            FROM assessments_assessment a CROSS JOIN roles_skill s
            WHERE s.version_id = %s
            ORDER BY a.created_at, s.id
            LIMIT %s
            """,
            [ladder.pk, RATINGS],
        )
        cursor.execute("VACUUM ANALYZE assessments_rating")
        print(
            f"Rating table on PostgreSQL: {RATINGS:,} ratings ({assessments:,} assessments x "
            f"{SKILLS} skills, random UUIDs); load average {load_words()}"
        )
        _print_sizes(cursor, "before (migration 0004)")
        sample = _sample_assessment(cursor)
        call_command("migrate", "assessments", verbosity=0)
        cursor.execute("VACUUM ANALYZE assessments_rating")
        _print_sizes(cursor, "after (migration 0005)")
        _print_plans(cursor, sample)


def _print_sizes(cursor, when: str) -> None:
    cursor.execute(
        """
        SELECT indexrelid::regclass::text, pg_relation_size(indexrelid)
        FROM pg_index WHERE indrelid = 'assessments_rating'::regclass ORDER BY 1
        """
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT pg_relation_size('assessments_rating'), "
        "pg_total_relation_size('assessments_rating')"
    )
    table, total = cursor.fetchone()
    per_million = 1_000_000 / RATINGS / 2**20
    print(f"  {when}: total {total * per_million:.1f} MB per million ratings")
    print(f"    {'table (heap)':44} {table * per_million:>7.1f} MB")
    for name, size in indexes:
        print(f"    {name:44} {size * per_million:>7.1f} MB")


def _sample_assessment(cursor) -> str:
    cursor.execute("SELECT assessment_id FROM assessments_rating ORDER BY random() LIMIT 1")
    return str(cursor.fetchone()[0])


def _print_plans(cursor, assessment_id: str) -> None:
    """The app's reads of one assessment's ratings (report, autosave progress, the delete of an
    assessment), after the drop: each should use the unique (assessment, skill) index."""
    reads = {
        "ratings of one assessment": (
            "SELECT skill_id, level, evidence FROM assessments_rating WHERE assessment_id = %s"
        ),
        "one rating (autosave upsert)": (
            "SELECT id FROM assessments_rating WHERE assessment_id = %s AND skill_id = "
            "(SELECT min(skill_id) FROM assessments_rating)"
        ),
        "answered count (progress)": (
            "SELECT count(*) FROM assessments_rating WHERE assessment_id = %s"
        ),
        "delete an assessment's ratings": (
            "DELETE FROM assessments_rating WHERE assessment_id = %s"
        ),
    }
    for name, sql in reads.items():
        cursor.execute(f"EXPLAIN {sql}", [assessment_id])
        plan = " / ".join(row[0].strip() for row in cursor.fetchall())
        print(f"  {name}: {plan}")


if __name__ == "__main__":
    main()
