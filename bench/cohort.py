"""How fast is a mentor's cohort view at 200 mentees x 150 skills? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH): a synthetic ladder of 8 roles x 150 skills
(tests.factories.make_ladder), 200 mentees of one mentor, each with one submitted assessment
of seeded random levels aiming for a random rung. Each URL goes through Django's test Client
in-process (middleware, session, auth, views and templates; no network), and a trivial
template served the same way (same middleware, session and user) is timed in the same run as
the floor, in rounds of one request per URL so that a shared machine's load falls on all of
them alike. Prints the median time of each, the median of its ratio to the floor within a
round (target for the cohort view: 10x or less), the response size and the queries per
request (after warm-up: the published matrix is built once per process, see
assessments.scored.published_matrix; the first request adds its four queries).

    SECRET_KEY=bench .venv/bin/python bench/cohort.py [--repeats 30] [--mentees 200]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SKILLS = 150
ROLES = 8
CATEGORIES = 4
WARMUP = 3
TARGET = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per URL (30)")
    parser.add_argument("--mentees", type=int, default=200, help="mentees of the mentor (200)")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-bench-cohort-"))
    # Before Django reads its settings: a throwaway SQLite file, never DATABASE_URL's server.
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    try:
        run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    # WhiteNoise notes that collectstatic has not run; static files are not timed here.
    warnings.filterwarnings("ignore", message="No directory at")

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.test import Client
    from django.urls import include, path

    from assessments.models import Assessment, Rating
    from tests.factories import make_ladder, make_mentorship

    # What the test suite sets too: plain static storage (no collectstatic), the test host,
    # plain HTTP and a fast password hasher.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    trivial = engines["django"].from_string(
        "<!doctype html><title>Trivial</title><p>Hello {{ request.user.get_username }}</p>"
    )

    def trivial_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(trivial.render({}, request))

    urlconf = ModuleType("bench_urls")
    urlconf.urlpatterns = [
        path("bench/trivial/", trivial_view),
        path("", include("careerfit.urls")),
    ]
    settings.ROOT_URLCONF = urlconf

    call_command("migrate", verbosity=0)
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
    urls = {
        "trivial template": "/bench/trivial/",
        "account page": "/accounts/",
        "cohort view": "/mentoring/cohort/",
        "cohort, sorted": f"/mentoring/cohort/?sort={skills[len(skills) // 2].slug}",
        "mentoring page": "/mentoring/",
    }
    queries: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, url in urls.items():
        for _ in range(WARMUP):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        sizes[name] = len(response.content)
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            client.get(url)
        queries[name] = count
    # Rounds of one request per URL, so that every URL meets the same load on a shared
    # machine; the ratio to the floor is the median of each round's own ratio.
    timings: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(args.repeats):
        for name, url in urls.items():
            gc.collect()  # no request pays for the garbage of the one before
            start = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - start)
    floors = timings["trivial template"]
    results = {
        name: (
            statistics.median(times),
            statistics.median(t / f for t, f in zip(times, floors, strict=True)),
            sizes[name],
            queries[name],
        )
        for name, times in timings.items()
    }

    print(
        f"Cohort benchmark: {args.mentees} mentees x {SKILLS} skills ({ROLES} roles, "
        f"{CATEGORIES} categories), one submitted assessment each; SQLite; Django test Client "
        f"in-process; {args.repeats} rounds of one request per URL after {WARMUP} warm-up"
    )
    print(f"  {'':18} {'median':>10} {'x trivial':>10} {'size':>10} {'queries':>8}")
    for name, (median, ratio, size, query_count) in results.items():
        print(
            f"  {name:18} {median * 1000:>7.2f} ms {ratio:>9.1f}x "
            f"{size / 1024:>7.1f} KB {query_count:>8}"
        )
    ratio = results["cohort view"][1]
    verdict = "ok" if ratio <= TARGET else "over"
    print(f"  cohort view / trivial: {ratio:.1f}x   target <= {TARGET}x: {verdict}")


if __name__ == "__main__":
    main()
