"""How fast are the report page and its exports? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH), a synthetic ladder of 8 roles x 150 skills
(tests.factories.make_ladder) and one submitted assessment with seeded random levels. Each URL
goes through Django's test Client in-process (middleware, session, auth, views and templates;
no network), and a trivial template served the same way (same middleware, session and user)
is timed in the same run as the floor. Prints the median of each, its ratio to the floor, the
response size and the queries per request.

    SECRET_KEY=bench .venv/bin/python bench/report.py [--repeats 50]
"""

from __future__ import annotations

import argparse
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50, help="timed requests per URL (50)")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-bench-report-"))
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
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.test import Client
    from django.urls import include, path

    from assessments.models import Rating
    from tests.factories import AssessmentFactory, UserFactory, make_ladder

    # What the test suite sets too: plain static storage (no collectstatic) and the test host.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
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
    urls = {
        "trivial template": "/bench/trivial/",
        "report page": f"{base}/report/",
        "report.json": f"{base}/report.json",
        "report.csv": f"{base}/report.csv",
    }
    results = {}
    for name, url in urls.items():
        for _ in range(WARMUP):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        timings = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        results[name] = (statistics.median(timings), len(response.content), queries)

    floor = results["trivial template"][0]
    print(
        f"Report benchmark: {SKILLS} skills, {ROLES} roles, {CATEGORIES} categories; "
        f"one submitted assessment; SQLite; Django test Client in-process; "
        f"median of {args.repeats} requests after {WARMUP} warm-up"
    )
    print(f"  {'':18} {'median':>10} {'x trivial':>10} {'size':>10} {'queries':>8}")
    for name, (median, size, query_count) in results.items():
        print(
            f"  {name:18} {median * 1000:>7.2f} ms {median / floor:>9.1f}x "
            f"{size / 1024:>7.1f} KB {query_count:>8}"
        )


if __name__ == "__main__":
    main()
