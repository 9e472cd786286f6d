"""A mentor's review on the seeker's report and its exports: the reviewed result per rung,
calibration, comments and note, choosing between reviews, the mentor's own view of the
report, and what they cost in queries.

The numbers are the worked example of docs/scoring.md (self: Python 4, ML pipelines 2,
Monitoring 2, Communication 3, Docker 3) reviewed as Python 3, ML pipelines 3,
Communication 1 and Docker 3. Reviewed, by hand:
- Junior: Python min(3,2)*3 = 6, Monitoring 1, Communication 1*2 = 2, Docker 4: 13/15 = 86 %,
  close (below 90 %).
- Engineer: 9 + 9 + 4 + 2 + 6 = 30/34 = 88 %, close.
- Senior: 9 + 9 + 6 + 2 + 6 = 32/50 = 64 %, gap.
Differences (self - mentor): +1, -1, +2, 0: mean 0.5; Communication two levels apart."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.assessments.conftest import answer_all
from tests.assessments.test_report import REPORT_QUERIES
from tests.assessments.worked_example import report_url, section, text_of, worked_example
from tests.factories import (
    AssessmentFactory,
    UserFactory,
    make_ladder,
    make_mentorship,
    make_review,
)

pytestmark = pytest.mark.django_db

REVIEW = {
    "python": (3, "Solid, but not yet the 4 of a library author."),
    "ml-pipelines": 3,
    "communication": (1, "Clear in writing, hesitant in meetings."),
    "docker": 3,
}


@pytest.fixture
def worked(owner):
    return worked_example(owner)


@pytest.fixture
def reviewed(worked, mentor):
    return make_review(worked, mentor, REVIEW, note="Ready to lead a small pipeline project.")


def json_url(assessment) -> str:
    return reverse("assessments:report_json", args=[assessment.pk])


def csv_url(assessment) -> str:
    return reverse("assessments:report_csv", args=[assessment.pk])


def review_part(body: str) -> str:
    return text_of(section(body, "review-title"))


# --- What the seeker sees ----------------------------------------------------------------------


def test_each_rung_shows_the_own_and_the_reviewed_result(owner_client, worked, reviewed):
    body = owner_client.get(report_url(worked)).content.decode()

    ladder = section(body, "ladder-title")
    cards = [text_of(card) for card in re.findall(r"<article(.*?)</article>", ladder, re.S)]
    assert "You: 100% coverage Ready Reviewed: 86% Close" in cards[0]
    assert "You: 91% coverage Close Reviewed: 88% Close" in cards[1]
    assert "You: 72% coverage Gap Reviewed: 64% Gap" in cards[2]


def test_a_review_submitted_after_a_view_shows_on_the_next(owner_client, worked, mentor):
    owner_client.get(report_url(worked))  # the self-assessed report is kept from here on
    make_review(worked, mentor, REVIEW)

    body = owner_client.get(report_url(worked)).content.decode()

    cards = re.findall(r"<article(.*?)</article>", section(body, "ladder-title"), re.S)
    assert "You: 91% coverage Close Reviewed: 88% Close" in text_of(cards[1])


def test_the_review_section_gives_the_reviewed_result_and_the_note(owner_client, worked, reviewed):
    text = review_part(owner_client.get(report_url(worked)).content.decode())

    assert "Your mentor's view" in text
    assert "Reviewed by mentor on" in text
    assert "for 4 skills (the others count at your own level)" in text
    assert "Ready to lead a small pipeline project. — mentor" in text
    assert "Reviewed result: No rung is ready yet; Junior is close: 1 gap, none essential." in text
    assert "Junior 100% Ready 86% Close" in text
    assert "Engineer 91% Close 88% Close" in text
    assert "Senior the target 72% Gap 64% Gap" in text


def test_calibration_calls_out_wide_differences_and_gives_the_mean(owner_client, worked, reviewed):
    text = review_part(owner_client.get(report_url(worked)).content.decode())

    assert (
        "You rate yourself 0.5 levels above mentor on average, over the 4 skills mentor reviewed."
        in text
    )
    assert (
        "Two levels apart or more: Communication: you 3 · Practitioner, mentor 1 · Awareness. "
        "“Clear in writing, hesitant in meetings.”" in text
    )


def test_the_mentors_comments_sit_beside_their_skill(owner_client, worked, reviewed):
    body = owner_client.get(report_url(worked)).content.decode()

    table = body[body.index('<table class="table calibration-table">') :]
    rows = [
        text_of(row) for row in re.findall(r"<tr.*?</tr>", table[: table.index("</table>")], re.S)
    ]
    assert rows[1:] == [
        "Python Technical skills 4 · Advanced 3 · Practitioner +1 self higher "
        "Solid, but not yet the 4 of a library author.",
        "ML pipelines Technical skills 2 · Working 3 · Practitioner -1 self lower —",
        "Communication Soft skills 3 · Practitioner 1 · Awareness +2 self higher "
        "Clear in writing, hesitant in meetings.",
    ]
    # Docker, the same level and no comment, is folded away.
    assert "1 skill with the same level and no comment Docker (3 · Practitioner)." in text_of(body)


@pytest.mark.parametrize(
    ("levels", "sentence"),
    [
        ({"python": 1, "docker": 2}, "You rate yourself 2 levels above mentor on average"),
        ({"python": 5}, "You rate yourself 1 level below mentor on average"),
        ({"python": 4, "docker": 3}, "On average you rate yourself the same as mentor does"),
    ],
    ids=["above", "below", "same"],
)
def test_the_mean_difference_reads_as_a_sentence(owner_client, worked, mentor, levels, sentence):
    make_review(worked, mentor, levels)

    text = review_part(owner_client.get(report_url(worked)).content.decode())

    skills = f"{len(levels)} skill{'s' if len(levels) != 1 else ''}"
    assert f"{sentence}, over the {skills} mentor reviewed." in text


def test_the_seeker_picks_which_review_the_reviewed_result_uses(
    owner, owner_client, worked, reviewed
):
    second = UserFactory(username="second")
    make_mentorship(owner, second)
    later = make_review(worked, second, {"ml-pipelines": 4, "monitoring": 4})

    latest = review_part(owner_client.get(report_url(worked)).content.decode())
    chosen = owner_client.get(report_url(worked) + f"?review={reviewed.pk}").content.decode()

    assert "Reviewed by second" in latest  # the latest submitted, by default
    assert "Reviewed by mentor" in review_part(chosen)
    picker = re.search(r'<select id="review-choice" name="review">(.*?)</select>', chosen, re.S)
    assert f'<option value="{reviewed.pk}" selected>mentor' in picker.group(1)
    assert f'<option value="{later.pk}">second' in picker.group(1)
    # The exports follow the choice.
    assert f'report.csv?review={reviewed.pk}"' in chosen


def test_a_review_id_that_is_not_one_of_this_assessments_submitted_reviews_is_not_found(
    owner, owner_client, worked, reviewed, stranger, other_mentor
):
    draft = make_review(worked, UserFactory(), {"python": 1}, submit=False)
    elsewhere = make_review(worked_example_of(stranger), other_mentor, {"skill-0": 1})

    for wanted in (draft.pk, elsewhere.pk, "not-an-id", "00000000-0000-0000-0000-000000000000"):
        for url in (report_url(worked), json_url(worked), csv_url(worked)):
            assert owner_client.get(f"{url}?review={wanted}").status_code == 404


def worked_example_of(user):
    # A second copy of the example ladder cannot share the track slug; any ladder will do.
    assessment = AssessmentFactory(user=user, version=make_ladder())
    answer_all(assessment)
    assessment.submit()
    return assessment


def test_without_a_review_the_seeker_is_told_how_to_get_one(owner_client, worked):
    text = review_part(owner_client.get(report_url(worked)).content.decode())

    assert "No mentor has reviewed this assessment yet." in text
    assert "Invite a mentor to review your assessments." in text


def test_the_seeker_sees_each_mentors_status_and_can_ask(owner, owner_client, worked, mentor):
    asked = UserFactory(username="busy")
    make_mentorship(owner, asked)
    make_review(worked, asked, {"python": 3}, submit=False)

    body = owner_client.get(report_url(worked)).content.decode()

    text = review_part(body)
    assert "busy: In progress" in text
    assert "mentor: Not asked" in text
    assert f'action="{reverse("assessments:ask_review", args=[worked.pk])}"' in body


def test_the_ask_for_a_review_form_posts_with_its_own_csrf_token(owner, worked, mentor, mailoutbox):
    # As a browser does: the token printed in the form (the report body is Jinja2, which
    # prints a missing variable as nothing), and a client that checks it.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    body = browser.get(report_url(worked)).content.decode()
    ask = reverse("assessments:ask_review", args=[worked.pk])
    form = re.search(rf'<form method="post" action="{ask}".*?</form>', body, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = browser.post(ask, {"csrfmiddlewaretoken": token})

    assert response.status_code == 303
    assert [message.to for message in mailoutbox] == [[mentor.email]]


def test_a_draft_report_has_no_review_section(owner, owner_client, mentor):
    draft = worked_example(owner, submit=False)

    body = owner_client.get(report_url(draft)).content.decode()

    assert 'id="review-title"' not in body


def test_when_the_mentor_deletes_their_account_their_review_leaves_the_report(
    owner_client, worked, reviewed, mentor
):
    User.objects.filter(pk=mentor.pk).delete()

    body = owner_client.get(report_url(worked)).content.decode()

    assert "No mentor has reviewed this assessment yet." in review_part(body)
    assert "Reviewed:" not in body
    assert owner_client.get(json_url(worked)).json()["reviews"] == []


def test_a_review_stays_on_the_report_after_the_seeker_revokes_its_mentor(
    owner_client, worked, reviewed
):
    reviewed.assessment.user.mentorships_as_seeker.get().end("seeker")

    text = review_part(owner_client.get(report_url(worked)).content.decode())

    assert "Reviewed by mentor" in text


# --- What the mentor sees ----------------------------------------------------------------------


def test_the_mentor_reads_the_report_as_the_seeker_sees_it_with_their_own_review(
    owner, mentor_client, worked, reviewed
):
    other = UserFactory(username="second")
    make_mentorship(owner, other)
    make_review(worked, other, {"python": 5}, note="Second opinion")

    body = mentor_client.get(report_url(worked)).content.decode()

    assert "<h1>owner's report</h1>" in body
    assert "“you” below means owner" in body
    text = review_part(body)
    assert "Your review" in text and "You submitted it on" in text
    assert (
        "owner rates themselves 0.5 levels above you on average, over the 4 skills you reviewed."
        in text
    )
    assert "Second opinion" not in body  # other mentors' reviews are not theirs to read
    assert "Ask for a review" not in body
    assert reverse("assessments:progress", args=["mini"]) not in body  # the seeker's own page
    assert "owner@example.com" not in body


def test_a_mentor_without_a_submitted_review_is_offered_to_review(mentor_client, worked, mentor):
    text = review_part(mentor_client.get(report_url(worked)).content.decode())
    assert "Your review: Not asked" in text
    assert "Review this assessment" in text

    make_review(worked, mentor, {"python": 2}, submit=False)

    text = review_part(mentor_client.get(report_url(worked)).content.decode())
    assert "Your review: In progress" in text
    assert "Continue your review" in text


# --- Exports -----------------------------------------------------------------------------------


def test_report_json_carries_the_review_the_reviewed_scores_and_every_review(
    owner, owner_client, worked, reviewed
):
    second = UserFactory(username="second")
    make_mentorship(owner, second)
    later = make_review(worked, second, {"python": 4}, note="Agreed")

    data = owner_client.get(json_url(worked) + f"?review={reviewed.pk}").json()

    review = data["review"]
    assert review["id"] == str(reviewed.pk)
    assert review["mentor"] == "mentor"
    assert review["submitted_at"]
    assert review["note"] == "Ready to lead a small pipeline project."
    assert review["ratings"] == [
        {"skill": "python", "category": "technical", "level": 3, "comment": REVIEW["python"][1]},
        {"skill": "ml-pipelines", "category": "technical", "level": 3, "comment": ""},
        {
            "skill": "communication",
            "category": "soft-skills",
            "level": 1,
            "comment": REVIEW["communication"][1],
        },
        {"skill": "docker", "category": "tools", "level": 3, "comment": ""},
    ]
    reviewed_roles = {role["slug"]: role for role in data["reviewed"]["roles"]}
    assert reviewed_roles["junior"]["coverage"] == round(13 / 15, 4)
    assert reviewed_roles["engineer"]["coverage"] == round(30 / 34, 4)
    assert reviewed_roles["senior"]["coverage"] == 0.64
    assert [role["verdict"] for role in data["reviewed"]["roles"]] == ["close", "close", "gap"]
    assert data["reviewed"]["current_fit"] is None
    # The self-assessed figures are untouched.
    assert data["current_fit"] == "junior"
    assert [r["id"] for r in data["reviews"]] == [str(later.pk), str(reviewed.pk)]
    # By default, the latest.
    assert owner_client.get(json_url(worked)).json()["review"]["id"] == str(later.pk)


def test_report_json_without_a_review(owner_client, worked):
    data = owner_client.get(json_url(worked)).json()

    assert (data["review"], data["reviewed"], data["reviews"]) == (None, None, [])


def test_a_mentor_exports_with_their_own_review_only(owner, mentor_client, worked, reviewed):
    other = UserFactory(username="second")
    make_mentorship(owner, other)
    make_review(worked, other, {"python": 5})

    data = mentor_client.get(json_url(worked)).json()

    assert [review["mentor"] for review in data["reviews"]] == ["mentor"]
    assert data["review"]["mentor"] == "mentor"


def test_report_csv_gains_the_mentors_level_and_comment(owner_client, worked, reviewed):
    rows = list(csv.DictReader(io.StringIO(owner_client.get(csv_url(worked)).content.decode())))

    senior = {row["skill"]: row for row in rows if row["role"] == "senior"}
    assert senior["python"]["mentor_level"] == "3"
    assert senior["python"]["mentor_comment"] == REVIEW["python"][1]
    assert senior["monitoring"]["mentor_level"] == ""  # not reviewed
    assert senior["monitoring"]["mentor_comment"] == ""
    assert senior["python"]["rated"] == "4"  # the seeker's own level stays


def test_a_comment_that_a_spreadsheet_would_run_is_quoted(owner_client, worked, mentor):
    make_review(worked, mentor, {"python": (3, '=HYPERLINK("https://evil.example")')})

    rows = list(csv.DictReader(io.StringIO(owner_client.get(csv_url(worked)).content.decode())))

    assert rows[0]["mentor_comment"].startswith("'=HYPERLINK")


# --- Query counts ------------------------------------------------------------------------------

# The report's own (tests/assessments/test_report.py), the reviews, the answers of the
# submitted ones and the seeker's mentors now.
REVIEWED_REPORT_QUERIES = REPORT_QUERIES + 3
# A mentor: their own review and its answers, and no list of the seeker's mentors but one
# query to check that they mentor the seeker now (its owner needs none).
MENTOR_REPORT_QUERIES = REPORT_QUERIES + 3


@pytest.fixture
def sized(sized, owner, mentor):
    """The shared sized assessment, submitted, reviewed by the mentor and by three others
    (one review under way)."""
    sized.submit()
    slugs = list(sized.version.skills.values_list("slug", flat=True))
    make_review(sized, mentor, {slug: (3, f"On {slug}") for slug in slugs[::2]})
    for number in range(3):
        other = UserFactory(username=f"other{number}")
        make_mentorship(owner, other)
        make_review(sized, other, {slug: 1 for slug in slugs[:3]}, submit=number > 0)
    return sized


def test_the_reviewed_report_costs_the_same_queries_whatever_the_size(
    owner_client, sized, django_assert_num_queries
):
    with django_assert_num_queries(REVIEWED_REPORT_QUERIES):
        response = owner_client.get(report_url(sized))
    assert response.status_code == 200
    assert "Reviewed:" in response.content.decode()


def test_the_mentors_view_of_the_report_costs_the_same_queries_whatever_the_size(
    mentor_client, sized, django_assert_num_queries
):
    with django_assert_num_queries(MENTOR_REPORT_QUERIES):
        response = mentor_client.get(report_url(sized))
    assert response.status_code == 200


def test_a_report_read_by_a_mentor_is_the_same_page_for_htmx(mentor_client, worked, reviewed):
    response = mentor_client.get(report_url(worked), headers={"HX-Request": "true"})

    assert "<html" in response.content.decode()


def test_an_anonymous_visitor_of_a_reviewed_report_is_sent_to_log_in(worked, reviewed):
    response = Client().get(report_url(worked) + f"?review={reviewed.pk}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
