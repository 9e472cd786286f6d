"""A mentor's review: the review pages, the autosave of one answer
(POST /assessments/<uuid>/review/ratings/<skill>/, the public contract), Agree, the whole-page
save without JavaScript, the overall note, submitting, and the seeker's "Ask for a review"."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Rating, Review, ReviewRating, server_sequence
from tests.assessments.conftest import HTMX
from tests.assessments.worked_example import folded_evidence, text_of, worked_example
from tests.factories import (
    AssessmentFactory,
    UserFactory,
    make_ladder,
    make_mentorship,
    make_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(owner, mentor):
    """The docs' worked example, submitted by the owner, whom `mentor` mentors."""
    assessment = worked_example(owner)
    Rating.objects.filter(assessment=assessment, skill__slug="python").update(
        evidence="Maintain our feature-store client: https://example.com/pr/42"
    )
    return assessment


def review_url(assessment: Assessment) -> str:
    return reverse("assessments:review", args=[assessment.pk])


def step_url(assessment: Assessment, category: str) -> str:
    return reverse("assessments:review_step", args=[assessment.pk, category])


def rate_url(assessment: Assessment, skill: str) -> str:
    return reverse("assessments:review_rate", args=[assessment.pk, skill])


def submit_url(assessment: Assessment) -> str:
    return reverse("assessments:review_submit", args=[assessment.pk])


def mentor_answers(assessment: Assessment, mentor=None) -> dict[str, tuple[int, str, int]]:
    """The mentor's stored answers: skill slug -> (level, comment, sequence)."""
    answers = ReviewRating.objects.filter(review__assessment=assessment)
    if mentor is not None:
        answers = answers.filter(review__mentor=mentor)
    return {
        slug: (level, comment, sequence)
        for slug, level, comment, sequence in answers.values_list(
            "skill__slug", "level", "comment", "sequence"
        )
    }


def seeker_ratings(assessment: Assessment) -> list[tuple]:
    return list(
        Rating.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("skill__slug", "level", "evidence", "sequence", "updated_at")
    )


# --- The pages ---------------------------------------------------------------------------------


def test_the_overview_walks_the_questionnaires_steps(mentor_client, worked):
    body = mentor_client.get(review_url(worked)).content.decode()

    assert "Your review of owner&#x27;s assessment" in body or "Your review of owner's" in body
    steps = re.findall(r'class="step-nav-name">([^<]+)<', body)
    assert steps == [
        "Technical skills",
        "Operational skills",
        "Soft skills",
        "Tools",
        "Note and submit",
    ]
    assert "<strong>0 of 5</strong> skills reviewed (0%)" in body
    assert "Start with Technical skills" in body
    assert not Review.objects.exists()  # looking creates nothing


def test_a_step_shows_the_seekers_answer_above_the_mentors_row_of_levels(mentor_client, worked):
    body = mentor_client.get(step_url(worked, "technical")).content.decode()
    python = body[body.index("id=skill-python") : body.index("id=skill-ml-pipelines")]
    text = text_of(python)

    assert "owner's level: 4 Advanced Python at level 4: does the level-4 thing." in text
    assert "Their evidence: Maintain our feature-store client" in text
    assert '<a href="https://example.com/pr/42"' in python  # evidence links are links
    assert "name=agree value=python data-agree=4" in python
    assert "Agree: 4 Advanced with owner on Python" in text
    # Six levels to choose from, the seeker's marked as theirs; none chosen yet.
    assert python.count("type=radio") == 6
    assert "value=4><b>4 Advanced <small>their level</small></b>" in python
    assert python.count("<small>") == 1
    assert "checked" not in python
    # Every statement one disclosure away; the comment folded away while it is empty.
    assert (
        "<details class=inline-levels><summary>What each level means</summary></details>" in python
    )
    assert "<details><summary>Comment</summary><textarea name=python-comment" in python
    # Each answer autosaves to the skill's review rating URL, given relative to the step's.
    hx_post = re.search(r"hx-post=(\S+)", python).group(1)
    assert urljoin(step_url(worked, "technical"), hx_post) == rate_url(worked, "python")


def test_a_skill_the_seeker_left_at_level_0_reads_as_never_used(mentor_client, worked):
    Rating.objects.filter(assessment=worked, skill__slug="python").update(level=0, evidence="")

    body = mentor_client.get(step_url(worked, "technical")).content.decode()
    python = body[body.index("id=skill-python") : body.index("id=skill-ml-pipelines")]

    assert "owner's level: 0 None Has not used this." in text_of(python)
    assert "Their evidence" not in python
    assert "value=0><b>0 None <small>their level</small></b> <i>Has not used this.</i>" in python


def test_long_evidence_shows_its_start_and_all_of_it_one_disclosure_away(mentor_client, worked):
    evidence = "Ran the <b>nightly</b> retraining for two years. " * 12 + "https://example.com/x"
    Rating.objects.filter(assessment=worked, skill__slug="python").update(evidence=evidence)

    body = mentor_client.get(step_url(worked, "technical")).content.decode()
    python = body[body.index("id=skill-python") : body.index("id=skill-ml-pipelines")]

    start, whole = folded_evidence(python, "their-evidence")
    assert start.startswith("Their evidence: Ran the <b>nightly</b> retraining")
    assert start.endswith("… Read all")
    assert len(start) < 230
    assert "<b>nightly" not in python  # escaped, in the start and in the whole
    assert text_of(whole).count("retraining for two years") == 12
    assert '<a href="https://example.com/x"' in whole


def test_the_review_steps_load_autosave_js_and_number_answers_from_the_server_clock(
    mentor_client, worked
):
    body = mentor_client.get(step_url(worked, "technical")).content.decode()

    assert "js/autosave.js" in body
    base = int(re.search(r'data-sequence-base="(\d+)"', body).group(1))
    assert abs(base - server_sequence()) < 60 * 1_000_000


def test_an_unknown_step_is_not_found(mentor_client, worked):
    assert mentor_client.get(step_url(worked, "cooking")).status_code == 404


# --- Autosave (the contract) -------------------------------------------------------------------


def test_htmx_save_answers_with_the_saved_fragment_and_progress(mentor_client, worked, mentor):
    response = mentor_client.post(
        rate_url(worked, "python"),
        {"level": 3, "comment": "Strong, not yet 4.", "seq": 10},
        headers=HTMX,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved: 3 Practitioner" in body
    assert "<html" not in body
    assert re.search(r'id="step-nav"[^>]*hx-swap-oob="true"', body)
    assert "<strong>1 of 5</strong> skills reviewed (20%)" in body
    assert mentor_answers(worked, mentor) == {"python": (3, "Strong, not yet 4.", 10)}
    assert Review.objects.get().status == Review.Status.DRAFT


def test_choosing_the_seekers_level_says_so(mentor_client, worked):
    response = mentor_client.post(rate_url(worked, "python"), {"level": 4, "seq": 1}, headers=HTMX)

    assert "Saved: 4 Advanced, the same as owner" in response.content.decode()


def test_without_htmx_it_redirects_back_to_the_skill(mentor_client, worked, mentor):
    response = mentor_client.post(rate_url(worked, "docker"), {"level": 2})

    assert response.status_code == 303
    assert response["Location"] == step_url(worked, "tools") + "#skill-docker"
    level, comment, sequence = mentor_answers(worked)["docker"]
    assert (level, comment) == (2, "")
    assert sequence > 10**15  # the server's clock


def test_an_older_answer_arriving_late_does_not_overwrite_a_newer_one(mentor_client, worked):
    url = rate_url(worked, "python")
    mentor_client.post(url, {"level": 2, "seq": 200}, headers=HTMX)

    late = mentor_client.post(url, {"level": 5, "seq": 100}, headers=HTMX)

    assert late.status_code == 200
    assert "A newer answer is already saved" in late.content.decode()
    assert mentor_answers(worked)["python"] == (2, "", 200)


def test_a_level_without_a_comment_keeps_the_stored_comment(mentor_client, worked):
    url = rate_url(worked, "python")
    mentor_client.post(url, {"level": 2, "comment": "Keep this", "seq": 1}, headers=HTMX)

    mentor_client.post(url, {"level": 3, "seq": 2}, headers=HTMX)

    assert mentor_answers(worked)["python"] == (3, "Keep this", 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": 6}, "Choose a level from 0 to 5."),
        ({"level": -1}, "Choose a level from 0 to 5."),
        ({"level": "three"}, "The level must be a whole number from 0 to 5."),
        ({}, "Choose a level from 0 to 5."),
        ({"comment": "No level"}, "Choose a level first, then add a comment."),
        ({"level": 2, "comment": "x" * 1001}, "Keep the comment to 1000 characters"),
        ({"level": 2, "seq": "soon"}, "The answer counter must be a whole number."),
        ({"level": 2, "seq": 2**70}, "Ensure this value is less than or equal to"),
    ],
    ids=["above", "below", "word", "none", "comment-alone", "long-comment", "bad-seq", "huge-seq"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_bad_input_with_the_error_in_the_row_and_stores_nothing(
    mentor_client, worked, data, message, headers
):
    response = mentor_client.post(rate_url(worked, "python"), data, headers=headers)

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if headers:
        assert "data-retry" in body and "<html" not in body
    else:
        assert f'href="{step_url(worked, "technical")}#skill-python"' in body
    assert mentor_answers(worked) == {}


def test_a_comment_of_exactly_1000_characters_counting_line_breaks_once(mentor_client, worked):
    comment = ("x" * 99 + "\r\n") * 9 + "x" * 100  # 1000 characters as typed, 1009 as sent

    response = mentor_client.post(
        rate_url(worked, "python"), {"level": 2, "comment": comment}, headers=HTMX
    )

    assert response.status_code == 200
    assert len(mentor_answers(worked)["python"][1]) == 1000


def test_it_refuses_a_skill_the_assessment_does_not_hold(mentor_client, worked):
    other = make_ladder()  # its skills are skill-0..7, not in the worked example's version

    for slug in ("cooking", other.skills.first().slug):
        response = mentor_client.post(rate_url(worked, slug), {"level": 2}, headers=HTMX)
        assert response.status_code == 400
        assert "is not a skill of this assessment" in response.content.decode()
    assert not ReviewRating.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_answers_after_the_review_is_submitted(mentor_client, worked, mentor, headers):
    make_review(worked, mentor, {"python": 3})

    response = mentor_client.post(rate_url(worked, "python"), {"level": 5}, headers=headers)

    assert response.status_code == 409
    assert "You have submitted this review: it is locked." in response.content.decode()
    assert mentor_answers(worked) == {"python": (3, "", 0)}


def test_the_review_never_touches_the_seekers_own_ratings(mentor_client, worked):
    before = seeker_ratings(worked)

    mentor_client.post(rate_url(worked, "python"), {"level": 1, "seq": 1}, headers=HTMX)
    mentor_client.post(step_url(worked, "technical"), {"python-level": 2, "agree": "ml-pipelines"})
    mentor_client.post(review_url(worked), {"note": "Fine"})
    mentor_client.post(submit_url(worked), {"note": "Fine"})
    # Nor can a mentor reach the seeker's own autosave or steps.
    seekers_rate = reverse("assessments:rate", args=[worked.pk, "python"])
    assert mentor_client.post(seekers_rate, {"level": 0}, headers=HTMX).status_code == 404
    seekers_step = reverse("assessments:step", args=[worked.pk, "technical"])
    assert mentor_client.post(seekers_step, {"python-level": 0}).status_code == 404

    assert seeker_ratings(worked) == before
    assert Assessment.objects.get().status == Assessment.Status.SUBMITTED


# --- Agree and the whole-page save --------------------------------------------------------------


def test_agree_without_javascript_saves_the_page_with_the_seekers_level_for_that_skill(
    mentor_client, worked
):
    response = mentor_client.post(
        step_url(worked, "technical"),
        {"agree": "ml-pipelines", "python-level": 3, "python-comment": "Close to 4."},
    )

    assert response.status_code == 303
    assert response["Location"] == step_url(worked, "technical") + "#skill-ml-pipelines"
    answers = mentor_answers(worked)
    assert {slug: answer[:2] for slug, answer in answers.items()} == {
        "python": (3, "Close to 4."),
        "ml-pipelines": (2, ""),  # the seeker's level
    }


def test_agree_overrides_a_level_chosen_on_the_page_for_that_skill(mentor_client, worked):
    mentor_client.post(step_url(worked, "technical"), {"agree": "python", "python-level": 1})

    assert mentor_answers(worked)["python"][0] == 4


def test_the_whole_page_save_moves_on_to_the_next_step(mentor_client, worked):
    response = mentor_client.post(
        step_url(worked, "technical"), {"python-level": 4, "ml-pipelines-level": 3}
    )

    assert response["Location"] == step_url(worked, "operational")
    assert {slug: answer[0] for slug, answer in mentor_answers(worked).items()} == {
        "python": 4,
        "ml-pipelines": 3,
    }


def test_the_last_step_moves_on_to_the_note(mentor_client, worked):
    response = mentor_client.post(step_url(worked, "tools"), {"docker-level": 3})

    assert response["Location"] == review_url(worked) + "#note"


def test_a_step_with_one_bad_answer_saves_nothing_and_lists_the_problem(mentor_client, worked):
    mentor_client.post(rate_url(worked, "monitoring"), {"level": 2})  # autosaved before

    response = mentor_client.post(
        step_url(worked, "technical"), {"python-level": 3, "ml-pipelines-level": 9}
    )

    assert response.status_code == 400
    body = response.content.decode()
    # True whatever autosave kept before: this save changed nothing, and nothing is lost.
    assert "Fix 1 answer to save this page" in body
    assert "This save changed nothing. Answers saved before it" in body
    assert "Nothing on this page was saved" not in body
    assert 'href="#skill-ml-pipelines">ML pipelines: Choose a level from 0 to 5.' in body
    # The skill says why too, and its fieldset is described by that.
    assert 'aria-describedby="about-ml-pipelines error-ml-pipelines"' in body
    assert (
        "<p id=error-ml-pipelines class=field-error><strong>Not saved:</strong> Choose a level"
        in body
    )
    # What was posted is shown again, to correct.
    assert "name=python-level value=3 checked>" in body
    assert {slug: answer[0] for slug, answer in mentor_answers(worked).items()} == {"monitoring": 2}


def test_a_step_shows_the_stored_answers(mentor_client, worked, mentor):
    make_review(worked, mentor, {"python": (3, "Nearly")}, submit=False)

    body = mentor_client.get(step_url(worked, "technical")).content.decode()

    assert "name=python-level value=3 checked>" in body
    # A comment with text is shown open.
    assert "<details open><summary>Comment</summary>" in body
    assert ">Nearly</textarea>" in body


# --- Note and submit ---------------------------------------------------------------------------


def test_the_note_is_saved_from_the_overview(mentor_client, worked):
    response = mentor_client.post(review_url(worked), {"note": "Ready for Engineer soon."})

    assert response.status_code == 303
    assert Review.objects.get().note == "Ready for Engineer soon."


def test_a_note_over_its_limit_is_refused(mentor_client, worked):
    for url in (review_url(worked), submit_url(worked)):
        response = mentor_client.post(url, {"note": "x" * 2001})
        assert response.status_code == 400
        assert "Keep the note to 2000 characters" in response.content.decode()
    assert not Review.objects.exists()


def test_submitting_locks_the_review_and_emails_the_seeker(
    mentor_client, worked, mentor, mailoutbox
):
    mentor_client.post(rate_url(worked, "python"), {"level": 3}, headers=HTMX)

    response = mentor_client.post(submit_url(worked), {"note": "Solid Python."})

    assert response.status_code == 303
    review = Review.objects.get()
    assert review.status == Review.Status.SUBMITTED
    assert review.note == "Solid Python."
    [message] = mailoutbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "mentor has reviewed your assessment on CareerFit"
    assert f"/assessments/{worked.pk}/report/?review={review.pk}" in message.body
    page = text_of(mentor_client.get(review_url(worked)).content.decode())
    assert "Submitted on" in page and "It can no longer change." in page
    # The steps now lead back to the locked overview.
    assert mentor_client.get(step_url(worked, "technical"))["Location"] == review_url(worked)


def test_submitting_twice_is_a_quiet_redirect(mentor_client, worked, mentor, mailoutbox):
    make_review(worked, mentor, {"python": 3})

    response = mentor_client.post(submit_url(worked), {"note": "changed"})

    assert response.status_code == 303
    assert Review.objects.get().note == ""
    assert mailoutbox == []


def test_an_empty_review_cannot_be_submitted(mentor_client, worked, mailoutbox):
    for _ in range(2):  # without a review, then with an empty one
        response = mentor_client.post(submit_url(worked), {"note": "   "})
        assert response.status_code == 303
        page = mentor_client.get(response["Location"]).content.decode()
        assert "Give a level for at least one skill, or write a note" in page
        mentor_client.post(review_url(worked), {"note": ""})
    assert Review.objects.get().status == Review.Status.DRAFT
    assert mailoutbox == []


def test_a_note_alone_is_a_review(mentor_client, worked):
    mentor_client.post(submit_url(worked), {"note": "Agree with every level."})

    assert Review.objects.get().status == Review.Status.SUBMITTED


def test_several_mentors_review_the_same_assessment_separately(
    owner, mentor, mentor_client, worked
):
    second = UserFactory(username="second")
    make_mentorship(owner, second)
    second_client = Client()
    second_client.force_login(second)

    mentor_client.post(rate_url(worked, "python"), {"level": 3, "seq": 1}, headers=HTMX)
    second_client.post(rate_url(worked, "python"), {"level": 5, "seq": 1}, headers=HTMX)
    second_client.post(submit_url(worked), {"note": "Mine"})

    assert Review.objects.count() == 2
    assert mentor_answers(worked, mentor) == {"python": (3, "", 1)}
    assert mentor_answers(worked, second) == {"python": (5, "", 1)}
    assert Review.objects.get(mentor=mentor).status == Review.Status.DRAFT
    # Each sees their own review only.
    body = mentor_client.get(step_url(worked, "technical")).content.decode()
    assert "name=python-level value=3 checked>" in body


# --- Ask for a review --------------------------------------------------------------------------


def ask_url(assessment: Assessment) -> str:
    return reverse("assessments:ask_review", args=[assessment.pk])


def test_asking_for_a_review_emails_each_mentor_who_has_not_reviewed_it(
    owner, owner_client, mentor, worked, mailoutbox
):
    done = UserFactory(username="done")
    make_mentorship(owner, done)
    make_review(worked, done, {"python": 4})

    response = owner_client.post(ask_url(worked))

    assert response.status_code == 303
    assert response["Location"] == reverse("assessments:report", args=[worked.pk])
    [message] = mailoutbox
    assert message.to == [mentor.email]
    assert message.subject == "owner asks for your review on CareerFit"
    assert f"http://testserver{review_url(worked)}" in message.body
    assert Assessment.objects.get().review_requested_at is not None


def test_asking_goes_back_to_a_same_site_next(owner_client, mentor, worked):
    response = owner_client.post(ask_url(worked), {"next": "/mentoring/#reviews"})
    assert response["Location"] == "/mentoring/#reviews"

    Assessment.objects.update(review_requested_at=None)
    response = owner_client.post(ask_url(worked), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("assessments:report", args=[worked.pk])


def test_asking_again_the_same_day_sends_nothing(owner_client, mentor, worked, mailoutbox):
    owner_client.post(ask_url(worked))

    again = owner_client.post(ask_url(worked))

    assert again.status_code == 429
    assert "You can remind them a day after that." in again.content.decode()
    assert len(mailoutbox) == 1


def test_asking_without_a_mentor_or_for_a_draft_is_refused(owner, owner_client, mailoutbox):
    submitted = worked_example(owner)
    draft = AssessmentFactory(user=owner)

    no_mentor = owner_client.post(ask_url(submitted))
    assert no_mentor.status_code == 409
    assert "You have no mentor yet" in no_mentor.content.decode()
    make_mentorship(owner, UserFactory())
    not_submitted = owner_client.post(ask_url(draft))
    assert not_submitted.status_code == 409
    assert "Submit the assessment first" in not_submitted.content.decode()
    assert mailoutbox == []
    assert not Assessment.objects.filter(review_requested_at__isnull=False).exists()


def test_only_the_seeker_asks(mentor_client, stranger_client, worked, mailoutbox):
    assert mentor_client.post(ask_url(worked)).status_code == 404
    assert stranger_client.post(ask_url(worked)).status_code == 404
    assert mailoutbox == []


# --- Query counts ------------------------------------------------------------------------------

# session, user, assessment (with the seeker, track, version, target role: the mentorship is a
# subquery), the review, the steps' progress, the step's skills, the seeker's ratings and the
# mentor's answers on the step.
REVIEW_STEP_QUERIES = 8
# session, user, assessment, review, its progress.
REVIEW_OVERVIEW_QUERIES = 5
# session, user, assessment, review, the conditional write (savepoint, update updated_at,
# update answer, release), the seeker's level, progress. The skill comes from the version's
# skills this process keeps (step_skills): the first request to meet the version reads them.
REVIEW_AUTOSAVE_QUERIES = 10


@pytest.fixture
def sized(sized, mentor):
    """The shared sized assessment, submitted, with the mentor's review of five skills under
    way."""
    sized.submit()
    skills = sized.version.skills.all()[:5]
    make_review(sized, mentor, {skill.slug: 3 for skill in skills}, submit=False)
    return sized


def test_a_review_step_costs_the_same_queries_whatever_the_size(
    mentor_client, sized, django_assert_num_queries
):
    with django_assert_num_queries(REVIEW_STEP_QUERIES):
        response = mentor_client.get(step_url(sized, "cat-0"))
    assert response.status_code == 200


def test_the_review_overview_costs_the_same_queries_whatever_the_size(
    mentor_client, sized, django_assert_num_queries
):
    with django_assert_num_queries(REVIEW_OVERVIEW_QUERIES):
        response = mentor_client.get(review_url(sized))
    assert response.status_code == 200


def test_a_review_autosave_costs_the_same_queries_whatever_the_size(
    mentor_client, sized, django_assert_num_queries
):
    answered = [rating.skill for rating in ReviewRating.objects.select_related("skill")[:2]]
    with django_assert_num_queries(REVIEW_AUTOSAVE_QUERIES + 1):
        response = mentor_client.post(rate_url(sized, answered[0].slug), {"level": 4}, headers=HTMX)
    assert response.status_code == 200
    with django_assert_num_queries(REVIEW_AUTOSAVE_QUERIES):
        response = mentor_client.post(rate_url(sized, answered[1].slug), {"level": 4}, headers=HTMX)
    assert response.status_code == 200
