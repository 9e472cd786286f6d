"""The report in a real browser: its charts and gaps on screen, without JavaScript, on a phone,
printed to PDF, and through an accessibility scan."""

from __future__ import annotations

import re

import pytest

from tests.assessments.worked_example import worked_example
from tests.browser.conftest import (
    axe_violations,
    log_in_with_the_form,
    page_has_no_horizontal_scroll,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_the_report_and_progress_pages_pass_an_accessibility_scan(page, reported):
    assert axe_violations(page) == []

    page.goto("/assessments/progress/mini/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress: Mini MLOps")
    assert axe_violations(page) == []


def test_the_report_fits_a_phone(phone_page):
    user = UserFactory()
    assessment = worked_example(user)
    log_in_with_the_form(phone_page, user, PASSWORD)

    phone_page.goto(f"/assessments/{assessment.pk}/report/")

    assert page_has_no_horizontal_scroll(phone_page)
    assert axe_violations(phone_page) == []
