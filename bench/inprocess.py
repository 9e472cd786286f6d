"""What the in-process benchmarks share: a throwaway SQLite file, the site served to Django's test
Client as the test suite serves it, and timing pages against a trivial one in the same run.

    with throwaway_sqlite("report"):
        django.setup()
        serve_to_test_client()
        ...
        results = time_pages(client, {"report": url}, repeats=50)
        print_results(results)
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRIVIAL = "trivial template"
WARMUP = 3
MLOPS_LADDER = ROOT / "roles" / "ladders" / "mlops.yaml"


def import_mlops_ladder():
    """The shipped MLOps ladder imported and published (75 skills, 5 roles): its version."""
    import io

    from django.core.management import call_command

    from roles.models import Track

    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())
    return Track.objects.get(slug="mlops").current_version()


def submitted_assessment(user, version, rng: random.Random):
    """An assessment of `user` on `version`, every skill answered at a random level, submitted."""
    from assessments.models import Rating
    from tests.factories import AssessmentFactory

    assessment = AssessmentFactory(user=user, version=version, track=version.track)
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=rng.randint(0, version.max_level))
        for skill in version.skills.all()
    )
    assessment.submit()
    return assessment


def first_report_views(user, version, rng: random.Random, repeats: int) -> Callable:
    """A request for time_requests that opens, on each call, the report of another submitted
    assessment of `user`, one nobody has opened in this process (its version's matrix is
    kept, its score and rows are not): enough of them for the warm-up, the counted call and
    `repeats` rounds."""
    unseen = iter([submitted_assessment(user, version, rng) for _ in range(repeats + WARMUP + 1)])
    return lambda client: client.get(f"/assessments/{next(unseen).pk}/report/")


def load_words(load: Sequence[float] | None = None) -> str:
    """The load average (1, 5, 15 min), now or as read before, as a benchmark prints it."""
    return ", ".join(f"{value:.2f}" for value in (load or os.getloadavg()))


@contextmanager
def throwaway_sqlite(name: str) -> Iterator[Path]:
    """Before Django reads its settings: a temporary SQLite file, never DATABASE_URL's
    server; removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=f"careerfit-bench-{name}-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    try:
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def serve_to_test_client() -> None:
    """What the test suite sets too (plain static storage without collectstatic, the test
    host, plain HTTP, a fast password hasher), the database migrated, and the trivial page
    (site_with_trivial_page)."""
    from django.conf import settings
    from django.core.management import call_command

    # WhiteNoise notes that collectstatic has not run; static files are not timed here.
    warnings.filterwarnings("ignore", message="No directory at")
    site_with_trivial_page()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def site_with_trivial_page() -> None:
    """Plain static file names (collectstatic has not run), and the site's URLs with a trivial
    page at /bench/trivial/: a template greeting the user, through the same middleware,
    session and authentication as every page, as the floor to compare pages with. For the
    test Client and for a server alike."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import include, path

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
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


@dataclass(frozen=True)
class Timing:
    median: float  # seconds
    ratio: float  # to the floor, median of the rounds' own ratios
    size: int  # bytes
    queries: int
    p95: float = 0.0  # seconds
    times: tuple[float, ...] = ()  # seconds, one a round
    statements: tuple[str, ...] = ()  # the SQL of the call whose queries were counted

    def ratio_to(self, other: Timing) -> float:
        """To another request timed in the same rounds, as `ratio` is to the floor."""
        return median_ratio(self.times, other.times)


def median_ratio(times: Sequence[float], floors: Sequence[float]) -> float:
    """The median of the rounds' own ratios: a round slowed by the machine's load is slowed
    on both sides."""
    return statistics.median(t / f for t, f in zip(times, floors, strict=True))


def time_pages(client, urls: dict[str, str], repeats: int) -> dict[str, Timing]:
    """Time each URL (GET) against the trivial page; see time_requests."""
    requests = {TRIVIAL: get("/bench/trivial/")}
    requests.update({name: get(url) for name, url in urls.items()})
    return time_requests(client, requests, repeats, floor=TRIVIAL)


def get(url: str) -> Callable:
    return lambda client: client.get(url)


def time_requests(
    client, requests: dict[str, Callable], repeats: int, floor: str, warmup: int = WARMUP
) -> dict[str, Timing]:
    """Time each request (a function of the client that returns its response) against the
    one named `floor`: after warm-up, rounds of one call of each, each after a garbage
    collection, so that a shared machine's load and the garbage of one request fall on every
    request alike. Queries are counted on one call after warm-up (none when the requests are
    answered by another process)."""
    from django.db import connection

    sizes: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    for name, request in requests.items():
        for _ in range(warmup):
            response = request(client)
            assert response.status_code == 200, (name, response.status_code)
        sizes[name] = len(response.content)
        executed = statements[name] = []

        def counter(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            request(client)
    timings: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(repeats):
        for name, request in requests.items():
            gc.collect()
            start = time.perf_counter()
            request(client)
            timings[name].append(time.perf_counter() - start)
    floors = timings[floor]
    return {
        name: Timing(
            median=statistics.median(times),
            ratio=median_ratio(times, floors),
            size=sizes[name],
            queries=len(statements[name]),
            p95=statistics.quantiles(times, n=20, method="inclusive")[18],
            times=tuple(times),
            statements=tuple(statements[name]),
        )
        for name, times in timings.items()
    }


def print_results(results: dict[str, Timing]) -> None:
    print(f"  {'':18} {'median':>10} {'x trivial':>10} {'size':>10} {'queries':>8}")
    for name, timing in results.items():
        print(
            f"  {name:18} {timing.median * 1000:>7.2f} ms {timing.ratio:>9.1f}x "
            f"{timing.size / 1024:>7.1f} KB {timing.queries:>8}"
        )
