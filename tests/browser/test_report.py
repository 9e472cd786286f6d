"""The report in a real browser: its charts and gaps on screen, without JavaScript, on a phone,
printed to PDF, and through an accessibility scan."""

from __future__ import annotations

import re

import pytest

from assessments.models import Assessment, Rating
from tests.assessments.worked_example import worked_example
from tests.browser.conftest import (
    ALL_IMPACTS,
    axe_violations,
    leave_a_message,
    log_in_with_the_form,
    page_has_no_horizontal_scroll,
)
from tests.factories import PASSWORD, UserFactory, make_mentorship, make_review

pytestmark = pytest.mark.django_db(transaction=True)


def worked_example_draft(submitted: Assessment) -> Assessment:
    """A draft of the same person on the same ladder, to leave a flash message with."""
    return Assessment.objects.create(
        user=submitted.user,
        track=submitted.track,
        version=submitted.version,
        target_role=submitted.target_role,
    )


def expect(actual):
    # Imported when used: conftest turns a missing playwright into a skip (or a CI failure).
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


@pytest.fixture
def reported(page):
    user = UserFactory()
    assessment = worked_example(user)
    log_in_with_the_form(page, user, PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/report/")
    return assessment


def test_the_report_shows_its_charts_and_ranked_gaps(page, reported, artifacts):
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    expect(page.get_by_text("You are ready for Junior; Engineer is close")).to_be_visible()
    chart = page.get_by_role("img", name="Senior: your coverage per category")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 250 and box["height"] > 150
    gaps = page.get_by_role("table", name="Gaps for Senior, most urgent first")
    expect(gaps).to_be_visible()
    expect(gaps.get_by_role("row")).to_have_count(4)  # header and three gaps
    expect(gaps.get_by_role("rowheader").first).to_contain_text("ML pipelines")
    page.screenshot(path=artifacts / "report.png", full_page=True)


def test_the_report_reads_the_same_without_javascript(no_js_page, live_server):
    user = UserFactory()
    assessment = worked_example(user)
    log_in_with_the_form(no_js_page, user, PASSWORD)

    no_js_page.goto(f"/assessments/{assessment.pk}/report/")

    expect(no_js_page.locator("svg.radar-chart").first).to_be_visible()
    expect(no_js_page.get_by_text("Blocked by essential skills: ML pipelines")).to_be_visible()
    # The print button needs JavaScript; the hint beside it stands in for it.
    expect(no_js_page.get_by_role("button", name="Print / save as PDF")).to_be_hidden()
    expect(no_js_page.get_by_text("use your browser's Print command")).to_be_visible()


def test_the_print_button_opens_the_browsers_print_dialog(page, reported):
    # Where the button works, the hint to use the browser's Print command is not needed.
    expect(page.get_by_text("use your browser's Print command")).to_be_hidden()
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")

    page.get_by_role("button", name="Print / save as PDF").click()

    assert page.evaluate("() => window.printed") is True


def test_the_report_prints_to_a_pdf_of_the_whole_report(page, reported, artifacts):
    page.emulate_media(media="print")
    # Folded sections open on paper: the formula is part of the printout.
    expect(page.get_by_text("coverage = Σ importance")).to_be_visible()
    expect(page.get_by_role("link", name="Download CSV")).to_be_hidden()

    path = artifacts / "report.pdf"
    page.pdf(path=path, format="A4", print_background=True)

    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 2  # the whole report, not a first screenful


def test_long_evidence_prints_whole_where_the_screen_shows_its_start(page):
    user = UserFactory()
    assessment = worked_example(user)
    evidence = "Ran the nightly retraining DAG <for a year>, alone. " * 10
    Rating.objects.filter(assessment=assessment, skill__slug="ml-pipelines").update(
        evidence=evidence
    )
    log_in_with_the_form(page, user, PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/report/")
    # The next step, and both roles' gaps and skill tables.
    folded = page.locator("details.evidence-folded")
    expect(folded).to_have_count(5)
    expect(folded.first.locator(".evidence-more")).to_be_visible()

    page.emulate_media(media="print")

    # Paper cannot be clicked: all of it, read as short evidence reads, without "Read all".
    for note in folded.all():
        expect(note.locator("p")).to_be_visible()
        expect(note.locator(".evidence-more")).to_be_hidden()
        shown = " ".join(note.inner_text().split())
        assert shown == "Your evidence: " + evidence.strip()


def test_the_report_opens_with_the_next_step_on_screen(page, reported):
    card = page.locator(".report-next")
    expect(card.get_by_role("heading", level=2)).to_have_text("Your next step")
    expect(card).to_contain_text("Raise ML pipelines to Practitioner to be ready for Engineer.")
    # In the first screenful, before the target and the ladder.
    assert card.bounding_box()["y"] < 300
    target = page.get_by_role("heading", name="Your target: Senior")
    ladder = page.get_by_role("heading", name="The ladder")
    assert card.bounding_box()["y"] < target.bounding_box()["y"] < ladder.bounding_box()["y"]


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_report_fits_and_passes_an_accessibility_scan_with_a_message(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    user = UserFactory()
    assessment = worked_example(user)
    draft = worked_example_draft(assessment)
    # A mentor's review too: the reviewed result and the calibration sit in the report.
    mentor = UserFactory()
    make_mentorship(user, mentor)
    make_review(assessment, mentor, {"python": (3, "Seen it in review."), "docker": 2})
    log_in_with_the_form(page, user, PASSWORD)

    leave_a_message(page, draft)
    page.goto(f"/assessments/{assessment.pk}/report/")

    expect(page.locator(".messages")).to_contain_text("Saved")
    expect(page.get_by_role("heading", name="Your mentor's view")).to_be_visible()
    assert page_has_no_horizontal_scroll(page)
    page.get_by_text("Every skill Senior requires, as a table").click()
    assert page_has_no_horizontal_scroll(page)
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    # Every chart's text is legible: 11 px or more on screen.
    heights = page.locator(".radar-chart text, .dumbbells").evaluate_all(
        "(nodes) => nodes.filter((n) => n.getClientRects().length)"
        ".map((n) => parseFloat(getComputedStyle(n).fontSize)"
        " * (n.getScreenCTM ? n.getScreenCTM().a : 1))"
    )
    assert min(heights) >= 11, heights


def test_the_dumbbells_read_the_same_at_any_width(page, reported):
    rows = page.locator('figure[aria-labelledby="dumbbells-senior"] li.dumbbell')
    first = rows.first
    expect(first).to_contain_text("ML pipelines")
    expect(first).to_contain_text("you 2, needs 4")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        you = first.locator(".dumbbell-you").bounding_box()
        required = first.locator(".dumbbell-required").bounding_box()
        # Round dots, the required one right of yours (2 against 4 on 0..5).
        assert abs(you["width"] - you["height"]) < 0.5
        assert required["x"] > you["x"] + you["width"]
        assert (
            first.locator(".dumbbell-name").evaluate(
                "(n) => parseFloat(getComputedStyle(n).fontSize)"
            )
            >= 14
        )
