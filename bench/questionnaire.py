"""How long is the questionnaire to read? Prints figures; not a test.

Against a fresh temporary SQLite file (SQLITE_PATH), the shipped MLOps ladder
(roles/ladders/mlops.yaml) and one new assessment, served by `manage.py runserver` (DEBUG=1)
in a subprocess. Real Chromium (Playwright) opens every step of the questionnaire at 1280 and
375 CSS px, with nothing expanded and nothing answered, and reports for each step:

- height per skill: document.documentElement.scrollHeight divided by the step's skills;
- HTML per skill: the bytes of the step page's HTML (as served, uncompressed) divided by the
  step's skills;
- whether the page scrolls sideways (scrollWidth > clientWidth);
- the site header's height and whether its navigation wraps onto a second line.

    SECRET_KEY=bench .venv/bin/python bench/questionnaire.py [--shots DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTHS = (1280, 375)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Rows of the site header: its shown items' vertical centres, those within 8 px of each other
# on one row (one row: nothing wraps).
HEADER = """() => {
  const header = document.querySelector('.site-header');
  const items = [...header.querySelectorAll('.brand, .site-nav summary, .site-nav li')];
  const centres = items
    .filter((item) => item.checkVisibility({contentVisibilityAuto: true}))
    .map((item) => item.getBoundingClientRect())
    .map((box) => (box.top + box.bottom) / 2)
    .sort((a, b) => a - b);
  const rows = centres.filter((centre, i) => i === 0 || centre - centres[i - 1] > 8).length;
  return {height: header.getBoundingClientRect().height, rows: rows};
}"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shots", type=Path, help="also save full-page screenshots here")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="careerfit-bench-questionnaire-"))
    # Before Django reads its settings: a throwaway SQLite file, never DATABASE_URL's server.
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
    try:
        run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from playwright.sync_api import sync_playwright

    from assessments.models import Assessment
    from roles.models import Track
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    ladder = ROOT / "roles" / "ladders" / "mlops.yaml"
    call_command("import_matrix", str(ladder), publish=True, stdout=io.StringIO())
    version = Track.objects.get(slug="mlops").current_version()
    user = UserFactory(username="bench")
    assessment = Assessment.objects.create(
        user=user,
        track=version.track,
        version=version,
        target_role=version.roles.order_by("-rank").first(),
    )
    steps = [
        (category.slug, category.name, category.skills.count())
        for category in version.categories.order_by("position", "pk")
        if category.skills.exists()
    ]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            rows = []
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, base_url=base
                )
                context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
                page = context.new_page()
                for slug, name, skills in steps:
                    response = page.goto(f"/assessments/{assessment.pk}/steps/{slug}/")
                    html = len(response.body())
                    height = page.evaluate("() => document.documentElement.scrollHeight")
                    sideways = page.evaluate(
                        "() => document.documentElement.scrollWidth"
                        " > document.documentElement.clientWidth"
                    )
                    header = page.evaluate(HEADER)
                    rows.append((width, name, skills, height, html, sideways, header))
                    if args.shots:
                        args.shots.mkdir(parents=True, exist_ok=True)
                        shot = args.shots / f"step-{slug}-{width}.png"
                        page.screenshot(path=shot, full_page=True)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()

    total = sum(skills for _, _, skills in steps)
    print(
        f"Questionnaire size: shipped MLOps ladder, {len(steps)} steps, {total} skills; "
        "real Chromium, nothing expanded or answered"
    )
    print(
        f"  {'width':>5} {'step':24} {'skills':>6} {'height':>9} {'px/skill':>8} "
        f"{'HTML':>9} {'B/skill':>8} {'sideways':>8} {'header':>10}"
    )
    for width, name, skills, height, html, sideways, header in rows:
        print(
            f"  {width:>5} {name[:24]:24} {skills:>6} {height:>7} px {height / skills:>8.0f} "
            f"{html / 1024:>6.1f} KB {html / skills:>8.0f} {'yes' if sideways else 'no':>8} "
            f"{header['height']:>4.0f} px/{header['rows']}"
        )
    for width in WIDTHS:
        mine = [row for row in rows if row[0] == width]
        height = sum(row[3] for row in mine)
        html = sum(row[4] for row in mine)
        print(
            f"  {width:>5} {'all steps':24} {total:>6} {height:>7} px {height / total:>8.0f} "
            f"{html / 1024:>6.1f} KB {html / total:>8.0f}"
        )


if __name__ == "__main__":
    main()
