"""How fast are the matrix editor's grid page and one cell save? Prints figures; not a test.

A fresh temporary SQLite file (SQLITE_PATH), a synthetic ladder of 164 skills x 8 roles
(tests.factories.make_ladder) with a draft open, and a member of the Matrix editors group (not
a superuser: the permission check is part of the cost). Three requests are timed in turns, so
that whatever else the machine does weighs on each alike: a trivial template (same middleware,
session and user: the floor), the grid page, and one cell save as htmx sends it
(bench/inprocess.py's time_requests). Prints the median of each, its ratio to the floor (the
median of the turns' own ratios), the response size and the queries per request.

Two ways to serve them, both measured by default:
  in-process   Django's test Client (middleware, session, auth, views, templates; no network)
  http         gunicorn (one sync worker) on a loopback port, a connection per request: what
               a browser waits for, HTTP and WSGI included

Targets: the grid page within 10x the trivial view, one cell save within 3x. The exit status
is 1 when a target is missed.

    SECRET_KEY=bench .venv/bin/python bench/editor.py [--repeats 40] [--mode in-process|http|both]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import sys
import tempfile
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

from inprocess import (
    ROOT,
    TRIVIAL,
    WARMUP,
    Timing,
    get,
    site_with_trivial_page,
    time_requests,
)

SKILLS = 164
ROLES = 8
CATEGORIES = 4
TARGETS = {"grid page": 10.0, "cell save": 3.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="timed turns (40)")
    parser.add_argument("--mode", choices=("in-process", "http", "both"), default="both")
    return parser.parse_args()


def set_up() -> dict:
    """Migrate, a ladder with a draft, an editor with a session: what the requests need."""
    import django

    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from tests.factories import make_editor, make_ladder

    call_command("migrate", verbosity=0)
    version = make_ladder(skills=SKILLS, roles=ROLES, categories=CATEGORIES)
    draft = version.track.start_draft()
    editor = make_editor(username="editor")
    session = SessionStore()
    session[SESSION_KEY] = str(editor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    session.create()
    track = version.track.slug
    role = draft.roles.order_by("-rank").first().slug
    skill = draft.skills.order_by("position").last().slug
    return {
        "session": session.session_key,
        "max_level": draft.max_level,
        "paths": {
            TRIVIAL: "/bench/trivial/",
            "grid page": f"/roles/{track}/edit/",
            "cell save": f"/roles/{track}/edit/requirements/{role}/{skill}/",
        },
    }


def in_process(fixture: dict, repeats: int) -> dict[str, Timing]:
    from django.test import Client

    site_with_trivial_page()
    client = Client()
    client.cookies["sessionid"] = fixture["session"]
    paths = fixture["paths"]
    turn = iter(range(10**9))

    def cell_save(client):
        level = 1 + next(turn) % fixture["max_level"]
        data = {"level": level, "importance": 2}
        return client.post(paths["cell save"], data, headers={"HX-Request": "true"})

    requests = {
        TRIVIAL: get(paths[TRIVIAL]),
        "grid page": get(paths["grid page"]),
        "cell save": cell_save,
    }
    return time_requests(client, requests, repeats, floor=TRIVIAL)


@dataclass(frozen=True)
class Answer:
    """What time_requests reads of a response, for one read over HTTP."""

    status_code: int
    content: bytes


def over_http(fixture: dict, repeats: int, workdir: Path) -> dict:
    """The same requests through gunicorn, one sync worker, a connection each
    (bench/autosave.py starts and stops the server)."""
    from autosave import free_port, start_server, stop_server

    port = free_port()
    wsgi = workdir / "bench_editor_wsgi.py"
    wsgi.write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]\n"
        "import django\n"
        "django.setup()\n"
        "from inprocess import site_with_trivial_page\n"
        "site_with_trivial_page()\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "application = get_wsgi_application()\n"
    )
    options = argparse.Namespace(workers=1, threads=1)
    env = {"PYTHONPATH": str(workdir), "CAREERFIT_SERVING": "1"}
    log = workdir / "gunicorn.log"
    # The sync worker: one request at a time, a connection each (it keeps none alive).
    server = start_server(
        port, options, log, env=env, app="bench_editor_wsgi:application", worker_class="sync"
    )
    csrf = "b" * 32
    headers = {
        "Host": "127.0.0.1",
        "Cookie": f"sessionid={fixture['session']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
    }
    turn = iter(range(10**9))

    def send(method: str, path: str, body: str | None = None, extra=None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers={**headers, **(extra or {})})
            response = connection.getresponse()
            return Answer(response.status, response.read())
        finally:
            connection.close()

    def cell_save(_):
        level = 1 + next(turn) % fixture["max_level"]
        body = urllib.parse.urlencode({"level": level, "importance": 2})
        form = {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}
        return send("POST", fixture["paths"]["cell save"], body, form)

    requests = {
        TRIVIAL: lambda _: send("GET", fixture["paths"][TRIVIAL]),
        "grid page": lambda _: send("GET", fixture["paths"]["grid page"]),
        "cell save": cell_save,
    }
    try:
        return time_requests(None, requests, repeats, floor=TRIVIAL)
    finally:
        stop_server(server)


def report(title: str, results: dict[str, Timing], queries: bool) -> bool:
    print(title)
    print(f"  {'':18} {'median':>10} {'x trivial':>10} {'target':>8} {'size':>10} {'queries':>8}")
    met = True
    for name, timing in results.items():
        target = TARGETS.get(name)
        met = met and (target is None or timing.ratio <= target)
        count = timing.queries if queries else "-"
        print(
            f"  {name:18} {timing.median * 1000:>7.2f} ms {timing.ratio:>9.1f}x "
            f"{f'<= {target:g}x' if target else '':>8} {timing.size / 1024:>7.1f} KB {count:>8}"
        )
    print("  targets met" if met else "  TARGETS MISSED")
    return met


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-bench-editor-"))
    # Before Django reads its settings: a throwaway SQLite file, never DATABASE_URL's server;
    # production settings otherwise (gunicorn serves with them), plain HTTP on loopback.
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("EMAIL_HOST", "localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["PYTHONWARNINGS"] = "ignore:No directory at"
    met = True
    try:
        fixture = set_up()
        setting = (
            f"{SKILLS} skills x {ROLES} roles, {CATEGORIES} categories, a draft open; SQLite; "
            f"median of {args.repeats} turns after {WARMUP} warm-up"
        )
        if args.mode in ("in-process", "both"):
            results = in_process(fixture, args.repeats)
            title = f"Matrix editor, in-process (Django test Client): {setting}"
            met &= report(title, results, queries=True)
        if args.mode in ("http", "both"):
            from django.db import connections

            connections.close_all()
            results = over_http(fixture, args.repeats, workdir)
            title = f"Matrix editor, over HTTP (gunicorn, one sync worker): {setting}"
            # Answered by the server's process: no queries to count here.
            met &= report(title, results, queries=False)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
