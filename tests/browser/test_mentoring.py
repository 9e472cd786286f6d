"""Mentoring in a real browser, two people at once (two browser contexts): the seeker invites,
the mentor accepts and reviews by clicking, submits, and the seeker's report shows the
reviewed result and calibration. Every new page passes an accessibility scan (no violation of
any impact) and fits a 375 px phone; the review works without JavaScript too."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from assessments.models import Mentorship, Rating, Review, ReviewRating
from roles.models import Track
from tests.assessments.worked_example import worked_example
from tests.browser.conftest import (
    _open_page,
    axe_violations,
    eventually,
    page_has_no_horizontal_scroll,
)
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    UserFactory,
    make_mentorship,
    make_review,
)

pytestmark = pytest.mark.django_db(transaction=True)

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")
MLOPS_LADDER = settings.BASE_DIR / "roles" / "ladders" / "mlops.yaml"


def expect(actual):
    # Imported when used: conftest turns a missing playwright into a skip (or a CI failure).
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


def log_in(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def scanned(page) -> None:
    assert axe_violations(page, impacts=EVERY_IMPACT) == [], page.url


def choose(skill, level: str) -> None:
    """Click the box of a level ("3 Practitioner") in a skill's row, as a person does."""
    skill.locator(".levels b").filter(has_text=re.compile(rf"^{level}")).click()


@pytest.fixture
def mentor_page(browser, live_server):
    """The mentor's own browser: a second context, no cookies shared with the seeker's."""
    yield from _open_page(browser, live_server, viewport={"width": 1280, "height": 900})


def test_a_seeker_invites_a_mentor_who_reviews_and_the_report_shows_it(
    page, mentor_page, artifacts
):
    seeker = UserFactory(username="maya")
    assessment = worked_example(seeker)
    Rating.objects.filter(assessment=assessment, skill__slug="python").update(
        evidence="Wrote our feature-store client"
    )
    UserFactory(username="sam", email="sam@example.com")

    # The seeker invites.
    page.goto("/accounts/login/?next=/mentoring/")
    log_in(page, "maya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring")
    scanned(page)
    page.get_by_label("Your mentor's email address").fill("sam@example.com")
    page.get_by_label("A message for them").fill("You reviewed my pipeline last spring.")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to sam@example.com")).to_be_visible()
    link = page.get_by_label("Invitation link for sam@example.com").input_value()
    [message] = mail.outbox
    assert link in message.body
    page.screenshot(path=artifacts / "mentoring-invited.png", full_page=True)

    # The mentor opens the link, logs in, comes back and accepts.
    mentor_page.goto(link)
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text(
        "maya invites you to be their mentor"
    )
    expect(mentor_page.get_by_text("You reviewed my pipeline last spring.")).to_be_visible()
    scanned(mentor_page)
    mentor_page.get_by_role("link", name="Log in to accept").click()
    log_in(mentor_page, "sam")
    mentor_page.get_by_role("button", name="Accept: become maya's mentor").click()
    expect(mentor_page.get_by_text("You are now maya's mentor.")).to_be_visible()
    assert Mentorship.objects.active().filter(seeker=seeker, mentor__username="sam").exists()
    scanned(mentor_page)

    # The mentor reviews by clicking.
    mentor_page.get_by_role("link", name="Review it of maya's Mini MLOps assessment").click()
    scanned(mentor_page)
    mentor_page.get_by_role("link", name="Start with Technical skills").click()
    python = mentor_page.get_by_role("group", name="Python", exact=True)
    expect(python.locator(".theirs")).to_contain_text(
        "maya's level: 4 Advanced Python at level 4: does the level-4 thing."
    )
    expect(python.locator(".theirs")).to_contain_text("Wrote our feature-store client")
    # The seeker's level is marked on its choice in the mentor's row.
    expect(python.locator(".levels b").filter(has_text="their level")).to_have_text(
        "4 Advanced their level"
    )
    scanned(mentor_page)
    mentor_page.get_by_role("button", name="Agree: 4 Advanced with maya on Python").click()
    expect(python.get_by_role("status")).to_contain_text("Saved: 4 Advanced, the same as maya")
    expect(python.get_by_role("radio", name=re.compile(r"^4 Advanced"))).to_be_checked()
    pipelines = mentor_page.get_by_role("group", name="ML pipelines", exact=True)
    choose(pipelines, "3 Practitioner")
    expect(pipelines.get_by_role("status")).to_contain_text("Saved: 3 Practitioner")
    # The chosen level's statement shows under the row.
    expect(
        pipelines.get_by_text("ML pipelines at level 3: does the level-3 thing.")
    ).to_be_visible()
    pipelines.get_by_text("Comment", exact=True).click()
    with mentor_page.expect_response(lambda response: "ratings/ml-pipelines" in response.url):
        pipelines.get_by_label("Your comment").fill("Ran two pipelines end to end with me.")
    expect(pipelines.get_by_role("status")).to_contain_text("Saved: 3 Practitioner")
    scanned(mentor_page)
    expect(mentor_page.locator("#overall-progress")).to_contain_text("2 of 5 skills reviewed")
    mentor_page.screenshot(path=artifacts / "review-step.png", full_page=True)
    mentor_page.locator("#step-nav").get_by_role("link", name=re.compile("Soft skills")).click()
    communication = mentor_page.locator("#skill-communication")
    choose(communication, "1 Awareness")
    expect(communication.get_by_role("status")).to_contain_text("Saved: 1 Awareness")
    communication.get_by_text("Comment", exact=True).click()
    with mentor_page.expect_response(lambda response: "ratings/communication" in response.url):
        communication.get_by_label("Your comment").fill("Quiet in design reviews.")
    mentor_page.locator("#step-nav").get_by_role("link", name=re.compile("Note and submit")).click()
    mentor_page.get_by_role("textbox", name="Your overall note").fill("Ready for more ownership.")
    mentor_page.get_by_role("button", name="Submit the review").click()
    expect(
        mentor_page.get_by_text("Review submitted: maya has been told by email.")
    ).to_be_visible()
    scanned(mentor_page)
    review = Review.objects.get()
    assert review.is_submitted and review.note == "Ready for more ownership."
    assert dict(ReviewRating.objects.values_list("skill__slug", "level")) == {
        "python": 4,
        "ml-pipelines": 3,
        "communication": 1,
    }
    assert mail.outbox[-1].to == [seeker.email]

    # The seeker's report shows the reviewed result and calibration.
    page.goto(f"/assessments/{assessment.pk}/report/")
    senior = page.locator("article.ladder-role").filter(has_text="Senior")
    # Reviewed Senior: Python 12, ML pipelines 9, Monitoring 6, Communication 2, Docker 6.
    expect(senior).to_contain_text("Reviewed: 70%")
    review_section = page.locator("#review")
    expect(review_section).to_contain_text("Reviewed by sam")
    expect(review_section).to_contain_text(
        "You rate yourself 0.3 levels above sam on average, over the 3 skills sam reviewed."
    )
    expect(review_section).to_contain_text("Communication: you 3 · Practitioner, sam 1 · Awareness")
    expect(review_section).to_contain_text("Ran two pipelines end to end with me.")
    expect(review_section).to_contain_text("Ready for more ownership.")
    scanned(page)
    review_section.screenshot(path=artifacts / "report-review.png")


@pytest.fixture
def reviewing(page):
    """maya's worked example and sam, her mentor (each test logs in as whom it needs)."""
    seeker = UserFactory(username="maya")
    assessment = worked_example(seeker)
    mentor = UserFactory(username="sam")
    make_mentorship(seeker, mentor)
    return assessment, mentor


def test_the_mentors_pages_pass_an_accessibility_scan_and_fit_a_phone(phone_page, reviewing):
    assessment, mentor = reviewing
    other = UserFactory(username="lee")
    make_mentorship(other, mentor)
    theirs = worked_example_elsewhere(other, assessment)
    make_review(theirs, mentor, {"python": 2})
    phone_page.goto("/accounts/login/?next=/mentoring/")
    log_in(phone_page, "sam")

    for url in (
        "/mentoring/",
        "/mentoring/cohort/",
        "/mentoring/cohort/?sort=python",
        f"/assessments/{assessment.pk}/review/",
        f"/assessments/{assessment.pk}/review/steps/technical/",
        f"/assessments/{theirs.pk}/report/",
        f"/mentoring/{Mentorship.objects.get(seeker=other).pk}/revoke/",
    ):
        phone_page.goto(url)
        assert page_has_no_horizontal_scroll(phone_page), url
        scanned(phone_page)


def worked_example_elsewhere(user, like):
    """Another submitted assessment on the same ladder as `like`."""
    from assessments.models import Assessment

    assessment = Assessment.objects.create(
        user=user, track=like.track, version=like.version, target_role=like.target_role
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=rating.skill, level=max(0, rating.level - 1))
        for rating in like.ratings.select_related("skill")
    )
    assessment.submit()
    return assessment


def test_the_seekers_pages_pass_an_accessibility_scan_and_fit_a_phone(phone_page, reviewing):
    assessment, mentor = reviewing
    make_review(assessment, mentor, {"python": (3, "Close"), "docker": 1}, note="Good")
    phone_page.goto("/accounts/login/?next=/mentoring/")
    log_in(phone_page, "maya")

    for url in ("/mentoring/", f"/assessments/{assessment.pk}/report/"):
        phone_page.goto(url)
        assert page_has_no_horizontal_scroll(phone_page), url
        scanned(phone_page)


def test_a_dead_invitation_link_reads_clearly(page):
    page.goto("/mentoring/invitations/" + "0" * 75 + "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link does not work")
    scanned(page)


def open_the_technical_step(page, reviewing) -> None:
    """Log in as sam from the review's first step, which the login leads back to."""
    assessment, _ = reviewing
    page.goto(f"/accounts/login/?next=/assessments/{assessment.pk}/review/steps/technical/")
    log_in(page, "sam")


def test_the_review_works_without_javascript(no_js_page, reviewing):
    open_the_technical_step(no_js_page, reviewing)

    pipelines = no_js_page.locator("#skill-ml-pipelines")
    choose(pipelines, "3 Practitioner")
    # Agree posts the whole step, agreeing on Python and keeping the choice above.
    no_js_page.get_by_role("button", name="Agree: 4 Advanced with maya on Python").click()

    expect(no_js_page.get_by_text("Saved: you agree with their level.")).to_be_visible()
    assert dict(ReviewRating.objects.values_list("skill__slug", "level")) == {
        "python": 4,
        "ml-pipelines": 3,
    }
    no_js_page.get_by_role("button", name="Save and continue").click()
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text(
        "Step 2 of 4: Operational skills"
    )


def test_a_comment_typed_just_before_the_tab_closes_is_saved(page, reviewing):
    open_the_technical_step(page, reviewing)
    pipelines = page.locator("#skill-ml-pipelines")
    choose(pipelines, "3 Practitioner")
    expect(pipelines.get_by_role("status")).to_contain_text("Saved: 3 Practitioner")
    pipelines.get_by_text("Comment", exact=True).click()

    # Typed, and the tab closed at once: well within the autosave's 0.8 s wait.
    pipelines.get_by_label("Your comment").fill("Builds the DAGs, not yet the retraining.")
    page.close(run_before_unload=True)

    commented = ReviewRating.objects.filter(skill__slug="ml-pipelines", comment__gt="")
    stored = eventually(lambda: list(commented.values_list("level", "comment")))
    assert stored == [(3, "Builds the DAGs, not yet the retraining.")]


def test_long_evidence_shows_its_start_and_opens_by_keyboard_without_javascript(
    no_js_page, reviewing
):
    assessment, _ = reviewing
    evidence = "Moved our nightly retraining from cron to Airflow and kept it green. " * 8
    Rating.objects.filter(assessment=assessment, skill__slug="python").update(evidence=evidence)
    open_the_technical_step(no_js_page, reviewing)
    python = no_js_page.get_by_role("group", name="Python", exact=True)
    folded = python.locator("details.their-evidence")

    expect(folded.locator("summary")).to_contain_text(
        "Their evidence: Moved our nightly retraining from cron to Airflow"
    )
    expect(folded.locator("summary")).to_contain_text("… Read all")
    expect(folded.locator("p")).to_be_hidden()
    folded.locator("summary").focus()
    no_js_page.keyboard.press("Enter")
    expect(folded.locator("p")).to_have_text(evidence.strip())
    # Open, the start and "Read all" give way to the whole of it.
    expect(folded.get_by_text("Read all")).to_be_hidden()


def shown(statement) -> bool:
    """Whether a level's statement is on screen: out of sight, it is kept for screen readers
    in a 1 px box."""
    return statement.bounding_box()["width"] > 1


def test_the_statements_and_the_comment_open_without_javascript_by_keyboard(no_js_page, reviewing):
    open_the_technical_step(no_js_page, reviewing)
    python = no_js_page.get_by_role("group", name="Python", exact=True)
    statements = python.locator(".levels i")
    expect(statements).to_have_count(6)
    expect(statements.first).to_have_text("Has not used this.")
    assert not any(shown(statement) for statement in statements.all())

    # The chosen level's statement shows under the row, without JavaScript too.
    choose(python, "3 Practitioner")
    on_screen = [level for level, statement in enumerate(statements.all()) if shown(statement)]
    assert on_screen == [3]

    # Every statement, by keyboard.
    python.get_by_text("What each level means").focus()
    no_js_page.keyboard.press("Enter")
    assert all(shown(statement) for statement in statements.all())
    expect(statements.last).to_have_text("Python at level 5: does the level-5 thing.")

    # The comment, folded away while empty, opens the same way and saves with the page.
    comment = python.get_by_role("textbox", name="Your comment on Python")
    expect(comment).to_be_hidden()
    python.get_by_text("Comment", exact=True).focus()
    no_js_page.keyboard.press("Enter")
    comment.fill("Types and tests, not yet packaging.")
    no_js_page.get_by_role("button", name="Save and continue").click()

    expect(no_js_page.get_by_role("heading", level=1)).to_have_text(
        "Step 2 of 4: Operational skills"
    )
    stored = ReviewRating.objects.values_list("skill__slug", "level", "comment")
    assert list(stored) == [("python", 3, "Types and tests, not yet packaging.")]


# The height of a review step of the shipped MLOps ladder, divided by its skills, at 1280 px
# with nothing expanded: the seeker's level and its statement, their evidence on every third
# skill (a paragraph of it on every sixth), the row of levels and the two disclosures (it was
# about 970 px a skill when every level was a card with its statement).
REVIEW_STEP_HEIGHT_PER_SKILL = 270


def test_each_review_step_of_the_mlops_ladder_stays_compact_and_fits_a_phone(page):
    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())
    version = Track.objects.get(slug="mlops").current_version()
    seeker = UserFactory(username="maya")
    assessment = AssessmentFactory(user=seeker, version=version)
    skills = list(version.skills.order_by("category__position", "position"))
    # A link longer than a phone is wide, unbroken: the page must wrap it, not scroll sideways.
    # Half of the evidence is a paragraph, which shows its start only.
    evidence = "Ran it in production for a year: https://example.com/" + "runbook-" * 12
    paragraph = "Owned the nightly retraining and its alerts, end to end. " * 6 + evidence
    Rating.objects.bulk_create(
        Rating(
            assessment=assessment,
            skill=skill,
            level=position % 6,
            evidence={0: paragraph, 3: evidence}.get(position % 6, ""),
        )
        for position, skill in enumerate(skills)
    )
    assessment.submit()
    make_mentorship(seeker, UserFactory(username="sam"))
    page.goto("/accounts/login/?next=/mentoring/")
    log_in(page, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring")

    for category in version.categories.order_by("position", "pk"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/assessments/{assessment.pk}/review/steps/{category.slug}/")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        count = category.skills.count()
        assert height / count <= REVIEW_STEP_HEIGHT_PER_SKILL, (category.slug, height / count)
        scanned(page)
        page.set_viewport_size({"width": 375, "height": 740})
        assert page_has_no_horizontal_scroll(page), category.slug

    # Every disclosure open, on a phone: still no sideways scroll.
    page.locator(".skill summary").evaluate_all("summaries => summaries.forEach((s) => s.click())")
    expect(page.locator(".skill details[open]")).not_to_have_count(0)
    expect(page.locator(".skill details:not([open])")).to_have_count(0)
    assert page_has_no_horizontal_scroll(page)
