"""The matrix editor in a real browser: an editor changes a cell, adds a skill with its
statements, reviews the diff and publishes; the public role page shows the change and a report
made before stays on its version. Keyboard use of the grid, pages without JavaScript, phones,
and accessibility scans (no violation of any impact) on every editor page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from assessments.models import Rating
from roles.models import Track
from tests.browser.conftest import (
    ALL_IMPACTS,
    axe_violations,
    log_in_with_the_form,
    page_has_no_horizontal_scroll,
)
from tests.factories import PASSWORD, AssessmentFactory, UserFactory, make_editor

MLOPS_LADDER = settings.BASE_DIR / "roles" / "ladders" / "mlops.yaml"
KUBERNETES = "#cell-senior-mlops-engineer--kubernetes"

pytestmark = pytest.mark.django_db(transaction=True)


def expect(actual):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


def _log_in(page, user) -> None:
    # On a phone, Log out waits behind the header's Menu: the shared helper waits for the page.
    log_in_with_the_form(page, user, PASSWORD)


def _shot(page, artifacts: Path, name: str, *, full_page: bool = False) -> None:
    path = artifacts / f"editor-{name}.png"
    page.screenshot(path=path, full_page=full_page)


def _scan(page, where: str) -> None:
    found = axe_violations(page, impacts=ALL_IMPACTS)
    assert found == [], (where, found)


@pytest.fixture
def mlops():
    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())
    return Track.objects.get(slug="mlops")


@pytest.fixture
def earlier_report(mlops):
    """A job seeker's report, submitted on version 1 before anything is published."""
    assessment = AssessmentFactory(
        version=mlops.current_version(),
        target_role=mlops.current_version().roles.get(slug="senior-mlops-engineer"),
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=2)
        for skill in assessment.version.skills.all()
    )
    assessment.submit()
    return assessment


def test_an_editor_changes_a_cell_adds_a_skill_reviews_and_publishes(
    page, mlops, earlier_report, artifacts
):
    _log_in(page, make_editor(username="editor"))
    page.goto("/roles/mlops/")
    page.get_by_role("link", name="Edit this ladder").click()
    page.get_by_role("button", name="Start a draft from version 1").click()
    expect(page.get_by_text("Started draft v2: every change is saved")).to_be_visible()
    _scan(page, "grid")
    _shot(page, artifacts, "grid-1280")

    # One cell, in place: Senior MLOps Engineer needs Kubernetes at Expert.
    cell = page.locator(KUBERNETES)
    expect(cell).to_contain_text("4 · Advanced")
    cell.get_by_role("link").click()
    cell.get_by_label("Level").select_option(label="5 · Expert")
    _scan(page, "an open cell")
    _shot(page, artifacts, "cell-open-1280")
    cell.get_by_role("button", name="Save").click()
    expect(page.locator(KUBERNETES)).to_contain_text("5 · Expert")
    expect(page.locator(f"{KUBERNETES} > a")).to_be_focused()

    # A skill with its statements, required by two roles.
    page.get_by_role("link", name="Add a skill", exact=True).click()
    page.get_by_label("Name").fill("Feature stores")
    page.get_by_label("Category").select_option(label="Tools")
    page.get_by_label("Description").fill("Serving the same features to training and inference.")
    page.get_by_label("1 · Awareness").fill("Knows what a feature store is for.")
    page.get_by_label("3 · Practitioner").fill("Runs a feature store for production models.")
    page.get_by_label("MLOps Engineer: level", exact=True).select_option(label="2 · Working")
    page.get_by_label("Senior MLOps Engineer: level").select_option(label="3 · Practitioner")
    page.get_by_label("Senior MLOps Engineer: importance").select_option(label="3 · Essential")
    _scan(page, "the new skill form")
    page.get_by_role("button", name="Add the skill").click()
    expect(page.get_by_text("Added Feature stores to Tools, required by 2 roles.")).to_be_visible()
    expect(page.locator("#cell-senior-mlops-engineer--feature-stores")).to_contain_text(
        "3 · Practitioner"
    )

    # Review: the changes in words, the ladder checks, then publish.
    page.get_by_role("link", name="Review and publish").first.click()
    expect(
        page.get_by_text(
            "Senior MLOps Engineer now needs Kubernetes at Expert (was Advanced), important."
        )
    ).to_be_visible()
    expect(
        page.get_by_text("New skill Feature stores in Tools, with level statements for levels 1")
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Senior MLOps Engineer now needs Feature stores at Practitioner, essential"
        )
    ).to_be_visible()
    expect(page.get_by_text("1 assessment is in progress")).to_have_count(0)
    _scan(page, "review")
    _shot(page, artifacts, "review-1280", full_page=True)
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Published version 2 of MLOps Engineering")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("Version 2 Published .* by editor"))
    ).to_be_visible()
    _scan(page, "versions")

    # The public role page shows it.
    page.goto("/roles/mlops/senior-mlops-engineer/")
    kubernetes = page.get_by_role("row", name=re.compile("^Kubernetes"))
    expect(kubernetes).to_contain_text("5 · Expert")
    expect(page.get_by_role("row", name=re.compile("^Feature stores"))).to_contain_text(
        "3 · Practitioner"
    )

    # The report made before stays on version 1, and says a newer version exists.
    seeker = earlier_report.user
    page.context.clear_cookies()
    _log_in(page, seeker)
    page.goto(f"/assessments/{earlier_report.pk}/report/")
    expect(page.get_by_text("matrix version 1")).to_be_visible()
    expect(
        page.get_by_text("Version 2 of this ladder has been published since you started.")
    ).to_be_visible()


def test_the_grid_works_from_the_keyboard(page, mlops, artifacts):
    mlops.start_draft()
    _log_in(page, make_editor(username="editor"))
    page.goto("/roles/mlops/edit/")

    # Tab reaches the grid's one tab stop, the first cell.
    page.locator("#matrix-help").click()
    first = page.locator("#cell-junior-mlops-engineer--python > a")
    for _ in range(40):
        page.keyboard.press("Tab")
        if first.evaluate("element => element === document.activeElement"):
            break
    expect(first).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#cell-mlops-engineer--java > a")).to_be_focused()
    page.keyboard.press("End")
    expect(page.locator("#cell-director-of-mlops--java > a")).to_be_focused()
    page.keyboard.press("Home")

    # Enter opens the cell with the level focused; Escape closes it, focus back on the cell.
    page.keyboard.press("Enter")
    level = page.locator("#cell-junior-mlops-engineer--java select[name=level]")
    expect(level).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#cell-junior-mlops-engineer--java > a")).to_be_focused()

    # Enter, choose a level with the arrows, Enter saves.
    page.keyboard.press("Enter")
    expect(level).to_be_focused()
    level.select_option("3")
    page.keyboard.press("Enter")
    expect(page.locator("#cell-junior-mlops-engineer--java")).to_contain_text("3 · Practitioner")
    expect(page.locator("#cell-junior-mlops-engineer--java > a")).to_be_focused()
    assert page.locator('td.cell > a[tabindex="0"]').count() == 1


def test_without_javascript_a_cell_is_edited_on_its_own_page(no_js_page, mlops):
    mlops.start_draft()
    _log_in(no_js_page, make_editor(username="editor"))
    no_js_page.goto("/roles/mlops/edit/")

    no_js_page.locator(f"{KUBERNETES} > a").click()
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text(
        "Senior MLOps Engineer: Kubernetes"
    )
    no_js_page.get_by_label("Level", exact=True).select_option("2")
    no_js_page.get_by_role("button", name="Save").click()

    expect(
        no_js_page.get_by_text("Saved: Senior MLOps Engineer needs Kubernetes at 2 Working")
    ).to_be_visible()
    expect(no_js_page.locator(KUBERNETES)).to_contain_text("2 · Working")


def test_the_editor_pages_on_a_phone(phone_page, mlops, artifacts):
    mlops.start_draft()
    _log_in(phone_page, make_editor(username="editor"))
    pages = {
        "grid": "/roles/mlops/edit/",
        "skill": "/roles/mlops/edit/skills/kubernetes/",
        "review": "/roles/mlops/edit/diff/",
        "import": "/roles/mlops/edit/import/",
        "versions": "/roles/mlops/edit/history/",
        "resources": "/roles/mlops/edit/resources/kubernetes/",
        "changes": "/roles/mlops/edit/changes/",
    }
    for name, url in pages.items():
        phone_page.goto(url)
        assert page_has_no_horizontal_scroll(phone_page), url
        _scan(phone_page, url)
        _shot(phone_page, artifacts, f"{name}-375", full_page=name != "grid")
    phone_page.goto("/roles/mlops/edit/")
    phone_page.locator(f"{KUBERNETES} > a").click()
    expect(phone_page.locator(f"{KUBERNETES} select[name=level]")).to_be_visible()
    _shot(phone_page, artifacts, "cell-open-375")


def test_more_editor_pages_pass_the_scan_on_a_desktop(page, mlops, artifacts):
    mlops.start_draft()
    _log_in(page, make_editor(username="editor"))
    for name, url in {
        "skill": "/roles/mlops/edit/skills/kubernetes/",
        "role": "/roles/mlops/edit/roles/mlops-team-lead/",
        "category": "/roles/mlops/edit/categories/tools/",
        "import": "/roles/mlops/edit/import/",
        "versions": "/roles/mlops/edit/history/",
        "version": "/roles/mlops/edit/history/1/",
        "resources": "/roles/mlops/edit/resources/",
        "skill-resources": "/roles/mlops/edit/resources/kubernetes/",
        "drop": "/roles/mlops/edit/drops/director-of-mlops/kafka/",
        "remove": "/roles/mlops/edit/skills/kafka/remove/",
    }.items():
        page.goto(url)
        _scan(page, url)
        if name in ("skill", "import", "skill-resources"):
            _shot(page, artifacts, f"{name}-1280", full_page=True)


def test_an_import_dry_run_in_the_browser_lists_problems_by_line(page, mlops, tmp_path):
    _log_in(page, make_editor(username="editor"))
    broken = tmp_path / "mlops.yaml"
    broken.write_text(MLOPS_LADDER.read_text().replace("rank: 2", "rank: two", 1))
    page.goto("/roles/mlops/edit/import/")

    page.get_by_label("Ladder file").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file (dry run)").click()

    expect(page.get_by_text("1 problem; nothing was imported.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"mlops\.yaml:\d+: roles\[1\]\.rank"))).to_be_visible()
    # The file stays chosen: fixing it and applying needs no second trip to the file picker.
    assert page.get_by_label("Ladder file").evaluate("input => input.files.length") == 1
    _scan(page, "import problems")


def test_a_stranger_sees_no_editor(page, mlops):
    _log_in(page, UserFactory(username="seeker"))

    response = page.goto("/roles/mlops/edit/")

    assert response.status == 404
