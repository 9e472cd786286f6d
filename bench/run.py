"""`make bench`: one table of the figures CareerFit's speed targets are about. Prints figures;
not a test (the exit status is 0 whether targets are met or not).

Every page is timed against the floor, the login page: the cheapest page that renders the site's
layout, with the same middleware, session and signed-in user, fetched by the same client in the
same rounds (bench/inprocess.py), so that a shared machine's load falls on both alike. The ladders:
the shipped MLOps ladder (75 skills, 5 roles) and a synthetic one of 164 skills x 8 roles, each
with one submitted assessment (report, exports; viewed again and again, as its kept report
serves it), as many more each viewed once (the report's first view) and one in progress (step
page, autosave); the history pages for a person with 50 submitted assessments. Then, in their
own processes: concurrent autosave under gunicorn (bench/autosave.py) and cohort scoring
(bench/scoring.py).

    SECRET_KEY=bench .venv/bin/python bench/run.py [--repeats 40]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlencode

from inprocess import (
    ROOT,
    first_report_views,
    get,
    import_mlops_ladder,
    load_words,
    serve_to_test_client,
    submitted_assessment,
    throwaway_sqlite,
    time_requests,
)

FLOOR = "login page (floor)"
SYNTHETIC = (164, 8)
HISTORY = 50


@dataclass(frozen=True)
class Row:
    operation: str
    queries: str
    median: str
    p95: str
    ratio: float | None
    target: str
    met: bool | None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="timed rounds per page (40)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--pages-only", action="store_true", help="skip concurrent autosave and cohort scoring"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    load_before = os.getloadavg()
    with throwaway_sqlite("run"):
        rows = page_rows(args)
    if not args.pages_only:
        rows += subprocess_rows()
    print_table(rows)
    load_after = os.getloadavg()
    print(
        f"load average (1, 5, 15 min): before {load_words(load_before)}, "
        f"after {load_words(load_after)}; {os.cpu_count()} cores"
    )


def page_rows(args: argparse.Namespace) -> list[Row]:
    import django

    django.setup()
    serve_to_test_client()

    from tests.factories import make_ladder

    rng = random.Random(args.seed)
    shipped = import_mlops_ladder()
    synthetic = make_ladder(skills=SYNTHETIC[0], roles=SYNTHETIC[1], categories=4)
    rows = []
    for label, version in (
        (f"{shipped.skills.count()} skills", shipped),
        (f"{SYNTHETIC[0]} skills x {SYNTHETIC[1]} roles", synthetic),
    ):
        rows += ladder_rows(label, version, rng, args.repeats)
    rows += history_rows(synthetic, rng, args.repeats)
    return rows


def seeker(name: str):
    from django.test import Client

    from tests.factories import UserFactory

    user = UserFactory(username=name)
    client = Client()
    client.force_login(user)
    return user, client


def ladder_rows(label: str, version, rng: random.Random, repeats: int) -> list[Row]:
    from tests.factories import AssessmentFactory

    user, client = seeker(f"seeker-{version.pk}")
    done = submitted_assessment(user, version, rng)
    draft = AssessmentFactory(user=user, version=version, track=version.track)
    category = version.categories.order_by("-position").first()  # tools: the most skills
    skill = version.skills.filter(category=category).first()
    autosave_seq = iter(range(10**15, 10**16))

    def autosave(client):
        # Form-encoded, as htmx sends it.
        body = urlencode(
            {"level": next(autosave_seq) % (version.max_level + 1), "seq": next(autosave_seq)}
        )
        return client.post(
            f"/assessments/{draft.pk}/ratings/{skill.slug}/",
            body,
            content_type="application/x-www-form-urlencoded",
            headers={"HX-Request": "true"},
        )

    requests = {
        FLOOR: get("/accounts/login/"),
        "report page": get(f"/assessments/{done.pk}/report/"),
        "report page, first view": first_report_views(user, version, rng, repeats),
        "report.json": get(f"/assessments/{done.pk}/report.json"),
        "step page": get(f"/assessments/{draft.pk}/steps/{category.slug}/"),
        "autosave": autosave,
    }
    results = time_requests(client, requests, repeats, floor=FLOOR)
    targets = {
        FLOOR: None,
        "report page": (3.0, "<= 3x, p95 <= 2x median"),
        "report page, first view": (3.0, "<= 3x"),
        "report.json": (2.0, "<= 2x"),
        "step page": (2.0, "<= 2x"),
        "autosave": (1.5, "<= 1.5x, <= 6 queries"),
    }
    rows = []
    for name, timing in results.items():
        target = targets[name]
        met = None
        if target is not None:
            met = timing.ratio <= target[0]
            if name == "report page":
                met = met and timing.p95 <= 2 * timing.median
            if name == "autosave":
                met = met and timing.queries <= 6
        rows.append(page_row(f"{name}, {label}", timing, target[1] if target else "", met))
    return rows


def history_rows(version, rng: random.Random, repeats: int) -> list[Row]:
    user, client = seeker("long-history")
    for _ in range(HISTORY):
        submitted_assessment(user, version, rng)
    requests = {
        FLOOR: get("/accounts/login/"),
        "progress page": get(f"/assessments/progress/{version.track.slug}/"),
        "My assessments": get("/assessments/"),
    }
    results = time_requests(client, requests, repeats, floor=FLOOR)
    rows = []
    for name, timing in results.items():
        if name == FLOOR:
            continue
        met = timing.ratio <= 3.0
        rows.append(page_row(f"{name}, {HISTORY} assessments", timing, "<= 3x", met))
    return rows


def page_row(operation: str, timing, target: str, met: bool | None) -> Row:
    return Row(
        operation=operation,
        queries=str(timing.queries),
        median=f"{timing.median * 1000:.1f} ms",
        p95=f"{timing.p95 * 1000:.1f} ms",
        ratio=timing.ratio,
        target=target,
        met=met,
    )


def subprocess_rows() -> list[Row]:
    """The figures of the benchmarks that run in processes of their own, read from the JSON
    each writes with --json."""
    rows = []
    for script in ("autosave.py", "scoring.py"):
        command = [sys.executable, str(ROOT / "bench" / script), "--json"]
        # On SQLite, as the targets say.
        env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
        if done.returncode not in (0, 1) or not done.stdout.strip():
            last_line = (done.stderr.strip().splitlines() or ["no output"])[-1]
            rows.append(Row(f"bench/{script} failed", "", "", "", None, last_line[:80], False))
            continue
        rows += [Row(**row) for row in json.loads(done.stdout.strip().splitlines()[-1])]
    return rows


def print_table(rows: list[Row]) -> None:
    header = ("operation", "queries", "median", "p95", "ratio", "target", "met")
    table = [
        (
            row.operation,
            row.queries,
            row.median,
            row.p95,
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            "" if row.met is None else ("met" if row.met else "NOT MET"),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in (header, *table)) for i in range(len(header))]
    for line in (header, tuple("-" * width for width in widths), *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()
