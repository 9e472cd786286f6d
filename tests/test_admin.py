"""The user admin never shows what a user's assessments, invitations and reviews hold."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from tests.assessments.conftest import answer_all
from tests.factories import (
    AssessmentFactory,
    RatingFactory,
    UserFactory,
    make_invitation,
    make_mentorship,
    make_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deleting_staff_client(db) -> Client:
    """Staff allowed to view and delete users, and nothing else."""
    staff = UserFactory(username="helpdesk", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_user", "delete_user"]
        )
    )
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def rated_owner(owner, ladder):
    assessment = AssessmentFactory(user=owner, version=ladder)
    skill = ladder.skills.get(slug="skill-0")
    RatingFactory(assessment=assessment, skill=skill, level=3, evidence="Secret evidence")
    return owner


def assert_shows_no_private_data(content: str) -> None:
    assert "Skill 0" not in content
    assert "= 3" not in content
    assert "Secret evidence" not in content
    assert "Rating:" not in content
    assert "Assessment:" not in content


def test_the_delete_page_counts_a_users_assessments_without_showing_them(
    deleting_staff_client, rated_owner
):
    response = deleting_staff_client.get(f"/admin/auth/user/{rated_owner.pk}/delete/")

    assert response.status_code == 200
    content = response.content.decode()
    assert_shows_no_private_data(content)
    assert "Their private data: 1 assessment, 1 rating (not shown)" in content
    assert "owner" in content


def test_the_bulk_delete_confirmation_hides_them_too(deleting_staff_client, rated_owner):
    response = deleting_staff_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [rated_owner.pk]},
    )

    assert response.status_code == 200
    assert "Are you sure" in response.content.decode()
    assert_shows_no_private_data(response.content.decode())


def test_deleting_still_deletes_the_user_and_their_data(deleting_staff_client, rated_owner):
    response = deleting_staff_client.post(
        f"/admin/auth/user/{rated_owner.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=rated_owner.pk).exists()


def test_mentoring_data_is_counted_not_shown(deleting_staff_client, owner, ladder):
    assessment = AssessmentFactory(user=owner, version=ladder)
    answer_all(assessment)
    assessment.submit()
    mentor = UserFactory(username="mentor")
    make_mentorship(owner, mentor)
    make_invitation(owner, "private-address@example.com", message="Private message")
    make_review(assessment, mentor, {"skill-0": (2, "Private comment")}, note="Private note")

    content = deleting_staff_client.get(f"/admin/auth/user/{owner.pk}/delete/").content.decode()

    for private in ("private-address", "Private message", "Private comment", "Private note"):
        assert private not in content
    assert "Their private data:" in content
    for counted in ("2 invitations", "1 mentorship", "1 review,", "1 review rating"):
        assert counted in content


def test_the_admin_is_branded_careerfit_and_links_back_to_the_site(admin_client):
    body = admin_client.get("/admin/").content.decode()

    assert "CareerFit administration" in body
    assert "<title>Ladders and accounts | CareerFit admin</title>" in body
    assert "Django administration" not in body
    assert "css/admin.css" in body
    assert 'rel="icon" href="/static/favicon.svg"' in body
    assert 'href="/">View site</a>' in body


def test_staff_find_the_admin_in_the_sites_header(admin_client, owner_client):
    assert 'href="/admin/">Admin</a>' in admin_client.get("/").content.decode()
    assert 'href="/admin/"' not in owner_client.get("/").content.decode()
