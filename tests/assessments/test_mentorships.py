"""The mentoring page (/mentoring/: my mentors, the reviews of my assessments, my mentees) and
ending a mentorship from either side (/mentoring/<uuid>/revoke/)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.mentees import RECENT_REVIEWED
from assessments.models import Assessment, Mentorship
from tests.assessments.conftest import HTMX, answer_all
from tests.assessments.worked_example import report_url, section, text_of, worked_example
from tests.factories import (
    AssessmentFactory,
    UserFactory,
    make_invitation,
    make_ladder,
    make_mentees,
    make_mentorship,
    make_review,
)

pytestmark = pytest.mark.django_db

MENTORING = "/mentoring/"


def end_url(mentorship: Mentorship) -> str:
    return reverse("mentoring:end", args=[mentorship.pk])


def part(client, heading_id: str) -> str:
    return unescape(text_of(section(client.get(MENTORING).content.decode(), heading_id)))


# --- The seeker's side -------------------------------------------------------------------------


def test_a_new_seeker_sees_how_to_invite_and_what_a_mentor_sees(owner_client):
    text = part(owner_client, "mentors-title")

    assert "Invite a mentor" in text
    assert "Your mentor's email address" in text
    assert "Sees your submitted assessments and their reports" in text
    assert "Never sees drafts" in text
    assert "No mentor yet." in text


def test_the_seeker_sees_pending_invitations_with_their_link_and_mentors_with_revoke(
    owner, owner_client, mentor
):
    pending = make_invitation(owner, "ada@example.com")

    body = owner_client.get(MENTORING).content.decode()

    invitations = body[body.index('id="invitations-title"') :]
    assert f'value="http://testserver/mentoring/invitations/{pending.token}/" readonly' in body
    assert "ada@example.com" in text_of(invitations[: invitations.index("</ul>")])
    mentorship = Mentorship.objects.get(mentor=mentor)
    assert f'href="{end_url(mentorship)}">Revoke' in body
    assert "invited as mentor@example.com, your mentor since" in text_of(body)


def test_the_seeker_sees_the_reviews_of_their_assessments_and_can_ask(owner, owner_client, mentor):
    assessment = worked_example(owner)
    make_review(assessment, mentor, {"python": 3})
    busy = UserFactory(username="busy")
    make_mentorship(owner, busy)
    make_review(assessment, busy, {"python": 3}, submit=False)
    gone = UserFactory(username="gone")
    make_mentorship(owner, gone, ended=False)
    make_review(assessment, gone, {"python": 1}, submit=False)
    Mentorship.objects.filter(mentor=gone).get().end(Mentorship.EndedBy.SEEKER)

    body = owner_client.get(MENTORING).content.decode()

    text = text_of(section(body, "reviews-title"))
    assert "Mini MLOps: aiming for Senior" in text
    assert "Reviewed by mentor on" in text
    assert "In progress busy is reviewing it" in text
    assert "gone" not in text  # no longer a mentor: their draft will not be finished
    assert reverse("assessments:ask_review", args=[assessment.pk]) in body


def test_a_long_history_shows_the_latest_assessments_and_points_to_the_rest(owner, owner_client):
    version = make_ladder(skills=3, roles=2)
    now = timezone.now()
    for day in range(RECENT_REVIEWED + 2):
        assessment = AssessmentFactory(user=owner, version=version)
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Assessment.Status.SUBMITTED, submitted_at=now - timedelta(days=day)
        )
    latest_only = AssessmentFactory(user=owner, version=version)  # a draft: never listed

    text = part(owner_client, "reviews-title")

    assert text.count("aiming for") == RECENT_REVIEWED
    assert f"These are your latest {RECENT_REVIEWED}." in text
    assert "My assessments lists the older ones" in text
    assert str(latest_only.pk) not in owner_client.get(MENTORING).content.decode()


# --- The mentor's side -------------------------------------------------------------------------


def test_a_mentor_sees_each_mentee_with_latest_assessment_target_readiness_and_status(
    owner, mentor_client
):
    older = worked_example(owner)
    newer = AssessmentFactory(user=owner, version=older.version, target_role=older.target_role)
    answer_all(newer, level=4)
    newer.submit()
    AssessmentFactory(user=owner, version=older.version)  # a draft: never shown

    body = mentor_client.get(MENTORING).content.decode()

    text = text_of(section(body, "mentees-title"))
    assert "owner Latest assessment Mini MLOps, submitted" in text
    assert "Target role Senior" in text
    # Everything at 4: Senior needs 4 everywhere but Docker (3): 50/50.
    assert "Readiness 100% coverage Ready" in text
    assert "Your review Not asked" in text
    assert "Earlier assessments (1)" in text
    assert report_url(older) in body and report_url(newer) in body
    assert body.count("/report/") == 3  # the newer twice (facts, actions), the older once


def test_the_review_status_moves_from_not_asked_to_reviewed(
    owner, owner_client, mentor, mentor_client
):
    assessment = worked_example(owner)

    def status() -> str:
        text = part(mentor_client, "mentees-title")
        return re.search(r"Your review (Not asked|Asked|In progress|Reviewed)", text).group(1)

    assert status() == "Not asked"
    owner_client.post(reverse("assessments:ask_review", args=[assessment.pk]))
    assert status() == "Asked"
    mentor_client.post(
        reverse("assessments:review_rate", args=[assessment.pk, "python"]),
        {"level": 3},
        headers=HTMX,
    )
    assert status() == "In progress"
    mentor_client.post(reverse("assessments:review_submit", args=[assessment.pk]))
    assert status() == "Reviewed"


def test_a_mentee_without_a_submitted_assessment_is_listed_without_one(owner, mentor_client):
    AssessmentFactory(user=owner)  # a draft

    text = part(mentor_client, "mentees-title")

    assert "owner No submitted assessment yet" in text


def test_the_cohort_view_is_offered_with_two_mentees_or_more(
    owner, stranger, mentor, mentor_client
):
    assert "Cohort view: who lacks what" not in mentor_client.get(MENTORING).content.decode()

    make_mentorship(stranger, mentor)

    assert "Cohort view: who lacks what" in mentor_client.get(MENTORING).content.decode()


def test_someone_mentoring_nobody_is_told_how_it_starts(stranger_client):
    assert "Nobody has invited you yet." in part(stranger_client, "mentees-title")


# --- Ending a mentorship -----------------------------------------------------------------------


@pytest.fixture
def mentorship(mentor):
    return Mentorship.objects.get(mentor=mentor)


def test_the_seeker_is_asked_to_confirm_before_revoking(owner_client, mentorship):
    body = owner_client.get(end_url(mentorship)).content.decode()

    text = text_of(body)
    assert "Revoke mentor's access?" in text
    assert "will no longer see any of your assessments or reports" in text
    assert "Reviews mentor has already submitted stay in your reports." in text
    assert f'<form method="post" action="{end_url(mentorship)}"' in body
    assert Mentorship.objects.get().is_active


def test_revoking_ends_every_access_of_the_mentor_including_a_review_in_progress(
    owner, owner_client, mentor, mentor_client, mentorship
):
    assessment = worked_example(owner)
    make_review(assessment, mentor, {"python": 3}, submit=False)
    urls = [
        report_url(assessment),
        reverse("assessments:report_json", args=[assessment.pk]),
        reverse("assessments:review", args=[assessment.pk]),
        reverse("assessments:review_step", args=[assessment.pk, "technical"]),
    ]
    assert all(mentor_client.get(url).status_code == 200 for url in urls)

    response = owner_client.post(end_url(mentorship))

    assert response.status_code == 303
    assert "mentor is no longer your mentor." in owner_client.get(MENTORING).content.decode()
    assert [mentor_client.get(url).status_code for url in urls] == [404] * 4
    rate = reverse("assessments:review_rate", args=[assessment.pk, "python"])
    assert mentor_client.post(rate, {"level": 5}, headers=HTMX).status_code == 404
    submit = reverse("assessments:review_submit", args=[assessment.pk])
    assert mentor_client.post(submit).status_code == 404
    assert mentor_client.get(end_url(mentorship)).status_code == 404
    ended = Mentorship.objects.get()
    assert ended.ended_by == Mentorship.EndedBy.SEEKER
    assert "owner" not in part(mentor_client, "mentees-title")


def test_revoking_twice_is_not_an_error_for_the_seeker(owner_client, mentorship):
    owner_client.post(end_url(mentorship))
    ended_at = Mentorship.objects.get().ended_at

    again = owner_client.post(end_url(mentorship))

    assert again.status_code == 303
    assert Mentorship.objects.get().ended_at == ended_at


def test_the_mentor_leaves_after_confirming(mentor_client, mentorship, owner):
    text = text_of(mentor_client.get(end_url(mentorship)).content.decode())
    assert "Stop mentoring owner?" in text
    assert "Reviews you have submitted stay in owner's reports." in text

    response = mentor_client.post(end_url(mentorship))

    assert response.status_code == 303
    assert Mentorship.objects.get().ended_by == Mentorship.EndedBy.MENTOR
    assessment = worked_example(owner)
    assert mentor_client.get(report_url(assessment)).status_code == 404


def test_only_the_two_parties_may_end_it(
    stranger_client, admin_client, other_mentor_client, mentorship
):
    for client in (stranger_client, admin_client, other_mentor_client):
        assert client.get(end_url(mentorship)).status_code == 404
        assert client.post(end_url(mentorship)).status_code == 404
    assert Mentorship.objects.get(pk=mentorship.pk).is_active


def test_a_new_invitation_accepted_after_revoking_starts_a_new_mentorship(
    owner, owner_client, mentor, mentor_client, mentorship
):
    assessment = worked_example(owner)
    make_review(assessment, mentor, {"python": 3}, submit=False)
    owner_client.post(end_url(mentorship))

    invitation = make_invitation(owner, mentor.email)
    mentor_client.post(reverse("mentoring:invitation", args=[invitation.token]))

    assert Mentorship.objects.active().get().pk != mentorship.pk
    # The review in progress is theirs to finish again.
    step = reverse("assessments:review_step", args=[assessment.pk, "technical"])
    assert "name=python-level value=3 checked>" in mentor_client.get(step).content.decode()


# --- Query counts ------------------------------------------------------------------------------

# session, user, my mentors, my open invitations, my submitted assessments, their reviews, my
# mentees (mentorships), their submitted assessments, my reviews of the latest, the scoring
# matrix of the one version in use (4).
MENTORING_PAGE_QUERIES = 13


@pytest.fixture
def cohort_of_mentor(cohort_size, owner):
    mentees, skills = cohort_size
    ladder = make_ladder(skills=skills, roles=5, categories=4)
    mentor = UserFactory(username="busy-mentor")
    for number, assessment in enumerate(make_mentees(mentor, ladder, mentees)):
        if number % 3 == 0:
            make_review(assessment, mentor, {"skill-0": 2}, submit=number % 2 == 0)
    # The mentor is a seeker too.
    make_mentorship(mentor, owner)
    make_invitation(mentor, "someone@example.com")
    own = AssessmentFactory(user=mentor, version=ladder)
    answer_all(own)
    own.submit()
    make_review(own, owner, {"skill-1": 3})
    return mentor, mentees


def test_the_mentoring_page_costs_the_same_queries_for_1_or_30_mentees_and_any_size(
    client, cohort_of_mentor, django_assert_num_queries
):
    mentor, mentees = cohort_of_mentor
    client.force_login(mentor)

    with django_assert_num_queries(MENTORING_PAGE_QUERIES):
        response = client.get(MENTORING)

    assert response.status_code == 200
    assert response.content.decode().count('class="card mentee-card"') == mentees


def test_mentees_on_different_versions_cost_no_more_queries(
    owner, mentor, mentor_client, django_assert_num_queries
):
    for version in (make_ladder(), make_ladder()):
        assessment = AssessmentFactory(user=owner, version=version)
        answer_all(assessment)
        assessment.submit()
    other = UserFactory()
    make_mentorship(other, mentor)
    theirs = AssessmentFactory(user=other, version=make_ladder())
    answer_all(theirs)
    theirs.submit()

    # The seeker side runs no review query here (no own submitted assessment): one fewer.
    # Three versions' matrices are built together, in the four queries of one.
    with django_assert_num_queries(MENTORING_PAGE_QUERIES - 1):
        mentor_client.get(MENTORING)


def test_asking_is_offered_only_while_a_mentor_has_not_reviewed(owner, owner_client, mentor):
    assessment = worked_example(owner)
    ask = reverse("assessments:ask_review", args=[assessment.pk])
    assert ask in owner_client.get(MENTORING).content.decode()
    assert ask in owner_client.get(report_url(assessment)).content.decode()

    make_review(assessment, mentor, {"python": 3})

    assert ask not in owner_client.get(MENTORING).content.decode()
    report = owner_client.get(report_url(assessment)).content.decode()
    assert ask not in report
    assert "Every one of your mentors has reviewed it." in report
