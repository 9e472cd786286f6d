"""Real Chromium through Playwright against a live server.

Without Chromium the browser tests are skipped with a notice, except in CI (CI=true), where a
missing browser is a failure."""

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


_skip_notice = pytest.StashKey[str]()


def _missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.path.is_relative_to(Path(__file__).parent)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    reason = _missing_reason()
    if reason is None or not browser_items:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Browser tests must run in CI, but {reason}.")
    config.stash[_skip_notice] = f"Skipped {len(browser_items)} browser tests: {reason}."
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    notice = config.stash.get(_skip_notice, None)
    if notice:
        terminalreporter.write_sep("!", notice, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _refused_by_csp(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


def _open_page(browser, live_server, **options):
    """A page of a fresh context; the test fails if the site's Content-Security-Policy
    refused anything on any page it visited (Chromium reports each refusal as a console
    error), so every browser test checks the policy against what the pages really do."""
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    refusals: list[str] = []
    page.on("console", lambda message: _refused_by_csp(message) and refusals.append(message.text))
    yield page
    context.close()
    assert refusals == [], "Content-Security-Policy refused: " + "; ".join(refusals)


@pytest.fixture
def page(browser, live_server):
    yield from _open_page(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, live_server):
    yield from _open_page(
        browser,
        live_server,
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def no_js_page(browser, live_server):
    yield from _open_page(browser, live_server, java_script_enabled=False)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# axe-core's impacts, all of them: the seeker's pages are held to no violation of any.
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page and return the violations of the given impacts."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci --prefix tests/browser`")
    # Evaluated through the DevTools protocol: an inline <script> would be refused by the
    # site's Content-Security-Policy, as it should be.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def page_has_no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def leave_a_message(page, assessment) -> None:
    """Leave a flash message for the next page the browser opens: answer one skill of a draft
    the way a browser without JavaScript does (the redirect that would show it not followed)."""
    skill = assessment.version.skills.order_by("category__position", "position").first()
    page.goto(f"/assessments/{assessment.pk}/")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/assessments/{assessment.pk}/ratings/{skill.slug}/",
        form={"level": "1"},
        headers={"X-CSRFToken": token, "Referer": page.url},
        max_redirects=0,
    )
    assert response.status == 303, response.status


def log_in_with_the_form(page, user, password: str) -> None:
    """Log in through the login page, as a person does, and wait until it is done."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Log in")


T = TypeVar("T")


def eventually(read: Callable[[], T], *, seconds: float = 5) -> T:
    """What `read` returns once it is something (truthy), or at the end of `seconds`: for what
    lands on the server a moment after the browser is done, such as a request sent as a page
    goes away."""
    deadline = time.monotonic() + seconds
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found
