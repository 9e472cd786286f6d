"""Personas and shared fixtures."""

import pytest
from django.conf import settings
from django.test import Client

from assessments.kept import forget_everything
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    UserFactory,
    make_editor,
    make_invitation,
    make_ladder,
    make_mentorship,
)


@pytest.fixture(autouse=True, scope="session")
def _test_settings():
    # Pages render {% static %}; production's manifest storage needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests log in often; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client and the live server speak plain HTTP; tests/test_headers.py checks
    # the redirect to HTTPS and the headers of secure requests.
    settings.SECURE_SSL_REDIRECT = False
    # Mail is sent in the request, so each test sees it in mail.outbox at once;
    # tests/test_mail.py checks the background path.
    settings.EMAIL_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _no_matrix_kept_from_another_test():
    # Versions of two tests may share an id and content: counted queries start from nothing.
    forget_everything()


@pytest.fixture
def ladder(db):
    return make_ladder()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def editor(db):
    """A member of the Matrix editors group: may use the matrix editor, is not staff."""
    return make_editor(username="editor")


@pytest.fixture
def staff(db):
    """Staff without the matrix permission: the editor is a 404 to them."""
    return UserFactory(username="staff", is_staff=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor) -> Client:
    return _client_for(editor)


@pytest.fixture
def staff_client(staff) -> Client:
    return _client_for(staff)


@pytest.fixture
def owner_client(owner) -> Client:
    return _client_for(owner)


@pytest.fixture
def stranger_client(stranger) -> Client:
    return _client_for(stranger)


@pytest.fixture
def admin_client(admin_user) -> Client:
    return _client_for(admin_user)


@pytest.fixture(params=["stranger", "admin"])
def outsider_client(request) -> Client:
    """Anyone signed in who is not the owner: another job seeker, or staff. Neither may see
    someone else's assessment."""
    return request.getfixturevalue(f"{request.param}_client")


# Mentoring personas, around the owner as the job seeker.


@pytest.fixture
def mentor(owner):
    """Accepted the owner's invitation: reads and reviews the owner's submitted assessments."""
    mentor = UserFactory(username="mentor")
    make_mentorship(owner, mentor)
    return mentor


@pytest.fixture
def other_mentor(stranger):
    """Mentors someone else (the stranger), not the owner."""
    other = UserFactory(username="othermentor")
    make_mentorship(stranger, other)
    return other


@pytest.fixture
def invitee(owner):
    """Holds a pending invitation from the owner, not yet accepted."""
    invitee = UserFactory(username="invitee")
    make_invitation(owner, invitee.email)
    return invitee


@pytest.fixture
def revoked_mentor(owner):
    """Was the owner's mentor until the owner revoked it."""
    revoked = UserFactory(username="revoked")
    make_mentorship(owner, revoked, ended=True)
    return revoked


@pytest.fixture
def mentor_client(mentor) -> Client:
    return _client_for(mentor)


@pytest.fixture
def other_mentor_client(other_mentor) -> Client:
    return _client_for(other_mentor)


@pytest.fixture
def invitee_client(invitee) -> Client:
    return _client_for(invitee)


@pytest.fixture
def revoked_mentor_client(revoked_mentor) -> Client:
    return _client_for(revoked_mentor)


@pytest.fixture
def assessment(owner, ladder):
    return AssessmentFactory(user=owner, version=ladder)


__all__ = ["PASSWORD"]
