"""My progress on a track in a real browser: on a desktop, a phone and at 320 px, with a flash
message showing, through an accessibility scan of every impact."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from assessments.models import Assessment, Rating
from tests.assessments.worked_example import WORKED_RATINGS, worked_example
from tests.browser.conftest import (
    ALL_IMPACTS,
    axe_violations,
    leave_a_message,
    log_in_with_the_form,
    page_has_no_horizontal_scroll,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def expect(actual):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


def _another(first: Assessment, ratings: dict[str, int], *, submit: bool) -> Assessment:
    assessment = Assessment.objects.create(
        user=first.user, track=first.track, version=first.version, target_role=first.target_role
    )
    skills = {skill.slug: skill for skill in first.version.skills.all()}
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skills[slug], level=level)
        for slug, level in ratings.items()
    )
    if submit:
        assessment.submit()
        later = first.submitted_at + timedelta(days=30)
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=later)
    return assessment


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_progress_page_fits_and_passes_an_accessibility_scan(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    user = UserFactory()
    first = worked_example(user)
    _another(first, {**WORKED_RATINGS, "ml-pipelines": 4, "docker": 1}, submit=True)
    draft = _another(first, {}, submit=False)
    log_in_with_the_form(page, user, PASSWORD)

    leave_a_message(page, draft)
    page.goto("/assessments/progress/mini/")

    expect(page.locator(".messages")).to_contain_text("Saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress: Mini MLOps")
    # The rung table is whole: a row per rung, nothing cut off at the right.
    table = page.get_by_role("table", name=re.compile("Coverage and verdict of each role"))
    expect(table.get_by_role("row")).to_have_count(4)
    frame = page.get_by_role("region", name=re.compile("Coverage and verdict of each role"))
    assert frame.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    # Chart labels stay legible: no smaller than 10 px on screen.
    sizes = page.locator(".line-chart text").evaluate_all(
        "(texts) => texts.map((t) => t.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 10
    assert page_has_no_horizontal_scroll(page)
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
