"""How fast is autosave, alone and under concurrent users? Prints figures; not a test.

Against a fresh temporary SQLite file (or, when DATABASE_URL points at PostgreSQL, a fresh
temporary database on that server, dropped afterwards), with a synthetic ladder (164 skills x
8 roles by default) and one user + assessment per client set up beforehand:

1. One client, in-process: Django's test Client answers skills (POST
   /assessments/<uuid>/ratings/<skill>/, as htmx sends it) in turns with the floor, the login
   page (the cheapest page with the site's layout, session and middleware), each after a
   garbage collection; the ratio is the median of the turns' own ratios. It also lists the
   queries of one autosave.
2. Concurrent clients over HTTP: the app under gunicorn on a free loopback port, with the
   workers and threads docs/deployment.md recommends for production. N client threads, each
   a logged-in session with its own keep-alive connection, first all call a trivial view (GET
   /healthz), then all autosave, then all call /healthz again; each phase's throughput is its
   requests over its wall time, and /healthz's is the mean of its two phases, so that a
   change in the machine's load during the run falls on both sides. Afterwards it checks in
   the database that every client's last answer to every skill is the one stored.

Targets: one client within 1.5x the login page's median and at most 6 queries; under 20
clients (SQLite) autosave throughput at least half of /healthz's, no errors, no lost answers.
The exit status is 1 when a target is missed.

    SECRET_KEY=bench .venv/bin/python bench/autosave.py [--clients 20] [--requests 100]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONE_CLIENT_RATIO_TARGET = 1.5
QUERIES_TARGET = 6
THROUGHPUT_RATIO_TARGET = 0.5
ONE_CLIENT_ROUNDS = 200
ONE_CLIENT_WARMUP = 20


@dataclass
class Client:
    number: int
    session_key: str
    csrf: str
    assessment_id: str
    skills: list[str]
    autosave: list[float] = field(default_factory=list)  # seconds
    trivial: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    last_answer: dict[str, tuple[int, int]] = field(default_factory=dict)  # skill: (level, seq)
    last_seq: int = 0

    def next_seq(self) -> int:
        # The browser's counter: microseconds, strictly increasing.
        self.last_seq = max(self.last_seq + 1, time.time_ns() // 1000)
        return self.last_seq


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument(
        "--requests", type=int, default=100, help="requests per client and phase (100)"
    )
    parser.add_argument("--duration", type=float, default=120, help="time limit a phase")
    parser.add_argument("--skills", type=int, default=164, help="skills in the ladder (164)")
    parser.add_argument("--roles", type=int, default=8, help="roles in the ladder (8)")
    # As docs/deployment.md runs production.
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--json", action="store_true", help="a last line of JSON for bench/run.py's table"
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryPostgres:
    """A database created for the run on the server of DATABASE_URL, dropped afterwards."""

    def __init__(self, url: str, name: str | None = None) -> None:
        import psycopg

        self.psycopg = psycopg
        self.parts = urllib.parse.urlsplit(url)
        self.name = name or f"careerfit_bench_{os.getpid()}"
        self.url = urllib.parse.urlunsplit(self.parts._replace(path=f"/{self.name}"))

    def _admin(self):
        admin_url = urllib.parse.urlunsplit(self.parts._replace(path="/postgres"))
        return self.psycopg.connect(admin_url, autocommit=True)

    def create(self) -> None:
        with self._admin() as connection:
            try:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            except self.psycopg.errors.DuplicateDatabase:
                raise SystemExit(
                    f"Database {self.name} already exists; the benchmark creates it and drops it "
                    "afterwards, so it will not touch one it did not create. Drop it first."
                ) from None

    def drop(self) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def set_up(args: argparse.Namespace, roles: int = 5) -> list[Client]:
    """Migrate, then a synthetic ladder and one logged-in user + assessment per client."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections
    from django.utils.crypto import get_random_string

    from assessments.models import Assessment
    from tests.factories import make_ladder

    call_command("migrate", verbosity=0, interactive=False)
    version = make_ladder(skills=args.skills, roles=roles, categories=4)
    skills = list(version.skills.order_by("position").values_list("slug", flat=True))
    target = version.roles.order_by("-rank").first()
    clients = []
    for number in range(args.clients):
        user = User(username=f"bench-{number}")
        user.set_unusable_password()
        user.save()
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        assessment = Assessment.objects.create(
            user=user, track=version.track, version=version, target_role=target
        )
        clients.append(
            Client(
                number=number,
                session_key=session.session_key,
                csrf=get_random_string(32),
                assessment_id=str(assessment.pk),
                skills=skills,
            )
        )
    connections.close_all()
    return clients


def start_server(
    port: int,
    args: argparse.Namespace,
    log: Path,
    env: dict[str, str] | None = None,
    app: str = "careerfit.wsgi",
    worker_class: str = "gthread",
) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        worker_class,
        "--error-logfile",
        str(log),
    ]
    # WhiteNoise warns that collectstatic has not run: the views timed here need no static files.
    env = {**os.environ, "PYTHONWARNINGS": "ignore:No directory at", **(env or {})}
    # Its own process group, so that a crash of the whole server can be simulated.
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_client(
    client: Client,
    port: int,
    kind: str,
    args: argparse.Namespace,
    start: threading.Barrier,
    stop_at: float,
) -> None:
    """One phase of one client: `args.requests` autosaves, or as many GET /healthz."""
    rng = random.Random(f"{args.seed} {client.number} {kind}")
    cookie = f"sessionid={client.session_key}; csrftoken={client.csrf}"
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": client.csrf,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start.wait()

    def timed(method: str, path: str, body: str | None, sample: list[float]) -> int | None:
        nonlocal connection
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            client.errors.append(f"{method} {path}: {error!r}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            return None
        sample.append(time.perf_counter() - began)
        if response.status != 200:
            client.errors.append(f"{method} {path}: {response.status} {content[:200]!r}")
        return response.status

    for i in range(args.requests):
        if time.monotonic() > stop_at:
            break
        if kind == "healthz":
            timed("GET", "/healthz", None, client.trivial)
            continue
        skill = client.skills[rng.randrange(len(client.skills))]
        level, seq = rng.randint(0, 5), client.next_seq()
        path = f"/assessments/{client.assessment_id}/ratings/{skill}/"
        body = urllib.parse.urlencode({"level": level, "seq": seq, "evidence": f"answer {i}"})
        if timed("POST", path, body, client.autosave) == 200:
            client.last_answer[skill] = (level, seq)
    connection.close()


def run_phase(clients: list[Client], port: int, kind: str, args: argparse.Namespace) -> float:
    """Every client at once doing `kind`; returns the requests answered per second."""
    start = threading.Barrier(len(clients))
    sample = "trivial" if kind == "healthz" else "autosave"
    before = sum(len(getattr(c, sample)) for c in clients)
    began = time.monotonic()
    threads = [
        threading.Thread(
            target=run_client, args=(c, port, kind, args, start, began + args.duration)
        )
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return (sum(len(getattr(c, sample)) for c in clients) - before) / elapsed


@dataclass(frozen=True)
class OneClient:
    autosave: float  # median seconds
    floor: float  # the login page's median seconds
    ratio: float  # median of the turns' own ratios
    queries: tuple[str, ...]  # of one autosave


def one_client(args: argparse.Namespace) -> OneClient:
    """Autosaves of one in-process test Client in turns with the login page (the floor)."""
    from django.contrib.auth.models import User
    from django.db import connections
    from django.test import Client as TestClient
    from inprocess import get, serve_to_test_client, time_requests

    from assessments.models import Assessment

    serve_to_test_client()
    assessment = Assessment.objects.order_by("pk").first()
    user = User.objects.create_user("bench-one-client", "one@example.com", "x")
    assessment = Assessment.objects.create(
        user=user,
        track=assessment.track,
        version=assessment.version,
        target_role=assessment.target_role,
    )
    skills = list(assessment.version.skills.order_by("position").values_list("slug", flat=True))
    client = TestClient()
    client.force_login(user)
    rng = random.Random(args.seed)
    # The browser's counter: microseconds, strictly increasing.
    sequence = itertools.count(time.time_ns() // 1000)

    def autosave(client):
        skill = skills[rng.randrange(len(skills))]
        data = {"level": rng.randint(0, 5), "seq": next(sequence), "evidence": "note"}
        # Form-encoded, as htmx sends it (the test client would send multipart).
        return client.post(
            f"/assessments/{assessment.pk}/ratings/{skill}/",
            urllib.parse.urlencode(data),
            content_type="application/x-www-form-urlencoded",
            headers={"HX-Request": "true"},
        )

    requests = {"autosave": autosave, "login page": get("/accounts/login/")}
    results = time_requests(
        client, requests, ONE_CLIENT_ROUNDS, floor="login page", warmup=ONE_CLIENT_WARMUP
    )
    connections.close_all()
    saves, floors = results["autosave"], results["login page"]
    return OneClient(
        autosave=saves.median, floor=floors.median, ratio=saves.ratio, queries=saves.statements
    )


def lost_answers(clients: list[Client]) -> int:
    from django.db import connections

    from assessments.models import Rating

    lost = 0
    for client in clients:
        stored = {
            slug: (level, seq)
            for slug, level, seq in Rating.objects.filter(
                assessment_id=client.assessment_id
            ).values_list("skill__slug", "level", "sequence")
        }
        lost += sum(stored.get(skill) != answer for skill, answer in client.last_answer.items())
    connections.close_all()
    return lost


def percentiles(sample: list[float]) -> dict[str, float]:
    if len(sample) < 2:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": 0.0}
    cuts = statistics.quantiles(sample, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(sample)}


def report(
    solo: OneClient,
    clients: list[Client],
    throughput: dict[str, float],
    lost: int,
    args: argparse.Namespace,
    backend: str,
) -> bool:
    autosave = [t for c in clients for t in c.autosave]
    trivial = [t for c in clients for t in c.trivial]
    errors = [e for c in clients for e in c.errors]
    answers = sum(len(c.last_answer) for c in clients)
    print(f"backend: {backend}; {args.skills} skills x {args.roles} roles")
    print(f"one client, in-process, {ONE_CLIENT_ROUNDS} turns:")
    print(
        f"  autosave {solo.autosave * 1000:.2f} ms, login page {solo.floor * 1000:.2f} ms: "
        f"{solo.ratio:.2f}x (target <= {ONE_CLIENT_RATIO_TARGET}x)"
    )
    print(f"  queries per autosave: {len(solo.queries)} (target <= {QUERIES_TARGET})")
    for sql in solo.queries:
        print(f"    {' '.join(sql.split())[:96]}")
    print(
        f"{args.clients} clients over HTTP; gunicorn {args.workers} workers x "
        f"{args.threads} threads; {args.requests} requests per client and phase"
    )
    ratio = throughput["autosave"] / throughput["healthz"]
    print(
        f"  throughput: autosave {throughput['autosave']:.0f} req/s, /healthz "
        f"{throughput['healthz']:.0f} req/s (mean of the phases before and after): "
        f"{ratio:.2f} (target >= {THROUGHPUT_RATIO_TARGET})"
    )
    print(f"  {'ms':<10}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for name, sample in (("autosave", autosave), ("/healthz", trivial)):
        cuts = percentiles(sample)
        columns = "".join(f"{cuts[k] * 1000:>8.1f}" for k in ("p50", "p95", "p99", "max"))
        print(f"  {name:<10}{columns}")
    print(f"  errors: {len(errors)}")
    for error in errors[:10]:
        print(f"    {error}")
    print(f"  lost answers: {lost} of {answers} last answers checked in the database")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    met = (
        solo.ratio <= ONE_CLIENT_RATIO_TARGET
        and len(solo.queries) <= QUERIES_TARGET
        and ratio >= THROUGHPUT_RATIO_TARGET
        and not errors
        and lost == 0
    )
    print("targets met" if met else "TARGETS MISSED")
    if args.json:
        # For bench/run.py's table: one line, last.
        cuts = percentiles(autosave)
        row = {
            "operation": (
                f"autosave, {args.clients} clients: throughput vs /healthz "
                f"({len(errors)} errors, {lost} lost)"
            ),
            "queries": str(len(solo.queries)),
            "median": f"{cuts['p50'] * 1000:.1f} ms",
            "p95": f"{cuts['p95'] * 1000:.1f} ms",
            "ratio": ratio,
            "target": f">= {THROUGHPUT_RATIO_TARGET}x, no error or loss",
            "met": ratio >= THROUGHPUT_RATIO_TARGET and not errors and lost == 0,
        }
        print(json.dumps([row]))
    return met


def main() -> int:
    args = parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "careerfit.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production settings otherwise: the host names it answers to, a mail server (nothing is
    # mailed here), and plain HTTP from these clients, which talk to gunicorn directly.
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("EMAIL_HOST", "localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-bench-"))
    postgres = None
    if os.environ.get("DATABASE_URL"):
        postgres = TemporaryPostgres(os.environ["DATABASE_URL"])
        postgres.create()
        os.environ["DATABASE_URL"] = postgres.url
        backend = f"PostgreSQL (temporary database {postgres.name})"
    else:
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
        backend = "SQLite (temporary file, WAL)"
    server = None
    try:
        clients = set_up(args, roles=args.roles)
        solo = one_client(args)
        port = free_port()
        server = start_server(port, args, workdir / "gunicorn.log")
        before = run_phase(clients, port, "healthz", args)
        throughput = {"autosave": run_phase(clients, port, "autosave", args)}
        throughput["healthz"] = (before + run_phase(clients, port, "healthz", args)) / 2
        stop_server(server)
        server = None
        met = report(solo, clients, throughput, lost_answers(clients), args, backend)
    finally:
        if server is not None:
            stop_server(server)
        if postgres is not None:
            postgres.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
