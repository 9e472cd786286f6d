"""Two stateless app servers on one PostgreSQL database: do they behave as one? Prints
figures; not a test.

Starts two gunicorn servers on two loopback ports, in production settings behind a proxy
(PROXY_COUNT=1: the clients send the X-Forwarded-For and X-Forwarded-Proto headers nginx
would), on the PostgreSQL database that DATABASE_URL names, which the run creates and drops
(it refuses to touch an existing one). Then:

1. Shared state: a session made by logging in on one server works on the other; wrong
   passwords counted on both servers lock the username on both; another client address is
   not locked. (There is no report cache: reports are computed per request.)
2. Load: 50 clients, half on each server, each answering every skill of its own assessment
   by autosave, opening its report every 10 answers, then submitting it (twice, as a double
   click would) and opening the report again. A request that cannot reach its server is
   retried on the other, as nginx's proxy_next_upstream does.
3. The same load with fresh assessments, and one server killed (SIGKILL of its whole process
   group) a third of the way through: its clients carry on on the other server.

Each phase reports requests per second, p50/p95 per kind of request and the p95 ratio to a
trivial view (/healthz, requested under the same load as the floor), errors, retries, and
then checks the database: answers lost (the stored answer is not the last one the client
had acknowledged), answers duplicated (more than one row for a skill) and assessments not
submitted. Targets: 0 errors, 0 lost, 0 duplicated; exit status 1 when one is missed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careerfit_bench make bench-two-servers
    .venv/bin/python bench/two_servers.py [--clients 50] [--skills 24] [--answers 48]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from autosave import (
    Client,
    TemporaryPostgres,
    free_port,
    percentiles,
    set_up,
    start_server,
    stop_server,
)

KINDS = ("autosave", "report", "submit", "healthz")
EXPECTED = {"autosave": 200, "report": 200, "submit": 303, "healthz": 200}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--skills", type=int, default=24, help="skills in the ladder (24)")
    parser.add_argument("--answers", type=int, default=48, help="autosaves per client (48)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--kill-at", type=float, default=1 / 3, help="share of the run (1/3)")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


@dataclass
class Phase:
    name: str
    timings: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Servers:
    """The two servers as the proxy sees them: a request goes to the client's own server
    first and, when that cannot be reached, to the other; a server that failed is skipped
    from then on (nginx's max_fails)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.down: set[int] = set()

    def order(self, preferred: int) -> list[int]:
        ports = [self.ports[preferred % 2], self.ports[(preferred + 1) % 2]]
        return [port for port in ports if port not in self.down] or ports


def request(
    servers: Servers,
    preferred: int,
    method: str,
    path: str,
    *,
    client_ip: str,
    cookies: dict[str, str],
    body: dict | None = None,
    phase: Phase | None = None,
    htmx: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """One request through the "proxy"; (0, {}, b"") when no server could answer."""
    headers = {
        "X-Forwarded-For": client_ip,
        "X-Forwarded-Proto": "https",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
    }
    if htmx:
        headers["HX-Request"] = "true"
    if "csrftoken" in cookies:
        headers["X-CSRFToken"] = cookies["csrftoken"]
    encoded = None
    if body is not None:
        encoded = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for attempt, port in enumerate(servers.order(preferred)):
        # Over HTTPS, Django's CSRF check wants a same-origin Referer.
        headers["Referer"] = f"https://127.0.0.1:{port}/"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=encoded, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            servers.down.add(port)
            if phase is not None:
                with phase.lock:
                    phase.retries += attempt == 0
            continue
        finally:
            connection.close()
        cookies_set = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies_set[key] = rest.split(";", 1)[0]
        return response.status, cookies_set, content
    return 0, {}, b""


# --- 1. Shared state ---------------------------------------------------------------------


def shared_state(servers: Servers, username: str, password: str) -> list[tuple[str, bool]]:
    csrf = secrets.token_hex(16)
    ip = "198.51.100.10"
    cookies = {"csrftoken": csrf}
    checks = []

    def log_in(server: int, secret: str, address: str = ip) -> tuple[int, dict]:
        status, set_cookies, _ = request(
            servers,
            server,
            "POST",
            "/accounts/login/",
            client_ip=address,
            cookies={"csrftoken": csrf},
            body={"username": username, "password": secret},
        )
        return status, set_cookies

    status, set_cookies = log_in(0, password)
    session = {**cookies, "sessionid": set_cookies.get("sessionid", "")}
    other, _, _ = request(servers, 1, "GET", "/accounts/", client_ip=ip, cookies=session)
    checks.append(
        ("log in on server A, then server B knows the session", (status, other) == (302, 200))
    )
    request(servers, 1, "POST", "/accounts/logout/", client_ip=ip, cookies=session)
    after, _, _ = request(servers, 0, "GET", "/accounts/", client_ip=ip, cookies=session)
    checks.append(("log out on server B, then server A has ended it too", after == 302))

    codes = [log_in(n % 2, "wrong-password")[0] for n in range(5)]
    checks.append(
        ("5 wrong passwords, alternating servers, lock the 5th", codes == [200] * 4 + [429])
    )
    checks.append(("locked on server A with the right password", log_in(0, password)[0] == 429))
    checks.append(("locked on server B with the right password", log_in(1, password)[0] == 429))
    checks.append(
        ("another client address is not locked", log_in(1, password, "198.51.100.99")[0] == 302)
    )
    return checks


# --- 2 and 3. Load -----------------------------------------------------------------------


def run_client(
    client: Client, servers: Servers, phase: Phase, args, start: threading.Barrier
) -> None:
    rng = random.Random(args.seed + client.number)
    cookies = {"sessionid": client.session_key, "csrftoken": client.csrf}
    ip = f"10.{client.number // 250}.{client.number % 250}.1"
    base = f"/assessments/{client.assessment_id}"
    order = list(client.skills)
    rng.shuffle(order)
    # Every skill once (so the assessment can be submitted), then random ones.
    plan = order + [rng.choice(client.skills) for _ in range(max(0, args.answers - len(order)))]
    start.wait()

    def timed(kind: str, method: str, path: str, body: dict | None = None) -> int:
        began = time.perf_counter()
        status, _, content = request(
            servers,
            client.number,
            method,
            path,
            client_ip=ip,
            cookies=cookies,
            body=body,
            phase=phase,
            htmx=kind == "autosave",
        )
        elapsed = time.perf_counter() - began
        with phase.lock:
            phase.done += 1
            if status == EXPECTED[kind]:
                phase.timings[kind].append(elapsed)
            else:
                phase.errors.append(f"{method} {path}: {status} {content[:120]!r}")
        return status

    for number, skill in enumerate(plan, start=1):
        level, seq = rng.randint(0, 5), client.next_seq()
        body = {"level": level, "seq": seq, "evidence": f"answer {number}"}
        if timed("autosave", "POST", f"{base}/ratings/{skill}/", body) == 200:
            client.last_answer[skill] = (level, seq)
        if number % 10 == 0:
            timed("report", "GET", f"{base}/report/")
            timed("healthz", "GET", "/healthz")  # the floor, timed under the same load
    timed("submit", "POST", f"{base}/submit/")
    timed("submit", "POST", f"{base}/submit/")  # a double click: not an error
    timed("report", "GET", f"{base}/report/")


def run_phase(
    name: str,
    clients: list[Client],
    servers: Servers,
    args: argparse.Namespace,
    kill: subprocess.Popen | None = None,
) -> tuple[Phase, float, int | None]:
    phase = Phase(name)
    start = threading.Barrier(len(clients))
    threads = [
        threading.Thread(target=run_client, args=(c, servers, phase, args, start)) for c in clients
    ]
    total = len(clients) * (max(len(clients[0].skills), args.answers) + args.answers // 5 + 3)
    began = time.monotonic()
    for thread in threads:
        thread.start()
    killed_at = None
    if kill is not None:
        while phase.done < total * args.kill_at and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        os.killpg(kill.pid, signal.SIGKILL)
        killed_at = phase.done
    for thread in threads:
        thread.join()
    return phase, time.monotonic() - began, killed_at


def check_database(clients: list[Client]) -> dict[str, int]:
    from django.db import connections
    from django.db.models import Count

    from assessments.models import Assessment, Rating

    ids = [c.assessment_id for c in clients]
    stored = {}
    for assessment_id, slug, level, seq in Rating.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "skill__slug", "level", "sequence"
    ):
        stored[(str(assessment_id), slug)] = (level, seq)
    lost = sum(
        stored.get((c.assessment_id, skill)) != answer
        for c in clients
        for skill, answer in c.last_answer.items()
    )
    duplicated = (
        Rating.objects.filter(assessment_id__in=ids)
        .values("assessment_id", "skill_id")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .count()
    )
    unsubmitted = Assessment.objects.filter(pk__in=ids, status="draft").count()
    acknowledged = sum(len(c.last_answer) for c in clients)
    connections.close_all()
    return {
        "acknowledged": acknowledged,
        "lost": lost,
        "duplicated": duplicated,
        "unsubmitted": unsubmitted,
    }


def report(phase: Phase, elapsed: float, found: dict[str, int], killed_at) -> bool:
    requests = sum(len(t) for t in phase.timings.values()) + len(phase.errors)
    print(f"\n== {phase.name}")
    if killed_at is not None:
        print(f"server B killed (SIGKILL) after {killed_at} of the requests")
    print(f"requests: {requests} in {elapsed:.1f} s = {requests / elapsed:.0f} req/s")
    print(f"{'ms':<10}{'count':>7}{'p50':>8}{'p95':>8}{'max':>8}")
    for kind, sample in phase.timings.items():
        cuts = percentiles(sample)
        print(
            f"{kind:<10}{len(sample):>7}"
            + "".join(f"{cuts[k] * 1000:>8.1f}" for k in ("p50", "p95", "max"))
        )
    floor = percentiles(phase.timings["healthz"])["p95"]
    ratios = ", ".join(
        f"{kind} {percentiles(phase.timings[kind])['p95'] / floor:.1f}x"
        for kind in ("autosave", "report", "submit")
    )
    print(f"p95 against /healthz's p95 in the same run: {ratios}")
    print(f"errors: {len(phase.errors)}; requests retried on the other server: {phase.retries}")
    for error in phase.errors[:10]:
        print(f"  {error}")
    print(
        f"database: {found['acknowledged']} acknowledged last answers, {found['lost']} lost, "
        f"{found['duplicated']} duplicated; {found['unsubmitted']} assessments not submitted"
    )
    return not phase.errors and found["lost"] == found["duplicated"] == found["unsubmitted"] == 0


def main() -> int:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database for the run to create.")
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    database = TemporaryPostgres(url, name)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "careerfit.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_HOST": "localhost",  # nothing is mailed in this run
            "PROXY_COUNT": "1",
            "LOG_LEVEL": "ERROR",  # the lockouts of the shared-state check are expected
        }
    )
    os.environ.pop("DEBUG", None)
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-two-servers-"))
    servers_started = []
    database.create()
    try:
        setup_args = argparse.Namespace(clients=2 * args.clients, skills=args.skills)
        clients = set_up(setup_args)
        collect_static()
        username, password = make_login_user()
        ports = [free_port(), free_port()]
        for port, label in zip(ports, "ab", strict=True):
            servers_started.append(start_server(port, args, workdir / f"gunicorn-{label}.log"))
        print(
            f"two gunicorn servers (ports {ports[0]} and {ports[1]}), each {args.workers} "
            f"workers x {args.threads} threads, on PostgreSQL database {name}; "
            f"{args.clients} clients, {args.skills} skills, {args.answers} answers each"
        )
        print("\n== shared state across the two servers")
        checks = shared_state(Servers(ports), username, password)
        for description, held in checks:
            print(f"{'ok ' if held else 'NO '} {description}")
        met = all(held for _, held in checks)
        first, second = clients[: args.clients], clients[args.clients :]
        phase, elapsed, _ = run_phase("both servers up", first, Servers(ports), args)
        met &= report(phase, elapsed, check_database(first), None)
        phase, elapsed, killed_at = run_phase(
            "server B killed mid-run", second, Servers(ports), args, kill=servers_started[1]
        )
        met &= report(phase, elapsed, check_database(second), killed_at)
        print("\ntargets met" if met else "\nTARGETS MISSED")
    finally:
        for server in servers_started:
            stop_server(server)
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if met else 1


def collect_static() -> None:
    """The pages need the static files' manifest, as in production."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def make_login_user() -> tuple[str, str]:
    from django.contrib.auth.models import User
    from django.db import connections

    password = secrets.token_urlsafe(16)
    User.objects.create_user("bench-login", "bench-login@example.com", password)
    connections.close_all()
    return "bench-login", password


if __name__ == "__main__":
    sys.exit(main())
