"""How fast are the matrix editor's grid page and one cell save? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH), a synthetic ladder of 164 skills x 8 roles
(tests.factories.make_ladder) with a draft open, and a member of the Matrix editors group (not
a superuser: the permission check is part of the cost). Each request goes through Django's test
Client in-process (middleware, session, auth, views and templates; no network); a trivial
template served the same way (same middleware, session and user) is timed in the same run as
the floor. Prints the median of each, its ratio to the floor, the response size and the
queries per request.

Targets: the grid page within 10x the trivial view, one cell save (as htmx sends it) within 3x.
The exit status is 1 when a target is missed.

    SECRET_KEY=bench .venv/bin/python bench/editor.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
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

SKILLS = 164
ROLES = 8
CATEGORIES = 4
WARMUP = 3
TARGETS = {"grid page": 10.0, "cell save": 3.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per URL (30)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-bench-editor-"))
    # Before Django reads its settings: a throwaway SQLite file, never DATABASE_URL's server.
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    try:
        return run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    # WhiteNoise notes that collectstatic has not run; static files are not timed here.
    warnings.filterwarnings("ignore", message="No directory at")

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.test import Client
    from django.urls import include, path

    from tests.factories import UserFactory, make_ladder

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The test client speaks plain HTTP to the app itself; no redirect to HTTPS.
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
    version = make_ladder(skills=SKILLS, roles=ROLES, categories=CATEGORIES)
    draft = version.track.start_draft()
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Matrix editors"))

    client = Client()
    client.force_login(editor)
    track = version.track.slug
    role = draft.roles.order_by("-rank").first().slug
    skill = draft.skills.order_by("position").last().slug
    cell_url = f"/roles/{track}/edit/requirements/{role}/{skill}/"
    levels = iter(range(10**9))

    def cell_save():
        level = 1 + next(levels) % draft.max_level
        return client.post(
            cell_url, {"level": level, "importance": 2}, headers={"HX-Request": "true"}
        )

    requests = {
        "trivial template": lambda: client.get("/bench/trivial/"),
        "grid page": lambda: client.get(f"/roles/{track}/edit/"),
        "cell save": cell_save,
    }
    results = {}
    for name, request in requests.items():
        for _ in range(WARMUP):
            response = request()
            assert response.status_code == 200, (name, response.status_code)
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            request()
        timings = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            response = request()
            timings.append(time.perf_counter() - start)
        results[name] = (statistics.median(timings), len(response.content), queries)

    floor = results["trivial template"][0]
    print(
        f"Matrix editor benchmark: {SKILLS} skills x {ROLES} roles, {CATEGORIES} categories, "
        f"a draft open; SQLite; Django test Client in-process; median of {args.repeats} "
        f"requests after {WARMUP} warm-up"
    )
    print(f"  {'':18} {'median':>10} {'x trivial':>10} {'target':>8} {'size':>10} {'queries':>8}")
    met = True
    for name, (median, size, query_count) in results.items():
        ratio = median / floor
        target = TARGETS.get(name)
        met = met and (target is None or ratio <= target)
        print(
            f"  {name:18} {median * 1000:>7.2f} ms {ratio:>9.1f}x "
            f"{f'<= {target:g}x' if target else '':>8} {size / 1024:>7.1f} KB {query_count:>8}"
        )
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
